"""Document files, stored outside the database and encrypted at rest (SPEC §3.3).

`Storage` is the interface; `LocalEncryptedStorage` (a folder, AES-256-GCM) is the default.
The key comes from the environment (`DOCUMENT_STORAGE_KEY`, 32 bytes in base64). Outside
production a key is derived from RECORDS_SECRET_KEY so development works without set-up.
Uploads are checked here too: allowed types by their first bytes (never by the file name)
and at most 5 MB.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from records.settings import Settings

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
NONCE_BYTES = 12
KEY_ENV = "DOCUMENT_STORAGE_KEY"


class StorageError(Exception):
    """A stored file is missing or was tampered with."""


class UploadRejected(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "file_too_large", "file_type_not_allowed", "file_empty"


class Storage(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalEncryptedStorage:
    """One file per document, named by a random key; content = nonce + AES-GCM ciphertext.

    The storage key is bound as associated data, so a file copied under another name
    does not decrypt."""

    def __init__(self, folder: Path, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the document storage key must be 32 bytes")
        self.folder = Path(folder)
        self._aead = AESGCM(key)

    def _path(self, key: str) -> Path:
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise StorageError("bad storage key")
        return self.folder / key[:2] / key

    def put(self, data: bytes) -> str:
        key = secrets.token_hex(16)
        nonce = os.urandom(NONCE_BYTES)
        blob = nonce + self._aead.encrypt(nonce, data, key.encode())
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(blob)
        tmp.replace(path)  # atomic: never a half-written document
        return key

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except FileNotFoundError as exc:
            raise StorageError("document file missing") from exc
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], key.encode())
        except InvalidTag as exc:
            raise StorageError("document file altered") from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage_key(settings: Settings) -> bytes:
    """DOCUMENT_STORAGE_KEY; outside production, derived from RECORDS_SECRET_KEY when unset."""
    raw = settings.document_storage_key
    if raw:
        key = base64.b64decode(raw)
        if len(key) != 32:
            raise ValueError(f"{KEY_ENV} must be 32 bytes encoded in base64")
        return key
    if settings.environment == "production":
        raise ValueError(
            f"{KEY_ENV} is required in production: 32 random bytes in base64, the key of "
            "the stored documents"
        )
    return hashlib.sha256(b"document-storage:" + settings.records_secret_key.encode()).digest()


_default: Storage | None = None


def storage_for(settings: Settings) -> Storage:
    folder = settings.document_storage_dir or settings.data_dir / "documents"
    return LocalEncryptedStorage(folder, storage_key(settings))


def get_storage(settings: Settings | None = None) -> Storage:
    """The configured storage; tests may replace it with set_storage."""
    global _default
    if _default is None:
        from records.settings import get_settings

        _default = storage_for(settings or get_settings())
    return _default


def set_storage(storage: Storage | None) -> None:
    global _default
    _default = storage


# --- content checks ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sniffed:
    media_type: str
    extension: str


_MAGIC: list[tuple[bytes, Sniffed]] = [
    (b"%PDF-", Sniffed("application/pdf", "pdf")),
    (b"\x89PNG\r\n\x1a\n", Sniffed("image/png", "png")),
    (b"\xff\xd8\xff", Sniffed("image/jpeg", "jpg")),
    (b"II*\x00", Sniffed("image/tiff", "tif")),
    (b"MM\x00*", Sniffed("image/tiff", "tif")),
    (b"{\\rtf", Sniffed("application/rtf", "rtf")),
]
TEXT = Sniffed("text/plain", "txt")
# Text that a browser would take for a page or a script is not a plain note: refused, even
# though documents are served as downloads that never run (records/services/record_views.py).
MARKUP = re.compile(
    rb"<\s*(?:!doctype|\?xml|html|head|body|script|iframe|frame|svg|math|object|embed|img|"
    rb"style|link|meta|form|input|a\s|base|video|audio|xsl)",
    re.IGNORECASE,
)


def _is_text(data: bytes) -> bool:
    """Every byte of the file is checked, not only its beginning."""
    if b"\x00" in data or MARKUP.search(data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            return False
        return all(c.isprintable() or c in "\r\n\t\f" for c in text)
    return True


def sniff(data: bytes) -> Sniffed | None:
    """The type of a file from its content, or None when it is not an allowed type."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if _is_text(data):
        return TEXT
    return None


def check_upload(data: bytes) -> Sniffed:
    if not data:
        raise UploadRejected("file_empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected("file_too_large")
    kind = sniff(data)
    if kind is None:
        raise UploadRejected("file_type_not_allowed")
    return kind


def read_file(key: str) -> bytes:
    """A stored document's bytes for a route: a missing or altered file is 410, never a 500."""
    from records.errors import AppError

    try:
        return get_storage().get(key)
    except StorageError as exc:
        raise AppError("document_unavailable", 410) from exc
