"""Audio is cached on disk: a repeated answer costs a file read, never a second synthesis."""

import asyncio
import os
import re
import time
from pathlib import Path

import pytest
from voice_helpers import probe

from bot.voice import VoiceError, VoiceService
from bot.voice.settings import VoiceSettings

TEXT = "Votre rendez-vous est mardi 3 décembre 2026 à 10 heures 30."


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def espeak_service(cache: Path, **overrides: object) -> VoiceService:
    return VoiceService(cache, "espeak", settings=VoiceSettings(engine="espeak", **overrides))


async def test_second_request_is_served_from_disk(tmp_path: Path) -> None:
    svc = espeak_service(tmp_path)
    first = await svc.audio_for(TEXT, "mp3")
    assert svc.espeak.calls == 1
    inode = first.stat().st_ino
    started = time.perf_counter()
    second = await svc.audio_for(TEXT, "mp3")
    elapsed = time.perf_counter() - started
    assert second == first
    assert svc.espeak.calls == 1  # no new synthesis
    assert second.stat().st_ino == inode  # not rewritten either (a rewrite renames a new file)
    assert elapsed < 0.25  # a stat and a path: no subprocess


async def test_cache_survives_a_restart(tmp_path: Path) -> None:
    first = await espeak_service(tmp_path).audio_for(TEXT, "ogg")
    restarted = espeak_service(tmp_path)
    assert await restarted.audio_for(TEXT, "ogg") == first
    assert restarted.espeak.calls == 0


async def test_key_is_stable_and_filename_safe(tmp_path: Path) -> None:
    a, b = espeak_service(tmp_path / "a"), espeak_service(tmp_path / "b")
    key = a.cache_key(TEXT, "mp3")
    assert key == b.cache_key(TEXT, "mp3")
    assert re.fullmatch(r"[a-z]+-(normal|slow)-[0-9a-f]{40}", key)
    path = await a.audio_for(TEXT, "mp3")
    assert path.name == f"{key}.mp3"


async def test_key_depends_on_format_speed_text_and_engine(tmp_path: Path) -> None:
    svc = espeak_service(tmp_path)
    keys = {
        svc.cache_key(TEXT, "mp3"),
        svc.cache_key(TEXT, "ogg"),
        svc.cache_key(TEXT, "mp3", slow=True),
        svc.cache_key(TEXT + " Merci.", "mp3"),
        VoiceService(tmp_path, "gtts", settings=VoiceSettings(), impersonal_texts=[TEXT]).cache_key(
            TEXT, "mp3"
        ),
    }
    assert len(keys) == 5


async def test_same_speech_same_audio(tmp_path: Path) -> None:
    # "14:30" and "14 h 30" are said the same way: one audio file serves both.
    svc = espeak_service(tmp_path)
    assert svc.cache_key("À 14:30.", "mp3") == svc.cache_key("À 14 h 30.", "mp3")
    await svc.audio_for("À 14:30.", "mp3")
    await svc.audio_for("À 14 h 30.", "mp3")
    assert svc.espeak.calls == 1


async def test_concurrent_requests_share_one_synthesis(tmp_path: Path) -> None:
    svc = espeak_service(tmp_path)
    paths = await asyncio.gather(*(svc.audio_for(TEXT, "mp3") for _ in range(6)))
    assert len(set(paths)) == 1
    assert svc.espeak.calls == 1
    assert probe(paths[0])["duration"] > 1


async def test_different_texts_are_not_serialised_into_one(tmp_path: Path) -> None:
    svc = espeak_service(tmp_path)
    texts = [f"Vous avez {n} nouveaux messages." for n in range(2, 6)]
    paths = await asyncio.gather(*(svc.audio_for(t, "ogg") for t in texts))
    assert len(set(paths)) == 4 and svc.espeak.calls == 4
    assert not svc._locks  # locks are dropped once nobody waits


async def test_writes_are_atomic_and_leave_no_temporary_file(tmp_path: Path) -> None:
    svc = espeak_service(tmp_path)
    await asyncio.gather(svc.audio_for(TEXT, "mp3"), svc.audio_for(TEXT, "ogg"))
    names = listing(tmp_path)
    assert len(names) == 2 and all(not n.startswith(".") for n in names), names


async def test_failed_conversion_leaves_nothing_in_the_cache(tmp_path: Path) -> None:
    svc = espeak_service(tmp_path, ffmpeg_bin="false")  # exits 1, like a broken ffmpeg
    with pytest.raises(VoiceError):
        await svc.audio_for(TEXT, "ogg")
    assert listing(tmp_path) == []
    # The next request tries again instead of serving a broken file.
    with pytest.raises(VoiceError):
        await svc.audio_for(TEXT, "ogg")
    assert svc.espeak.calls == 2


async def test_prerender_renders_both_formats_with_one_synthesis_each(tmp_path: Path) -> None:
    svc = espeak_service(tmp_path)
    statics = ["Bonjour, je suis l'assistant.", "Au revoir.", "Appelez le 3422."]
    failures = await svc.prerender(statics + ["👋"])
    assert failures == 1  # nothing to say in an emoji: logged, not raised
    assert svc.espeak.calls == 3
    for text in statics:
        for fmt in ("mp3", "ogg"):
            assert probe(await svc.audio_for(text, fmt))["duration"] > 0.3
    assert svc.espeak.calls == 3


async def test_prerender_is_fast_when_already_warm(tmp_path: Path) -> None:
    svc = espeak_service(tmp_path)
    await svc.prerender(["Au revoir."])
    again = espeak_service(tmp_path)
    await again.prerender(["Au revoir."])
    assert again.espeak.calls == 0


async def test_prune_removes_old_and_least_recently_used_audio(tmp_path: Path) -> None:
    svc = espeak_service(tmp_path)
    texts = ["Premier message.", "Deuxième message.", "Troisième message.", "Quatrième."]
    paths = [await svc.audio_for(t, "mp3") for t in texts]
    day = 24 * 3600
    now = time.time()
    for age, path in zip((40 * day, 3 * day, 2 * day, 1 * day), paths, strict=True):
        os.utime(path, (now - age, now - age))
    # Served again: counts as a recent use, so it survives.
    assert await svc.audio_for(texts[1], "mp3") == paths[1]
    leftover = tmp_path / ".crashed.tmp"
    leftover.write_bytes(b"x")
    os.utime(leftover, (now - 2 * 3600, now - 2 * 3600))

    sizes = {p: p.stat().st_size for p in paths}
    budget = sizes[paths[1]] + sizes[paths[3]]
    deleted = await asyncio.to_thread(svc.prune, budget, 30 * day)
    # The 40-day-old file goes for its age, the 2-day-old one for the size budget, and the
    # temporary file of a crashed writer goes too.
    assert deleted == 2
    assert listing(tmp_path) == sorted([paths[1].name, paths[3].name])
    # A pruned text is simply made again.
    await svc.audio_for(texts[0], "mp3")
    assert svc.espeak.calls == 5
