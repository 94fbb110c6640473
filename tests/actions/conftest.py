"""A real records service (its own SQLite database, migrated and seeded) for the action tests,
and helpers to run actions the way the action server does: a Tracker and a dispatcher.

Records runs in the other virtual environment (.venv, Python 3.11) as a subprocess on a free
port of this suite's range (18100-18199); nothing is mocked.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.records_client import records as records_client
from actions.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
SERVICE_TOKEN = "action-tests-service-token"  # noqa: S105 - test credential
PASSWORD = "Bonjour-Sante-2026!"  # noqa: S105 - test password for a demo person


def free_port(start: int = 18100, end: int = 18199) -> int:
    for port in range(start, end + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18100-18199")


@dataclass
class Records:
    url: str
    data_dir: Path

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        conversation: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token or SERVICE_TOKEN}"}
        if conversation:
            headers["X-Conversation-Id"] = conversation
        return requests.request(method, self.url + path, headers=headers, timeout=10, **kwargs)

    def last_code(self, to: str) -> str:
        """The newest 6-digit code sent to `to` (GET /dev/outbox), like a phone would show."""
        for _ in range(20):
            items = self.call("GET", "/dev/outbox", params={"to": to}).json()
            for item in sorted(items, key=lambda i: str(i["created_at"]), reverse=True):
                found = re.search(r"\b(\d{6})\b", item["body"])
                if found:
                    return found.group(1)
            time.sleep(0.2)
        raise AssertionError(f"no code sent to {to}")


@pytest.fixture(scope="session")
def records_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Records]:
    data_dir = tmp_path_factory.mktemp("records-data")
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "ENVIRONMENT": "test",
        "RECORDS_SERVICE_TOKEN": SERVICE_TOKEN,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [str(ROOT / ".venv/bin/alembic"), "upgrade", "head"],
        cwd=ROOT / "records",
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [str(APP_PYTHON), "-m", "records.seed"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    log = open(data_dir / "records.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/uvicorn"),
            "records.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
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
                raise RuntimeError((data_dir / "records.log").read_text()[-3000:])
            time.sleep(0.3)
        yield Records(url=url, data_dir=data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(autouse=True)
def actions_use_records(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the actions' one client at the test records service (for tests that use it)."""
    if not {"records_service", "karim"} & set(request.fixturenames):
        monkeypatch.setenv("RECORDS_URL", "http://127.0.0.1:9")  # nothing listens there
        monkeypatch.setattr(records_client, "settings", load_settings())
        return
    records_service = request.getfixturevalue("records_service")
    monkeypatch.setenv("RECORDS_URL", records_service.url)
    monkeypatch.setenv("RECORDS_SERVICE_TOKEN", SERVICE_TOKEN)
    monkeypatch.setattr(records_client, "settings", load_settings())


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@dataclass
class Conversation:
    """One conversation as the action server sees it: slots and events, updated by actions."""

    domain: dict[str, Any]
    sender_id: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:12]}")
    slots: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    active_loop: str | None = None

    def __post_init__(self) -> None:
        for name, spec in self.domain["slots"].items():
            self.slots.setdefault(name, spec.get("initial_value"))
        self.slots.setdefault("requested_slot", None)

    def user(
        self, text: str, intent: str = "inform", entities: list | None = None, **slots: Any
    ) -> None:
        """A user turn: what action_extract_slots would set goes into `slots`.

        A command ("/intent{...}", as the gateway sends) carries its values as entities too.
        """
        if text.startswith("/") and entities is None:
            entities = [{"entity": name, "value": value} for name, value in slots.items()]
        self.events.append(
            {
                "event": "user",
                "text": text,
                "parse_data": {
                    "intent": {"name": intent, "confidence": 1.0},
                    "entities": entities or [],
                },
            }
        )
        self.latest = {"text": text, "intent": {"name": intent}, "entities": entities or []}
        for name, value in slots.items():
            self.slots[name] = value
            self.events.append({"event": "slot", "name": name, "value": value})

    def tracker(self) -> Tracker:
        latest = getattr(self, "latest", {"text": "", "intent": {"name": None}, "entities": []})
        return Tracker(
            self.sender_id,
            dict(self.slots),
            latest,
            list(self.events),
            False,
            None,
            {"name": self.active_loop} if self.active_loop else {},
            "action_listen",
        )

    async def run(self, action: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Run an action; apply its slot events. Returns (messages, events)."""
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, self.tracker(), self.domain)
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
            if event.get("event") == "active_loop":
                self.active_loop = event.get("name")
            self.events.append(event)
        for message in dispatcher.messages:
            self.events.append({"event": "bot", "text": message.get("response"), "data": {}})
        return dispatcher.messages, events

    async def form(self, validation: Any, form: str, requested: str | None) -> list[dict]:
        """Run a form's validation action for the current turn, the form being active."""
        self.active_loop = form
        self.slots["requested_slot"] = requested
        messages, _events = await self.run(validation)
        return messages


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("response") for m in messages if m.get("response")]


def customs(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["custom"] for m in messages if m.get("custom")]


# --- activation through the actions, the gateway's part played by the test ---------------

DEMO = {
    # key: (birth date as a person writes it, Vitale serial, phone, identifier)
    "camille": ("12 avril 1985", "1000000101", "+33612345612", "camillemartin85"),
    "karim": ("03/09/1979", "1000000202", "+33623456734", "karimbenali79"),
    "jeanne": ("2 février 1948", "1000000707", "+33689012356", "jeannedubois48"),
    "thomas": ("07/07/1988", "1000000606", "+33678901234", "thomasgirard88"),
}


async def activate(conv: Conversation, records: Records, who: str) -> str:
    """Create `who`'s space through the activation actions; return the session token.

    Secrets go to records directly, as the gateway does (docs/contracts.md).
    """
    from actions.account import (
        ActionActivationAskCode,
        ActionActivationAskPassword,
        ActionSecretOk,
        ValidateActivationDetailsForm,
        ValidateActivationForm,
    )

    birth, serial, phone, identifier = DEMO[who]
    form = ValidateActivationForm()
    conv.user("seul", activation_mode="seul")
    assert "utter_invalid_activation_mode" not in responses(
        await conv.form(form, "activation_form", "activation_mode")
    )
    assert conv.slots["activation_mode"] == "alone"
    conv.user(birth, birth_date=birth)
    await conv.form(form, "activation_form", "birth_date")
    conv.user(serial, vitale_serial=serial)
    await conv.form(form, "activation_form", "vitale_serial")
    assert conv.slots["activation_id"], "records accepted the birth date and serial"
    assert "••" in (conv.slots["contact_sms"] or ""), "contacts come masked"
    conv.user("/inform", entities=[{"entity": "channel", "value": "sms"}], channel="sms")
    await conv.form(form, "activation_form", "channel")
    assert conv.slots["activation_step"] == "code"

    conv.active_loop = None
    messages, _ = await conv.run(ActionActivationAskCode())
    secret = customs(messages)[0]["secret_input"]
    assert secret == {"purpose": "activation_code", "activation_id": conv.slots["activation_id"]}
    activation_id = secret["activation_id"]
    verified = records.call(
        "POST", f"/activations/{activation_id}/code/verify", json={"code": records.last_code(phone)}
    )
    assert verified.status_code == 200, verified.text
    conv.user("/secret_ok", intent="secret_ok", secret_purpose="activation_code")
    assert responses((await conv.run(ActionSecretOk()))[0]) == ["utter_code_ok"]

    details = ValidateActivationDetailsForm()
    conv.user("/affirm", intent="affirm", contacts_ok=True)
    await conv.form(details, "activation_details_form", "contacts_ok")
    assert conv.slots["activation_step"] == "terms"
    conv.user("/affirm", intent="affirm", terms_accepted=True)
    await conv.form(details, "activation_details_form", "terms_accepted")
    assert conv.slots["activation_step"] == "credentials"
    conv.user(identifier, identifier=identifier)
    await conv.form(details, "activation_details_form", "identifier")
    assert conv.slots["identifier"] == identifier
    conv.user("/affirm", intent="affirm", identifier_confirm=True)
    await conv.form(details, "activation_details_form", "identifier_confirm")
    assert conv.slots["identifier_confirm"] is True

    conv.active_loop = None
    messages, _ = await conv.run(ActionActivationAskPassword())
    secret = customs(messages)[0]["secret_input"]
    assert secret["purpose"] == "activation_password" and secret["identifier"] == identifier
    answer = records.call(
        "POST",
        f"/activations/{activation_id}/credentials",
        json={"identifier": identifier, "password": PASSWORD, "channel": secret["channel"]},
    )
    assert answer.status_code == 200, answer.text
    conv.user("/secret_ok", intent="secret_ok", secret_purpose="activation_password")
    messages, _ = await conv.run(ActionSecretOk())
    assert customs(messages)[0]["secret_input"]["purpose"] == "activation_final_code"

    confirmed = records.call(
        "POST", f"/activations/{activation_id}/confirm", json={"code": records.last_code(phone)}
    )
    assert confirmed.status_code == 201, confirmed.text
    token = confirmed.json()["token"]
    linked = records.call(
        "POST", "/assistant/links", token=token, json={"conversation_id": conv.sender_id}
    )
    assert linked.status_code == 201, linked.text
    conv.user("/secret_ok", intent="secret_ok", secret_purpose="activation_final_code")
    messages, _ = await conv.run(ActionSecretOk())
    assert responses(messages) == ["utter_activation_done"]
    assert conv.slots["logged_in"] is True
    return token


@pytest.fixture(scope="session")
def karim_token(records_service: Records, domain: dict[str, Any]) -> str:
    """Karim (a parent of 2) activated once through the actions for the whole session."""
    import asyncio

    async def run() -> str:
        records_client.settings = load_settings_for(records_service)
        try:
            return await activate(Conversation(domain), records_service, "karim")
        finally:
            await records_client.close()

    return asyncio.run(run())


def load_settings_for(records: Records):  # type: ignore[no-untyped-def]
    os.environ["RECORDS_URL"] = records.url
    os.environ["RECORDS_SERVICE_TOKEN"] = SERVICE_TOKEN
    return load_settings()


@pytest.fixture
def karim(records_service: Records, domain: dict[str, Any], karim_token: str) -> Conversation:
    """A new conversation of Karim's, linked to his session like the gateway links it."""
    conv = Conversation(domain)
    linked = records_service.call(
        "POST", "/assistant/links", token=karim_token, json={"conversation_id": conv.sender_id}
    )
    assert linked.status_code == 201, linked.text
    conv.slots["logged_in"] = True
    return conv


@pytest.fixture(autouse=True)
async def close_records_client() -> Any:
    """The client's connection pool belongs to the test's event loop: close it after."""
    yield
    await records_client.close()
