"""The offline engine produces real, plausible French audio in both formats."""

import logging
from pathlib import Path

import pytest
from voice_helpers import mean_volume_db, probe

from bot.voice import VoiceError, VoiceService
from bot.voice.normalise import normalise_for_speech
from bot.voice.settings import VoiceSettings

SENTENCE = "Si vous avez besoin d'aide, appelez le 3422 du lundi au vendredi."


@pytest.fixture
def svc(tmp_path: Path) -> VoiceService:
    return VoiceService(tmp_path / "audio", "espeak", settings=VoiceSettings(engine="espeak"))


def word_count(text: str) -> int:
    return len(normalise_for_speech(text).split())


async def test_mp3_for_the_web(svc: VoiceService) -> None:
    path = await svc.audio_for(SENTENCE, "mp3")
    info = probe(path)
    assert path.suffix == ".mp3" and info["codec"] == "mp3" and info["channels"] == 1
    n = word_count(SENTENCE)
    # Plausible speech: between 0.2 and 1 second per spoken word.
    assert 0.2 * n <= info["duration"] <= 1.0 * n, (info["duration"], n)
    assert mean_volume_db(path) > -35  # a voice, not silence


async def test_ogg_opus_for_telegram(svc: VoiceService) -> None:
    path = await svc.audio_for(SENTENCE, "ogg")
    info = probe(path)
    assert path.suffix == ".ogg"
    assert info["format"] == "ogg" and info["codec"] == "opus"
    assert info["sample_rate"] == 48000 and info["channels"] == 1
    n = word_count(SENTENCE)
    assert 0.2 * n <= info["duration"] <= 1.0 * n
    assert mean_volume_db(path) > -35


async def test_duration_follows_the_text(svc: VoiceService) -> None:
    short = probe(await svc.audio_for("Bonjour.", "mp3"))["duration"]
    long = probe(await svc.audio_for(SENTENCE + " " + SENTENCE, "mp3"))["duration"]
    assert long > 4 * short


async def test_slow_is_slower(svc: VoiceService) -> None:
    normal = probe(await svc.audio_for(SENTENCE, "mp3"))["duration"]
    slow = probe(await svc.audio_for(SENTENCE, "mp3", slow=True))["duration"]
    assert slow > normal * 1.2


async def test_numbers_are_spoken_not_spelt(svc: VoiceService) -> None:
    # "3422" said as two pairs is much shorter than four digits or "trois mille quatre cent…".
    pairs = probe(await svc.audio_for("3422", "mp3"))["duration"]
    thousands = probe(await svc.audio_for("trois mille quatre cent vingt-deux", "mp3"))["duration"]
    assert pairs < thousands


async def test_text_starting_with_a_dash_is_read_not_parsed(svc: VoiceService) -> None:
    # Text goes to espeak-ng on stdin: "-v en" must not become an option.
    info = probe(await svc.audio_for("-v en --help", "mp3"))
    assert info["duration"] > 0.3


async def test_nothing_to_say_is_refused(svc: VoiceService) -> None:
    for text in ("", "   ", "👋🙂", "x" * 5000):
        with pytest.raises(ValueError):
            await svc.audio_for(text, "mp3")
    with pytest.raises(ValueError):
        await svc.audio_for("Bonjour", "wav")  # type: ignore[arg-type]
    assert svc.espeak.calls == 0


async def test_missing_espeak_is_a_clear_error(tmp_path: Path) -> None:
    settings = VoiceSettings(engine="espeak", espeak_bin="/nonexistent/espeak-ng")
    svc = VoiceService(tmp_path, "espeak", settings=settings)
    with pytest.raises(VoiceError):
        await svc.audio_for("Bonjour.", "mp3")


async def test_logs_hold_the_key_never_the_text(
    svc: VoiceService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.voice")
    text = "Votre code est 482915, madame Durand."
    path = await svc.audio_for(text, "mp3")
    logged = caplog.text
    assert path.stem in logged
    for secret in ("482915", "Durand", "quatre, huit", normalise_for_speech(text)):
        assert secret not in logged
