"""VoiceService: text in, path of a cached audio file out.

- The text is normalised for speech first (bot.voice.normalise).
- Audio is cached on disk by (engine, voice, speed, normalised text, format): a repeated answer
  costs a file read. Writes are atomic (temporary file, then rename), so a reader never sees half
  a file, even with several gateway processes sharing the folder.
- Concurrent requests for the same audio wait for one synthesis.
- Only the product's fixed texts (known in advance, nothing personal in them) may go to gTTS,
  that is to Google; any other text (an answer with a date, a name, a document title) is spoken
  by espeak-ng on this machine, whatever the engine setting.
- "auto" uses gTTS while Google's servers answer; when gTTS fails it falls back to espeak-ng at
  once and keeps espeak-ng for `gtts_retry_after` seconds, so no message waits for a timeout
  twice in a row.
- Logs carry the cache key, never the text (an answer can hold health data).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from bot.voice.convert import FORMATS, ConversionError, Format, convert
from bot.voice.engines import Engine, EngineUnavailable, EspeakEngine, GttsEngine, SourceAudio
from bot.voice.normalise import normalise_for_speech
from bot.voice.settings import ENGINES, VoiceSettings, default_cache_dir
from bot.voice.static import product_fixed_texts

log = logging.getLogger(__name__)

# Bump when the audio of a same key would change (new conversion settings, new normaliser rules
# are already covered because the key hashes the normalised text).
CACHE_VERSION = 1


def _same_words(text: str) -> str:
    return " ".join(text.split())


class VoiceError(Exception):
    """No engine could produce the audio."""


class VoiceService:
    def __init__(
        self,
        cache_dir: Path,
        engine: str = "auto",
        *,
        settings: VoiceSettings | None = None,
        impersonal_texts: Iterable[str] | None = None,
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
        self.settings = settings or VoiceSettings.from_env()
        self.mode = engine
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        s = self.settings
        self.gtts = GttsEngine(s.gtts_tld, s.gtts_timeout, s.gtts_url, enabled=s.gtts_enabled)
        self.espeak = EspeakEngine(s.espeak_bin, s.espeak_voice, s.espeak_rate, s.espeak_slow_rate)
        # Loaded once: the texts that may leave the machine (default: the product's fixed texts).
        known = product_fixed_texts() if impersonal_texts is None else impersonal_texts
        self._impersonal = frozenset(_same_words(text) for text in known)
        self._gtts_down_until = 0.0  # monotonic time; auto mode skips gTTS before it
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiters: dict[str, int] = {}
        self._parallel = asyncio.Semaphore(s.max_parallel)

    @classmethod
    def from_env(cls) -> VoiceService:
        """VOICE_ENGINE, VOICE_CACHE_DIR (default $DATA_DIR/audio), GTTS_* settings."""
        settings = VoiceSettings.from_env()
        return cls(default_cache_dir(), settings.engine, settings=settings)

    # --- engine choice ----------------------------------------------------------------------

    def is_impersonal(self, text: str) -> bool:
        """True for a fixed text of the product: it may be sent to Google."""
        return _same_words(text) in self._impersonal

    def current_engine(self, text: str | None = None) -> Engine:
        """The engine the next synthesis (of `text`, when given) starts with."""
        if self.mode == "espeak" or (text is not None and not self.is_impersonal(text)):
            return self.espeak
        if self.mode == "gtts":
            return self.gtts
        gtts_up = self.gtts.enabled and time.monotonic() >= self._gtts_down_until
        return self.gtts if gtts_up else self.espeak

    def _mark_gtts_down(self) -> None:
        self._gtts_down_until = time.monotonic() + self.settings.gtts_retry_after

    # --- cache ------------------------------------------------------------------------------

    def _key_for(self, engine: Engine, spoken: str, fmt: str, slow: bool) -> str:
        speed = "slow" if slow else "normal"
        material = json.dumps([CACHE_VERSION, engine.name, engine.voice, speed, spoken, fmt])
        digest = hashlib.sha256(material.encode("utf-8")).hexdigest()[:40]
        return f"{engine.name}-{speed}-{digest}"

    def cache_key(self, text: str, fmt: Format, slow: bool = False) -> str:
        """Stable, filename-safe key of the audio the current engine would produce."""
        self._check_format(fmt)
        return self._key_for(self.current_engine(text), normalise_for_speech(text), fmt, slow)

    def path_for_key(self, key: str, fmt: Format) -> Path:
        return self.cache_dir / f"{key}.{fmt}"

    def _cached(
        self, engines: Iterable[Engine], spoken: str, fmt: Format, slow: bool
    ) -> Path | None:
        for engine in engines:
            path = self.path_for_key(self._key_for(engine, spoken, fmt, slow), fmt)
            try:
                if path.stat().st_size == 0:
                    continue
            except FileNotFoundError:
                continue
            with contextlib.suppress(OSError):  # a read-only cache still serves its files
                os.utime(path)  # last use: pruning removes the least recently used first
            return path
        return None

    def prune(self, max_bytes: int | None = None, max_age: float | None = None) -> int:
        """Delete audio unused for `max_age` seconds, then the least recently used files above
        `max_bytes`. Answers can hold personal data (names, dates): they must not stay forever.
        Blocking (file system): call it with asyncio.to_thread from a running loop.
        Returns the number of files deleted."""
        max_bytes = self.settings.cache_max_bytes if max_bytes is None else max_bytes
        max_age = self.settings.cache_max_age if max_age is None else max_age
        now = time.time()
        entries = []
        for path in self.cache_dir.iterdir():
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            if path.name.startswith("."):
                if now - st.st_mtime > 3600:  # temp file of a crashed process
                    path.unlink(missing_ok=True)
                continue
            entries.append((st.st_mtime, st.st_size, path))
        entries.sort()  # oldest use first
        total = sum(size for _, size, _ in entries)
        deleted = 0
        for mtime, size, path in entries:
            if now - mtime <= max_age and total <= max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            deleted += 1
        if deleted:
            log.info("voice cache pruned files=%d bytes_left=%d", deleted, total)
        return deleted

    def _lookup_order(self, personal: bool) -> list[Engine]:
        # Offline, audio gTTS made earlier is still the better voice: serve it if we have it.
        if self.mode == "espeak" or personal:
            return [self.espeak]
        if self.mode == "gtts":
            return [self.gtts]
        if self.current_engine() is self.gtts:
            return [self.gtts]
        return [self.gtts, self.espeak]

    # --- public API -------------------------------------------------------------------------

    async def audio_for(self, text: str, fmt: Format, slow: bool = False) -> Path:
        """Path of an audio file saying `text` in `fmt` ("mp3" or "ogg")."""
        return (await self._render(text, (fmt,), slow))[fmt]

    async def prerender(
        self, texts: Iterable[str], fmts: Iterable[Format] = FORMATS, slow: bool = False
    ) -> int:
        """Render fixed answers ahead of time, `max_parallel` at once (run it as a background
        task at start). Returns how many texts failed; failures are logged, never raised."""
        wanted = tuple(fmts)
        slots = asyncio.Semaphore(self.settings.max_parallel)

        async def one(text: str) -> bool:
            async with slots:
                try:
                    await self._render(text, wanted, slow)
                    return True
                except (VoiceError, ValueError) as exc:
                    log.warning("prerender failed (%s)", type(exc).__name__)
                    return False

        results = await asyncio.gather(*(one(t) for t in dict.fromkeys(texts)))
        return results.count(False)

    # --- rendering --------------------------------------------------------------------------

    def _check_format(self, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"fmt must be one of {', '.join(FORMATS)}")

    async def _render(self, text: str, fmts: tuple[Format, ...], slow: bool) -> dict[Format, Path]:
        for fmt in fmts:
            self._check_format(fmt)
        if len(text) > self.settings.max_chars:
            raise ValueError("text too long for speech")
        spoken = normalise_for_speech(text)
        if not any(ch.isalnum() for ch in spoken):
            raise ValueError("nothing to say")

        personal = not self.is_impersonal(text)
        found: dict[Format, Path] = {}
        for fmt in fmts:
            path = self._cached(self._lookup_order(personal), spoken, fmt, slow)
            if path is not None:
                found[fmt] = path
        missing = tuple(f for f in fmts if f not in found)
        if not missing:
            return found

        # One lock per (text, speed): a second request for the same audio waits for the first.
        lock_id = hashlib.sha256(f"{slow}\x00{spoken}".encode()).hexdigest()
        lock = self._locks.setdefault(lock_id, asyncio.Lock())
        self._waiters[lock_id] = self._waiters.get(lock_id, 0) + 1
        try:
            async with lock:
                for fmt in missing:  # maybe made while we waited
                    path = self._cached(self._lookup_order(personal), spoken, fmt, slow)
                    if path is not None:
                        found[fmt] = path
                still = tuple(f for f in missing if f not in found)
                if still:
                    found.update(await self._synthesize_and_store(spoken, still, slow, personal))
        finally:
            self._waiters[lock_id] -= 1
            if self._waiters[lock_id] == 0:
                del self._waiters[lock_id]
                self._locks.pop(lock_id, None)
        return found

    async def _synthesize_and_store(
        self, spoken: str, fmts: tuple[Format, ...], slow: bool, personal: bool
    ) -> dict[Format, Path]:
        started = time.perf_counter()
        stored: dict[Format, Path] = {}
        first = self.espeak if personal else self.current_engine()
        try:
            source = await self._run_engine(first, spoken, slow)
            engine: Engine = first
        except EngineUnavailable as exc:
            if self.mode != "auto" or first is self.espeak:
                raise VoiceError(f"{first.name} failed: {type(exc).__name__}") from exc
            self._mark_gtts_down()
            log.warning(
                "gTTS unreachable (%s); espeak-ng for the next %d s",
                type(exc.__cause__ or exc).__name__,
                self.settings.gtts_retry_after,
            )
            engine = self.espeak
            # The offline audio may exist already (made during an earlier outage).
            for fmt in fmts:
                path = self._cached([engine], spoken, fmt, slow)
                if path is not None:
                    stored[fmt] = path
            if len(stored) == len(fmts):
                return stored
            try:
                source = await self._run_engine(engine, spoken, slow)
            except EngineUnavailable as exc2:
                raise VoiceError("espeak failed") from exc2
        for fmt in (f for f in fmts if f not in stored):
            async with self._parallel:
                stored[fmt] = await self._store(
                    source, fmt, self._key_for(engine, spoken, fmt, slow)
                )
        log.info(
            "voice synthesized key=%s engine=%s ms=%d",
            ",".join(p.stem for p in stored.values()),
            engine.name,
            (time.perf_counter() - started) * 1000,
        )
        return stored

    async def _run_engine(self, engine: Engine, spoken: str, slow: bool) -> SourceAudio:
        if engine is self.espeak:  # CPU work: bounded; gTTS only waits on the network
            async with self._parallel:
                return await engine.synthesize(spoken, slow)
        return await engine.synthesize(spoken, slow)

    async def _store(self, source: SourceAudio, fmt: Format, key: str) -> Path:
        final = self.path_for_key(key, fmt)
        tmp = self.cache_dir / f".{key}.{uuid.uuid4().hex}.tmp"
        try:
            await convert(source, fmt, tmp, self.settings.ffmpeg_bin)
            os.replace(tmp, final)  # atomic on one filesystem
        except ConversionError as exc:
            raise VoiceError(str(exc)) from exc
        finally:
            if tmp.exists():
                tmp.unlink()
        return final
