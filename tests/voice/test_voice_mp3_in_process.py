"""MP3 for the widget is encoded inside the process (libmp3lame), without starting ffmpeg."""

import asyncio
import struct
import subprocess
from pathlib import Path

import pytest
from voice_helpers import mean_volume_db, probe

from bot.voice import VoiceService, lame
from bot.voice.convert import convert
from bot.voice.engines import SourceAudio
from bot.voice.settings import VoiceSettings

TWO_SENTENCES = "Votre rendez-vous est mardi 3 décembre à 10 heures. Apportez votre carte Vitale."


def espeak_wav(text: str) -> bytes:
    return subprocess.run(
        ["espeak-ng", "-v", "fr-fr", "-s", "150", "--stdin", "--stdout"],
        input=text.encode(), capture_output=True, check=True,
    ).stdout  # fmt: skip


def wav_seconds(wav: bytes) -> float:
    rate = struct.unpack_from("<I", wav, 24)[0]
    return (len(wav) - 44) / 2 / rate


async def test_mp3_without_ffmpeg(tmp_path: Path) -> None:
    # ffmpeg_bin "false" fails every conversion: the MP3 must not need it.
    settings = VoiceSettings(engine="espeak", ffmpeg_bin="false")
    svc = VoiceService(tmp_path, "espeak", settings=settings)
    path = await svc.audio_for(TWO_SENTENCES, "mp3")
    info = probe(path)
    assert info["codec"] == "mp3" and info["channels"] == 1 and info["format"] == "mp3"
    assert info["sample_rate"] in (22050, 24000)
    assert mean_volume_db(path) > -35  # a voice, not silence


def test_encoded_audio_lasts_as_long_as_the_speech(tmp_path: Path) -> None:
    wav = espeak_wav(TWO_SENTENCES)
    out = tmp_path / "a.mp3"
    out.write_bytes(lame.wav_to_mp3(wav))
    # An MP3 frame holds 576 samples at 22.05 kHz (26 ms); the encoder adds a little padding.
    assert abs(probe(out)["duration"] - wav_seconds(wav)) < 0.15


def test_espeak_pipe_header_is_read_to_the_end() -> None:
    # espeak-ng writes to a pipe, so its header says 0x7ffff000 bytes of data: ignored.
    wav = espeak_wav("Bonjour.")
    assert struct.unpack_from("<I", wav, 40)[0] > len(wav)
    pcm, rate = lame._pcm_from_wav(wav)
    assert rate == 22050 and len(pcm) == len(wav) - 44


@pytest.mark.parametrize(
    "data",
    [b"", b"not a wav file at all", b"RIFF\x00\x00\x00\x00WAVEdata\x00\x00\x00\x00"],
)
def test_broken_input_is_refused(data: bytes) -> None:
    with pytest.raises(lame.LameError):
        lame.wav_to_mp3(data)


async def test_wav_the_encoder_cannot_read_goes_to_ffmpeg(tmp_path: Path) -> None:
    # 8-bit stereo: not what espeak-ng writes; ffmpeg still converts it.
    rate, frames = 8000, 8000
    body = bytes((128 + (i % 40) - 20) & 0xFF for i in range(frames * 2))
    header = b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 2, rate, rate * 2, 2, 8)
    wav = header + b"data" + struct.pack("<I", len(body)) + body
    with pytest.raises(lame.LameError):
        lame.wav_to_mp3(wav)
    dest = tmp_path / "b.mp3"
    await convert(SourceAudio(wav, "wav"), "mp3", dest)
    assert probe(dest)["codec"] == "mp3"


async def test_parallel_encodings_do_not_mix(tmp_path: Path) -> None:
    texts = [f"Vous avez {n} messages. Merci de les lire." for n in range(2, 8)]
    wavs = [espeak_wav(t) for t in texts]
    mp3s = await asyncio.gather(*(asyncio.to_thread(lame.wav_to_mp3, w) for w in wavs))
    # Each result is the one a lone encoding gives (encoder state is per call).
    assert list(mp3s) == [lame.wav_to_mp3(w) for w in wavs]
