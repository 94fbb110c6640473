"""The transactional outbox: messages commit with their event, are delivered by a worker
with retries, by SMTP (a real local aiosmtpd server) and by the HTTP SMS provider interface
(a local fake server speaking the Twilio-compatible Messages API)."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from records_helpers import last_code, person, start
from sqlalchemy import select

from conftest import make_settings
from records.models import OutboxMessage
from records.services import outbox
from records.services.sender import HttpSmsSender, LogSender, NetworkSender, SmtpSender

SMTP_PORT = 2526
SMS_PORT = 18051


class Inbox:
    """aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode("utf-8"))
        )
        return "250 Message accepted for delivery"


class FakeSmsProvider:
    """A local HTTP server speaking the Messages API: checks basic auth and form fields."""

    def __init__(self, port: int) -> None:
        self.received: list[dict[str, str]] = []
        self.fail_next = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                expected = "Basic " + base64.b64encode(b"ACtest:secret-token").decode()
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, {"message": "Authenticate"})
                if self.path != "/2010-04-01/Accounts/ACtest/Messages.json":
                    return self._answer(404, {"message": "not found"})
                if provider.fail_next:
                    provider.fail_next -= 1
                    return self._answer(503, {"message": "try later"})
                provider.received.append(form)
                return self._answer(201, {"sid": f"SM{len(provider.received)}", "status": "queued"})

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSmsProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def network_settings():
    return make_settings(
        sender="network",
        smtp_host="127.0.0.1",
        smtp_port=SMTP_PORT,
        sms_api_url=f"http://127.0.0.1:{SMS_PORT}",
        sms_account_sid="ACtest",
        sms_auth_token="secret-token",
        outbox_max_attempts=3,
    )


def _messages(database):
    with database.session() as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_message_is_written_in_the_same_transaction_as_its_event(database, db):
    with database.session() as session:
        outbox.enqueue(session, "sms", "+33612345612", "space_created")
        session.rollback()
    assert _messages(database) == []
    with database.session() as session:
        outbox.enqueue(session, "sms", "+33612345612", "space_created")
        session.commit()
    [message] = _messages(database)
    assert message.status == "pending" and message.attempts == 0


def test_email_retried_until_the_smtp_server_comes_back(database, db, clock, network_settings):
    with database.session() as session:
        outbox.enqueue(session, "email", "camille.martin@example.org", "login_code", code="482913")
        session.commit()
    sender = SmtpSender(network_settings)

    # No SMTP server yet: the message stays, with a retry planned.
    assert outbox.deliver_pending(database, sender, network_settings) == 0
    [message] = _messages(database)
    assert message.status == "pending" and message.attempts == 1
    assert message.last_error.startswith("smtp:")
    assert message.next_attempt_at > clock.now()

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    try:
        # Not due yet: nothing is sent before the backoff ends.
        assert outbox.deliver_pending(database, sender, network_settings) == 0
        assert inbox.messages == []
        clock.advance(seconds=31)
        assert outbox.deliver_pending(database, sender, network_settings) == 1
    finally:
        controller.stop()
    [(mail_from, rcpt, content)] = inbox.messages
    assert rcpt == ["camille.martin@example.org"]
    assert "ne-pas-repondre@" in mail_from
    assert "Subject: =?utf-8?" in content or "Subject: Votre code" in content
    assert "482913" in content
    [message] = _messages(database)
    assert message.status == "sent" and message.attempts == 2 and message.last_error is None


def test_message_fails_for_good_after_max_attempts(database, db, clock, network_settings):
    with database.session() as session:
        outbox.enqueue(session, "email", "paul.lambert@example.org", "space_created")
        session.commit()
    sender = SmtpSender(network_settings)  # nothing listens on SMTP_PORT
    for _ in range(3):
        outbox.deliver_pending(database, sender, network_settings)
        clock.advance(hours=1)
    [message] = _messages(database)
    assert message.status == "failed" and message.attempts == 3


def test_sms_through_the_http_provider_with_retry(database, db, clock, network_settings):
    with database.session() as session:
        outbox.enqueue(session, "sms", "+33612345612", "activation_code", code="123987")
        session.commit()
    sender = NetworkSender(network_settings)
    with FakeSmsProvider(SMS_PORT) as provider:
        provider.fail_next = 1
        assert outbox.deliver_pending(database, sender, network_settings) == 0
        [message] = _messages(database)
        assert message.last_error == "sms: HTTP 503"
        clock.advance(seconds=31)
        assert outbox.deliver_pending(database, sender, network_settings) == 1
    [form] = provider.received
    assert form["To"] == "+33612345612"
    assert form["From"] == network_settings.sms_from
    assert "123987" in form["Body"]
    assert _messages(database)[0].status == "sent"


def test_sms_provider_rejects_bad_credentials(database, db, network_settings):
    bad = network_settings.model_copy(update={"sms_auth_token": "wrong"})
    with database.session() as session:
        outbox.enqueue(session, "sms", "+33612345612", "space_created")
        session.commit()
    with FakeSmsProvider(SMS_PORT) as provider:
        assert outbox.deliver_pending(database, HttpSmsSender(bad), bad) == 0
        assert provider.received == []
    assert _messages(database)[0].last_error == "sms: HTTP 401"


def test_development_sender_marks_messages_sent_and_dev_outbox_lists_them(client, database):
    demo = person("camille")
    aid = start(client, "camille")["activation_id"]
    client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    code = last_code(client, demo.phone)
    app_settings = client.app.state.settings
    assert outbox.deliver_pending(database, LogSender(), app_settings) == 1
    [item] = client.get("/dev/outbox", params={"to": demo.phone}).json()
    assert item["status"] == "sent" and code in item["body"]


def test_background_worker_delivers(app, db, database):
    from records.main import create_app

    settings = make_settings(outbox_worker_enabled=True, outbox_poll_seconds=0.05)
    worker_app = create_app(settings)
    with TestClient(worker_app) as client:
        assert client.get("/dev/outbox").json() == []
        activation_id = start(client, "karim")["activation_id"]
        client.post(f"/activations/{activation_id}/code", json={"channel": "sms"})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            items = client.get("/dev/outbox").json()
            if items and items[0]["status"] == "sent":
                break
            time.sleep(0.05)
        assert items[0]["status"] == "sent"


def test_dev_outbox_is_not_mounted_in_production(monkeypatch):
    from records.main import create_app

    monkeypatch.setenv("DOCUMENT_STORAGE_KEY", "a" * 43 + "=")  # 32 bytes in base64

    settings = make_settings(
        environment="production",
        records_service_token="prod-service-token-value",
        records_secret_key="prod-secret-key-value",
    )
    production = create_app(settings)
    assert not any(getattr(r, "path", "").startswith("/dev") for r in production.routes)
    with TestClient(production) as client:
        assert client.get("/dev/outbox").status_code == 404
    assert isinstance(production.state.sender, NetworkSender)


def test_production_requires_real_secrets():
    with pytest.raises(ValueError):
        make_settings(environment="production")


class SlowRecordingSender:
    """Records every send; slow enough that two workers overlap."""

    outbox_is_the_mailbox = False

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def send(self, message) -> None:
        time.sleep(0.01)
        with self.lock:
            self.sent.append(message.id)


def test_two_workers_send_each_message_once(database, db, settings):
    with database.session() as session:
        for i in range(30):
            outbox.enqueue(session, "sms", f"+336123456{i:02d}", "space_created")
        session.commit()
    sender = SlowRecordingSender()
    counts: list[int] = []
    workers = [
        threading.Thread(
            target=lambda: counts.append(outbox.deliver_pending(database, sender, settings))
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(sender.sent) == sorted(set(sender.sent))  # nobody got a message twice
    assert len(sender.sent) == 30 and sum(counts) == 30
    assert {m.status for m in _messages(database)} == {"sent"}


def test_a_message_left_by_a_dead_worker_is_sent_again(database, db, clock, settings):
    with database.session() as session:
        outbox.enqueue(session, "sms", "+33612345612", "space_created")
        session.commit()
    with database.session() as session:
        assert (
            outbox._claim(session, clock.now(), timedelta(seconds=120)) is not None
        )  # the worker dies here
    sender = SlowRecordingSender()
    assert outbox.deliver_pending(database, sender, settings) == 0  # still leased
    clock.advance(seconds=121)
    assert outbox.deliver_pending(database, sender, settings) == 1
    [message] = _messages(database)
    assert message.status == "sent" and message.attempts == 2


def test_codes_are_redacted_once_delivered(database, db, clock, network_settings):
    with database.session() as session:
        outbox.enqueue(session, "sms", "+33612345612", "login_code", code="482913")
        outbox.enqueue(session, "sms", "+33612345612", "space_created")
        session.commit()
    sender = NetworkSender(network_settings)
    with FakeSmsProvider(SMS_PORT) as provider:
        provider.fail_next = 1
        assert outbox.deliver_pending(database, sender, network_settings) == 1
        # Not delivered yet: the code is still there to be sent again.
        assert "482913" in _messages(database)[0].body
        clock.advance(seconds=31)
        assert outbox.deliver_pending(database, sender, network_settings) == 1
    assert "482913" in provider.received[-1]["Body"]
    code_message, other = _messages(database)
    assert code_message.status == "sent" and "482913" not in code_message.body
    assert "connexion" in code_message.body  # the rest of the message is kept
    assert other.body.startswith("Votre espace santé est prêt")


class HoldingSmsProvider:
    """A Messages API that keeps every request (with its Idempotency-Key), counts a key once,
    and holds the answer to one request of the worker `hold_from` until `release` is set: the
    provider has accepted the message, the worker has not heard back yet."""

    def __init__(self, hold_from: str, hold_after: int) -> None:
        self.requests: list[tuple[str, str]] = []  # (Idempotency-Key, From)
        self.held = threading.Event()
        self.held_key = ""
        self.release = threading.Event()
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                key = self.headers.get("Idempotency-Key", "")
                with provider.lock:
                    provider.requests.append((key, form["From"]))
                    mine = sum(1 for _, sender in provider.requests if sender == hold_from)
                    hold = form["From"] == hold_from and mine == hold_after
                time.sleep(0.02)
                if hold:
                    provider.held_key = key
                    provider.held.set()
                    provider.release.wait(30)
                data = b'{"status": "queued"}'
                self.send_response(201)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_two_worker_processes_one_killed_mid_send(database, db, settings):
    """Two workers in their own processes; one is killed with SIGKILL after the provider took
    a message and before the worker marked it, then started again. Every message is marked
    sent once; the provider got each message id, the killed one twice with the same
    Idempotency-Key (at-least-once delivery, the key lets the provider drop the repeat)."""
    with database.session() as session:
        ids = [
            outbox.enqueue(session, "sms", f"+3361234{i:04d}", "space_created").id
            for i in range(40)
        ]
        session.commit()
    provider = HoldingSmsProvider(hold_from="worker-a", hold_after=4)

    def start_worker(name: str) -> subprocess.Popen:
        values = {
            "environment": "test",
            "data_dir": str(settings.data_dir),
            "database_url": settings.database_url,
            "sender": "network",
            "sms_api_url": f"http://127.0.0.1:{provider.port}",
            "sms_account_sid": "ACtest",
            "sms_auth_token": "secret-token",
            "sms_from": name,
            "outbox_claim_lease_seconds": 2,
        }
        worker = Path(__file__).with_name("outbox_worker.py")
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": root}
        return subprocess.Popen([sys.executable, str(worker), json.dumps(values)], env=env)

    try:
        a, b = start_worker("worker-a"), start_worker("worker-b")
        assert provider.held.wait(30), "worker a never reached the held message"
        os.kill(a.pid, signal.SIGKILL)
        a.wait(10)
        provider.release.set()
        a = start_worker("worker-a")  # its supervisor starts it again
        assert b.wait(90) == 0 and a.wait(90) == 0
    finally:
        provider.close()
        for worker in (a, b):
            if worker.poll() is None:
                worker.kill()
    messages = _messages(database)
    assert {m.status for m in messages} == {"sent"}
    keys = [key for key, _ in provider.requests]
    assert set(keys) == set(ids)  # every message reached the provider
    repeats = {key: keys.count(key) for key in set(keys) if keys.count(key) > 1}
    # Only the message taken while the worker died went twice, under the same key.
    assert list(repeats.values()) == [2]
    [repeated] = repeats
    assert repeated == provider.held_key
    assert [m.attempts for m in messages if m.id == repeated] == [2]
