"""Encryption at rest of the gateway's personal data (external ids, record session tokens).

One key, GATEWAY_DATA_KEY (32 bytes in base64): required in production; outside production a
random key is kept in $DATA_DIR/gateway-data.key so a restart (or a second local replica)
reads what the first one wrote. Two sub-keys are derived from it with HKDF: one for AES-256-GCM,
one for the keyed hashes (HMAC-SHA256) that look an external id up without decrypting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_FILE = "gateway-data.key"
NONCE_BYTES = 12


class DataKeyError(Exception):
    """The key is missing or malformed, or a stored value was not written with it."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class DataKey:
    def __init__(self, master: bytes) -> None:
        if len(master) < 32:
            raise DataKeyError("GATEWAY_DATA_KEY must hold 32 bytes (base64)")
        self._aead = AESGCM(_derive(master, b"gateway-aes-gcm"))
        self._hmac_key = _derive(master, b"gateway-hmac")

    @classmethod
    def from_base64(cls, value: str) -> DataKey:
        try:
            return cls(base64.b64decode(value.strip(), validate=True))
        except (binascii.Error, ValueError):
            raise DataKeyError("GATEWAY_DATA_KEY is not valid base64") from None

    @classmethod
    def load(cls, configured: str | None, data_dir: Path) -> DataKey:
        """The configured key, else the development key file (created once)."""
        if configured:
            return cls.from_base64(configured)
        path = data_dir / KEY_FILE
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return cls.from_base64(path.read_text())
        with os.fdopen(fd, "w") as handle:  # first start: this process writes the key
            handle.write(base64.b64encode(secrets.token_bytes(32)).decode())
        return cls.from_base64(path.read_text())

    def encrypt(self, plaintext: str, context: str) -> str:
        """AES-256-GCM; `context` (what the value belongs to) is authenticated, not stored."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return base64.b64encode(nonce + sealed).decode()

    def decrypt(self, stored: str, context: str) -> str:
        raw = base64.b64decode(stored)
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, sealed, context.encode()).decode()
        except InvalidTag:
            raise DataKeyError("value not written with this key or for this context") from None

    def lookup_hash(self, *parts: str) -> str:
        """A keyed hash to find a row by a personal value without storing it in clear."""
        message = "\x1f".join(parts).encode()
        return hmac.new(self._hmac_key, message, hashlib.sha256).hexdigest()
