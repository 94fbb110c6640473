"""The collector reads every place, keeps exceptions next to the texts, and refuses broken files."""

import json
from pathlib import Path

import pytest

from bot.falc.collect import CollectError, collect_all, parse_exception

DOMAIN = """\
version: "3.1"
intents:
  - greet
responses:
  utter_greet:
    - text: "Bonjour.\\nJe suis l'assistant."
      buttons:
        - title: "Créer mon espace"
          payload: /create_account
        # falc: allow uncommon-word — le nom du service de messagerie
        - title: "Telegram"
          payload: /telegram
  # falc: allow passive — formule de la brochure
  utter_created:
    - text: "Mon espace santé est maintenant créé."
    - text: "Votre espace est prêt."
  utter_secret:
    - custom:
        secret_input:
          purpose: activation_code
          kind: code
        text: "Écrivez votre code."
  utter_two:
    # falc: allow negation — on rassure la personne
    - text: "Ne donnez jamais votre code."
slots: {}
"""

MESSAGES = '''"""Docstring en français qui ne doit pas être lue comme un texte."""
import logging

log = logging.getLogger(__name__)

ERRORS = {
    "wrong_code": "Le code est faux.\\nVérifiez le code.",
    # falc: allow sentence-length — phrase de la loi, citée telle quelle
    "law": "Texte de loi.",
}
CHANNEL = "sms"


def sms_code(code: str) -> str:
    log.info("Envoi du code à la personne")
    return f"Votre code est {code}."
'''

WIDGET = {
    "send": "Envoyer",
    "offline": "Le service ne marche pas.\nAppelez le 3422.",
    "_comment": "notes pour les développeurs",
    "menu": {"help": "Aide", "_falc_exceptions": {"help": "acronym — exemple"}},
}


def make_project(root: Path) -> None:
    (root / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (root / "records").mkdir()
    (root / "records" / "messages.py").write_text(MESSAGES, encoding="utf-8")
    (root / "web_widget").mkdir()
    (root / "web_widget" / "texts.fr.json").write_text(
        json.dumps(WIDGET, ensure_ascii=False, indent=2), encoding="utf-8"
    )


@pytest.fixture
def texts(tmp_path):
    make_project(tmp_path)
    found, places = collect_all(tmp_path)
    assert places == ["domain.yml", "records/messages.py", "web_widget/texts.fr.json"]
    return {t.id: t for t in found}


def test_domain_texts_buttons_and_custom(texts):
    assert texts["utter_greet[0].text"].text == "Bonjour.\nJe suis l'assistant."
    assert texts["utter_greet[0].buttons[0].title"].kind == "label"
    assert texts["utter_secret[0].custom.text"].text == "Écrivez votre code."
    assert "utter_secret[0].custom.secret_input.kind" not in texts  # not a text key
    assert texts["utter_greet[0].text"].where == "domain.yml:6"


def test_domain_exceptions(texts):
    assert texts["utter_greet[0].buttons[1].title"].allow == {
        "uncommon-word": "le nom du service de messagerie"
    }
    assert texts["utter_greet[0].buttons[0].title"].allow == {}
    # a comment above the response name covers all its variations
    assert texts["utter_created[0].text"].allow == {"passive": "formule de la brochure"}
    assert texts["utter_created[1].text"].allow == {"passive": "formule de la brochure"}
    assert texts["utter_two[0].text"].allow == {"negation": "on rassure la personne"}
    assert texts["utter_greet[0].text"].allow == {}


def test_python_module_read_with_ast(texts):
    py = {k: t for k, t in texts.items() if t.source == "records/messages.py"}
    assert set(py) == {"ERRORS['wrong_code']", "ERRORS['law']", "sms_code()"}
    assert py["sms_code()"].text == "Votre code est {code}."
    assert py["ERRORS['law']"].allow == {"sentence-length": "phrase de la loi, citée telle quelle"}


def test_json_widget_texts(texts):
    js = {k: t for k, t in texts.items() if t.source.endswith(".json")}
    assert set(js) == {"send", "offline", "menu.help"}
    assert js["send"].kind == "label" and js["offline"].kind == "message"
    assert js["menu.help"].allow == {"acronym": "exemple"}
    assert js["offline"].line == 3


def test_missing_places_are_fine(tmp_path):
    assert collect_all(tmp_path) == ([], [])


@pytest.mark.parametrize(
    "name, content",
    [
        ("domain.yml", "responses:\n  utter_x:\n    - text: [unclosed\n"),
        ("records/messages.py", "ERRORS = {\n"),
        ("web_widget/texts.fr.json", "{not json"),
    ],
)
def test_a_place_that_cannot_be_parsed_is_an_error(tmp_path, name, content):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(CollectError):
        collect_all(tmp_path)


def test_parse_exception():
    assert parse_exception("# falc: allow passive — phrase de la brochure") == (
        {"passive": "phrase de la brochure"},
        None,
    )
    assert parse_exception("# falc: allow negation, passive -- raison")[0] == {
        "negation": "raison",
        "passive": "raison",
    }
    allow, err = parse_exception("# falc: allow passive")
    assert allow == {} and "reason" in err
    assert parse_exception("# un commentaire") == ({}, None)
