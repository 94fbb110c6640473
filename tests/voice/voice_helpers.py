"""Helpers for the voice tests: ffprobe, free ports in our range, a fake gTTS server.

The fake server speaks the protocol gTTS really uses (gtts/tts.py): a form POST of
`f.req=[[["jQ1olc","[text,lang,speed,\"null\"]",null,"generic"]]]` to
/_/TranslateWebserverUi/data/batchexecute, answered in Google's batchexecute framing
()]}' guard line, chunk lengths, a "wrb.fr" envelope holding the base64 MP3).
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
import re
import socket
import subprocess
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PORT_RANGE = range(18500, 18600)
BATCHEXECUTE_PATH = "/_/TranslateWebserverUi/data/batchexecute"


def free_port() -> int:
    for port in PORT_RANGE:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18500-18599")


def probe(path: Path) -> dict:
    """Codec, sample rate, channels and duration of an audio file, measured by ffprobe."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries",
         "format=duration,format_name:stream=codec_name,sample_rate,channels",
         "-of", "json", str(path)],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    info = json.loads(out)
    stream = info["streams"][0]
    return {
        "codec": stream["codec_name"],
        "sample_rate": int(stream["sample_rate"]),
        "channels": int(stream["channels"]),
        "format": info["format"]["format_name"],
        "duration": float(info["format"]["duration"]),
    }


def write_self_signed(cert: Path, key: Path, host: str) -> None:
    """A one-day self-signed certificate for `host` (cryptography, no openssl binary needed)."""
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def mean_volume_db(path: Path) -> float:
    """Mean loudness in dB (ffmpeg volumedetect): silence is about -91 dB, speech above -35."""
    err = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-af", "volumedetect",
         "-f", "null", "-"],
        capture_output=True, check=True, text=True,
    ).stderr  # fmt: skip
    match = re.search(r"mean_volume: (-?[\d.]+) dB", err)
    assert match, err
    return float(match.group(1))


@functools.cache
def _word_mp3(seconds: float) -> bytes:
    # Constant bitrate and no Xing header: copies of it joined end to end are a valid MP3 whose
    # duration ffprobe reads right, like the parts gTTS joins.
    return subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
         "-i", f"sine=frequency=220:duration={seconds:.2f}:sample_rate=24000",
         "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k", "-write_xing", "0",
         "-f", "mp3", "pipe:1"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip


def tone_mp3(words: int, seconds_per_word: float) -> bytes:
    """A real MP3 (a quiet tone) standing in for Google's voice: one tone per word."""
    return _word_mp3(round(seconds_per_word, 2)) * words


@dataclass
class FakeGoogle:
    url: str
    requests: list[dict] = field(default_factory=list)
    mode: str = "ok"  # "ok" | "error500" | "no_audio"
    seconds_per_word: float = 0.4


def _batchexecute_body(audio: bytes | None) -> bytes:
    payload = json.dumps([base64.b64encode(audio).decode("ascii")]) if audio else None
    envelope = json.dumps(
        [["wrb.fr", "jQ1olc", payload, None, None, None if audio else [3], "generic"],
         ["di", 57], ["af.httprm", 56, "-2891640519325386946", 14]],
        separators=(",", ":"),
    )  # fmt: skip
    tail = json.dumps([["e", 4, None, None, len(envelope) + 80]], separators=(",", ":"))
    return f")]}}'\n\n{len(envelope) + 1}\n{envelope}\n{len(tail) + 1}\n{tail}\n".encode()


def make_handler(fake: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            if self.path.split("?")[0] != BATCHEXECUTE_PATH:
                self.send_error(404)
                return
            # Unpack exactly what gTTS's _package_rpc packs.
            rpc = json.loads(parse_qs(body)["f.req"][0])
            rpc_id, escaped, _, kind = rpc[0][0]
            text, lang, speed, null = json.loads(escaped)
            fake.requests.append(
                {"rpc_id": rpc_id, "kind": kind, "text": text, "lang": lang, "speed": speed,
                 "null": null, "content_type": self.headers.get("Content-Type"),
                 "user_agent": self.headers.get("User-Agent")}
            )  # fmt: skip
            if fake.mode == "error500" or rpc_id != "jQ1olc":
                self.send_error(500)
                return
            audio = None
            if fake.mode == "ok":
                words = max(1, len(text.split()))
                factor = 1.6 if speed else 1.0
                audio = tone_mp3(words, fake.seconds_per_word * factor)
            out = _batchexecute_body(audio)
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    return Handler
