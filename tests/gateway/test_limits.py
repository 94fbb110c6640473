"""Per-address limits of the chat API (docs/contracts.md): one address cannot open conversations
or send messages without limit, and only a trusted proxy may name another address."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.requests import Request

from bot import messages
from bot.channels.web import client_address
from bot.settings import Settings
from conftest import GatewayRig


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayRig]:
    defaults = Settings(environment="test")
    rig = GatewayRig(
        tmp_path_factory.mktemp("limited"),
        conversations_per_address_per_minute=defaults.conversations_per_address_per_minute,
        messages_per_address_per_minute=defaults.messages_per_address_per_minute,
        trusted_proxies="",  # the test client is 127.0.0.1, a trusted proxy by default
    )
    yield rig
    rig.close()


def test_300_conversations_in_2_seconds_are_refused_past_the_limit(limited: GatewayRig) -> None:
    limit = limited.settings.conversations_per_address_per_minute
    assert 5 <= limit <= 60  # a sensible default: a family behind one router, not a flood
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: limited.client.post("/api/conversations"), range(300)))
    elapsed = time.monotonic() - started
    created = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code == 429]
    # The burst, plus what the bucket gave back while the 300 requests were sent.
    assert len(created) <= limit + 1 + elapsed * limit / 60, (len(created), elapsed)
    assert len(created) + len(refused) == 300
    assert refused[0].json() == {
        "error": {"code": "too_many_requests", "message": messages.text("too_many_requests")}
    }
    assert int(refused[0].headers["retry-after"]) >= 1
    # Another address (through no trusted proxy: the header is ignored) is still refused.
    spoofed = [
        limited.client.post("/api/conversations", headers={"X-Forwarded-For": f"10.9.9.{n}"})
        for n in range(3)
    ]
    assert [s.status_code for s in spoofed].count(429) >= 2


def test_messages_are_limited_per_address(limited: GatewayRig, tmp_path) -> None:
    rig = GatewayRig(tmp_path, messages_per_address_per_minute=5)
    try:
        cid = rig.new_conversation()
        statuses = [
            rig.client.post(
                f"/api/conversations/{cid}/messages", json={"text": "bonjour"}
            ).status_code
            for _ in range(8)
        ]
        assert statuses[:5] == [200] * 5
        assert set(statuses[5:]) == {429}
        assert len(rig.rasa.messages_for(cid)) == 5
    finally:
        rig.close()


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


def test_the_client_address_comes_from_a_trusted_proxy_only() -> None:
    trusted = "10.0.0.0/8, 192.168.1.5"
    assert client_address(_request("203.0.113.7", "1.2.3.4"), trusted) == "203.0.113.7"
    assert client_address(_request("10.1.2.3", "1.2.3.4"), trusted) == "1.2.3.4"
    # The rightmost address not of a trusted proxy: a client cannot prepend a fake one.
    assert client_address(_request("10.1.2.3", "6.6.6.6, 1.2.3.4, 192.168.1.5"), trusted) == (
        "1.2.3.4"
    )
    assert client_address(_request("10.1.2.3", "not an address"), trusted) == "10.1.2.3"
    assert client_address(_request("10.1.2.3"), "") == "10.1.2.3"


def test_records_gets_the_client_address_with_the_service_token(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "code")
    rig.say(cid, "123456")
    assert rig.records.client_addresses == [("/activations/act1/code/verify", "127.0.0.1")]
