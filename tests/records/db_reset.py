"""Emptying every table between tests. The access log refuses DELETE by design (database
triggers), so its triggers are set aside for the wipe, inside the same transaction, and are
back before it commits."""

from __future__ import annotations

from sqlalchemy import MetaData, text

from records.db import Database

LOG_TABLE = "access_log"
SQLITE_TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"


def empty_tables(database: Database) -> None:
    with database.engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text(f"ALTER TABLE {LOG_TABLE} DISABLE TRIGGER USER"))
            triggers: list[tuple[str, str]] = []
        else:
            triggers = [
                (name, sql)
                for name, sql in conn.execute(
                    text(SQLITE_TRIGGERS),
                    {"t": LOG_TABLE},
                )
            ]
            for name, _sql in triggers:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
        for table in reversed(meta.sorted_tables):
            if table.name != "alembic_version":
                conn.execute(table.delete())
        if postgres:
            conn.execute(text(f"ALTER TABLE {LOG_TABLE} ENABLE TRIGGER USER"))
        for _name, sql in triggers:
            conn.execute(text(sql))
