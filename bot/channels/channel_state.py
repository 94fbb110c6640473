"""What the Telegram and SMS adapters must remember between two requests, in the gateway store.

- updates and provider messages already handled (a replay is ignored, on every replica);
- the short keys behind Telegram buttons (the payload stays here, bound to one conversation);
- the numbered choices last sent by SMS (the number typed back picks one);
- the SMS numbers that sent STOP;
- the parts of a batch already sent (a retried batch never sends a part twice).

Rows name conversations by their id, never by a chat id or a phone number.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.tables import channel_choices as choices
from bot.tables import channel_menus as menus
from bot.tables import channel_optouts as optouts
from bot.tables import channel_seen as seen

# A replayed update or a provider's retry comes within minutes; a week is plenty.
SEEN_DAYS = 7


class ChannelState:
    """On the gateway store's engine (its tables come from bot/migrations): every replica
    sees the same state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def close(self) -> None:
        """The engine belongs to the gateway store, which disposes of it."""

    # Replays and parts already sent --------------------------------------------------------

    def first_time(self, kind: str, key: str) -> bool:
        """Record (kind, key); False when it was already recorded (a replay)."""
        try:
            with self.engine.begin() as db:
                db.execute(insert(seen).values(kind=kind, key=key, at=time.time()))
        except IntegrityError:
            return False
        return True

    def done(self, kind: str, key: str) -> bool:
        with self.engine.connect() as db:
            row = db.execute(select(seen.c.at).where(seen.c.kind == kind, seen.c.key == key))
            return row.first() is not None

    def prune(self) -> None:
        limit = time.time() - SEEN_DAYS * 86400
        with self.engine.begin() as db:
            db.execute(delete(seen).where(seen.c.at < limit))
            db.execute(delete(choices).where(choices.c.expires_at < time.time()))

    # Telegram buttons ----------------------------------------------------------------------

    def keyboard(
        self, conversation_id: str, buttons: list[dict[str, str]], ttl: float
    ) -> list[str]:
        """One short key per button (12 characters, far below Telegram's 64 bytes)."""
        keyboard = secrets.token_urlsafe(9)
        keys = [secrets.token_urlsafe(9) for _ in buttons]
        expires = time.time() + ttl
        with self.engine.begin() as db:
            for key, button in zip(keys, buttons, strict=True):
                db.execute(
                    insert(choices).values(
                        key=key,
                        keyboard=keyboard,
                        conversation_id=conversation_id,
                        payload=button["payload"],
                        title=button["title"],
                        expires_at=expires,
                    )
                )
        return keys

    def press(self, key: str, conversation_id: str) -> dict[str, str] | None:
        """The button behind a key, once: the whole keyboard is spent by the first press.

        None for a key that is unknown, expired, already used or from another conversation.
        """
        now = time.time()
        with self.engine.begin() as db:
            row = db.execute(select(choices).where(choices.c.key == key)).mappings().first()
            if row is None or row["conversation_id"] != conversation_id:
                return None
            if row["used_at"] is not None or row["expires_at"] < now:
                return None
            spent = db.execute(
                update(choices)
                .where(choices.c.keyboard == row["keyboard"], choices.c.used_at.is_(None))
                .values(used_at=now)
            )
            if spent.rowcount == 0:  # another replica took the same press first
                return None
            return {"payload": row["payload"], "title": row["title"]}

    # SMS numbered choices and STOP ---------------------------------------------------------

    def set_menu(self, conversation_id: str, buttons: list[dict[str, str]]) -> None:
        with self.engine.begin() as db:
            db.execute(delete(menus).where(menus.c.conversation_id == conversation_id))
            if buttons:
                db.execute(
                    insert(menus).values(
                        conversation_id=conversation_id,
                        buttons=json.dumps(buttons, ensure_ascii=False),
                        at=time.time(),
                    )
                )

    def menu(self, conversation_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as db:
            row = db.execute(
                select(menus.c.buttons).where(menus.c.conversation_id == conversation_id)
            ).first()
        return json.loads(row[0]) if row else []

    def set_stopped(self, conversation_id: str, stopped: bool) -> None:
        with self.engine.begin() as db:
            db.execute(delete(optouts).where(optouts.c.conversation_id == conversation_id))
            if stopped:
                db.execute(insert(optouts).values(conversation_id=conversation_id, at=time.time()))

    def stopped(self, conversation_id: str) -> bool:
        with self.engine.connect() as db:
            row = db.execute(
                select(optouts.c.at).where(optouts.c.conversation_id == conversation_id)
            ).first()
        return row is not None
