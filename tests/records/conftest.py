"""Fixtures for the record service tests: a real database (SQLite by default, PostgreSQL when
DATABASE_URL is set) built by the Alembic migrations, demo data, a controllable clock and an
in-process HTTP client. Tests that need the database ask for `client` or `db`."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from db_reset import empty_tables
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, text

from records import clock as clock_module
from records.db import Database
from records.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TMP = Path(tempfile.mkdtemp(prefix="records-tests-"))
# Thursday 26 November 2026, 10:00 in Paris: fixed so children's ages never drift.
START = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
# On PostgreSQL each test run works in its own schema, so runs by several developers on the
# same database never drop each other's tables.
PG_SCHEMA = f"records_test_{os.getpid()}"


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{TMP / 'records-test.db'}"
    if url.startswith("postgresql"):
        return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{PG_SCHEMA}"
    return url


def make_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "data_dir": TMP,
        "database_url": database_url(),
        "outbox_worker_enabled": False,
        # Still argon2id, with a lower cost so the suite stays quick on 2 shared cores.
        "password_hash_time_cost": 1,
        "password_hash_memory_kib": 8192,
        "password_hash_parallelism": 1,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_everything(database: Database) -> None:
    """Start from nothing, so reruns are clean; the schema is then built by Alembic."""
    with database.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            schemas = conn.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'records_test_%'")
            ).scalars()
            for schema in schemas:  # left by runs that were killed
                pid = schema.rsplit("_", 1)[-1]
                if schema == PG_SCHEMA or (pid.isdigit() and not _pid_alive(int(pid))):
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{PG_SCHEMA}"'))
        else:
            meta = MetaData()
            meta.reflect(conn)
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for table in reversed(meta.sorted_tables):
                table.drop(conn)


def migrate(database: Database) -> None:
    config = Config(str(ROOT / "records" / "alembic.ini"))
    config.attributes["configure_logger"] = False
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return make_settings()


@pytest.fixture(scope="session")
def database(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    _drop_everything(database)
    migrate(database)
    yield database
    if database.engine.dialect.name == "postgresql":
        with database.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
    database.dispose()


@pytest.fixture
def clock() -> Iterator[clock_module.FrozenClock]:
    frozen = clock_module.FrozenClock(START)
    clock_module.set_clock(frozen)
    yield frozen
    clock_module.reset_clock()


@pytest.fixture
def db(database: Database, settings: Settings, clock: clock_module.FrozenClock) -> dict[str, str]:
    """Fresh demo data for each test; returns the seed's key → id map."""
    from records.seed import seed

    empty_tables(database)
    with database.session() as session:
        ids = seed(session, settings)
        session.commit()
    return ids


@pytest.fixture(scope="session")
def app(settings: Settings, database: Database) -> FastAPI:
    from records.main import create_app

    return create_app(settings)


@pytest.fixture
def client(app: FastAPI, db: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
