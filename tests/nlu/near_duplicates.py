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


def find(
    training: Iterable[tuple[str, str]], heldout: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Every (training text, held-out text) pair of near duplicates with the same intent;
    both arguments give (text, intent) pairs."""
    held: dict[str, list[tuple[str, str]]] = {}
    for text, intent in heldout:
        held.setdefault(intent, []).append((text, normalise(text)))
    pairs = []
    for text, intent in training:
        t = normalise(text)
        pairs += [(text, h) for h, n in held.get(intent, []) if near_duplicate(t, n)]
    return pairs
