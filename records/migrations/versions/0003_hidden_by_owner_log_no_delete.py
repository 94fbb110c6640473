"""Who hid a document (only the person's side shows again what it hid) and an access log
that refuses DELETE (and TRUNCATE on PostgreSQL) as well as UPDATE.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 11:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_NO_DELETE = (
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END"
)
# The function of 0002 raises for any row or statement it is attached to.
PG_NO_DELETE = (
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log "
    "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()"
)
PG_NO_TRUNCATE = (
    "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()"
)


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hidden_by_owner", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_NO_DELETE)
        op.execute(PG_NO_TRUNCATE)
    else:
        op.execute(SQLITE_NO_DELETE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS access_log_no_truncate ON access_log")
        op.execute("DROP TRIGGER IF EXISTS access_log_no_delete ON access_log")
    else:
        op.execute("DROP TRIGGER IF EXISTS access_log_no_delete")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("hidden_by_owner")
