"""A gateway on a test port in front of fake Rasa and records servers (see fakes.py)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from gateway_fakes import FakeRasa, FakeRecords, RecordingChannel, ServerThread, free_port

from bot.chat import ChatService, cancel
from bot.conversations import Broker, ConversationStore
from bot.crypto import DataKey
from bot.main import create_app
from bot.rasa_client import RasaClient
from bot.secrets import SecretRouter
from bot.settings import Settings


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
        )
        self.gateway = ServerThread(create_app(self.settings), free_port(18360, 18399))
        self.gateway.start()
        self.client = httpx.Client(base_url=self.gateway.url, timeout=10)

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

    def __init__(self, fakes: FakeServers, store: ConversationStore, channel: RecordingChannel):
        self.store = store
        self.channel = channel
        self.rasa = RasaClient(fakes.rasa_server.url, 2.5)
        self.secrets = SecretRouter(fakes.records_server.url, "dev-records-service-token", 2.5)
        self.chat = ChatService(
            store,
            Broker(),
            self.rasa,
            self.secrets,
            fakes.rasa_server.url + "/webhook",
            retry_interval=0.3,
            uncertain_grace=6.0,
            outbound_poll_seconds=30.0,  # far away: a delivery that comes fast was woken
            outbound_retry_seconds=0.2,
        )
        self.chat.register_channel(channel)
        self._worker: asyncio.Task | None = asyncio.create_task(self.chat.delivery.run())

    async def close(self) -> None:
        await cancel(self._worker)
        await self.chat.close()
        await self.rasa.close()
        await self.secrets.close()


def open_store(tmp: Path, key: DataKey) -> ConversationStore:
    return ConversationStore(tmp / "gateway.db", key)


@pytest.fixture
async def replicas(fakes: FakeServers, tmp_path: Path) -> AsyncIterator[Callable[[], Replica]]:
    """Make gateway replicas sharing one store and one data key."""
    key = DataKey(os.urandom(32))
    made: list[Replica] = []
    stores: list[ConversationStore] = []

    def make() -> Replica:
        store = open_store(tmp_path, key)
        stores.append(store)
        made.append(Replica(fakes, store, RecordingChannel()))
        return made[-1]

    yield make
    for replica in made:
        await replica.close()
    for store in stores:
        store.close()
