"""Where a typed secret must never be: searched after end-to-end conversations.

Standard library only (both virtual environments import the support package).
"""

from __future__ import annotations

import json
import re
from typing import Any

from support.stack import Stack, http_json


def tracker_text(stack: Stack, conversation_id: str) -> str:
    """Rasa's tracker of the conversation, as JSON text (through its HTTP API)."""
    status, tracker = http_json("GET", stack.rasa_api(f"/conversations/{conversation_id}/tracker"))
    assert status == 200, status
    return json.dumps(tracker, ensure_ascii=False)


def assert_nowhere(stack: Stack, chat: Any, secrets: list[str]) -> None:
    """Not in Rasa's tracker (API and its SQLite store), the gateway's history and database
    files, nor any process's log. `chat` is a widget or channel conversation (support.chat,
    support.channel_chat)."""
    assert secrets
    places = {
        "Rasa's tracker": tracker_text(stack, chat.conversation_id),
        "the gateway's history": json.dumps(chat.history(), ensure_ascii=False),
    }
    files = [stack.data_dir / "rasa_tracker.db", *stack.data_dir.glob("gateway.db*")]
    files += list(stack.log_dir.glob("*.log"))
    for path in files:
        if path.exists():
            places[path.name] = path.read_bytes().decode("utf-8", errors="replace")
    assert "rasa_tracker.db" in places, "Rasa's tracker store was not found"
    for secret in secrets:
        # Not inside a longer run of digits: a 6-digit code can occur by chance in a float of the
        # NLU's confidences ("...3186904e-09").
        found = re.compile(rf"(?<!\d){re.escape(secret)}(?!\d)")
        for place, text in places.items():
            assert not found.search(text), f"a typed secret is in {place}"
