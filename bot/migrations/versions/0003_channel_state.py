"""Telegram and SMS adapter state in the gateway store (was its own database): replays seen,
button keys, SMS numbered choices, STOP.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_seen",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_channel_seen")),
    )
    op.create_table(
        "channel_choices",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("keyboard", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("used_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_channel_choices")),
    )
    op.create_index(
        op.f("ix_channel_choices_keyboard"), "channel_choices", ["keyboard"], unique=False
    )
    op.create_table(
        "channel_menus",
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("buttons", sa.Text(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_channel_menus")),
    )
    op.create_table(
        "channel_optouts",
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_channel_optouts")),
    )


def downgrade() -> None:
    op.drop_table("channel_optouts")
    op.drop_table("channel_menus")
    op.drop_index(op.f("ix_channel_choices_keyboard"), table_name="channel_choices")
    op.drop_table("channel_choices")
    op.drop_table("channel_seen")
