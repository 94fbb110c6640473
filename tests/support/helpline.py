"""The helpline (3422) console as the tests see it: agents, their console API client, and a
person asking the assistant for a human. Standard library only, like the rest of `support`.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

from .chat import Chat
from .stack import Stack

DEMO_AGENT = ("agent3422", "Aide-3422-Demo!")  # docs/demo-identities.md
ASK_FOR_A_HUMAN = "je voudrais parler à une personne s'il vous plaît"
SHORT_CODE = re.compile(r"Votre code pour le 3422\s*:\s*(\d)\s*(\d)\s*(\d)\s*(\d)")


def add_agent(stack: Stack, login: str, display_name: str) -> tuple[str, str]:
    """Another helpline agent in the stack's records database, with the demo agent's password
    (records has no route to create agents: they are set up by the helpline's staff)."""
    with sqlite3.connect(stack.data_dir / "records.db") as db:
        db.execute(
            "INSERT OR IGNORE INTO helpline_agents(id, login, display_name, password_hash,"
            " active, created_at) SELECT ?, ?, ?, password_hash, active, created_at"
            " FROM helpline_agents WHERE login = ?",
            (uuid.uuid4().hex, login, display_name, DEMO_AGENT[0]),
        )
    return login, DEMO_AGENT[1]


class Console:
    """One agent's browser-less console client: it keeps the console cookie like a browser."""

    def __init__(self, stack: Stack) -> None:
        self.base = stack.url("gateway") + "/api/console"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self.opener.open(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        return status, json.loads(raw) if raw else None

    def login(self, login: str = DEMO_AGENT[0], password: str = DEMO_AGENT[1]) -> Console:
        status, body = self.call("POST", "/session", {"login": login, "password": password})
        assert status == 200, (status, body)
        return self

    def queue_item(self, ticket: str | None = None, within: float = 2.0) -> dict[str, Any]:
        """The newest queue entry (or this ticket's), waiting at most `within` seconds."""
        deadline = time.monotonic() + within
        while True:
            status, items = self.call("GET", "/queue")
            assert status == 200, (status, items)
            found = [i for i in items if ticket is None or i["ticket"] == ticket]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"not in the queue within {within} s: {items}")
            time.sleep(0.1)


def ask_for_a_human(stack: Stack) -> tuple[Chat, str]:
    """A person in the widget's chat API asks for a human; returns the chat and their code."""
    chat = Chat.open(stack)
    chat.say(ASK_FOR_A_HUMAN)
    for message in chat.last:
        match = SHORT_CODE.search(message.get("text", ""))
        if message["from"] == "system" and match:
            return chat, "".join(match.groups())
    raise AssertionError(f"no short code given:\n{chat.dump()}")
