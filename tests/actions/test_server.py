"""The action server (`python -m actions.server`, as the Procfile starts it) answers only Rasa:
a /webhook call without Rasa's token, or with a wrong one, is refused before any action runs,
so records sees no request. The server runs as a real process beside the real records."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from actions.records_client import route_of
from tests.actions.conftest import ROOT, SERVICE_TOKEN, Conversation, Records, free_port

ACTIONS_TOKEN = "action-server-test-token"  # noqa: S105 - test credential
SERVER = [sys.executable, "-m", "actions.server"]


def server_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ENVIRONMENT", "ACTIONS_TOKEN")}
    env.pop("RECORDS_SERVICE_TOKEN", None)
    env.update(values)
    return env


@contextlib.contextmanager
def running_server(records: Records, log_path: Path, **extra: str) -> Iterator[str]:
    """The action server as the Procfile starts it, beside the real records."""
    port = free_port()
    env = server_env(
        ENVIRONMENT="test",
        ACTIONS_TOKEN=ACTIONS_TOKEN,
        RECORDS_URL=records.url,
        RECORDS_SERVICE_TOKEN=SERVICE_TOKEN,
        **extra,
    )
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - this repository's command
            [*SERVER, "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log_path.read_text()[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def action_server(
    records_service: Records, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    log_path = tmp_path_factory.mktemp("action-server") / "actions.log"
    with running_server(records_service, log_path) as url:
        yield url


def documents_call(conv: Conversation, domain: dict[str, Any]) -> dict[str, Any]:
    """What Rasa posts to run action_list_documents for a logged-in conversation."""
    return {
        "next_action": "action_list_documents",
        "sender_id": conv.sender_id,
        "tracker": {
            "sender_id": conv.sender_id,
            "slots": {**conv.slots, "logged_in": True},
            "latest_message": {"text": "mes documents", "intent": {"name": "documents"}},
            "events": [],
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": domain,
        "version": "3.6.21",
    }


def records_requests(records: Records, path: str) -> int:
    """Requests for `path` in records' access log (uvicorn writes one line per request)."""
    text = (records.data_dir / "records.log").read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if f" {path}" in line)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": ACTIONS_TOKEN},
        {"Authorization": f"Bearer {ACTIONS_TOKEN}x"},
    ],
    ids=["no token", "wrong token", "token without Bearer", "longer token"],
)
def test_a_webhook_call_without_rasas_token_is_refused(
    action_server: str,
    karim: Conversation,
    records_service: Records,
    domain: dict[str, Any],
    headers: dict[str, str],
) -> None:
    before = records_requests(records_service, "/me/documents")
    answer = requests.post(
        action_server + "/webhook", json=documents_call(karim, domain), headers=headers, timeout=10
    )
    assert answer.status_code == 401, answer.text
    assert "responses" not in answer.json()
    time.sleep(0.5)  # a request in flight would be in the log by now
    assert records_requests(records_service, "/me/documents") == before


def test_the_action_list_is_refused_without_the_token_and_health_stays_open(
    action_server: str,
) -> None:
    assert requests.get(action_server + "/actions", timeout=10).status_code == 401
    assert requests.get(action_server + "/health", timeout=10).status_code == 200


def test_rasas_call_with_the_token_runs_the_action(
    action_server: str, karim: Conversation, records_service: Records, domain: dict[str, Any]
) -> None:
    before = records_requests(records_service, "/me/documents")
    answer = requests.post(
        action_server + "/webhook",
        json=documents_call(karim, domain),
        headers={"Authorization": f"Bearer {ACTIONS_TOKEN}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    said = [r.get("response") for r in answer.json()["responses"]]
    assert said[0] in ("utter_documents_intro", "utter_no_documents"), said
    time.sleep(0.5)
    assert records_requests(records_service, "/me/documents") == before + 1


def booking_call(conv: Conversation, domain: dict[str, Any], message_id: str) -> dict[str, Any]:
    """What Rasa posts to book the confirmed appointment, for the user message `message_id`."""
    slots = {
        **conv.slots,
        "logged_in": True,
        "professional": "dentiste",
        "appointment_time": "2031-03-04T14:30:00+01:00",
        "reminder": "none",
        "appointment_confirm": True,
    }
    return {
        "next_action": "action_book_appointment",
        "sender_id": conv.sender_id,
        "tracker": {
            "sender_id": conv.sender_id,
            "slots": slots,
            "latest_message": {
                "text": "oui",
                "intent": {"name": "affirm"},
                "metadata": {"message_id": message_id},
            },
            "events": [],
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": domain,
        "version": "3.6.21",
    }


def test_a_user_message_sent_again_books_once(
    action_server: str, karim: Conversation, records_service: Records, domain: dict[str, Any]
) -> None:
    """The same user message (same message id) run twice writes once; a new message writes."""

    def book(message_id: str) -> list[str]:
        answer = requests.post(
            action_server + "/webhook",
            json=booking_call(karim, domain, message_id),
            headers={"Authorization": f"Bearer {ACTIONS_TOKEN}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return [r.get("response") for r in answer.json()["responses"]]

    def dentist() -> int:
        items = records_service.call("GET", "/me/appointments", conversation=karim.sender_id).json()
        return sum(1 for a in items if a["starts_at"].startswith("2031-03-04"))

    before = dentist()
    assert book("17")[0] == "utter_appointment_added"
    assert book("17")[0] == "utter_appointment_added"  # told the same, written once
    assert dentist() == before + 1
    book("18")
    assert dentist() == before + 2


def test_turn_timings_name_the_action_and_route_without_conversation_data(
    karim: Conversation, records_service: Records, domain: dict[str, Any], tmp_path: Path
) -> None:
    log_path = tmp_path / "actions.log"
    with running_server(records_service, log_path, TURN_TIMINGS="1") as url:
        answer = requests.post(
            url + "/webhook",
            json=documents_call(karim, domain),
            headers={"Authorization": f"Bearer {ACTIONS_TOKEN}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        time.sleep(0.3)
    text = log_path.read_text(encoding="utf-8")
    assert re.search(r"timing records=GET /me/documents ok ms=\d+\.\d", text), text
    assert re.search(r"timing action=action_list_documents status=200 ms=\d+\.\d", text), text
    assert karim.sender_id not in text


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/me/documents", "/me/documents"),
        ("/people/8f14e45f-ceea-467f/appointments", "/people/{id}/appointments"),
        ("/me/documents/42/hide", "/me/documents/{id}/hide"),
        ("/me/appointments/2026-12-03", "/me/appointments/{id}"),
    ],
)
def test_timing_routes_mask_identifiers(path: str, route: str) -> None:
    assert route_of(path) == route


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "ENVIRONMENT is not set"),
        ({"ENVIRONMENT": "staging"}, "ENVIRONMENT must be one of"),
        (
            {"ENVIRONMENT": "production", "RECORDS_SERVICE_TOKEN": "a-real-service-token"},
            "ACTIONS_TOKEN is required in production",
        ),
        (
            {"ENVIRONMENT": "production", "ACTIONS_TOKEN": "a-real-actions-token"},
            "RECORDS_SERVICE_TOKEN is required in production",
        ),
    ],
    ids=["no environment", "unknown environment", "no actions token", "no service token"],
)
def test_the_action_server_refuses_to_start(env: dict[str, str], message: str) -> None:
    port = str(free_port())
    result = subprocess.run(  # noqa: S603 - this repository's command
        [*SERVER, "--port", port],
        cwd=ROOT,
        env=server_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr, result.stderr[-2000:]


def test_the_procfile_starts_this_server() -> None:
    procfile = (Path(ROOT) / "Procfile").read_text(encoding="utf-8")
    assert "-m actions.server" in procfile and "rasa_sdk" not in procfile


@pytest.mark.parametrize("path", ["endpoints.yml", "deploy/endpoints.scale.yml"])
def test_rasa_sends_the_action_token(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read as Rasa reads it: ${VAR} is replaced only in plain (unquoted) YAML values."""
    from rasa.core.utils import read_endpoints_from_path

    for name in ("ACTIONS_URL", "TRACKER_DB", "TRACKER_DB_HOST", "TRACKER_DB_PORT"):
        monkeypatch.setenv(name, "1")
    for name in ("TRACKER_DB_NAME", "TRACKER_DB_USER", "TRACKER_DB_PASSWORD", "REDIS_HOST"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("REDIS_PORT", "6379")
    monkeypatch.setenv("REDIS_DB", "0")
    monkeypatch.setenv("ACTIONS_TOKEN", ACTIONS_TOKEN)
    endpoints = read_endpoints_from_path(str(ROOT / path))
    assert endpoints.action.headers == {"Authorization": f"Bearer {ACTIONS_TOKEN}"}
