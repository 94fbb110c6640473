"""Every French text for users lives in a place the linter reads (docs/contracts.md).

The scanner looks for French string literals in the code (Python, JavaScript, HTML, JSON,
Rasa files) outside the places; these tests fail, naming the file and line, when one appears.
"""

import json
from pathlib import Path

import pytest

from bot.falc.collect import PLACES, collect_all, place_files
from bot.falc.places import (
    candidate_files,
    find_strays,
    looks_french,
    scan_html,
    scan_js,
    scan_python,
    scan_yaml_responses,
)

ROOT = Path(__file__).resolve().parents[2]


def test_no_user_text_outside_the_places():
    strays = find_strays(ROOT)
    assert not strays, (
        "French text for users outside the places of docs/contracts.md "
        "(move it to domain.yml, records/messages*.py, bot/messages*.py or "
        "web_widget/texts.fr.json, or add it to bot/falc/data/places_ignore.yml with a reason):\n"
        + "\n".join(map(str, strays))
    )


def test_every_place_exists():
    # A place renamed or moved would leave its texts unchecked without a word.
    missing = [pattern for pattern in PLACES if not list(ROOT.glob(pattern))]
    assert not missing, f"places of bot/falc/collect.py that match no file: {missing}"


def test_every_french_text_in_a_place_is_collected():
    # The scanner and the collector must agree: a string the collector misses inside a place
    # (a new kind of structure in a messages module) would escape the checks.
    texts, _ = collect_all(ROOT)
    collected = {t.text for t in texts}
    missed = []
    for path in place_files(ROOT):
        if path.suffix != ".py" or path.name == "formatting.py":
            continue  # YAML and JSON are read whole; formatting.py only by name (see collect.py)
        for line, text in scan_python(path):
            if text not in collected and not any(text in c for c in collected):
                missed.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert not missed, "\n".join(missed)


def test_scan_skips_virtual_environments_and_tests():
    rels = {p.relative_to(ROOT).parts[0] for p in candidate_files(ROOT)}
    assert not {r for r in rels if r.startswith(".venv") or r in {"tests", "var", "docs"}}
    assert not any(p.relative_to(ROOT).parts[:2] == ("bot", "falc") for p in candidate_files(ROOT))


# ------------------------------------------------------------------ the heuristic itself


@pytest.mark.parametrize(
    "s",
    [
        "Votre rendez-vous est noté.",
        "Le service ne marche pas pour le moment.",
        "Appuyez sur le bouton pour écouter",
        "Écrivez votre code",
        "Répondez {n} pour {title}",
    ],
)
def test_french_texts_are_recognised(s):
    assert looks_french(s)


@pytest.mark.parametrize(
    "s",
    [
        "otp_invalid",
        "application/json",
        "Open the chat window",
        "SELECT * FROM documents WHERE id = :id",
        r"\b(le|la|rdv)\b",
        "Mon espace",
        "{date} {time}",
    ],
)
def test_code_and_english_are_not_french_texts(s):
    assert not looks_french(s)


def test_a_new_stray_text_is_caught(tmp_path):
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "booking.py").write_text(
        '"""Réserver un rendez-vous : ceci est un commentaire de développeur."""\n'
        "import logging\n"
        "def run(dispatcher):\n"
        '    logging.info("Le rendez-vous est enregistré dans la base")\n'
        '    dispatcher.utter_message(text="Votre rendez-vous est noté.")\n'
        '    return [{"title": "Annuler le rendez-vous", "payload": "/cancel"}]\n',
        encoding="utf-8",
    )
    (tmp_path / "web_widget").mkdir()
    (tmp_path / "web_widget" / "widget.js").write_text(
        "// Un commentaire en français pour les développeurs\n"
        'const t = texts["send"];\n'
        "button.title = 'Écouter le message';\n",
        encoding="utf-8",
    )
    (tmp_path / "web_widget" / "index.html").write_text(
        '<html lang="fr"><body><p>Bienvenue sur le site de démonstration.</p>'
        '<img src="a.png" alt="Une personne qui parle au téléphone"></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "responses.yml").write_text(
        "responses:\n  utter_x:\n    - text: Bonjour\n", encoding="utf-8"
    )
    (tmp_path / "web_widget" / "texts.fr.json").write_text(
        json.dumps({"send": "Envoyer le message"}), encoding="utf-8"
    )
    found = {(s.path, s.line) for s in find_strays(tmp_path)}
    assert found == {
        ("actions/booking.py", 5),  # utter_message(text=...)
        ("actions/booking.py", 6),  # a button title built in an action
        ("web_widget/widget.js", 3),
        ("web_widget/index.html", 1),  # the paragraph and the alt text
        ("data/responses.yml", 1),  # responses outside the domain
    }
    assert ("web_widget/texts.fr.json", 1) not in found  # a place, read by the collector


def test_js_html_and_rasa_scanners():
    assert scan_js("const a = `Bonjour ${name}, vous avez un message`;") != []
    assert scan_js("/* Le code du widget */ const a = 'x';") == []
    assert [t for _, t in scan_html('<button aria-label="Écouter le message">▶</button>')] == [
        "Écouter le message"
    ]
    assert scan_html("<script>const s = 'Votre code est faux';</script>") != []
    assert scan_yaml_responses("responses:\n  utter_x:\n    - text: Bonjour\n") != []
    assert scan_yaml_responses("nlu:\n- intent: greet\n") == []
