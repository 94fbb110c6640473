"""Audio conversion: MP3 for the web widget, OGG/Opus for Telegram voice notes.

MP3 from espeak-ng's WAV is encoded in process by libmp3lame (bot.voice.lame): starting ffmpeg
was most of the time of an uncached answer. OGG/Opus, and MP3 when libmp3lame cannot be loaded,
go through ffmpeg."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Literal

from bot.voice import lame
from bot.voice.engines import SourceAudio

Format = Literal["mp3", "ogg"]
FORMATS: tuple[Format, ...] = ("mp3", "ogg")

# Telegram plays a voice note only as OGG/Opus; 48 kHz mono is what its own clients send.
_OUTPUT_ARGS: dict[str, list[str]] = {
    "mp3": ["-ac", "1", "-ar", "24000", "-c:a", "libmp3lame", "-b:a", "48k", "-f", "mp3"],
    "ogg": ["-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "32k",
            "-application", "voip", "-f", "ogg"],
}  # fmt: skip


class ConversionError(Exception):
    pass


async def convert(source: SourceAudio, fmt: Format, dest: Path, ffmpeg: str = "ffmpeg") -> None:
    """Write `source` to `dest` in `fmt`. MP3 from gTTS is copied as it is (no quality loss)."""
    if fmt not in _OUTPUT_ARGS:
        raise ValueError(f"unknown audio format: {fmt}")
    if fmt == "mp3" and source.container == "mp3":
        await asyncio.to_thread(dest.write_bytes, source.data)
        return
    if fmt == "mp3" and source.container == "wav" and lame.available():
        try:
            data = await asyncio.to_thread(lame.wav_to_mp3, source.data)
        except lame.LameError:
            pass  # a WAV it cannot read (not 16-bit mono): ffmpeg reads every kind
        else:
            await asyncio.to_thread(dest.write_bytes, data)
            return
    try:
        proc = await asyncio.create_subprocess_exec(
            ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", source.container, "-i", "pipe:0",
            *_OUTPUT_ARGS[fmt], str(dest),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
    except FileNotFoundError as exc:
        raise ConversionError(f"{ffmpeg} is not installed") from exc
    _, err = await proc.communicate(source.data)
    if proc.returncode != 0:
        detail = err.decode(errors="replace")[:300]
        raise ConversionError(f"ffmpeg exit {proc.returncode}: {detail}")
