"""gTTS path, with gTTS's own network code, against a local fake of Google's batchexecute API;
and the automatic fall back to espeak-ng when Google cannot be reached."""

import asyncio
import logging
import re
import time
from pathlib import Path

import pytest
from voice_helpers import FakeGoogle, probe

from bot.voice import VoiceError, VoiceService
from bot.voice.engines import EngineUnavailable, RoutedGTTS
from bot.voice.normalise import normalise_for_speech
from bot.voice.settings import VoiceSettings
from bot.voice.static import product_fixed_texts


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'-]+", text)


TEXT = "Bonjour. Appelez le 3422 si vous avez besoin d'aide."


# The fixed texts of these tests: only fixed texts may go to gTTS.
FIXED = [TEXT, " ".join([TEXT] * 4), "Autre phrase.", "Bonjour."]
FIXED += [f"Vous avez {n} messages." for n in range(2, 5)]


def service(
    cache: Path,
    engine: str,
    url: str,
    timeout: float = 10.0,
    retry_after: float = 60.0,
    fixed: list[str] | None = FIXED,
):
    # A long default timeout: a loaded machine must not turn a slow answer into a fall back.
    settings = VoiceSettings(
        engine=engine, gtts_url=url, gtts_timeout=timeout, gtts_retry_after=retry_after
    )
    return VoiceService(cache, engine, settings=settings, impersonal_texts=fixed)


async def test_gtts_speaks_the_real_protocol(tmp_path: Path, fake_google: FakeGoogle) -> None:
    svc = service(tmp_path, "gtts", fake_google.url)
    path = await svc.audio_for(TEXT, "mp3")
    [req] = fake_google.requests
    assert req["rpc_id"] == "jQ1olc" and req["kind"] == "generic"
    assert req["lang"] == "fr"
    assert req["speed"] is None  # normal speed
    assert req["text"] == normalise_for_speech(TEXT)  # Google gets the words, not "3422"
    assert req["content_type"] == "application/x-www-form-urlencoded;charset=utf-8"
    info = probe(path)
    assert info["codec"] == "mp3"
    words = len(req["text"].split())
    assert words * 0.3 < info["duration"] < words * 0.5  # the fake says 0.4 s a word
    assert svc.gtts.calls == 1 and svc.espeak.calls == 0


async def test_gtts_over_https(tmp_path: Path, fake_google_tls: FakeGoogle) -> None:
    path = await service(tmp_path, "gtts", fake_google_tls.url).audio_for(TEXT, "mp3")
    assert probe(path)["codec"] == "mp3"
    assert fake_google_tls.requests[0]["lang"] == "fr"


def test_real_google_url_is_kept_without_override() -> None:
    # Only the host changes with GTTS_URL; without it gTTS builds Google's own address.
    real = RoutedGTTS("Bonjour", tld="fr", lang="fr", lang_check=False, base_url=None)
    [request] = real._prepare_requests()
    assert request.url == "https://translate.google.fr/_/TranslateWebserverUi/data/batchexecute"
    routed = RoutedGTTS("Bonjour", tld="fr", lang="fr", lang_check=False, base_url="http://h:1/")
    assert routed._prepare_requests()[0].url == (
        "http://h:1/_/TranslateWebserverUi/data/batchexecute"
    )
    assert request.body == routed._prepare_requests()[0].body  # same payload


async def test_gtts_path_logs_no_text(
    tmp_path: Path, fake_google: FakeGoogle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # everything, as a gateway run with DEBUG would log
    text = "Madame Durand, votre rendez-vous est le 03/12/2026."
    path = await service(tmp_path, "gtts", fake_google.url).audio_for(text, "mp3")
    assert path.stem in caplog.text
    for secret in ("Durand", "trois décembre", "rendez-vous"):
        assert secret not in caplog.text


async def test_gtts_slow_option(tmp_path: Path, fake_google: FakeGoogle) -> None:
    svc = service(tmp_path, "gtts", fake_google.url)
    await svc.audio_for(TEXT, "mp3", slow=True)
    assert fake_google.requests[0]["speed"] is True


async def test_gtts_long_text_in_several_requests(tmp_path: Path, fake_google: FakeGoogle) -> None:
    # gTTS cuts at 100 characters: each part is one request, the MP3 parts are joined.
    text = " ".join([TEXT] * 4)
    path = await service(tmp_path, "gtts", fake_google.url).audio_for(text, "mp3")
    assert len(fake_google.requests) >= 3
    words = sum(len(r["text"].split()) for r in fake_google.requests)
    assert abs(probe(path)["duration"] - 0.4 * words) < 0.5 * len(fake_google.requests)


async def test_gtts_audio_converted_for_telegram(tmp_path: Path, fake_google: FakeGoogle) -> None:
    svc = service(tmp_path, "gtts", fake_google.url)
    info = probe(await svc.audio_for(TEXT, "ogg"))
    assert info["codec"] == "opus" and info["sample_rate"] == 48000
    await svc.audio_for(TEXT, "ogg")
    assert len(fake_google.requests) == 1  # cached


async def test_auto_prefers_gtts_when_it_answers(tmp_path: Path, fake_google: FakeGoogle) -> None:
    svc = service(tmp_path, "auto", fake_google.url)
    path = await svc.audio_for(TEXT, "mp3")
    assert path.name.startswith("gtts-")
    assert svc.gtts.calls == 1 and svc.espeak.calls == 0


async def test_forced_gtts_does_not_fall_back(tmp_path: Path, refused_url: str) -> None:
    svc = service(tmp_path, "gtts", refused_url)
    with pytest.raises(VoiceError):
        await svc.audio_for(TEXT, "mp3")
    assert svc.espeak.calls == 0


async def test_refused_connection_falls_back_at_once(tmp_path: Path, refused_url: str) -> None:
    svc = service(tmp_path, "auto", refused_url, timeout=10.0)
    started = time.perf_counter()
    path = await svc.audio_for(TEXT, "mp3")
    elapsed = time.perf_counter() - started
    assert path.name.startswith("espeak-")
    assert probe(path)["duration"] > 1
    assert svc.gtts.calls == 1 and svc.espeak.calls == 1
    assert elapsed < 5.0  # refused is immediate: no waiting for the 10 s timeout


async def test_silent_server_gives_up_at_the_timeout(tmp_path: Path, silent_server: str) -> None:
    timeout = 1.0
    svc = service(tmp_path, "gtts", silent_server, timeout=timeout)
    started = time.perf_counter()
    with pytest.raises(EngineUnavailable):
        await svc.gtts.synthesize("Bonjour.", slow=False)
    elapsed = time.perf_counter() - started
    assert timeout * 0.9 <= elapsed < timeout + 1.0, elapsed


async def test_silent_server_falls_back_to_espeak(tmp_path: Path, silent_server: str) -> None:
    timeout = 1.0
    svc = service(tmp_path, "auto", silent_server, timeout=timeout)
    started = time.perf_counter()
    path = await svc.audio_for(TEXT, "ogg")
    elapsed = time.perf_counter() - started
    assert path.name.startswith("espeak-")
    assert probe(path)["codec"] == "opus"
    # The gTTS wait (the timeout) plus espeak-ng and ffmpeg (under a second on an idle machine).
    assert timeout * 0.9 <= elapsed < timeout + 4.0, elapsed
    assert svc.gtts.calls == 1 and svc.espeak.calls == 1


async def test_fallback_is_remembered(tmp_path: Path, silent_server: str) -> None:
    svc = service(tmp_path, "auto", silent_server, timeout=3.0, retry_after=60.0)
    await svc.audio_for(TEXT, "mp3")
    assert svc.gtts.calls == 1
    # The next answers go straight to espeak-ng: no one waits for the timeout again.
    started = time.perf_counter()
    for n in range(2, 5):
        await svc.audio_for(f"Vous avez {n} messages.", "mp3")
    assert time.perf_counter() - started < 6.0  # three timeouts would be 9 s
    assert svc.gtts.calls == 1 and svc.espeak.calls == 4
    assert svc.cache_key(TEXT, "mp3").startswith("espeak-")


async def test_gtts_tried_again_after_the_window(
    tmp_path: Path, fake_google: FakeGoogle, refused_url: str
) -> None:
    svc = service(tmp_path, "auto", refused_url, retry_after=1.0)
    first = await svc.audio_for(TEXT, "mp3")
    assert first.name.startswith("espeak-")
    # While the window lasts, the cached espeak audio is served as it is.
    assert await svc.audio_for(TEXT, "mp3") == first
    # Google is back; after the window gTTS is tried again and wins.
    svc.gtts.base_url = fake_google.url
    await asyncio.sleep(1.05)
    again = await svc.audio_for(TEXT, "mp3")
    assert again.name.startswith("gtts-")
    assert len(fake_google.requests) == 1
    assert svc.gtts.calls >= 2  # 3 when a loaded machine made the first answer outlast the window


async def test_new_outage_reuses_offline_audio(tmp_path: Path, refused_url: str) -> None:
    svc = service(tmp_path, "auto", refused_url, retry_after=0.2)
    first = await svc.audio_for(TEXT, "mp3")
    await asyncio.sleep(0.25)
    # gTTS is tried again, fails again: the espeak-ng audio on disk is served, not remade.
    assert await svc.audio_for(TEXT, "mp3") == first
    assert svc.gtts.calls == 2 and svc.espeak.calls == 1


async def test_offline_serves_gtts_audio_made_earlier(
    tmp_path: Path, fake_google: FakeGoogle, refused_url: str
) -> None:
    online = service(tmp_path, "auto", fake_google.url)
    made = await online.audio_for(TEXT, "mp3")
    offline = service(tmp_path, "auto", refused_url)
    await offline.audio_for("Autre phrase.", "mp3")  # finds Google down
    assert await offline.audio_for(TEXT, "mp3") == made
    assert offline.espeak.calls == 1


@pytest.mark.parametrize("mode", ["error500", "no_audio"])
async def test_bad_answers_fall_back(tmp_path: Path, fake_google: FakeGoogle, mode: str) -> None:
    fake_google.mode = mode
    svc = service(tmp_path, "auto", fake_google.url)
    path = await svc.audio_for(TEXT, "mp3")
    assert path.name.startswith("espeak-")
    assert len(fake_google.requests) == 1


async def test_settings_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("VOICE_CACHE_DIR", raising=False)
    monkeypatch.setenv("VOICE_ENGINE", "espeak")
    monkeypatch.setenv("GTTS_TIMEOUT", "2.5")
    svc = VoiceService.from_env()
    assert svc.mode == "espeak" and svc.gtts.timeout == 2.5
    assert svc.cache_dir == tmp_path / "audio"
    monkeypatch.setenv("VOICE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert VoiceService.from_env().cache_dir == tmp_path / "elsewhere"
    # Under ENVIRONMENT=test, gTTS is off unless GTTS_URL names a fake: no test reaches Google.
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.delenv("GTTS_URL", raising=False)
    monkeypatch.delenv("GTTS_ENABLED", raising=False)
    monkeypatch.setenv("VOICE_ENGINE", "auto")
    offline = VoiceService.from_env()
    assert offline.current_engine() is offline.espeak
    assert offline.cache_key(TEXT, "mp3").startswith("espeak-")
    await offline.audio_for("Bonjour.", "mp3")
    assert offline.gtts.calls == 0 and offline.espeak.calls == 1
    monkeypatch.setenv("GTTS_URL", "http://127.0.0.1:18599")
    assert VoiceService.from_env().current_engine().name == "gtts"
    monkeypatch.setenv("VOICE_ENGINE", "robot")
    with pytest.raises(ValueError):
        VoiceService.from_env()


async def test_new_outage_makes_only_the_missing_format(tmp_path: Path, refused_url: str) -> None:
    svc = service(tmp_path, "auto", refused_url, retry_after=0.2)
    mp3 = await svc.audio_for(TEXT, "mp3")
    inode = mp3.stat().st_ino
    await asyncio.sleep(0.25)
    assert await svc.prerender([TEXT]) == 0  # gTTS fails again; mp3 is on disk, ogg is not
    assert svc.gtts.calls == 2 and svc.espeak.calls == 2
    assert mp3.stat().st_ino == inode  # the mp3 was not made again
    [ogg] = await asyncio.to_thread(lambda: list(tmp_path.glob("espeak-*.ogg")))
    assert probe(ogg)["codec"] == "opus"


@pytest.mark.parametrize("engine", ["auto", "gtts"])
async def test_only_the_products_fixed_texts_go_to_google(
    tmp_path: Path, fake_google: FakeGoogle, engine: str
) -> None:
    from bot.messages import MESSAGES

    svc = service(tmp_path, engine, fake_google.url, fixed=None)  # the product's own texts
    fixed_answer = product_fixed_texts()[0]
    personal = [
        "Votre rendez-vous avec le docteur Durand est le 3 décembre 2026 à 10 h 30.",
        "Vous êtes allergique à la pénicilline.",
        "Document : Compte rendu IRM du genou gauche.",
    ]
    for text in personal:
        path = await svc.audio_for(text, "mp3")
        assert path.name.startswith("espeak-")
        assert svc.cache_key(text, "mp3").startswith("espeak-")
    assert fake_google.requests == []
    await svc.audio_for(fixed_answer, "mp3")
    await svc.audio_for(MESSAGES["service_down"], "mp3")
    sent = " ".join(request["text"] for request in fake_google.requests)
    assert sent and "Durand" not in sent and "pénicilline" not in sent and "IRM" not in sent
    expected = (
        normalise_for_speech(fixed_answer) + " " + normalise_for_speech(MESSAGES["service_down"])
    )
    assert _words(sent) == _words(expected)  # gTTS drops punctuation where it cuts the text
    assert svc.espeak.calls == len(personal) and svc.gtts.calls == 2
