"""Run every rule on every text, apply the exceptions, and compute the summary numbers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import textstat

from bot.falc.collect import Text
from bot.falc.lexicon import Lexicon, load
from bot.falc.rules import ERROR, RULES, WARNING, Finding
from bot.falc.text import PH, bubbles_of

MIN_AVERAGE_KANDEL_MOLES = 75.0
GLOBAL_RULE = "kandel-moles"
KNOWN_RULES = set(RULES) | {GLOBAL_RULE}

# textstat's flesch_reading_ease with lang "fr" is the Kandel–Moles formula:
# 207 - 1.015 * words/sentence - 73.6 * syllables/word (textstat/backend/utils/constants.py,
# LANG_CONFIGS["fr"]), syllables from pyphen's French dictionary.
textstat.set_lang("fr")


@dataclass
class TextResult:
    text: Text
    findings: list[Finding] = field(default_factory=list)
    n_sentences: int = 0
    n_words: int = 0
    kandel_moles: float | None = None

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.excepted is None]


def kandel_moles(bubbles_text: list[str]) -> float:
    """Kandel–Moles score of sentences; a placeholder reads as a short common word."""
    parts = []
    for s in bubbles_text:
        s = re.sub(rf"{PH}slot\d+{PH}", "lundi", s).strip()
        parts.append(s if s[-1:] in ".!?…" else s + ".")
    return float(textstat.flesch_reading_ease(" ".join(parts)))


def check_text(text: Text, lex: Lexicon | None = None) -> TextResult:
    lex = lex or load()
    bubbles = bubbles_of(text.text, text.paragraphs)
    res = TextResult(text)
    for r in RULES.values():
        res.findings.extend(r.fn(bubbles, text.kind, lex))
    sents = [s for b in bubbles for s in b.sentences]
    res.n_sentences = len(sents)
    res.n_words = sum(s.n_words for s in sents)
    if text.kind != "label" and sents:
        res.kandel_moles = round(kandel_moles([s.text for s in sents]), 1)
    _apply_allow(res)
    return res


def _apply_allow(res: TextResult) -> None:
    allow = res.text.allow
    used: set[str] = set()
    for f in res.findings:
        if f.rule in allow:
            f.excepted = allow[f.rule]
            used.add(f.rule)
    for bad in res.text.bad_exceptions:
        res.findings.append(
            Finding("exception", ERROR, [], f"Write « falc: allow <rule> — <reason> ». {bad}")
        )
    for rule_name, _reason in allow.items():
        if rule_name not in KNOWN_RULES:
            res.findings.append(
                Finding(
                    "exception",
                    ERROR,
                    [rule_name],
                    "Unknown rule in the exception. Rules: " + ", ".join(sorted(KNOWN_RULES)),
                )
            )
        elif rule_name not in used and rule_name != GLOBAL_RULE:
            res.findings.append(
                Finding(
                    "exception",
                    WARNING,
                    [rule_name],
                    "This exception is not needed any more: remove it.",
                )
            )


@dataclass
class Report:
    results: list[TextResult]
    places: list[str]
    global_findings: list[Finding] = field(default_factory=list)

    def summary(self) -> dict:
        msgs = [r for r in self.results if r.text.kind != "label"]
        n_sent = sum(r.n_sentences for r in msgs)
        n_words = sum(r.n_words for r in msgs)
        scores = [r.kandel_moles for r in msgs if r.kandel_moles is not None]
        per_rule: dict[str, Counter] = {}
        for f in self.all_findings():
            c = per_rule.setdefault(f.rule, Counter())
            c["excepted" if f.excepted is not None else f.level] += 1
        errors = sum(c[ERROR] for c in per_rule.values())
        warnings = sum(c[WARNING] for c in per_rule.values())
        return {
            "places": self.places,
            "texts_checked": len(self.results),
            "messages_checked": len(msgs),
            "labels_checked": len(self.results) - len(msgs),
            "texts_by_source": dict(Counter(r.text.source for r in self.results)),
            "sentences": n_sent,
            "average_words_per_sentence": round(n_words / n_sent, 2) if n_sent else 0.0,
            "average_kandel_moles": round(sum(scores) / len(scores), 1) if scores else None,
            "minimum_average_kandel_moles": MIN_AVERAGE_KANDEL_MOLES,
            "errors": errors,
            "warnings": warnings,
            "exceptions": sum(c["excepted"] for c in per_rule.values()),
            "exception_list": [
                {"id": r.text.id, "where": r.text.where, "rule": f.rule, "reason": f.excepted}
                for r in self.results
                for f in r.findings
                if f.excepted is not None
            ],
            "lowest_kandel_moles": [
                {"id": r.text.id, "where": r.text.where, "score": r.kandel_moles}
                for r in sorted(
                    (r for r in msgs if r.kandel_moles is not None), key=lambda r: r.kandel_moles
                )[:5]
            ],
            "failures_per_rule": {
                k: {"error": v[ERROR], "warning": v[WARNING], "excepted": v["excepted"]}
                for k, v in sorted(per_rule.items())
            },
        }

    def all_findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings] + self.global_findings

    @property
    def failed(self) -> bool:
        return any(f.level == ERROR and f.excepted is None for f in self.all_findings())


def check_all(texts: list[Text], places: list[str]) -> Report:
    lex = load()
    report = Report([check_text(t, lex) for t in texts], places)
    avg = report.summary()["average_kandel_moles"]
    if avg is not None and avg < MIN_AVERAGE_KANDEL_MOLES:
        report.global_findings.append(
            Finding(
                GLOBAL_RULE,
                ERROR,
                [f"average {avg}"],
                f"The average Kandel–Moles score must be at least {MIN_AVERAGE_KANDEL_MOLES:g}: "
                "use shorter sentences and shorter words.",
            )
        )
    return report
