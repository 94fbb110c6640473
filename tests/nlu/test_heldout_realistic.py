"""Realistic held-out check: 442 sentences written the way the product's users write and speak
(dictation, SMS spelling, rambling, indirect, negations, formal, one word), never trained on.

Two numbers: the intent accuracy with the fallback counted as a miss, and the share of
sentences where the person gets the right request, either at once or among the buttons the
fallback offers (actions/fallback.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml
from rasa.shared.nlu.training_data.loading import load_data

from actions.fallback import FALLBACK_INTENT, SOMETHING_ELSE, suggested_intents
from conftest import HELDOUT_REALISTIC, ROOT, Parser

# Measured 0.826 and 0.943 on 2026-12-03 (benchmarks/nlu-cross-validation.md); a drop of more
# than about two points is a regression.
MIN_INTENT_ACCURACY = 0.80
MIN_RIGHT_REQUEST_OFFERED = 0.92


def _offered_payloads() -> set[str]:
    domain = yaml.safe_load(Path(ROOT, "domain.yml").read_text(encoding="utf-8"))
    return {b["payload"] for b in domain["responses"]["utter_suggestion_buttons"][0]["buttons"]}


def test_realistic_heldout(parser: Parser) -> None:
    examples = [m for m in load_data(str(HELDOUT_REALISTIC)).nlu_examples if m.get("intent")]
    offered = _offered_payloads()
    right = in_buttons = 0
    misses: list[str] = []
    per_intent: Counter[str] = Counter()
    for message in examples:
        text, expected = message.get("text"), message.get("intent")
        parsed = parser.parse(text)
        predicted = parsed["intent"].get("name")
        if predicted == expected:
            right += 1
            in_buttons += 1
            continue
        per_intent[expected] += 1
        buttons = []
        if predicted == FALLBACK_INTENT:
            buttons = suggested_intents(parsed.get("intent_ranking") or [], offered)
            if expected in buttons or f"/{expected}" == SOMETHING_ELSE:
                in_buttons += 1
        misses.append(f"  {text!r}: expected {expected}, got {predicted} {buttons or ''}")
    accuracy = right / len(examples)
    offered_share = in_buttons / len(examples)
    print(
        f"realistic held-out: accuracy {accuracy:.3f}, right request offered {offered_share:.3f}"
        f" on {len(examples)} sentences"
    )
    print("misses:\n" + "\n".join(misses))
    print("misses per intent:", dict(per_intent.most_common()))
    assert accuracy >= MIN_INTENT_ACCURACY, f"realistic held-out accuracy {accuracy:.3f}"
    assert offered_share >= MIN_RIGHT_REQUEST_OFFERED, f"right request offered {offered_share:.3f}"
