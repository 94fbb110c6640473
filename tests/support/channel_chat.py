"""A person talking to the running stack through Telegram or SMS, with the same interface as
support.chat.Chat (say, choose, text, buttons, secret_request), so `drive` and `Respondent`
work unchanged. What the person sees is read from the fake provider's recorded calls.
"""

from __future__ import annotations

import re
import sqlite3
import time
from typing import Any

import httpx

from .fake_sms import FakeSms, inbound, signed_post
from .fake_telegram import FakeTelegram
from .stack import Stack, http_json

CHOICE_LINE = re.compile(r"^R[ée]pondez (\d+) pour : (.+)$", re.MULTILINE)


def latest_conversation(stack: Stack, channel: str) -> str:
    """The id of the newest conversation of a channel (tests run one at a time)."""
    with sqlite3.connect(stack.data_dir / "gateway.db") as db:
        row = db.execute(
            "SELECT id FROM conversations WHERE channel = ? ORDER BY created_at DESC LIMIT 1",
            (channel,),
        ).fetchone()
    assert row, f"no {channel} conversation"
    return row[0]


class ChannelChat:
    """What both channels share: the transcript, the state read from the gateway."""

    channel = ""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.base = stack.url("gateway")
        self.conversation_id = ""
        self.transcript: list[dict[str, Any]] = []
        self.last: list[dict[str, Any]] = []

    def _seen(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _collect(self, before: int, timeout: float = 40.0, settle: float = 1.0) -> None:
        """The messages that came after `before`, once no new one came for `settle` s."""
        deadline = time.monotonic() + timeout
        while len(self._seen()) <= before:
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer on {self.channel}:\n{self.dump()}")
            time.sleep(0.1)
        count = len(self._seen())
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < settle:
            time.sleep(0.1)
            if len(self._seen()) != count:
                count, quiet_since = len(self._seen()), time.monotonic()
        self.last = self._seen()[before:]
        self.transcript.extend(self.last)
        if not self.conversation_id:
            self.conversation_id = latest_conversation(self.stack, self.channel)

    def state(self) -> dict[str, Any]:
        status, body = http_json("GET", f"{self.base}/api/conversations/{self.conversation_id}")
        assert status == 200, (status, body)
        return body

    def history(self) -> dict[str, Any]:
        return self.state()

    def secret_request(self) -> dict[str, str] | None:
        return self.state().get("secret_input")

    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.last)

    def buttons(self) -> list[dict[str, Any]]:
        return [b for m in self.last for b in m.get("buttons", [])]

    def dump(self) -> str:
        lines = []
        for m in self.transcript:
            titles = " | ".join(b["title"] for b in m.get("buttons", []))
            lines.append(
                f"{m['from']:>6}: {m.get('text', '')!r}" + (f"  [{titles}]" if titles else "")
            )
        return "\n".join(lines)


class TelegramChat(ChannelChat):
    channel = "telegram"

    def __init__(self, stack: Stack, fake: FakeTelegram, chat_id: int, secret: str) -> None:
        super().__init__(stack)
        self.fake = fake
        self.chat_id = chat_id
        self.secret = secret
        self.sent_updates: list[dict[str, Any]] = []

    def post(self, update: dict[str, Any], secret: str | None = None) -> int:
        status, _ = http_json(
            "POST",
            f"{self.base}/telegram/webhook",
            update,
            {"X-Telegram-Bot-Api-Secret-Token": self.secret if secret is None else secret},
            timeout=60,
        )
        return status

    def _seen(self) -> list[dict[str, Any]]:
        seen = []
        for call in self.fake.sent("sendMessage", self.chat_id):
            rows = (call.get("reply_markup") or {}).get("inline_keyboard", [])
            buttons = [
                {"title": row[0]["text"], "data": row[0]["callback_data"],
                 "message_id": call.get("sent_message_id")}
                for row in rows
            ]  # fmt: skip
            seen.append({"from": "bot", "text": call.get("text", ""), "buttons": buttons})
        return seen

    def say(self, text: str, payload: str | None = None) -> list[dict[str, Any]]:
        before = len(self._seen())
        update = self.fake.text_update(self.chat_id, text)
        self.sent_updates.append(update)
        self.transcript.append({"from": "user", "text": text})
        assert self.post(update) == 200
        self._collect(before)
        return self.last

    def press(self, button: dict[str, Any]) -> int:
        update = self.fake.press_update(self.chat_id, button["data"], button["message_id"])
        return self.post(update)

    def choose(self, pattern: str) -> list[dict[str, Any]]:
        for button in self.buttons():
            if re.search(pattern, button["title"], re.IGNORECASE):
                before = len(self._seen())
                self.transcript.append({"from": "user", "text": f"[{button['title']}]"})
                assert self.press(button) == 200
                self._collect(before)
                return self.last
        raise AssertionError(f"no button matching {pattern!r} in:\n{self.dump()}")


class SmsChat(ChannelChat):
    channel = "sms"

    def __init__(self, stack: Stack, fake: FakeSms, phone: str, public_url: str) -> None:
        super().__init__(stack)
        self.fake = fake
        self.phone = phone
        self.public_url = public_url
        self.client = httpx.Client(base_url=self.base, timeout=60)

    def _seen(self) -> list[dict[str, Any]]:
        return [
            {
                "from": "bot",
                "text": body,
                "buttons": [
                    {"title": title, "number": number}
                    for number, title in CHOICE_LINE.findall(body)
                ],
            }
            for body in self.fake.to(self.phone)
        ]

    def send(self, body: str, sid: str | None = None, **kwargs: Any) -> httpx.Response:
        params = inbound(self.phone, body, sid)
        return signed_post(self.client, "/sms/webhook", self.public_url, params, **kwargs)

    def say(self, text: str, payload: str | None = None) -> list[dict[str, Any]]:
        before = len(self._seen())
        self.transcript.append({"from": "user", "text": text})
        assert self.send(text).status_code == 200
        self._collect(before)
        return self.last

    def choose(self, pattern: str) -> list[dict[str, Any]]:
        for button in self.buttons():
            if re.search(pattern, button["title"], re.IGNORECASE):
                return self.say(button["number"])
        raise AssertionError(f"no choice matching {pattern!r} in:\n{self.dump()}")
