"""Near-duplicate detection between NLU training examples and held-out sentences.

A held-out sentence measures generalisation only if the model never trained on it nor on a
reordering, a one-word change or a re-spelling of it with the same intent. Two sentences of
the same intent are near duplicates when,
after lowercasing, accent and punctuation stripping:
- their word sets are equal (a reordering), or
- they differ by one word added, removed or replaced, the shorter having at least 4 words, or
- their characters are 90 % alike (difflib ratio: re-spellings such as "jveu" / "je veux").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher

CHAR_RATIO = 0.9
MIN_WORDS_FOR_ONE_WORD_CHANGE = 4
MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    """Lowercase, no accents, no punctuation, no entity markup, single spaces."""
    text = MARKUP.sub(r"\1", text)
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(re.findall(r"\w+", text))


def near_duplicate(a: str, b: str) -> bool:
    """Whether two normalised sentences are near duplicates (see the module docstring)."""
    if a == b:
        return True
    wa, wb = set(a.split()), set(b.split())
    if wa == wb:
        return True
    if min(len(wa), len(wb)) >= MIN_WORDS_FOR_ONE_WORD_CHANGE and len(wa ^ wb) <= 2:
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= CHAR_RATIO
        and matcher.quick_ratio() >= CHAR_RATIO
        and matcher.ratio() >= CHAR_RATIO
    )


class HeldOut:
    """Held-out sentences by intent, normalised once."""

    def __init__(self, sentences: Iterable[tuple[str, str]]) -> None:
        self._by_intent: dict[str, list[tuple[str, str]]] = {}
        for text, intent in sentences:
            self._by_intent.setdefault(intent, []).append((text, normalise(text)))

    def copies_of(self, text: str, intent: str) -> list[str]:
        """The held-out sentences of this intent that `text` nearly duplicates."""
        t = normalise(text)
        return [h for h, n in self._by_intent.get(intent, []) if near_duplicate(t, n)]


def find(
    training: Iterable[tuple[str, str]], heldout: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Every (training text, held-out text) pair of near duplicates with the same intent;
    both arguments give (text, intent) pairs."""
    held = HeldOut(heldout)
    return [(text, h) for text, intent in training for h in held.copies_of(text, intent)]
