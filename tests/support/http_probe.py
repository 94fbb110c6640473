"""Raw HTTP probes for limits that must act while a request streams in: send the head and only
part of a body, then see whether the server answers without waiting for the rest.

Standard library only, so both virtual environments can import it."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from support.stack import free_port  # noqa: F401 - the body-limit tests take it from here

PIECE = 64 * 1024


class WaitedForWholeBody(AssertionError):
    """The server gave no answer while the body was still incomplete."""


def post_partial(
    port: int,
    path: str,
    headers: dict[str, str],
    send_bytes: int,
    declared_length: int | None = None,
    timeout: float = 5.0,
    prefix: bytes = b"",
) -> tuple[int, bytes]:
    """POST `path` sending at most `send_bytes` of body and never the end of it: with
    `declared_length` as Content-Length, else chunked without the last chunk. The body is
    `prefix` then filler bytes. Returns the
    status and body of the answer, or raises WaitedForWholeBody."""
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    chunked = declared_length is None
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {declared_length}")
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent = 0
        body = prefix
        while sent < send_bytes and not _readable(sock, 0.0):
            size = min(PIECE, send_bytes - sent)
            piece, body = (body + b"x" * size)[:size], body[size:]
            frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece
            try:
                sock.sendall(frame)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        if not _readable(sock, timeout):
            raise WaitedForWholeBody(f"no answer after {sent} bytes of body")
        return _read_answer(sock, timeout)


def _readable(sock: socket.socket, timeout: float) -> bool:
    ready, _, _ = select.select([sock], [], [], timeout)
    return bool(ready)


def _read_answer(sock: socket.socket, timeout: float) -> tuple[int, bytes]:
    data = b""
    deadline = time.monotonic() + timeout
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    status = int(head.split(b" ", 2)[1])
    return status, body


@contextlib.contextmanager
def serve(app: Any, port: int) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread for the duration of the block."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"server on port {port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
