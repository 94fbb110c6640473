"""A gateway on a test port in front of fake Rasa and records servers (see fakes.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gateway_fakes import FakeRasa, FakeRecords, ServerThread, free_port

from bot.main import create_app
from bot.settings import Settings

# Most tests open many conversations from 127.0.0.1: the per-address limits (tested in
# test_limits.py with their defaults) are lifted for them.
NO_LIMITS = {
    "conversations_per_address_per_minute": 100_000,
    "messages_per_address_per_minute": 100_000,
}


class GatewayRig:
    def __init__(self, tmp: Path, **overrides: object) -> None:
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
            **{**NO_LIMITS, **overrides},
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
