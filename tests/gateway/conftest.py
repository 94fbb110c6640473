"""A gateway on a test port in front of fake Rasa and records servers (see fakes.py)."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from gateway_fakes import FakeRasa, FakeRecords, RecordingChannel, ServerThread, free_port
from redis.asyncio import Redis
from sqlalchemy import MetaData, create_engine, text

from bot.chat import ChatService, cancel
from bot.conversations import ConversationStore
from bot.crypto import DataKey
from bot.events import Broker, RedisBroker
from bot.locks import RedisLocks
from bot.main import create_app
from bot.rasa_client import RasaClient
from bot.secrets import SecretRouter
from bot.settings import Settings

# GATEWAY_TEST_DATABASE_URL (PostgreSQL) runs the suite on it, each test database in its own
# schema, so runs by several developers on one database never see each other's rows.
PG_URL = os.environ.get("GATEWAY_TEST_DATABASE_URL")
_schema_numbers = itertools.count()
SCHEMA_PREFIX = "gateway_test_"


def database_url(tmp: Path) -> str:
    """A new empty gateway database: a SQLite file in `tmp`, or a new PostgreSQL schema."""
    if not PG_URL:
        return f"sqlite:///{tmp / 'gateway.db'}"
    schema = f"{SCHEMA_PREFIX}{os.getpid()}_{next(_schema_numbers)}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    yield
    if not PG_URL:
        return
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        schemas = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :prefix"),
            {"prefix": SCHEMA_PREFIX + "%"},
        ).scalars()
        for schema in list(schemas):  # this run's, and those of runs that were killed
            pid = schema.removeprefix(SCHEMA_PREFIX).split("_", 1)[0]
            if pid.isdigit() and (int(pid) == os.getpid() or not _pid_alive(int(pid))):
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def stored_text(url: str) -> str:
    """Every row of every table of a gateway database, as text (to look for leaked data)."""
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        dump = [repr(row) for table in meta.sorted_tables for row in conn.execute(table.select())]
    engine.dispose()
    return "\n".join(dump)


class GatewayRig:
    def __init__(self, tmp: Path) -> None:
        self.rasa = FakeRasa()
        self.records = FakeRecords()
        self.rasa_server = ServerThread(self.rasa.app(), free_port(18300, 18340))
        self.rasa_server.start()
        self.records_server = ServerThread(self.records.app(), free_port(18340, 18360))
        self.records_server.start()
        self.settings = Settings(
            environment="test",
            data_dir=tmp,
            rasa_url=self.rasa_server.url,
            records_url=self.records_server.url,
            actions_url=self.rasa_server.url + "/webhook",
            retry_interval_seconds=0.3,
            uncertain_grace_seconds=6.0,
            sse_keepalive_seconds=1.0,
            voice_engine="espeak",
            gateway_database_url=database_url(tmp),
        )
        self.gateway = ServerThread(create_app(self.settings), free_port(18360, 18399))
        self.gateway.start()
        self.client = httpx.Client(base_url=self.gateway.url, timeout=10)

    def stored_text(self) -> str:
        return stored_text(self.settings.gateway_db_url)

    def restart_gateway(self) -> None:
        self.gateway.stop()
        self.gateway = ServerThread(create_app(self.settings), self.gateway.port)
        self.gateway.start()

    def new_conversation(self) -> str:
        response = self.client.post("/api/conversations")
        assert response.status_code == 201
        return response.json()["conversation_id"]

    def say(self, cid: str, text: str | None = None, payload: str | None = None) -> dict:
        response = self.client.post(
            f"/api/conversations/{cid}/messages", json={"text": text, "payload": payload}
        )
        assert response.status_code == 200, response.text
        return response.json()

    def close(self) -> None:
        self.client.close()
        self.gateway.stop()
        self.records_server.stop()
        self.rasa_server.stop()


@pytest.fixture(scope="module")
def module_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayRig]:
    rig = GatewayRig(tmp_path_factory.mktemp("gateway"))
    yield rig
    rig.close()


@pytest.fixture
def rig(module_rig: GatewayRig) -> Iterator[GatewayRig]:
    module_rig.rasa.reset()
    module_rig.records.reset()
    if module_rig.rasa_server._server is None:
        module_rig.rasa_server.start()
    yield module_rig


class FakeServers:
    """Fake Rasa and records on real HTTP, for tests that build ChatService themselves."""

    def __init__(self) -> None:
        self.rasa = FakeRasa()
        self.records = FakeRecords()
        self.rasa_server = ServerThread(self.rasa.app(), free_port(18200, 18240))
        self.rasa_server.start()
        self.records_server = ServerThread(self.records.app(), free_port(18240, 18260))
        self.records_server.start()

    def close(self) -> None:
        self.records_server.stop()
        self.rasa_server.stop()


@pytest.fixture(scope="module")
def module_fakes() -> Iterator[FakeServers]:
    servers = FakeServers()
    yield servers
    servers.close()


@pytest.fixture
def fakes(module_fakes: FakeServers) -> Iterator[FakeServers]:
    module_fakes.rasa.reset()
    module_fakes.records.reset()
    if module_fakes.rasa_server._server is None:
        module_fakes.rasa_server.start()
    yield module_fakes


class Replica:
    """One ChatService (what one gateway process runs) with its delivery worker running."""

    def __init__(
        self,
        fakes: FakeServers,
        store: ConversationStore,
        channel: RecordingChannel,
        redis: Redis | None = None,
        prefix: str = "gateway",
    ):
        self.store = store
        self.redis = redis
        self.channel = channel
        self.rasa = RasaClient(fakes.rasa_server.url, 2.5)
        self.secrets = SecretRouter(
            fakes.records_server.url, "dev-records-service-token", 2.5, tokens=store
        )
        self.chat = ChatService(
            store,
            RedisBroker(redis, prefix) if redis else Broker(),
            self.rasa,
            self.secrets,
            fakes.rasa_server.url + "/webhook",
            retry_interval=0.3,
            uncertain_grace=6.0,
            outbound_poll_seconds=30.0,  # far away: a delivery that comes fast was woken
            outbound_retry_seconds=0.2,
            locks=RedisLocks(redis, prefix) if redis else None,
        )
        self.chat.register_channel(channel)
        self._worker: asyncio.Task | None = asyncio.create_task(self.chat.delivery.run())

    async def close(self) -> None:
        await cancel(self._worker)
        await self.chat.broker.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.chat.close()
        await self.rasa.close()
        await self.secrets.close()


class Replicas:
    """Gateway replicas sharing one database and one data key: call it to make one more."""

    def __init__(self, fakes: FakeServers, url: str) -> None:
        self.fakes = fakes
        self.url = url
        self.key = DataKey(os.urandom(32))
        self.made: list[Replica] = []
        self.stores: list[ConversationStore] = []

    def open_store(self, key: DataKey | None = None) -> ConversationStore:
        store = ConversationStore.open(self.url, key or self.key)
        self.stores.append(store)
        return store

    def __call__(self) -> Replica:
        self.made.append(Replica(self.fakes, self.open_store(), RecordingChannel()))
        return self.made[-1]

    async def scaled(self, redis_url: str, prefix: str) -> Replica:
        """A replica as with REDIS_URL set: events and locks through Redis."""
        redis = Redis.from_url(redis_url)
        replica = Replica(self.fakes, self.open_store(), RecordingChannel(), redis, prefix)
        self.made.append(replica)
        await replica.chat.broker.start()
        return replica

    async def close(self) -> None:
        for replica in self.made:
            await replica.close()
        for store in self.stores:
            store.close()


@pytest.fixture
async def replicas(fakes: FakeServers, tmp_path: Path) -> AsyncIterator[Replicas]:
    made = Replicas(fakes, database_url(tmp_path))
    yield made
    await made.close()


# Scale-out tests need Redis: GATEWAY_TEST_REDIS_URL (else REDIS_URL, else the local default).
REDIS_URL = (
    os.environ.get("GATEWAY_TEST_REDIS_URL")
    or os.environ.get("REDIS_URL")
    or "redis://127.0.0.1:6379/0"
)


@pytest.fixture
async def redis_url() -> str:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis unreachable at {REDIS_URL} ({type(exc).__name__})")
    finally:
        await client.aclose()
    return REDIS_URL
