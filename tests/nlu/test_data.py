"""Checks on the NLU training data itself (no model needed): it must match the contract of
docs/contracts.md and stay apart from the held-out set."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import near_duplicates
import pytest
from rasa.shared.nlu.training_data.loading import load_data

from conftest import HELDOUT, HELDOUT_REALISTIC, ROOT

MIN_EXAMPLES = 25
GATEWAY_ONLY = {"secret_ok", "secret_failed"}


def _contract_section() -> str:
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    return text.split("## Intents and entities", 1)[1]


def contract_intents() -> set[str]:
    head = _contract_section().split("\nEntities:", 1)[0]
    words = {w for chunk in re.findall(r"`([^`]+)`", head) for w in chunk.split()}
    return {w for w in words if re.fullmatch(r"[a-z][a-z_]*", w) and w != "nlu_fallback"}


def contract_values(entity: str) -> set[str]:
    match = re.search(rf"`{entity}` \((?:normalised values: )?([^)]*)\)", _contract_section())
    assert match, f"no normalised values for {entity} in docs/contracts.md"
    return set(re.findall(r"`([a-z_]+)`", match.group(1)))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(re.findall(r"\w+", text))


@pytest.fixture(scope="module")
def training():
    return load_data(str(ROOT / "data" / "nlu"))


def test_intents_are_exactly_the_contract(training) -> None:
    assert set(training.intents) == contract_intents()


def test_every_user_intent_has_enough_varied_examples(training) -> None:
    counts = Counter(m.get("intent") for m in training.nlu_examples)
    thin = {i: n for i, n in counts.items() if n < MIN_EXAMPLES and i not in GATEWAY_ONLY}
    assert not thin, f"intents with fewer than {MIN_EXAMPLES} examples: {thin}"


def test_secret_intents_hold_only_their_literal_token(training) -> None:
    for message in training.nlu_examples:
        intent = message.get("intent")
        if intent in GATEWAY_ONLY:
            assert set(message.get("text").split()) == {f"__{intent}__"}


@pytest.mark.parametrize("entity", ["professional", "document_kind", "channel"])
def test_entity_values_normalise_to_the_contract(training, entity: str) -> None:
    synonyms = {k.lower(): v for k, v in training.entity_synonyms.items()}
    allowed = contract_values(entity)
    unknown = set()
    for message in training.nlu_examples:
        for e in message.get("entities") or []:
            if e["entity"] == entity:
                value = synonyms.get(e["value"].lower(), e["value"].lower())
                if value not in allowed:
                    unknown.add(e["value"])
    assert not unknown, f"{entity} spellings without a synonym: {sorted(unknown)}"
    targets = [contract_values(e) for e in ("professional", "document_kind", "channel")]
    assert set(synonyms.values()) <= set().union(*targets)


def test_heldout_sentences_are_not_in_training(training) -> None:
    seen = {_normalise(m.get("text")) for m in training.nlu_examples}
    heldout = load_data(str(HELDOUT))
    copied = [m.get("text") for m in heldout.nlu_examples if _normalise(m.get("text")) in seen]
    assert not copied, f"held-out sentences copied into training: {copied}"
    assert set(heldout.intents) <= contract_intents()


@pytest.mark.parametrize("heldout_file", [HELDOUT, HELDOUT_REALISTIC], ids=lambda p: p.name)
def test_no_training_example_is_a_near_duplicate_of_a_heldout_sentence(
    training, heldout_file
) -> None:
    heldout = [(m.get("text"), m.get("intent")) for m in load_data(str(heldout_file)).nlu_examples]
    train = [(m.get("text"), m.get("intent")) for m in training.nlu_examples if m.get("intent")]
    pairs = near_duplicates.find(train, heldout)
    listed = "\n".join(f"  {t!r} ~ held-out {h!r}" for t, h in pairs[:40])
    assert not pairs, f"{len(pairs)} training examples near-duplicate held-out ones:\n{listed}"


def test_realistic_heldout_set_is_large_and_covers_every_user_intent() -> None:
    heldout = load_data(str(HELDOUT_REALISTIC))
    counts = Counter(m.get("intent") for m in heldout.nlu_examples)
    assert sum(counts.values()) >= 400
    assert set(counts) == contract_intents() - GATEWAY_ONLY


def test_near_duplicate_rule_catches_reorderings_one_word_changes_and_respellings() -> None:
    nd = near_duplicates.near_duplicate
    n = near_duplicates.normalise
    assert nd(n("je veux voir mes rendez-vous"), n("mes rendez-vous je veux voir"))
    assert nd(n("je veux voir mes rendez-vous"), n("je voudrais voir mes rendez-vous"))
    assert nd(n("jveu voir mes rendez-vous"), n("jveux voir mes rendez-vous"))
    assert not nd(n("couper le son"), n("mets le son"))
    assert not nd(n("je veux voir mes rendez-vous"), n("quand est mon prochain rendez-vous"))
