"""Talking to the running stack like a person would: a chat client of the gateway, the
development outbox of records, and a conversation driver that answers the assistant's
questions the way a user types them. Standard library only (tests and benchmarks use it).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .stack import Stack, http_json

CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@dataclass
class DemoPerson:
    """A demo identity of records/seed.py (docs/demo-identities.md)."""

    key: str
    first_name: str
    birth_date: date
    vitale_serial: str
    phone: str
    email: str | None
    identifier: str = ""
    password: str = "Mon-Espace-2026!"  # noqa: S105 - test credential for a fictitious person

    def __post_init__(self) -> None:
        self.identifier = self.identifier or f"{self.key}{self.birth_date.year}test"


DEMO = {
    "camille": DemoPerson(
        "camille", "Camille", date(1985, 4, 12), "1000000101", "+33612345612",
        "camille.martin@example.org",
    ),
    "karim": DemoPerson(
        "karim", "Karim", date(1979, 9, 3), "1000000202", "+33623456734",
        "karim.benali@example.org",
    ),
    "julie": DemoPerson(
        "julie", "Julie", date(1990, 1, 25), "1000000505", "+33667890112",
        "julie.moreau@example.org",
    ),
    "thomas": DemoPerson(
        "thomas", "Thomas", date(1988, 7, 7), "1000000606", "+33678901234",
        "thomas.girard@example.org",
    ),
    "rose": DemoPerson(
        "rose", "Rose", date(1995, 6, 30), "1000000909", "+33690123478", "rose.leroy@example.org"
    ),
}  # fmt: skip


class Records:
    """The records service as the tests see it: outbox, activation, the user's data."""

    def __init__(self, stack: Stack) -> None:
        self.base = stack.url("records")
        self.token = stack.service_token

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
        auth = {"Authorization": f"Bearer {headers.pop('bearer', self.token)}"}
        auth.update({k.replace("_", "-"): v for k, v in headers.items()})
        return http_json(method, self.base + path, body, auth)

    def outbox(self, to: str) -> list[dict[str, Any]]:
        status, items = http_json("GET", f"{self.base}/dev/outbox?to={_quote(to)}")
        assert status == 200, (status, items)
        return sorted(items, key=lambda item: str(item.get("created_at", "")))

    def latest_code(self, to: str, after: int = 0) -> str:
        """The 6-digit code of the newest message to `to` (waits a little for it)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            items = self.outbox(to)
            if len(items) > after:
                newest = items[-1]
                match = CODE.search(f"{newest.get('body') or ''} {newest.get('subject') or ''}")
                if match:
                    return match.group(1)
                # A message without a code ("your space is ready"): the code may follow.
            time.sleep(0.2)
        raise AssertionError(f"no new code to {to} in the outbox")

    def activate(self, person: DemoPerson) -> str:
        """Activate a demo person through records' API (a precondition, not the tested flow)."""
        status, started = self.call(
            "POST",
            "/activations",
            {
                "birth_date": person.birth_date.isoformat(),
                "vitale_serial": person.vitale_serial,
                "mode": "alone",
            },
        )
        if status == 409 or (isinstance(started, dict) and "already" in json.dumps(started)):
            return person.identifier  # activated by an earlier test of this session
        assert status == 201, (status, started)
        aid = started["activation_id"]
        steps: list[tuple[str, str, dict[str, Any]]] = [
            ("POST", f"/activations/{aid}/code", {"channel": "sms"}),
        ]
        for method, path, body in steps:
            status, answer = self.call(method, path, body)
            assert status < 300, (path, status, answer)
        code = self.latest_code(person.phone)
        for method, path, body in [
            ("POST", f"/activations/{aid}/code/verify", {"code": code}),
            ("PUT", f"/activations/{aid}/contacts", {}),
            ("POST", f"/activations/{aid}/terms", {"accepted": True}),
            (
                "POST",
                f"/activations/{aid}/credentials",
                {"identifier": person.identifier, "password": person.password, "channel": "sms"},
            ),
        ]:
            status, answer = self.call(method, path, body)
            assert status < 300, (path, status, answer)
        code = self.latest_code(person.phone)
        status, answer = self.call("POST", f"/activations/{aid}/confirm", {"code": code})
        assert status == 201, (status, answer)
        return person.identifier

    def as_conversation(self, conversation_id: str, method: str, path: str) -> Any:
        """Read the user's data the way the assistant does (service token + conversation)."""
        status, answer = self.call(method, path, X_Conversation_Id=conversation_id)
        assert status == 200, (path, status, answer)
        return answer


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@dataclass
class Chat:
    """One conversation through the gateway's chat API."""

    base: str
    conversation_id: str = ""
    transcript: list[dict[str, Any]] = field(default_factory=list)
    last: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def open(cls, stack: Stack) -> Chat:
        chat = cls(stack.url("gateway"))
        status, body = http_json("POST", chat.base + "/api/conversations")
        assert status == 201, (status, body)
        chat.conversation_id = body["conversation_id"]
        return chat

    def say(self, text: str, payload: str | None = None) -> list[dict[str, Any]]:
        url = f"{self.base}/api/conversations/{self.conversation_id}/messages"
        status, body = http_json("POST", url, {"text": text, "payload": payload}, timeout=60)
        assert status == 200, (status, body)
        self.transcript.append(body["user_message"])
        self.last = body["messages"]
        self.transcript.extend(self.last)
        return self.last

    def choose(self, pattern: str) -> list[dict[str, Any]]:
        """Press the first button of the last answer whose title matches `pattern`."""
        for button in self.buttons():
            if re.search(pattern, button["title"], re.IGNORECASE):
                return self.say(button["title"], button["payload"])
        raise AssertionError(f"no button matching {pattern!r} in:\n{self.dump()}")

    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.last for b in m.get("buttons", [])]

    def secret_request(self) -> dict[str, str] | None:
        for message in reversed(self.last):
            if message.get("secret_input"):
                return message["secret_input"]
        return None

    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.last)

    def history(self) -> dict[str, Any]:
        status, body = http_json("GET", f"{self.base}/api/conversations/{self.conversation_id}")
        assert status == 200, (status, body)
        return body

    def dump(self) -> str:
        lines = []
        for m in self.transcript:
            buttons = " | ".join(b["title"] for b in m.get("buttons", []))
            extra = f"  [{buttons}]" if buttons else ""
            if m.get("secret_input"):
                extra += f"  (secret: {m['secret_input']['purpose']})"
            lines.append(f"{m['from']:>6}: {m.get('text', '')!r}{extra}")
        return "\n".join(lines)


# A reply: text to type, ("button", regex) to press, or None when the driver has no answer.
Reply = str | tuple[str, str] | None


def drive(
    chat: Chat,
    respond: Callable[[Chat], Reply],
    done: Callable[[Chat], bool],
    max_turns: int = 20,
) -> None:
    """Answer the assistant until `done`; fail with the whole transcript when stuck."""
    for _ in range(max_turns):
        if done(chat):
            return
        reply = respond(chat)
        if reply is None:
            raise AssertionError(f"the test has no answer to the assistant:\n{chat.dump()}")
        if isinstance(reply, tuple):
            chat.choose(reply[1])
        else:
            chat.say(reply)
    if not done(chat):
        raise AssertionError(f"conversation did not reach its goal:\n{chat.dump()}")


def first_matching(chat: Chat, rules: list[tuple[str, Reply]]) -> Reply:
    """The reply of the first rule whose pattern is in the assistant's last words or buttons."""
    said = chat.text()
    titles = [b["title"] for b in chat.buttons()]
    for pattern, reply in rules:
        if isinstance(reply, tuple):
            offered = any(re.search(reply[1], title, re.IGNORECASE) for title in titles)
            if offered and re.search(pattern, said, re.IGNORECASE):
                return reply
        elif re.search(pattern, said, re.IGNORECASE):
            return reply
    return None


class Respondent:
    """Answers the assistant's account questions for one demo person, as they would type."""

    def __init__(self, records: Records, person: DemoPerson) -> None:
        self.records = records
        self.person = person
        self.used_codes: set[str] = set()
        self.secrets_typed: list[str] = []

    def fresh_code(self) -> str:
        """The newest code sent to the person that was not typed yet."""
        for _ in range(50):
            code = self.records.latest_code(self.person.phone)
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code
            time.sleep(0.2)
        raise AssertionError("no new code in the outbox")

    def respond(self, chat: Chat, extra: list[tuple[str, Reply]] | None = None) -> Reply:
        secret = chat.secret_request()
        if secret is not None:
            value = self.person.password if secret["kind"] == "password" else self.fresh_code()
            self.secrets_typed.append(value)
            return value
        p = self.person
        rules: list[tuple[str, Reply]] = [
            *(extra or []),
            (r"Comment créez-vous", ("button", r"^Seul")),
            (r"date de naissance", p.birth_date.strftime("%d/%m/%Y")),
            (r"numéro de série", p.vitale_serial),
            (r"code", ("button", r"SMS")),
            (r"sont-elles justes", ("button", r"^Oui")),
            (r"règles", ("button", r"accepte")),
            (r"Votre identifiant sera", ("button", r"^Oui")),
            (r"Choisissez un identifiant|Quel est votre identifiant", p.identifier),
        ]
        return first_matching(chat, rules)


def logged_in(text: str) -> bool:
    return bool(re.search(r"Vous êtes connecté|espace santé est prêt", text))


def login(stack: Stack, key: str) -> tuple[Chat, Respondent]:
    """Activate a demo person through records (a precondition), then log in through the bot."""
    records = Records(stack)
    person = Respondent(records, DEMO[key])
    records.activate(person.person)
    chat = Chat.open(stack)
    chat.say("bonjour")
    chat.say("je veux me connecter")
    drive(chat, person.respond, lambda c: logged_in(c.text()))
    return chat, person
