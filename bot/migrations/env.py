"""Alembic environment of the gateway: bot.db.migrate hands over its connection."""

from __future__ import annotations

from alembic import context

from bot.tables import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from bot.db import make_engine
        from bot.settings import get_settings

        engine = make_engine(get_settings().gateway_db_url)
        with engine.begin() as connection:
            _run(connection)
        engine.dispose()
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
