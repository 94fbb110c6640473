"""Speech engines: gTTS (Google's servers) and espeak-ng (offline, Debian package).

An engine turns already-normalised French text into audio bytes. It does not cache and does not
convert: the service does both. Each engine counts its syntheses (`calls`) so the cache can be
proven, and raises EngineUnavailable when it cannot speak so the service can fall back.
"""

from __future__ import annotations

import asyncio
import io
import logging
import shutil
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import urlsplit

from gtts import gTTS, gTTSError

log = logging.getLogger(__name__)
# gTTS logs every argument, the text included, at DEBUG: an answer can hold health data.
logging.getLogger("gtts").setLevel(logging.INFO)


class EngineUnavailable(Exception):
    """The engine cannot produce audio now (no network, missing binary, bad answer)."""


@dataclass(frozen=True)
class SourceAudio:
    data: bytes
    container: Literal["wav", "mp3"]


class Engine(Protocol):
    name: str
    calls: int

    @property
    def voice(self) -> str: ...

    async def synthesize(self, text: str, slow: bool) -> SourceAudio: ...


class EspeakEngine:
    """espeak-ng run as a subprocess; text on stdin (never on the command line), WAV on stdout."""

    name = "espeak"

    def __init__(self, binary: str = "espeak-ng", voice: str = "fr-fr", rate: int = 150,
                 slow_rate: int = 110) -> None:  # fmt: skip
        self.binary = binary
        self._voice = voice
        self.rate = rate
        self.slow_rate = slow_rate
        self.calls = 0

    @property
    def voice(self) -> str:
        return self._voice

    def available(self) -> bool:
        return shutil.which(self.binary) is not None

    async def synthesize(self, text: str, slow: bool) -> SourceAudio:
        self.calls += 1
        rate = self.slow_rate if slow else self.rate
        try:
            return await self._run(self._voice, rate, text)
        except EngineUnavailable:
            if self._voice == "fr":
                raise
            # Some builds name the French voice only "fr".
            log.warning("espeak-ng voice %s failed, trying fr", self._voice)
            self._voice = "fr"
            return await self._run("fr", rate, text)

    async def _run(self, voice: str, rate: int, text: str) -> SourceAudio:
        try:
            proc = await asyncio.create_subprocess_exec(
                self.binary, "-v", voice, "-s", str(rate), "--stdin", "--stdout",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
        except FileNotFoundError as exc:
            raise EngineUnavailable(f"{self.binary} is not installed") from exc
        out, err = await proc.communicate(text.encode("utf-8"))
        # espeak-ng exits 0 even for an unknown voice, with an empty WAV and a message.
        if proc.returncode != 0 or len(out) <= 44 or err.strip():
            raise EngineUnavailable(
                f"espeak-ng failed (exit {proc.returncode}): {err.decode(errors='replace')[:200]}"
            )
        return SourceAudio(out, "wav")


class RoutedGTTS(gTTS):
    """gTTS with its host replaced by `base_url` (same path, same requests, same parsing).

    gTTS always builds https://translate.google.<tld>/_/TranslateWebserverUi/data/batchexecute;
    only the scheme and host change here, so the real protocol code of gTTS still runs.
    """

    def __init__(self, *args: object, base_url: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._base_url = base_url.rstrip("/") if base_url else None

    def _prepare_requests(self):  # type: ignore[no-untyped-def]
        prepared = super()._prepare_requests()
        if self._base_url:
            for request in prepared:
                request.prepare_url(self._base_url + urlsplit(request.url).path, None)
        return prepared


class GttsEngine:
    """Google Translate's text-to-speech through gTTS, run in a worker thread (blocking I/O)."""

    name = "gtts"

    def __init__(
        self,
        tld: str = "fr",
        timeout: float = 3.0,
        base_url: str | None = None,
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled
        self.tld = tld
        self.timeout = timeout
        self.base_url = base_url
        self.calls = 0

    @property
    def voice(self) -> str:
        return f"fr-{self.tld}"

    async def synthesize(self, text: str, slow: bool) -> SourceAudio:
        if not self.enabled:
            raise EngineUnavailable("gTTS is disabled (GTTS_ENABLED)")
        self.calls += 1
        data = await asyncio.to_thread(self._blocking, text, slow)
        return SourceAudio(data, "mp3")

    def _blocking(self, text: str, slow: bool) -> bytes:
        buf = io.BytesIO()
        try:
            tts = RoutedGTTS(
                text,
                tld=self.tld,
                lang="fr",
                slow=slow,
                lang_check=False,  # the check would fetch nothing but costs a lookup
                timeout=(self.timeout, self.timeout),
                base_url=self.base_url,
            )
            tts.write_to_fp(buf)
        except (gTTSError, AssertionError, OSError) as exc:
            raise EngineUnavailable(f"gTTS failed: {type(exc).__name__}: {exc}") from exc
        if not buf.getvalue():
            raise EngineUnavailable("gTTS returned no audio")
        return buf.getvalue()
