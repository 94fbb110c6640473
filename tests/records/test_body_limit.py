"""Request bodies are limited while they stream in, before anything parses them: a huge JSON or
an anonymous 12 MiB upload is refused without the server waiting for the whole body."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from records_helpers import activate, bearer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.http_probe import free_port, post_partial, serve  # noqa: E402

MIB = 1024 * 1024


@pytest.fixture
def server(app, db):
    port = free_port(18600, 18640)
    with serve(app, port):
        yield port


def _error(body: bytes) -> str:
    return json.loads(body)["error"]["code"]


def test_a_40_mib_json_is_refused_from_its_declared_length(server):
    status, body = post_partial(
        server,
        "/auth/login",
        {"Content-Type": "application/json"},
        send_bytes=MIB,
        declared_length=40 * MIB,
    )
    assert status == 413 and _error(body) == "body_too_large"


def test_a_streamed_json_is_refused_once_it_passes_the_limit(server):
    status, body = post_partial(
        server, "/activations", {"Content-Type": "application/json"}, send_bytes=2 * MIB
    )
    assert status == 413 and _error(body) == "body_too_large"


def test_an_anonymous_12_mib_upload_is_refused_before_it_is_read(server):
    headers = {"Content-Type": "multipart/form-data; boundary=xyz"}
    status, body = post_partial(
        server, "/me/documents", headers, send_bytes=MIB, declared_length=12 * MIB
    )
    assert status == 413 and _error(body) == "body_too_large"
    part = (
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    )
    status, body = post_partial(server, "/me/documents", headers, send_bytes=8 * MIB, prefix=part)
    assert status == 413 and _error(body) == "body_too_large"


def test_a_5_mb_document_still_fits(client):
    token = activate(client, "camille")["token"]
    pdf = b"%PDF-1.4\n" + b"0" * (5 * MIB - 100) + b"\n%%EOF\n"
    r = client.post(
        "/me/documents",
        headers=bearer(token),
        data={"title": "Gros compte rendu", "category": "AUTR_DOC"},
        files={"file": ("gros.pdf", pdf, "application/pdf")},
    )
    assert r.status_code != 413, r.text
    r = client.post("/auth/login", json={"identifier": "x" * 70_000, "password": "y"})
    assert r.status_code == 413
