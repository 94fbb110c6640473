"""When records is down or slow, the user gets an easy-to-read answer offering 3422 within
3 seconds, the form keeps its answers, and the user goes on when records is back."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from actions.account import ValidateActivationForm
from actions.appointments import ActionListAppointments
from actions.records_client import records as records_client
from actions.settings import load_settings
from tests.actions.conftest import Conversation, Records, free_port, responses


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers (records hanging)."""
    server = socket.socket()
    server.bind(("127.0.0.1", free_port()))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    host, port = server.getsockname()
    yield f"http://{host}:{port}"
    stop.set()
    thread.join(timeout=2)
    for conn in accepted:
        conn.close()
    server.close()


def point_records_at(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("RECORDS_URL", url)
    monkeypatch.setattr(records_client, "settings", load_settings())


@pytest.mark.parametrize("kind", ["down", "slow"])
async def test_records_unavailable_answers_within_3_seconds(
    kind: str,
    karim: Conversation,
    silent_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = silent_server if kind == "slow" else f"http://127.0.0.1:{free_port()}"
    point_records_at(monkeypatch, url)
    started = time.monotonic()
    messages, _ = await karim.run(ActionListAppointments())
    elapsed = time.monotonic() - started
    assert responses(messages) == ["utter_records_down"]
    assert elapsed < 3.0, f"answered after {elapsed:.2f} s"


async def test_the_form_keeps_its_answers_and_goes_on_when_records_is_back(
    records_service: Records,
    domain: dict[str, Any],
    silent_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conv = Conversation(domain)
    form = ValidateActivationForm()
    conv.user("avec mon tuteur", activation_mode="avec mon tuteur")
    await conv.form(form, "activation_form", "activation_mode")
    conv.user("30 novembre 1962", birth_date="30 novembre 1962")
    await conv.form(form, "activation_form", "birth_date")

    point_records_at(monkeypatch, silent_server)
    conv.user("1000000404", vitale_serial="1000000404")
    started = time.monotonic()
    said = responses(await conv.form(form, "activation_form", "vitale_serial"))
    assert time.monotonic() - started < 3.0
    assert said == ["utter_records_down"]
    assert conv.slots["vitale_serial"] is None
    assert conv.slots["activation_mode"] == "representative"
    assert conv.slots["birth_date"] == "1962-11-30"
    assert not (conv.slots["form_failures"] or {}).get("vitale_serial"), "not the user's fault"

    point_records_at(monkeypatch, records_service.url)
    conv.user("1000000404", vitale_serial="1000000404")
    said = responses(await conv.form(form, "activation_form", "vitale_serial"))
    assert "utter_records_down" not in said
    assert conv.slots["activation_id"]


async def test_a_form_asking_records_several_times_still_answers_within_3_seconds(
    karim: Conversation, silent_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from actions.appointments import ValidateAppointmentForm

    point_records_at(monkeypatch, silent_server)
    karim.user("Noah", person="Noah")
    started = time.monotonic()
    said = responses(await karim.form(ValidateAppointmentForm(), "appointment_form", "person"))
    assert time.monotonic() - started < 3.0
    assert said == ["utter_records_down"]


@pytest.fixture
def slow_records() -> Iterator[str]:
    """A records stand-in that answers every write after 3.5 s (a process paused a moment)."""
    import http.server
    import json as jsonlib

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            self.rfile.read(int(self.headers.get("content-length") or 0))
            time.sleep(3.5)
            body = jsonlib.dumps({"key": self.headers.get("idempotency-key")}).encode()
            self.send_response(201)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Slow)
    server.handle_error = lambda *args: None  # type: ignore[method-assign] - a client gave up
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_a_keyed_write_waits_for_its_true_answer(
    slow_records: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an Idempotency-Key a write is not given up at 2 s: past the gateway's 2.5 s the
    person was told the message is kept, and the true answer ("noted") follows."""
    from actions.records_client import RecordsUnavailable, write_key

    point_records_at(monkeypatch, slow_records)
    write_key.set("conv:12:action_book_appointment")
    try:
        answer = await records_client.post("/me/appointments", "conv", {})
    finally:
        write_key.set(None)
    assert answer == {"key": "conv:12:action_book_appointment"}
    # Without a key (no message id), the write still gives up within 3 seconds.
    started = time.monotonic()
    with pytest.raises(RecordsUnavailable):
        await records_client.post("/me/appointments", "conv", {})
    assert time.monotonic() - started < 3.0
