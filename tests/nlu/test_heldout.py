"""Held-out check: sentences written by other people's voices, never seen in training.

A model that only learnt our own phrasings passes cross-validation and fails here.
"""

from __future__ import annotations

from collections import Counter

from rasa.shared.nlu.training_data.loading import load_data

from conftest import HELDOUT, Parser

# Measured 0.948 (nlu_fallback counted as a miss) on 2026-11-27 and again on 2026-12-03 after
# the near copies of held-out sentences left the training data; under 0.90 is a regression.
MIN_INTENT_ACCURACY = 0.90
MIN_ENTITY_RECALL = 0.80


def _examples() -> list:
    return [m for m in load_data(str(HELDOUT)).nlu_examples if m.get("intent")]


def test_heldout_intent_accuracy(parser: Parser) -> None:
    examples = _examples()
    misses: list[str] = []
    per_intent: Counter[str] = Counter()
    for message in examples:
        text, expected = message.get("text"), message.get("intent")
        predicted = parser.parse(text)["intent"]
        if predicted.get("name") != expected:
            per_intent[expected] += 1
            misses.append(
                f"  {text!r}: expected {expected}, got {predicted.get('name')}"
                f" ({predicted.get('confidence', 0):.2f})"
            )
    accuracy = 1 - len(misses) / len(examples)
    print(f"held-out intent accuracy: {accuracy:.3f} on {len(examples)} utterances")
    print("misclassified:\n" + "\n".join(misses))
    print("misses per intent:", dict(per_intent.most_common()))
    assert accuracy >= MIN_INTENT_ACCURACY, f"held-out accuracy {accuracy:.3f}"


def test_heldout_entities(parser: Parser) -> None:
    """Every annotated entity must come out with its normalised value."""
    wanted = found = 0
    misses: list[str] = []
    for message in _examples():
        expected = {(e["entity"], e["value"]) for e in message.get("entities") or []}
        if not expected:
            continue
        got = {(e["entity"], e["value"]) for e in parser.parse(message.get("text"))["entities"]}
        wanted += len(expected)
        found += len(expected & got)
        if expected - got:
            misses.append(f"  {message.get('text')!r}: missing {sorted(expected - got)}")
    recall = found / wanted
    print(f"held-out entity recall: {recall:.3f} ({found}/{wanted})")
    print("missed:\n" + "\n".join(misses))
    assert recall >= MIN_ENTITY_RECALL, f"held-out entity recall {recall:.3f}"
