"""Encrypted document storage and upload checks (records/storage.py)."""

from __future__ import annotations

import base64
import io

import pytest
from fpdf import FPDF

from records.settings import Settings
from records.storage import (
    MAX_UPLOAD_BYTES,
    LocalEncryptedStorage,
    StorageError,
    UploadRejected,
    check_upload,
    sniff,
    storage_key,
)

KEY = bytes(range(32))


def test_round_trip_and_encrypted_at_rest(tmp_path):
    store = LocalEncryptedStorage(tmp_path, KEY)
    secret = b"Compte rendu: allergie a la penicilline"
    key = store.put(secret)
    assert store.get(key) == secret
    on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert secret not in on_disk and b"penicilline" not in on_disk
    store.delete(key)
    with pytest.raises(StorageError):
        store.get(key)


def test_wrong_key_or_tampering_is_detected(tmp_path):
    key = LocalEncryptedStorage(tmp_path, KEY).put(b"data")
    with pytest.raises(StorageError):
        LocalEncryptedStorage(tmp_path, bytes(32)).get(key)
    path = next(p for p in tmp_path.rglob(key))
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(StorageError):
        LocalEncryptedStorage(tmp_path, KEY).get(key)


def test_keys_cannot_escape_the_folder(tmp_path):
    with pytest.raises(StorageError):
        LocalEncryptedStorage(tmp_path, KEY).get("../../etc/passwd")


def _settings(monkeypatch, environment: str, key: bytes | None) -> Settings:
    # Read from the environment, as the service reads it (production secrets not validated here).
    if key is None:
        monkeypatch.delenv("DOCUMENT_STORAGE_KEY", raising=False)
    else:
        monkeypatch.setenv("DOCUMENT_STORAGE_KEY", base64.b64encode(key).decode())
    monkeypatch.setenv("ENVIRONMENT", "development")
    read = Settings()
    return read.model_copy(update={"environment": environment, "records_secret_key": "x"})


def test_storage_key_from_environment(monkeypatch):
    assert storage_key(_settings(monkeypatch, "production", KEY)) == KEY
    with pytest.raises(ValueError):
        storage_key(_settings(monkeypatch, "development", b"short"))
    with pytest.raises(ValueError):
        storage_key(_settings(monkeypatch, "production", None))
    assert len(storage_key(_settings(monkeypatch, "development", None))) == 32


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="ordonnance")
    return bytes(pdf.output())


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (_pdf(), "application/pdf"),
        (_png(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (b"{\\rtf1\\ansi Bonjour}", "application/rtf"),
        ("Résultats: tout va bien.\n".encode(), "text/plain"),
        ("Résultats".encode("latin-1"), "text/plain"),
    ],
)
def test_allowed_types_are_recognised_by_content(data, media_type):
    assert check_upload(data).media_type == media_type


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program, whatever its name says
        b"PK\x03\x04\x14\x00",  # zip / docx
        b"GIF89a\x01\x00\x01\x00\x00\x00",
        b"\x7fELF\x02\x01\x01\x00\x00",
    ],
)
def test_other_types_are_refused(data):
    with pytest.raises(UploadRejected) as err:
        check_upload(data)
    assert err.value.code == "file_type_not_allowed"


def test_size_limits():
    with pytest.raises(UploadRejected) as err:
        check_upload(b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)
    assert err.value.code == "file_too_large"
    assert check_upload(b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES - 5)).extension == "pdf"
    with pytest.raises(UploadRejected):
        check_upload(b"")


def test_sniff_ignores_the_name():
    assert sniff(io.BytesIO(b"%PDF-1.7").getvalue()).extension == "pdf"
