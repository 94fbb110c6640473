"""Helpline (3422): tickets with the short code and the agent who took the conversation, and
each agent's short-code lookups.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "helpline",
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("ticket", sa.String(length=40), nullable=False),
        sa.Column("requested_at", sa.Float(), nullable=False),
        sa.Column("short_code", sa.String(length=8), nullable=True),
        sa.Column("code_expires_at", sa.Float(), nullable=True),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("agent_name", sa.String(length=100), nullable=True),
        sa.Column("taken_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_helpline_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_helpline")),
        sa.UniqueConstraint("ticket", name=op.f("uq_helpline_ticket")),
    )
    op.create_index("ix_helpline_short_code", "helpline", ["short_code"], unique=False)
    op.create_table(
        "helpline_lookups",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpline_lookups")),
    )
    op.create_index(
        "ix_helpline_lookups_agent", "helpline_lookups", ["agent_id", "at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_helpline_lookups_agent", table_name="helpline_lookups")
    op.drop_table("helpline_lookups")
    op.drop_index("ix_helpline_short_code", table_name="helpline")
    op.drop_table("helpline")
