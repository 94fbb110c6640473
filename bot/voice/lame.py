"""MP3 encoding inside the gateway process with libmp3lame (ctypes), instead of starting ffmpeg.

Starting ffmpeg costs 100 to 250 ms on this machine (it loads every libav library) for a few
milliseconds of encoding: most of an uncached spoken answer. libmp3lame is the encoder ffmpeg
itself uses for MP3 (Debian package libmp3lame0, installed with ffmpeg), so the output is the
same kind of file: MPEG audio layer III, mono, 48 kbit/s constant bit rate, at the sample rate
espeak-ng speaks in (22.05 kHz): resampling to 24 kHz as before cost a third of the encoding
time and added nothing to a 22.05 kHz voice.

`available()` is False when the library cannot be loaded; the caller then uses ffmpeg.
Each call has its own encoder state, so encodings may run in parallel threads (ctypes releases
the GIL during the library calls); only the set-up of an encoder is serialised.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import struct
import threading

MONO = 3  # MPEG_mode MONO in lame.h
# Rates an MP3 frame can carry (MPEG-1, 2 and 2.5); any other input rate is resampled to 24 kHz.
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
BIT_RATE_KBPS = 48
QUALITY = 5  # lame.h: 2 = best and slow, 5 = good and fast, 7 = ok; ffmpeg's default is 5

_lib: ctypes.CDLL | None = None
_loaded = False
_load_lock = threading.Lock()
_init_lock = threading.Lock()


class LameError(Exception):
    """The audio could not be encoded (not 16-bit PCM WAV, or the encoder refused it)."""


def _load() -> ctypes.CDLL | None:
    global _lib, _loaded
    with _load_lock:
        if _loaded:
            return _lib
        _loaded = True
        name = ctypes.util.find_library("mp3lame") or "libmp3lame.so.0"
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            return None
        lib.lame_init.restype = ctypes.c_void_p
        lib.lame_init.argtypes = []
        for setter in (
            "lame_set_in_samplerate",
            "lame_set_out_samplerate",
            "lame_set_num_channels",
            "lame_set_mode",
            "lame_set_brate",
            "lame_set_quality",
            "lame_set_bWriteVbrTag",
        ):
            getattr(lib, setter).argtypes = [ctypes.c_void_p, ctypes.c_int]
            getattr(lib, setter).restype = ctypes.c_int
        lib.lame_init_params.argtypes = [ctypes.c_void_p]
        lib.lame_init_params.restype = ctypes.c_int
        lib.lame_encode_buffer.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_void_p,
            ctypes.c_int,
        ]
        lib.lame_encode_buffer.restype = ctypes.c_int
        lib.lame_encode_flush.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
        lib.lame_encode_flush.restype = ctypes.c_int
        lib.lame_close.argtypes = [ctypes.c_void_p]
        lib.lame_close.restype = ctypes.c_int
        _lib = lib
        return lib


def available() -> bool:
    return _load() is not None


def _pcm_from_wav(wav: bytes) -> tuple[bytes, int]:
    """16-bit mono PCM samples and their sample rate. espeak-ng writes its WAV to a pipe, so the
    sizes in its header are placeholders: the data chunk runs to the end of the bytes."""
    if len(wav) < 12 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise LameError("not a WAV file")
    pos, rate = 12, 0
    while pos + 8 <= len(wav):
        chunk, size = wav[pos : pos + 4], struct.unpack_from("<I", wav, pos + 4)[0]
        body = pos + 8
        if chunk == b"fmt ":
            codec, channels, rate = struct.unpack_from("<HHI", wav, body)
            bits = struct.unpack_from("<H", wav, body + 14)[0]
            if codec != 1 or channels != 1 or bits != 16:
                raise LameError(f"unsupported WAV: codec {codec}, {channels} ch, {bits} bits")
        elif chunk == b"data":
            if not rate:
                raise LameError("WAV data before its format")
            data = wav[body : body + size] if body + size <= len(wav) else wav[body:]
            return data[: len(data) - len(data) % 2], rate
        pos = body + size + (size & 1)
    raise LameError("WAV without data")


def wav_to_mp3(wav: bytes) -> bytes:
    """Encode a 16-bit mono WAV (espeak-ng's output) to MP3. Blocking: run it in a thread."""
    lib = _load()
    if lib is None:
        raise LameError("libmp3lame is not installed")
    pcm, rate = _pcm_from_wav(wav)
    samples = len(pcm) // 2
    if samples == 0:
        raise LameError("no audio")
    with _init_lock:  # LAME fills shared tables on its first initialisations
        gfp = lib.lame_init()
    if not gfp:
        raise LameError("lame_init failed")
    try:
        for setter, value in (
            (lib.lame_set_in_samplerate, rate),
            (lib.lame_set_out_samplerate, rate if rate in MP3_RATES else 24000),
            (lib.lame_set_num_channels, 1),
            (lib.lame_set_mode, MONO),
            (lib.lame_set_brate, BIT_RATE_KBPS),
            (lib.lame_set_quality, QUALITY),
            # No Xing header: it would be an empty frame unless rewritten after the end.
            (lib.lame_set_bWriteVbrTag, 0),
        ):
            if setter(gfp, value) < 0:
                raise LameError("encoder setting refused")
        with _init_lock:
            ready = lib.lame_init_params(gfp)
        if ready < 0:
            raise LameError("lame_init_params failed")
        pcm_buf = ctypes.create_string_buffer(pcm, len(pcm))
        size = int(1.25 * samples) + 7200  # worst case given in lame.h
        out = ctypes.create_string_buffer(size)
        written = lib.lame_encode_buffer(gfp, pcm_buf, pcm_buf, samples, out, size)
        if written < 0:
            raise LameError(f"lame_encode_buffer error {written}")
        tail = ctypes.create_string_buffer(7200)
        flushed = lib.lame_encode_flush(gfp, tail, 7200)
        if flushed < 0:
            raise LameError(f"lame_encode_flush error {flushed}")
        return out.raw[:written] + tail.raw[:flushed]
    finally:
        lib.lame_close(gfp)
