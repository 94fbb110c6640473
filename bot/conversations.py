"""Per-conversation state, history, the durable queue of messages waiting for Rasa, the
outbound batches of non-web channels and the users' record session tokens.

One database (SQLAlchemy; a SQLite file under DATA_DIR by default, PostgreSQL with
GATEWAY_DATABASE_URL) so nothing the user sent is lost when Rasa, the actions or records are
down (SPEC §4.4), when the gateway restarts, nor when another gateway replica serves the next
request. State that must not live in Rasa lives here: voice on/off, the pending secret
request, the handoff status, the session token (encrypted, never given to Rasa).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from bot.crypto import DataKey
from bot.db import make_engine, migrate
from bot.tables import (
    conversations,
    helpline,
    helpline_lookups,
    messages,
    outbound,
    queue,
    session_tokens,
)

log = logging.getLogger("bot.store")
HANDOFF_STATES = ("none", "requested", "active")
# What new_conversation_id makes; anything else cannot name a conversation.
CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Helpline (3422): one `helpline` row per conversation that asked for a person, deleted when
# the agent hands back. `ticket` is the console's handle: the conversation id (the widget's
# credential) never leaves the gateway. `short_code` is read out by the person on the phone.
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
    last_activity_at: float = 0.0
    handoff_at: float | None = None


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


def _set_aside_unversioned_sqlite(url: str) -> None:
    """A SQLite file made before the migrations existed is renamed, never half-upgraded."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    path = Path(parsed.database)
    if not path.exists():
        return
    with sqlite3.connect(path) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "conversations" in names and "alembic_version" not in names:
        aside = path.with_name(path.name + f".unversioned-{int(time.time())}")
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                extra.rename(aside.with_name(aside.name + suffix))
        log.warning("an unversioned gateway database was set aside as %s", aside.name)


class ConversationStore:
    """The gateway's database. Every call is one short transaction."""

    def __init__(self, engine: Engine, key: DataKey) -> None:
        self.engine = engine
        self._key = key

    @classmethod
    def open(cls, url: str, key: DataKey) -> ConversationStore:
        """Connect and bring the schema up to date (bot/migrations)."""
        if url.startswith("sqlite"):
            database = make_url(url).database
            if database:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            _set_aside_unversioned_sqlite(url)
        engine = make_engine(url)
        migrate(engine)
        return cls(engine, key)

    def close(self) -> None:
        self.engine.dispose()

    # Conversations -------------------------------------------------------------------------

    def create(self, channel: str = "web", conversation_id: str | None = None) -> Conversation:
        cid = conversation_id or new_conversation_id()
        now = time.time()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(conversations).values(
                        id=cid, channel=channel, created_at=now, last_activity_at=now
                    )
                )
        except IntegrityError:
            pass  # it exists already
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
        find = select(conversations.c.id).where(conversations.c.external_hash == lookup)
        with self.engine.connect() as conn:
            cid = conn.execute(find).scalar()
        if cid is None:
            cid = new_conversation_id()
            now = time.time()
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(conversations).values(
                            id=cid,
                            channel=channel,
                            created_at=now,
                            last_activity_at=now,
                            external_hash=lookup,
                            external_id=self._key.encrypt(external_id, cid),
                        )
                    )
            except IntegrityError:  # another request (or replica) created it meanwhile
                with self.engine.connect() as conn:
                    cid = conn.execute(find).scalar_one()
        conversation = self.get(cid)
        assert conversation is not None
        return conversation

    def external_id(self, conversation: Conversation) -> str:
        """The chat id or phone number of a Telegram or SMS conversation, decrypted."""
        with self.engine.connect() as conn:
            stored = conn.execute(
                select(conversations.c.external_id).where(conversations.c.id == conversation.id)
            ).scalar()
        if not stored:
            raise LookupError("this conversation has no external id")
        return self._key.decrypt(stored, conversation.id)

    def get(self, conversation_id: str) -> Conversation | None:
        if not CONVERSATION_ID.fullmatch(conversation_id):
            return None
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(conversations).where(conversations.c.id == conversation_id))
                .mappings()
                .first()
            )
        if row is None:
            return None
        pending = None
        if row["pending_secret"]:
            pending = json.loads(self._key.decrypt(row["pending_secret"], "pending:" + row["id"]))
        challenge = None
        if row["login_challenge"]:
            challenge = self._key.decrypt(row["login_challenge"], "challenge:" + row["id"])
        return Conversation(
            id=row["id"],
            channel=row["channel"],
            created_at=row["created_at"],
            voice=bool(row["voice"]),
            pending_secret=pending,
            handoff=row["handoff"],
            outage_notified=bool(row["outage_notified"]),
            linked_until=row["linked_until"],
            login_challenge=challenge,
            last_activity_at=row["last_activity_at"],
            handoff_at=row["handoff_at"],
        )

    def set_voice(self, conversation_id: str, enabled: bool) -> None:
        self._update(conversation_id, voice=enabled)

    def set_pending_secret(self, conversation_id: str, request: dict[str, Any] | None) -> None:
        sealed = None
        if request:
            sealed = self._key.encrypt(json.dumps(request), "pending:" + conversation_id)
        self._update(conversation_id, pending_secret=sealed)

    def set_handoff(self, conversation_id: str, state: str) -> None:
        if state not in HANDOFF_STATES:
            raise ValueError(state)
        self._update(conversation_id, handoff=state, handoff_at=time.time())

    def set_outage_notified(self, conversation_id: str, notified: bool) -> None:
        self._update(conversation_id, outage_notified=notified)

    def set_linked_until(self, conversation_id: str, until: str | None) -> None:
        self._update(conversation_id, linked_until=until)

    def set_login_challenge(self, conversation_id: str, challenge_id: str | None) -> None:
        sealed = None
        if challenge_id:
            sealed = self._key.encrypt(challenge_id, "challenge:" + conversation_id)
        self._update(conversation_id, login_challenge=sealed)

    def _update(self, conversation_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(conversations).where(conversations.c.id == conversation_id).values(**values)
            )

    # Session tokens of records (encrypted; never in Rasa) ----------------------------------

    def save_session_token(self, conversation_id: str, token: str) -> None:
        sealed = self._key.encrypt(token, "session:" + conversation_id)
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(session_tokens)
                .where(session_tokens.c.conversation_id == conversation_id)
                .values(token=sealed, updated_at=time.time())
            ).rowcount
            if not changed:
                conn.execute(
                    insert(session_tokens).values(
                        conversation_id=conversation_id, token=sealed, updated_at=time.time()
                    )
                )

    def session_token(self, conversation_id: str) -> str | None:
        with self.engine.connect() as conn:
            sealed = conn.execute(
                select(session_tokens.c.token).where(
                    session_tokens.c.conversation_id == conversation_id
                )
            ).scalar()
        return self._key.decrypt(sealed, "session:" + conversation_id) if sealed else None

    def drop_session_token(self, conversation_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(session_tokens).where(session_tokens.c.conversation_id == conversation_id)
            )

    def purge_idle(self, idle_before: float) -> list[str]:
        """Delete the conversations with no activity since `idle_before` (epoch seconds),
        with everything stored about them. Returns their ids."""
        with self.engine.begin() as conn:
            ids = list(
                conn.execute(
                    select(conversations.c.id).where(conversations.c.last_activity_at < idle_before)
                ).scalars()
            )
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                # Children first: every table that names a conversation, then the conversation.
                for table in reversed(conversations.metadata.sorted_tables):
                    column = table.c.get("conversation_id")
                    if column is not None and table is not conversations:
                        conn.execute(delete(table).where(column.in_(chunk)))
                conn.execute(delete(conversations).where(conversations.c.id.in_(chunk)))
        return ids

    # History -------------------------------------------------------------------------------

    def add_message(self, conversation_id: str, sender: str, body: dict[str, Any]) -> StoredMessage:
        now = time.time()
        with self.engine.begin() as conn:
            message_id = conn.execute(
                insert(messages)
                .values(
                    conversation_id=conversation_id,
                    sender=sender,
                    body=json.dumps(body, ensure_ascii=False),
                    created_at=now,
                )
                .returning(messages.c.id)
            ).scalar_one()
            conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .values(last_activity_at=now)
            )
        return StoredMessage(int(message_id), conversation_id, sender, body, now)

    def update_message(self, message: StoredMessage) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(messages)
                .where(messages.c.id == message.id)
                .values(body=json.dumps(message.body, ensure_ascii=False))
            )

    def messages(
        self, conversation_id: str, after_id: int = 0, limit: int = 500
    ) -> list[StoredMessage]:
        query = (
            select(messages)
            .where(messages.c.conversation_id == conversation_id, messages.c.id > after_id)
            .order_by(messages.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [_stored(row) for row in reversed(rows)]

    def message(self, conversation_id: str, message_id: int) -> StoredMessage | None:
        query = select(messages).where(
            messages.c.conversation_id == conversation_id, messages.c.id == message_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _stored(row) if row is not None else None

    # Durable queue -------------------------------------------------------------------------

    def enqueue(self, conversation_id: str, message: str) -> int:
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(queue)
                    .values(
                        conversation_id=conversation_id, message=message, created_at=time.time()
                    )
                    .returning(queue.c.id)
                ).scalar_one()
            )

    def pending(self, conversation_id: str) -> list[QueuedMessage]:
        query = (
            select(queue.c.id, queue.c.conversation_id, queue.c.message, queue.c.attempts)
            .add_columns(queue.c.sent_at)
            .where(queue.c.conversation_id == conversation_id, queue.c.done_at.is_(None))
            .order_by(queue.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [QueuedMessage(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def conversations_with_pending(self) -> list[str]:
        query = select(queue.c.conversation_id).where(queue.c.done_at.is_(None)).distinct()
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def claim_queued(self, queue_id: int, worker: str, lease_seconds: float) -> bool:
        """Take one queued message for sending to Rasa; False when another replica has it."""
        now = time.time()
        with self.engine.begin() as conn:
            claimed = conn.execute(
                update(queue)
                .where(
                    queue.c.id == queue_id,
                    queue.c.done_at.is_(None),
                    or_(
                        queue.c.claimed_until.is_(None),
                        queue.c.claimed_until < now,
                        queue.c.claimed_by == worker,
                    ),
                )
                .values(claimed_until=now + lease_seconds, claimed_by=worker)
            ).rowcount
        return claimed == 1

    def release_queued(self, queue_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(queue).where(queue.c.id == queue_id).values(claimed_until=None))

    def mark_attempt(self, queue_id: int, sent_at: float | None = None) -> None:
        """Count a failed try; `sent_at` when Rasa may have received the message anyway."""
        with self.engine.begin() as conn:
            conn.execute(
                update(queue)
                .where(queue.c.id == queue_id)
                .values(attempts=queue.c.attempts + 1, sent_at=sent_at, claimed_until=None)
            )

    def mark_done(self, queue_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(queue)
                .where(queue.c.id == queue_id)
                .values(done_at=time.time(), claimed_until=None)
            )

    # Outbound batches (non-web channels) -----------------------------------------------------

    def add_outbound(self, conversation_id: str, channel: str, message_ids: list[int]) -> int:
        now = time.time()
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(outbound)
                    .values(
                        conversation_id=conversation_id,
                        channel=channel,
                        message_ids=json.dumps(message_ids),
                        created_at=now,
                        next_attempt_at=now,
                    )
                    .returning(outbound.c.id)
                ).scalar_one()
            )

    def claim_outbound(
        self, channels: list[str], worker: str, lease_seconds: float, limit: int = 20
    ) -> list[OutboundBatch]:
        """Claim the oldest undelivered batch of each conversation, when it is due.

        One worker per batch: rows are picked with FOR UPDATE SKIP LOCKED on PostgreSQL (other
        replicas skip them) and taken with a lease that expires if the worker dies (the lease
        alone does the job on SQLite). A conversation's later batches wait for the earlier.
        """
        if not channels:
            return []
        now = time.time()
        heads = (
            select(func.min(outbound.c.id))
            .where(outbound.c.done_at.is_(None))
            .group_by(outbound.c.conversation_id)
        )
        due = (
            select(
                outbound.c.id,
                outbound.c.conversation_id,
                outbound.c.channel,
                outbound.c.message_ids,
                outbound.c.attempts,
            )
            .where(
                outbound.c.id.in_(heads),
                outbound.c.channel.in_(channels),
                outbound.c.next_attempt_at <= now,
                or_(outbound.c.claimed_until.is_(None), outbound.c.claimed_until < now),
            )
            .order_by(outbound.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed: list[OutboundBatch] = []
        with self.engine.begin() as conn:
            for row in conn.execute(due).all():
                taken = conn.execute(
                    update(outbound)
                    .where(
                        and_(
                            outbound.c.id == row[0],
                            outbound.c.done_at.is_(None),
                            or_(
                                outbound.c.claimed_until.is_(None),
                                outbound.c.claimed_until < now,
                            ),
                        )
                    )
                    .values(claimed_until=now + lease_seconds, claimed_by=worker)
                ).rowcount
                if taken == 1:
                    claimed.append(
                        OutboundBatch(int(row[0]), row[1], row[2], json.loads(row[3]), row[4])
                    )
        return claimed

    def outbound_done(self, batch_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(outbound)
                .where(outbound.c.id == batch_id)
                .values(done_at=time.time(), claimed_until=None)
            )

    def outbound_retry_later(self, batch_id: int, delay: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(outbound)
                .where(outbound.c.id == batch_id)
                .values(
                    attempts=outbound.c.attempts + 1,
                    next_attempt_at=time.time() + delay,
                    claimed_until=None,
                )
            )

    def undelivered(self, conversation_id: str) -> int:
        query = (
            select(func.count())
            .select_from(outbound)
            .where(outbound.c.conversation_id == conversation_id, outbound.c.done_at.is_(None))
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # Helpline (3422) ------------------------------------------------------------------------

    def open_helpline(self, conversation_id: str, code_seconds: float) -> HelplineTicket:
        """The person asked for a person of the 3422: a ticket and a fresh short code."""
        now = time.time()
        for _ in range(5):  # two requests for one conversation at once: the second updates
            try:
                with self.engine.begin() as conn:
                    live = set(
                        conn.execute(
                            select(helpline.c.short_code).where(helpline.c.code_expires_at > now)
                        ).scalars()
                    )
                    values = {
                        "short_code": _new_short_code(live),
                        "code_expires_at": now + code_seconds,
                    }
                    changed = conn.execute(
                        update(helpline)
                        .where(helpline.c.conversation_id == conversation_id)
                        .values(**values)
                    ).rowcount
                    if not changed:
                        conn.execute(
                            insert(helpline).values(
                                conversation_id=conversation_id,
                                ticket=secrets.token_urlsafe(18),
                                requested_at=now,
                                **values,
                            )
                        )
            except IntegrityError:
                continue
            ticket = self.helpline(conversation_id)
            assert ticket is not None
            return ticket
        raise RuntimeError("no helpline ticket could be made")

    def helpline(self, conversation_id: str) -> HelplineTicket | None:
        return self._helpline_where(helpline.c.conversation_id == conversation_id)

    def helpline_by_ticket(self, ticket: str) -> HelplineTicket | None:
        return self._helpline_where(helpline.c.ticket == ticket)

    def helpline_by_code(self, code: str) -> HelplineTicket | None:
        found = self._helpline_where(
            and_(helpline.c.short_code == code, helpline.c.code_expires_at > time.time())
        )
        return found

    def _helpline_where(self, condition: Any) -> HelplineTicket | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(helpline).where(condition)).mappings().first()
        return HelplineTicket(**dict(row)) if row is not None else None

    def helpline_queue(self) -> list[tuple[HelplineTicket, str, str | None]]:
        """Waiting and taken conversations, oldest first: (ticket, channel, last user text)."""
        last_user = (
            select(messages.c.body)
            .where(messages.c.conversation_id == helpline.c.conversation_id)
            .where(messages.c.sender == "user")
            .order_by(messages.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        query = (
            select(helpline, conversations.c.channel, last_user.label("last_body"))
            .join(conversations, conversations.c.id == helpline.c.conversation_id)
            .where(conversations.c.handoff.in_(("requested", "active")))
            .order_by(helpline.c.requested_at, helpline.c.ticket)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        out = []
        for row in rows:
            data = dict(row)
            channel, last_body = data.pop("channel"), data.pop("last_body")
            last_text = json.loads(last_body).get("text") if last_body else None
            out.append((HelplineTicket(**data), channel, last_text))
        return out

    def claim_helpline(self, conversation_id: str, agent_id: str, agent_name: str) -> bool:
        """Give the conversation to this agent unless another agent has it (atomic)."""
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(helpline)
                .where(helpline.c.conversation_id == conversation_id)
                .where(or_(helpline.c.agent_id.is_(None), helpline.c.agent_id == agent_id))
                .values(agent_id=agent_id, agent_name=agent_name, taken_at=time.time())
            ).rowcount
        return changed == 1

    def close_helpline(self, conversation_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(helpline).where(helpline.c.conversation_id == conversation_id))

    def count_code_lookups(self, agent_id: str, since: float, found: bool) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(helpline_lookups)
                    .where(helpline_lookups.c.agent_id == agent_id)
                    .where(helpline_lookups.c.at > since)
                    .where(helpline_lookups.c.found == found)
                ).scalar_one()
            )

    def add_code_lookup(self, agent_id: str, found: bool) -> None:
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(insert(helpline_lookups).values(agent_id=agent_id, at=now, found=found))
            # Only the last day matters for the limits.
            conn.execute(delete(helpline_lookups).where(helpline_lookups.c.at < now - 86400))


def _new_short_code(taken: set[str]) -> str:
    """A random code that no live ticket holds (a person must never reach someone else)."""
    for _ in range(1000):
        code = "".join(secrets.choice("0123456789") for _ in range(SHORT_CODE_DIGITS))
        if code not in taken:
            return code
    raise RuntimeError("no free helpline code")


def _stored(row: Any) -> StoredMessage:
    return StoredMessage(
        int(row["id"]),
        row["conversation_id"],
        row["sender"],
        json.loads(row["body"]),
        row["created_at"],
    )
