"""The gateway store (bot/conversations.py on SQLAlchemy + Alembic): what survives a restart,
what is encrypted at rest, how the schema is made."""

from __future__ import annotations

import sqlite3

import pytest
from pydantic import ValidationError

from bot.conversations import ConversationStore
from bot.crypto import DataKey
from bot.settings import Settings


def test_a_gateway_restart_keeps_the_session_and_the_pending_secret(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "connexion")
    rig.say(cid, "Secret!234")
    rig.say(cid, "111111")
    assert rig.gateway.app.state.chat.secrets.session_token(cid) == "tok-login"
    rig.say(cid, "code")  # a secret question is open when the gateway restarts
    rig.restart_gateway()
    # The person is still logged in, and their next input is still read as a secret.
    assert rig.gateway.app.state.chat.secrets.session_token(cid) == "tok-login"
    assert rig.client.get(f"/api/conversations/{cid}").json()["secret_input"]["kind"] == "code"
    rig.say(cid, "123456")
    assert rig.records.calls[-1][:2] == ("/activations/act1/code/verify", {"code": "123456"})
    assert "123456" not in rig.rasa.messages_for(cid)


def test_tokens_and_secret_requests_are_encrypted_at_rest(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "connexion")  # the pending request holds the person's identifier
    assert "jeanmartin1" not in rig.stored_text()
    rig.say(cid, "Secret!234")
    assert "ch-1" not in rig.stored_text()  # the login challenge
    rig.say(cid, "111111")
    stored = rig.stored_text()
    assert "tok-login" not in stored
    assert rig.gateway.app.state.chat.store.session_token(cid) == "tok-login"  # sealed, kept


async def test_session_tokens_are_saved_replaced_and_dropped(replicas) -> None:
    store = replicas.open_store()
    conversation = store.create()
    assert store.session_token(conversation.id) is None
    store.save_session_token(conversation.id, "tok-1")
    store.save_session_token(conversation.id, "tok-2")
    # Another replica (same database, same key) reads it.
    assert replicas.open_store().session_token(conversation.id) == "tok-2"
    store.drop_session_token(conversation.id)
    assert store.session_token(conversation.id) is None


def test_production_needs_a_data_key() -> None:
    with pytest.raises(ValidationError, match="GATEWAY_DATA_KEY"):
        Settings(
            environment="production",
            records_service_token="s" * 32,
            gateway_internal_token="i" * 32,
            rasa_token="r" * 32,
        )


def test_development_key_is_kept_in_data_dir(tmp_path) -> None:
    first = DataKey.load(None, tmp_path)
    again = DataKey.load(None, tmp_path)
    sealed = first.encrypt("+33600000000", "ctx")
    assert again.decrypt(sealed, "ctx") == "+33600000000"
    assert (tmp_path / "gateway-data.key").stat().st_mode & 0o777 == 0o600


def test_a_database_made_before_the_migrations_is_set_aside(tmp_path) -> None:
    path = tmp_path / "gateway.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE conversations (id TEXT PRIMARY KEY)")
    store = ConversationStore.open(f"sqlite:///{path}", DataKey(b"k" * 32))
    try:
        assert store.create().channel == "web"
    finally:
        store.close()
    assert list(tmp_path.glob("gateway.db.unversioned-*"))


def test_the_migration_command_makes_the_schema(tmp_path, monkeypatch) -> None:
    from sqlalchemy import create_engine, inspect

    from bot import db
    from bot.settings import get_settings

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GATEWAY_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        db.main()
    finally:
        get_settings.cache_clear()
    engine = create_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"conversations", "messages", "queue", "outbound", "session_tokens"} <= tables
