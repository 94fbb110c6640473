"""Fixtures of the voice tests: a fake gTTS server, a silent server, a refused port."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from voice_helpers import FakeGoogle, free_port, make_handler, write_self_signed


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    port = free_port()
    fake = FakeGoogle(url=f"http://127.0.0.1:{port}")
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fake_google_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeGoogle]:
    """The same fake behind HTTPS with a self-signed certificate (gTTS sends verify=False)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    write_self_signed(cert, key, "translate.google.fr")
    port = free_port()
    fake = FakeGoogle(url=f"https://127.0.0.1:{port}")
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(fake))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts TCP connections (kernel backlog) and never answers: a network that hangs."""
    port = free_port()
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        sock.close()


@pytest.fixture
def refused_url() -> str:
    """A port in our range where nothing listens: connection refused at once."""
    return f"http://127.0.0.1:{free_port()}"
