"""The professional's title as recorded ("infirmière"), said instead of the profession's label.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("professionals", sa.Column("title", sa.String(length=60), nullable=True))


def downgrade() -> None:
    op.drop_column("professionals", "title")
