"""Sentences the dialogue tests reported as misread: the full model (fallback included) must
now give the intent the dialogue expects. These sentences are in the training data on
purpose, so this is a regression check, not a generalisation measure (see test_heldout.py).
"""

from __future__ import annotations

import pytest

from conftest import Parser

REPORTED = [
    # Activation mode answers: "seul" was read as voice_off.
    ("seul", "inform"),
    ("seule", "inform"),
    ("avec mon tuteur", "inform"),
    ("avec un professionnel", "inform"),
    # A birth date alone was read as book_appointment.
    ("12 avril 1985", "inform"),
    # Fell back to nlu_fallback.
    ("c'est où le numéro de série ?", "help"),
    (
        "je voudrais noter un rendez vous chez le dentiste mardi prochain à 14 h 30",
        "book_appointment",
    ),
    # Whole conversations (tests/e2e/test_flows_*.py): fell back, or offered every request.
    ("je voudrais rajouter une info sur ma santé", "add_health_info"),
    ("annule le rdv du dentiste stp", "cancel_appointment"),
    ("je dois décaler mon rdv chez le dentiste a jeudi prochain 11h", "book_appointment"),
]


@pytest.mark.parametrize(("text", "intent"), REPORTED)
def test_reported_sentence_gets_the_expected_intent(parser: Parser, text: str, intent: str) -> None:
    predicted = parser.parse(text)["intent"]
    assert predicted.get("name") == intent, f"{text!r}: got {predicted}"
