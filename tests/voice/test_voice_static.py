"""Fixed answers of the domain are found and pre-rendered; the command line works."""

from pathlib import Path

import pytest

from bot.voice import VoiceService
from bot.voice.__main__ import main
from bot.voice.settings import VoiceSettings
from bot.voice.static import domain_files, static_responses

DOMAIN = """
version: "3.1"
intents: [greet]
responses:
  utter_greet:
    - text: "Bonjour.\\nQue voulez-vous faire ?"
      buttons:
        - title: "Mes rendez-vous"
          payload: /list_appointments
  utter_appointment:
    - text: "Votre rendez-vous est {when}."
  utter_help:
    - text: "Appelez le 3422."
    - text: "Bonjour.\\nQue voulez-vous faire ?"
    - custom: {secret_input: {purpose: login_code}}
"""


def write_domain(root: Path) -> None:
    (root / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (root / "domain").mkdir()
    (root / "domain" / "extra.yml").write_text(
        'responses:\n  utter_bye:\n    - text: "Au revoir."\n', encoding="utf-8"
    )


def test_static_responses_skip_placeholders_and_duplicates(tmp_path: Path) -> None:
    write_domain(tmp_path)
    files = domain_files(tmp_path)
    assert [f.name for f in files] == ["domain.yml", "extra.yml"]
    assert static_responses(files) == [
        "Bonjour.\nQue voulez-vous faire ?",
        "Appelez le 3422.",
        "Au revoir.",
    ]


async def test_prerender_of_the_domain(tmp_path: Path) -> None:
    write_domain(tmp_path)
    svc = VoiceService(tmp_path / "audio", "espeak", settings=VoiceSettings(engine="espeak"))
    texts = static_responses(domain_files(tmp_path))
    assert await svc.prerender(texts + texts) == 0  # repeated texts are rendered once
    assert svc.espeak.calls == 3
    assert len(list((tmp_path / "audio").glob("*.ogg"))) == 3


def test_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VOICE_ENGINE", "espeak")
    monkeypatch.setenv("VOICE_CACHE_DIR", str(tmp_path / "audio"))
    assert main(["normalise", "Appelez le 3422 à 14 h 30."]) == 0
    assert capsys.readouterr().out.strip() == (
        "Appelez le trente-quatre vingt-deux à quatorze heures trente."
    )
    assert main(["say", "Bonjour.", "--fmt", "ogg"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.suffix == ".ogg" and path.stat().st_size > 1000
    assert main(["say", "👋"]) == 1
    write_domain(tmp_path)
    assert main(["prerender", "--root", str(tmp_path)]) == 0
    assert "prerendered 3/3" in capsys.readouterr().out
