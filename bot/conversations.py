"""Per-conversation state, history and the durable queue of messages waiting for Rasa.

Stored in one SQLite file under DATA_DIR so nothing the user sent is lost when Rasa, the
actions or records are down (SPEC §4.4), nor when the gateway restarts. State that must not
live in Rasa lives here: voice on/off, the pending secret request, the handoff status.
Answers for non-web channels wait in the outbound table until the channel delivered them.
Session tokens are never written here (see bot/secrets.py).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.crypto import DataKey

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL DEFAULT 'web',
    created_at REAL NOT NULL,
    voice INTEGER NOT NULL DEFAULT 0,
    pending_secret TEXT,
    handoff TEXT NOT NULL DEFAULT 'none',
    outage_notified INTEGER NOT NULL DEFAULT 0,
    linked_until TEXT,
    login_challenge TEXT
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    sender TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
CREATE TABLE IF NOT EXISTS queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    message TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at REAL,
    done_at REAL
);
CREATE INDEX IF NOT EXISTS queue_pending ON queue(done_at, conversation_id, id);
CREATE TABLE IF NOT EXISTS outbound (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    channel TEXT NOT NULL,
    message_ids TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    claimed_until REAL,
    claimed_by TEXT,
    done_at REAL
);
CREATE INDEX IF NOT EXISTS outbound_pending ON outbound(done_at, conversation_id, id);
"""

HANDOFF_STATES = ("none", "requested", "active")

# Helpline (3422) state: kept apart so it moves as one piece to the store's migrations.
# One row per conversation that asked for a person, deleted when the agent hands back.
# `ticket` is the console's handle: the conversation id (the widget's credential) never
# leaves the gateway. `short_code` is read out by the person on the phone.
HELPLINE_SCHEMA = """
CREATE TABLE IF NOT EXISTS helpline (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id),
    ticket TEXT NOT NULL UNIQUE,
    requested_at REAL NOT NULL,
    short_code TEXT,
    code_expires_at REAL,
    agent_id TEXT,
    agent_name TEXT,
    taken_at REAL
);
CREATE INDEX IF NOT EXISTS helpline_by_code ON helpline(short_code);
CREATE TABLE IF NOT EXISTS helpline_lookups (
    agent_id TEXT NOT NULL,
    at REAL NOT NULL,
    found INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS helpline_lookups_by_agent ON helpline_lookups(agent_id, at);
"""
SHORT_CODE_DIGITS = 4


@dataclass
class Conversation:
    id: str
    channel: str
    created_at: float
    voice: bool
    pending_secret: dict[str, Any] | None
    handoff: str
    outage_notified: bool
    linked_until: str | None
    login_challenge: str | None


@dataclass
class HelplineTicket:
    conversation_id: str
    ticket: str
    requested_at: float
    short_code: str | None
    code_expires_at: float | None
    agent_id: str | None
    agent_name: str | None
    taken_at: float | None

    def code_live(self, now: float) -> bool:
        return bool(self.short_code) and (self.code_expires_at or 0) > now


@dataclass
class OutboundBatch:
    """Messages produced together for a non-web channel, delivered as one batch."""

    id: int
    conversation_id: str
    channel: str
    message_ids: list[int]
    attempts: int


@dataclass
class StoredMessage:
    id: int
    conversation_id: str
    sender: str  # user, bot, agent, system
    body: dict[str, Any]
    created_at: float


@dataclass
class QueuedMessage:
    id: int
    conversation_id: str
    message: str
    attempts: int
    # When Rasa may have received it without answering in time (a timeout): Rasa's tracker
    # says on the next try whether it was handled, so an action never runs twice.
    sent_at: float | None = None


def new_conversation_id() -> str:
    # 24 random bytes: the id is the widget's only credential for its own conversation.
    return secrets.token_urlsafe(24)


class ConversationStore:
    """SQLite-backed store. Calls are short and serialised by a lock (one writer)."""

    def __init__(self, path: Path, key: DataKey) -> None:
        self._key = key
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            self._db.executescript(HELPLINE_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(queue)")}
            if "sent_at" not in columns:  # a database made before the column existed
                self._db.execute("ALTER TABLE queue ADD COLUMN sent_at REAL")
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(conversations)")}
            if "external_hash" not in columns:
                self._db.execute("ALTER TABLE conversations ADD COLUMN external_hash TEXT")
                self._db.execute("ALTER TABLE conversations ADD COLUMN external_id TEXT")
            self._db.execute(
                "CREATE UNIQUE INDEX IF NOT EXISTS conversations_by_external"
                " ON conversations(external_hash)"
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # Conversations -------------------------------------------------------------------------

    def create(self, channel: str = "web", conversation_id: str | None = None) -> Conversation:
        cid = conversation_id or new_conversation_id()
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO conversations(id, channel, created_at) VALUES (?, ?, ?)",
                (cid, channel, time.time()),
            )
        conversation = self.get(cid)
        assert conversation is not None
        return conversation

    async def find_or_create(self, channel: str, external_id: str) -> Conversation:
        """The one conversation of a Telegram chat or a phone number (created on first use).

        The external id is personal data: stored encrypted, found by its keyed hash.
        """
        if channel == "web" or not external_id:
            raise ValueError("find_or_create is for channels with an external id")
        lookup = self._key.lookup_hash(channel, external_id)
        with self._lock:
            row = self._db.execute(
                "SELECT id FROM conversations WHERE external_hash = ?", (lookup,)
            ).fetchone()
            if row is None:
                cid = new_conversation_id()
                self._db.execute(
                    "INSERT INTO conversations(id, channel, created_at, external_hash, external_id)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (cid, channel, time.time(), lookup, self._key.encrypt(external_id, cid)),
                )
            else:
                cid = row[0]
        conversation = self.get(cid)
        assert conversation is not None
        return conversation

    def external_id(self, conversation: Conversation) -> str:
        """The chat id or phone number of a Telegram or SMS conversation, decrypted."""
        with self._lock:
            row = self._db.execute(
                "SELECT external_id FROM conversations WHERE id = ?", (conversation.id,)
            ).fetchone()
        if row is None or not row[0]:
            raise LookupError("this conversation has no external id")
        return self._key.decrypt(row[0], conversation.id)

    def get(self, conversation_id: str) -> Conversation | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        if row is None:
            return None
        return Conversation(
            id=row["id"],
            channel=row["channel"],
            created_at=row["created_at"],
            voice=bool(row["voice"]),
            pending_secret=json.loads(row["pending_secret"]) if row["pending_secret"] else None,
            handoff=row["handoff"],
            outage_notified=bool(row["outage_notified"]),
            linked_until=row["linked_until"],
            login_challenge=row["login_challenge"],
        )

    def set_voice(self, conversation_id: str, enabled: bool) -> None:
        self._update(conversation_id, "voice", int(enabled))

    def set_pending_secret(self, conversation_id: str, request: dict[str, Any] | None) -> None:
        self._update(conversation_id, "pending_secret", json.dumps(request) if request else None)

    def set_handoff(self, conversation_id: str, state: str) -> None:
        if state not in HANDOFF_STATES:
            raise ValueError(state)
        self._update(conversation_id, "handoff", state)

    def set_outage_notified(self, conversation_id: str, notified: bool) -> None:
        self._update(conversation_id, "outage_notified", int(notified))

    def set_linked_until(self, conversation_id: str, until: str | None) -> None:
        self._update(conversation_id, "linked_until", until)

    def set_login_challenge(self, conversation_id: str, challenge_id: str | None) -> None:
        self._update(conversation_id, "login_challenge", challenge_id)

    def _update(self, conversation_id: str, column: str, value: Any) -> None:
        # column comes from the fixed names above, never from input.
        with self._lock:
            self._db.execute(
                f"UPDATE conversations SET {column} = ? WHERE id = ?",  # noqa: S608
                (value, conversation_id),
            )

    # History -------------------------------------------------------------------------------

    def add_message(self, conversation_id: str, sender: str, body: dict[str, Any]) -> StoredMessage:
        now = time.time()
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO messages(conversation_id, sender, body, created_at) VALUES (?,?,?,?)",
                (conversation_id, sender, json.dumps(body, ensure_ascii=False), now),
            )
        return StoredMessage(int(cursor.lastrowid or 0), conversation_id, sender, body, now)

    def update_message(self, message: StoredMessage) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE messages SET body = ? WHERE id = ?",
                (json.dumps(message.body, ensure_ascii=False), message.id),
            )

    def messages(
        self, conversation_id: str, after_id: int = 0, limit: int = 500
    ) -> list[StoredMessage]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM (SELECT * FROM messages WHERE conversation_id = ? AND id > ?"
                " ORDER BY id DESC LIMIT ?) ORDER BY id",
                (conversation_id, after_id, limit),
            ).fetchall()
        return [
            StoredMessage(
                r["id"], r["conversation_id"], r["sender"], json.loads(r["body"]), r["created_at"]
            )
            for r in rows
        ]

    def message(self, conversation_id: str, message_id: int) -> StoredMessage | None:
        with self._lock:
            r = self._db.execute(
                "SELECT * FROM messages WHERE conversation_id = ? AND id = ?",
                (conversation_id, message_id),
            ).fetchone()
        if r is None:
            return None
        return StoredMessage(
            r["id"], r["conversation_id"], r["sender"], json.loads(r["body"]), r["created_at"]
        )

    # Durable queue -------------------------------------------------------------------------

    def enqueue(self, conversation_id: str, message: str) -> int:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO queue(conversation_id, message, created_at) VALUES (?, ?, ?)",
                (conversation_id, message, time.time()),
            )
        return int(cursor.lastrowid or 0)

    def pending(self, conversation_id: str) -> list[QueuedMessage]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, conversation_id, message, attempts, sent_at FROM queue"
                " WHERE conversation_id = ? AND done_at IS NULL ORDER BY id",
                (conversation_id,),
            ).fetchall()
        return [QueuedMessage(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def conversations_with_pending(self) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT conversation_id FROM queue WHERE done_at IS NULL"
            ).fetchall()
        return [r[0] for r in rows]

    def mark_attempt(self, queue_id: int, sent_at: float | None = None) -> None:
        """Count a failed try; `sent_at` when Rasa may have received the message anyway."""
        with self._lock:
            self._db.execute(
                "UPDATE queue SET attempts = attempts + 1, sent_at = ? WHERE id = ?",
                (sent_at, queue_id),
            )

    def mark_done(self, queue_id: int) -> None:
        with self._lock:
            self._db.execute("UPDATE queue SET done_at = ? WHERE id = ?", (time.time(), queue_id))

    # Outbound batches (non-web channels) -----------------------------------------------------

    def add_outbound(self, conversation_id: str, channel: str, message_ids: list[int]) -> int:
        now = time.time()
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO outbound(conversation_id, channel, message_ids, created_at,"
                " next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                (conversation_id, channel, json.dumps(message_ids), now, now),
            )
        return int(cursor.lastrowid or 0)

    def claim_outbound(
        self, channels: list[str], worker: str, lease_seconds: float, limit: int = 20
    ) -> list[OutboundBatch]:
        """Claim the oldest undelivered batch of each conversation, when it is due.

        A batch is claimed by one worker at a time (a lease that expires if the worker
        dies); a conversation's later batches wait until its earlier ones are delivered.
        """
        if not channels:
            return []
        now = time.time()
        with self._lock:
            rows = self._db.execute(
                "SELECT o.id, o.conversation_id, o.channel, o.message_ids, o.attempts"
                " FROM outbound o JOIN (SELECT MIN(id) AS id FROM outbound"
                " WHERE done_at IS NULL GROUP BY conversation_id) head ON head.id = o.id"
                " WHERE o.next_attempt_at <= ?"
                " AND (o.claimed_until IS NULL OR o.claimed_until < ?) ORDER BY o.id LIMIT ?",
                (now, now, limit),
            ).fetchall()
            rows = [row for row in rows if row[2] in channels]
            claimed = []
            for row in rows:
                cursor = self._db.execute(
                    "UPDATE outbound SET claimed_until = ?, claimed_by = ? WHERE id = ?"
                    " AND done_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)",
                    (now + lease_seconds, worker, row[0], now),
                )
                if cursor.rowcount == 1:
                    claimed.append(
                        OutboundBatch(row[0], row[1], row[2], json.loads(row[3]), row[4])
                    )
        return claimed

    def outbound_done(self, batch_id: int) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE outbound SET done_at = ?, claimed_until = NULL WHERE id = ?",
                (time.time(), batch_id),
            )

    def outbound_retry_later(self, batch_id: int, delay: float) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE outbound SET attempts = attempts + 1, next_attempt_at = ?,"
                " claimed_until = NULL WHERE id = ?",
                (time.time() + delay, batch_id),
            )

    def undelivered(self, conversation_id: str) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM outbound WHERE conversation_id = ? AND done_at IS NULL",
                (conversation_id,),
            ).fetchone()
        return int(row[0])

    # Helpline (3422) ------------------------------------------------------------------------

    def open_helpline(self, conversation_id: str, code_seconds: float) -> HelplineTicket:
        """The person asked for a person of the 3422: a ticket and a fresh short code."""
        now = time.time()
        with self._lock:
            live = {
                row[0]
                for row in self._db.execute(
                    "SELECT short_code FROM helpline WHERE code_expires_at > ?", (now,)
                )
            }
            code = _new_short_code(live)
            self._db.execute(
                "INSERT INTO helpline(conversation_id, ticket, requested_at, short_code,"
                " code_expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(conversation_id) DO UPDATE"
                " SET short_code = excluded.short_code, code_expires_at = excluded.code_expires_at",
                (conversation_id, secrets.token_urlsafe(18), now, code, now + code_seconds),
            )
        ticket = self.helpline(conversation_id)
        assert ticket is not None
        return ticket

    def helpline(self, conversation_id: str) -> HelplineTicket | None:
        return self._helpline_where("conversation_id = ?", conversation_id)

    def helpline_by_ticket(self, ticket: str) -> HelplineTicket | None:
        return self._helpline_where("ticket = ?", ticket)

    def helpline_by_code(self, code: str) -> HelplineTicket | None:
        found = self._helpline_where("short_code = ?", code)
        return found if found is not None and found.code_live(time.time()) else None

    def _helpline_where(self, condition: str, value: str) -> HelplineTicket | None:
        # condition comes from the fixed strings above, never from input.
        with self._lock:
            row = self._db.execute(
                f"SELECT * FROM helpline WHERE {condition}",  # noqa: S608
                (value,),
            ).fetchone()
        return HelplineTicket(**dict(row)) if row is not None else None

    def helpline_queue(self) -> list[tuple[HelplineTicket, str, str | None]]:
        """Waiting and taken conversations, oldest first: (ticket, channel, last user text)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT h.*, c.channel AS channel, (SELECT m.body FROM messages m"
                " WHERE m.conversation_id = h.conversation_id AND m.sender = 'user'"
                " ORDER BY m.id DESC LIMIT 1) AS last_body FROM helpline h"
                " JOIN conversations c ON c.id = h.conversation_id"
                " WHERE c.handoff IN ('requested', 'active') ORDER BY h.requested_at, h.ticket"
            ).fetchall()
        out = []
        for row in rows:
            data = dict(row)
            channel, last_body = data.pop("channel"), data.pop("last_body")
            last_text = json.loads(last_body).get("text") if last_body else None
            out.append((HelplineTicket(**data), channel, last_text))
        return out

    def claim_helpline(self, conversation_id: str, agent_id: str, agent_name: str) -> bool:
        """Give the conversation to this agent unless another agent has it (atomic)."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE helpline SET agent_id = ?, agent_name = ?, taken_at = ?"
                " WHERE conversation_id = ? AND (agent_id IS NULL OR agent_id = ?)",
                (agent_id, agent_name, time.time(), conversation_id, agent_id),
            )
        return cursor.rowcount == 1

    def close_helpline(self, conversation_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM helpline WHERE conversation_id = ?", (conversation_id,))

    def count_code_lookups(self, agent_id: str, since: float, found: bool) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM helpline_lookups WHERE agent_id = ? AND at > ? AND found = ?",
                (agent_id, since, int(found)),
            ).fetchone()
        return int(row[0])

    def add_code_lookup(self, agent_id: str, found: bool) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO helpline_lookups(agent_id, at, found) VALUES (?, ?, ?)",
                (agent_id, now, int(found)),
            )
            # Only the last day matters for the limits.
            self._db.execute("DELETE FROM helpline_lookups WHERE at < ?", (now - 86400,))


def _new_short_code(taken: set[str]) -> str:
    """A random code that no live ticket holds (a person must never reach someone else)."""
    for _ in range(1000):
        code = "".join(secrets.choice("0123456789") for _ in range(SHORT_CODE_DIGITS))
        if code not in taken:
            return code
    raise RuntimeError("no free helpline code")


@dataclass
class Broker:
    """Pushes new messages and state changes to the open event streams of a conversation.

    In-process: one gateway replica serves a conversation's stream. Scale-out would put
    Redis pub/sub behind this same interface.
    """

    _subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(set)
    )

    def subscribe(self, conversation_id: str) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)
        self._subscribers[conversation_id].add(queue)
        return queue

    def unsubscribe(self, conversation_id: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        subscribers = self._subscribers.get(conversation_id)
        if subscribers is not None:
            subscribers.discard(queue)
            if not subscribers:
                del self._subscribers[conversation_id]

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(conversation_id, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A stalled stream: the client will reconnect and replay from Last-Event-ID.
                self.unsubscribe(conversation_id, queue)
