"""The gateway database's tables (SQLAlchemy Core); the schema is made by bot/migrations.

Times are seconds since the epoch (float). Personal values (external ids, pending secret
requests, login challenges, session tokens) are stored encrypted by bot/crypto.py.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
# Row ids: 64-bit on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit.
RowId = BigInteger().with_variant(Integer(), "sqlite")

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("channel", String(16), nullable=False, server_default="web"),
    Column("created_at", Float, nullable=False),
    Column("last_activity_at", Float, nullable=False),
    Column("voice", Boolean, nullable=False, server_default="0"),
    Column("pending_secret", Text),  # encrypted JSON request of Rasa's secret_input
    Column("handoff", String(16), nullable=False, server_default="none"),
    Column("handoff_at", Float),
    Column("outage_notified", Boolean, nullable=False, server_default="0"),
    Column("linked_until", String(40)),
    Column("login_challenge", Text),  # encrypted
    Column("external_hash", String(64), unique=True),  # HMAC of (channel, external id)
    Column("external_id", Text),  # encrypted Telegram chat id / E.164 phone
)

messages = Table(
    "messages",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("sender", String(16), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_messages_conversation", "conversation_id", "id"),
)

queue = Table(
    "queue",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("sent_at", Float),
    Column("claimed_until", Float),
    Column("claimed_by", String(80)),
    Column("done_at", Float),
    Index("ix_queue_pending", "done_at", "conversation_id", "id"),
)

outbound = Table(
    "outbound",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("message_ids", Text, nullable=False),  # JSON list
    Column("created_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=False),
    Column("claimed_until", Float),
    Column("claimed_by", String(80)),
    Column("done_at", Float),
    Index("ix_outbound_pending", "done_at", "conversation_id", "id"),
)

session_tokens = Table(
    "session_tokens",
    metadata,
    Column("conversation_id", String(64), ForeignKey("conversations.id"), primary_key=True),
    Column("token", Text, nullable=False),  # encrypted records session token
    Column("updated_at", Float, nullable=False),
)

# Helpline (3422): a conversation that asked for a person (deleted when the agent hands back),
# and the short-code lookups of each agent (for the limit on wrong codes).
helpline = Table(
    "helpline",
    metadata,
    Column("conversation_id", String(64), ForeignKey("conversations.id"), primary_key=True),
    Column("ticket", String(40), nullable=False, unique=True),  # the console's handle
    Column("requested_at", Float, nullable=False),
    Column("short_code", String(8)),
    Column("code_expires_at", Float),
    Column("agent_id", String(64)),
    Column("agent_name", String(100)),
    Column("taken_at", Float),
    Index("ix_helpline_short_code", "short_code"),
)

helpline_lookups = Table(
    "helpline_lookups",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("agent_id", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Column("found", Boolean, nullable=False),
    Index("ix_helpline_lookups_agent", "agent_id", "at"),
)

# Telegram and SMS adapters (bot/channels/channel_state.py). Rows name conversations by their
# id, never by a chat id or a phone number.
channel_seen = Table(  # updates and provider messages handled, parts of a batch sent
    "channel_seen",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("at", Float, nullable=False),
)

channel_choices = Table(  # the short keys behind Telegram buttons
    "channel_choices",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("keyboard", String(32), nullable=False, index=True),
    Column("conversation_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float),
)

channel_menus = Table(  # the numbered choices last sent by SMS
    "channel_menus",
    metadata,
    Column("conversation_id", String(64), primary_key=True),
    Column("buttons", Text, nullable=False),
    Column("at", Float, nullable=False),
)

channel_optouts = Table(  # the SMS conversations that sent STOP
    "channel_optouts",
    metadata,
    Column("conversation_id", String(64), primary_key=True),
    Column("at", Float, nullable=False),
)
