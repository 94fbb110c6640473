"""The word lists the rules read: loaded once from bot/falc/data/, never from the network."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.falc.build_wordlist import base_forms

DATA = Path(__file__).parent / "data"

# Elided words written before an apostrophe: "l'ordonnance", "qu'il", "jusqu'à".
ELIDED = {
    "l",
    "d",
    "j",
    "n",
    "s",
    "c",
    "m",
    "t",
    "qu",
    "jusqu",
    "lorsqu",
    "puisqu",
    "quoiqu",
    "quelqu",
    "presqu",
}


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


@dataclass(frozen=True)
class Lexicon:
    frequent: frozenset[str]
    glossary: dict[str, str]  # lowercased phrase -> explanation
    glossary_phrases: tuple[tuple[str, ...], ...]  # multi-word entries, longest first
    acronyms: dict[str, str]  # as written -> explanation
    synonyms: tuple[tuple[str, tuple[str, ...]], ...]  # (use, (variant, ...)) lowercased
    hard_words: dict[str, str]  # word -> plain replacement
    passive_ok: frozenset[str]

    def is_frequent(self, word: str) -> bool:
        """A word form in the frequent list, or a regular inflection of one that is."""
        w = _norm(word)
        if w in self.frequent:
            return True
        return any(b in self.frequent for b in base_forms(w))


@cache
def load() -> Lexicon:
    words = (DATA / "frequent_fr.txt").read_text(encoding="utf-8").split("\n")
    frequent = frozenset(w.strip() for w in words if w.strip() and not w.startswith("#"))
    glossary = {_norm(k): v for k, v in _yaml("glossary.yml").items()}
    phrases = sorted(
        (tuple(_norm(k).split()) for k in glossary if " " in k),
        key=len,
        reverse=True,
    )
    acronyms = {str(k): v for k, v in _yaml("acronyms.yml").items()}
    synonyms = tuple(
        (str(e["use"]), tuple(_norm(str(v)) for v in e["not"])) for e in _yaml("synonyms.yml")
    )
    hard = {_norm(k): v for k, v in _yaml("hard_words.yml").items()}
    passive = _yaml("passive.yml")
    passive_ok = frozenset(_norm(w) for group in passive.values() for w in group)
    return Lexicon(frequent, glossary, tuple(phrases), acronyms, synonyms, hard, passive_ok)


def _yaml(name: str) -> Any:
    with open(DATA / name, encoding="utf-8") as f:
        return yaml.safe_load(f)
