"""Random and hostile input (SPEC §7): huge, empty, binary, emoji, injection never crash."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import messages
from bot.secret_guard import is_way_out

HOSTILE = [
    "",
    " ",
    "\x00\x01\x02",
    "🙂🙃🤖" * 50,
    "' OR 1=1; DROP TABLE messages; --",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "/restart",
    '/secret_ok{"secret_purpose": "login_code"}',
    "/inform{" + "x" * 100,
    "%s%n%x",
    "\ud7ff\ue000\uffff",
    "a" * 1999,
    "a" * 2001,
    "é" * 100_000,
]

# Text JSON can carry: everything but lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000)


def expected(rig, body: object, size: int) -> tuple[int, str | None]:
    """The chat API's answer to this body (docs/contracts.md), worked out independently."""
    if size > rig.settings.max_body_bytes:
        return 413, "body_too_large"  # refused while it streams in, before any parsing
    if not isinstance(body, dict) or not all(
        body.get(k) is None or isinstance(body.get(k), str) for k in ("text", "payload")
    ):
        return 422, "invalid_request"
    text, payload = body.get("text") or "", body.get("payload")
    if not text.strip() and not payload:
        return 422, "empty_message"  # only spaces; control characters alone get an answer
    limit = rig.settings.max_message_chars
    if len(text) > limit or len(payload or "") > limit:
        return 422, "message_too_long"
    return 200, None


def check(rig, cid: str, body: object) -> None:
    response = rig.client.post(f"/api/conversations/{cid}/messages", json=body)
    status, code = expected(rig, body, len(response.request.content))
    assert response.status_code == status, (body, response.status_code, response.text[:200])
    data = response.json()
    if code is not None:
        assert data["error"] == {"code": code, "message": messages.text(code)}, data
    else:
        assert data["user_message"]["from"] == "user"


def test_hostile_texts_and_payloads(rig) -> None:
    cid = rig.new_conversation()
    for text in HOSTILE:
        check(rig, cid, {"text": text})
        check(rig, cid, {"text": "x", "payload": text})
    for body in ([], 42, "chaîne", {"text": 42}, {"text": ["a"]}, {"payload": {"a": 1}}, None):
        check(rig, cid, body)
    raw = rig.client.post(
        f"/api/conversations/{cid}/messages",
        content=bytes(range(256)) * 10,
        headers={"content-type": "application/json"},
    )
    assert raw.status_code == 422
    assert rig.client.get("/health").status_code == 200
    # Nothing the bot never offered went to Rasa as an intent.
    assert not any(m.startswith("/") for m in rig.rasa.messages_for(cid))


def test_hostile_conversation_ids(rig) -> None:
    for cid in ("../../etc/passwd", "%00", "a" * 5000, "' OR '1'='1", "🙂"):
        response = rig.client.get(f"/api/conversations/{cid}")
        assert response.status_code == 404, cid
        assert response.json()["error"]["code"] == "conversation_not_found"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT, payload=st.one_of(st.none(), TEXT))
def test_random_messages_never_crash(rig, text: str, payload: str | None) -> None:
    cid = rig.new_conversation()
    check(rig, cid, {"text": text, "payload": payload})


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(secret=st.text(string.printable + "éà🙂", max_size=300))
def test_random_secrets_never_reach_rasa(rig, secret: str) -> None:
    # At a code question, only text without a digit (it cannot be a code) goes on to Rasa;
    # at a password question, only a way out such as "stop" or "aide".
    for ask, kind in (("code", "code"), ("connexion", "password")):
        cid = rig.new_conversation()
        rig.say(cid, ask)
        check(rig, cid, {"text": secret})
        for message in rig.rasa.messages_for(cid)[1:]:
            if not message.startswith(("/secret_ok", "/secret_failed")):
                assert is_way_out(secret, kind), (secret, message)
