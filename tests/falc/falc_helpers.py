"""Helpers for the FALC rule tests: run one rule on one text."""

from __future__ import annotations

from bot.falc.lexicon import load
from bot.falc.rules import RULES, Finding
from bot.falc.text import bubbles_of


def run(rule: str, text: str, kind: str = "message", level: str | None = None) -> list[Finding]:
    """Findings of one rule on one text (only those of `level` when given)."""
    found = RULES[rule].fn(bubbles_of(text, paragraphs=False), kind, load())
    return [f for f in found if level is None or f.level == level]


def words(findings: list[Finding]) -> list[str]:
    return [w for f in findings for w in f.words]


def lex_ok() -> bool:
    """The shipped word list is there and big enough to be the real one."""
    return len(load().frequent) > 20_000
