"""Voice settings, read from the environment (docs/contracts.md lists them)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENGINES = ("auto", "gtts", "espeak")


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class VoiceSettings:
    engine: str = "auto"
    # False: gTTS is never called ("auto" = espeak-ng). Default off under ENVIRONMENT=test unless
    # GTTS_URL points at a fake, so no test run ever sends a request to Google.
    gtts_enabled: bool = True
    # Seconds gTTS may wait to connect and for each answer before we fall back to espeak-ng.
    gtts_timeout: float = 3.0
    # Google host: translate.google.<tld>; "fr" gives the French-from-France accent.
    gtts_tld: str = "fr"
    # Base URL replacing https://translate.google.<tld> (a relay, or a local fake in tests).
    gtts_url: str | None = None
    # After gTTS fails, the offline engine serves every request for this many seconds.
    gtts_retry_after: float = 300.0
    espeak_bin: str = "espeak-ng"
    espeak_voice: str = "fr-fr"
    # Words per minute: a calm pace for people who read with difficulty, slower on demand.
    espeak_rate: int = 150
    espeak_slow_rate: int = 110
    ffmpeg_bin: str = "ffmpeg"
    # Syntheses running at once (CPU bound: espeak-ng and ffmpeg).
    max_parallel: int = 2
    # Longer texts are refused: an answer is at most a few sentences.
    max_chars: int = 3000
    # Cache limits applied by VoiceService.prune(): audio unused for 30 days goes, and the least
    # recently used goes first above 500 MB.
    cache_max_bytes: int = 500 * 1024 * 1024
    cache_max_age: float = 30 * 24 * 3600.0

    @classmethod
    def from_env(cls) -> VoiceSettings:
        engine = os.environ.get("VOICE_ENGINE", "auto").strip().lower() or "auto"
        if engine not in ENGINES:
            raise ValueError(f"VOICE_ENGINE must be one of {', '.join(ENGINES)}")
        gtts_url = os.environ.get("GTTS_URL") or None
        testing = os.environ.get("ENVIRONMENT", "development") == "test"
        enabled_default = "0" if testing and gtts_url is None else "1"
        return cls(
            engine=engine,
            gtts_enabled=os.environ.get("GTTS_ENABLED", enabled_default).strip().lower()
            in ("1", "true", "yes", "on"),
            gtts_timeout=_float("GTTS_TIMEOUT", cls.gtts_timeout),
            gtts_tld=os.environ.get("GTTS_TLD", cls.gtts_tld),
            gtts_url=gtts_url,
            gtts_retry_after=_float("GTTS_RETRY_AFTER", cls.gtts_retry_after),
            espeak_bin=os.environ.get("ESPEAK_BIN", cls.espeak_bin),
            espeak_voice=os.environ.get("ESPEAK_VOICE", cls.espeak_voice),
            ffmpeg_bin=os.environ.get("FFMPEG_BIN", cls.ffmpeg_bin),
            max_parallel=max(1, _int("VOICE_MAX_PARALLEL", cls.max_parallel)),
            cache_max_bytes=_int("VOICE_CACHE_MAX_MB", 500) * 1024 * 1024,
            cache_max_age=_float("VOICE_CACHE_MAX_DAYS", 30.0) * 24 * 3600,
        )


def default_cache_dir() -> Path:
    """VOICE_CACHE_DIR, else $DATA_DIR/audio (DATA_DIR defaults to ./var)."""
    explicit = os.environ.get("VOICE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("DATA_DIR") or "var") / "audio"
