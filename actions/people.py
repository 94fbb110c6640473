"""The people a user manages (children, represented adults), read from records once per
request and matched against what the user wrote or clicked."""

from __future__ import annotations

import unicodedata
from typing import Any

from rasa_sdk import Tracker

from actions.base import conversation
from actions.records_client import RecordsError, RecordsUnavailable, records

SELF_WORDS = {"moi", "pour moi", "moi meme", "c'est pour moi", "moi-meme", "me"}


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


async def load_people(tracker: Tracker) -> list[dict[str, Any]]:
    """GET /me/people, cached on the tracker object (it lives for one request).

    A failure is cached too: a form asks for the list several times in one request, and
    records being down must cost one timeout, not several (answer within 3 s).
    """
    cached = getattr(tracker, "people_cache", None)
    if cached is None:
        try:
            cached = await records.get("/me/people", conversation(tracker))
        except (RecordsError, RecordsUnavailable) as error:
            cached = error
        tracker.people_cache = cached  # type: ignore[attr-defined]
    if isinstance(cached, Exception):
        raise cached
    return cached


def children(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in people if p.get("relation") == "child"]


def others(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in people if p.get("relation") != "self"]


def match_person(text: str, people: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The person the text names: a first name, or "moi" for the user."""
    wanted = _plain(text).removeprefix("pour ").strip()
    if wanted in SELF_WORDS or _plain(text) in SELF_WORDS:
        return next((p for p in people if p.get("relation") == "self"), {"id": None})
    for person in people:
        name = _plain(str(person.get("first_name", "")))
        if name and (wanted == name or name in wanted.split()):
            return person
    return None


def person_buttons(people: list[dict[str, Any]]) -> list[dict[str, str]]:
    # Short payloads: Telegram limits callback data to 64 bytes.
    return [
        {"title": p["first_name"], "payload": f'/inform{{"child_name":"{p["first_name"]}"}}'}
        for p in people
        if len(p.get("first_name", "").encode()) <= 30
    ]
