"""Every consultation, addition, emergency access and refused attempt produces exactly one
access log entry and one notification in the outbox (SPEC §3.4), and the log is append-only."""

from __future__ import annotations

import pytest
import sqlalchemy.exc
from fixtures_record import *  # noqa: F403 - fixtures
from fixtures_record import add_document
from sqlalchemy import func, select

from records.models import AccessLogEntry, OutboxMessage, Person


def counts(database, person_id):
    with database.session() as s:
        log = s.scalar(
            select(func.count())
            .select_from(AccessLogEntry)
            .where(AccessLogEntry.person_id == person_id)
        )
        out = s.scalar(select(func.count()).select_from(OutboxMessage))
        return log, out


def doc_for(database, storage, world, **kw):
    with database.session() as s:
        d = add_document(s, storage, world.ids["owner"], author=world.ids["pro_authorised"], **kw)
        s.commit()
        return d.id


def pdf_upload():
    return {
        "files": {"file": ("r.txt", b"Resultat normal", "text/plain")},
        "data": {"title": "Prise de sang", "category": "BIOLOGIE"},
    }


CASES = {
    # name: (caller, method, url template, kwargs, expected status, expected action)
    "read_record": ("pro_authorised", "GET", "/patients/{p}/documents", {}, 200, "read_record"),
    "read_document": (
        "pro_authorised",
        "GET",
        "/patients/{p}/documents/{d}",
        {},
        200,
        "read_document",
    ),
    "read_profile": ("pro_authorised", "GET", "/patients/{p}/profile", {}, 200, "read_profile"),
    "add_document": (
        "pro_dentist",
        "POST",
        "/patients/{p}/documents",
        pdf_upload(),
        201,
        "add_document",
    ),
    "refused_add_blocked": (
        "pro_blocked",
        "POST",
        "/patients/{p}/documents",
        pdf_upload(),
        403,
        "refused_add_document",
    ),
    "add_entry": (
        "pro_dentist",
        "POST",
        "/patients/{p}/health-entries",
        {"json": {"kind": "treatment", "label": "Amoxicilline"}},
        201,
        "add_entry",
    ),
    "emergency": (
        "pro_dentist",
        "POST",
        "/patients/{p}/emergency",
        {"json": {"reason": "Malaise au cabinet"}},
        200,
        "emergency",
    ),
    "refused_blocked": (
        "pro_blocked",
        "GET",
        "/patients/{p}/documents",
        {},
        403,
        "refused_read_record",
    ),
    "refused_category": (
        "pro_dentist",
        "GET",
        "/patients/{p}/documents/{dir}",
        {},
        403,
        "refused_read_document",
    ),
    "refused_hidden": (
        "pro_dentist",
        "GET",
        "/patients/{p}/documents/{hidden}",
        {},
        404,
        "refused_read_document",
    ),
    "refused_work": ("pro_work", "GET", "/patients/{p}/documents", {}, 403, "refused_read_record"),
    "refused_emergency": (
        "pro_blocked",
        "POST",
        "/patients/{p}/emergency",
        {"json": {"reason": "Malaise"}},
        403,
        "refused_emergency",
    ),
    "refused_insurer": (
        "insurer",
        "GET",
        "/patients/{p}/documents",
        {},
        403,
        "refused_read_record",
    ),
    "admin_block": (
        "pro_admin",
        "POST",
        "/patients/{p}/professionals/{t}/block",
        {},
        200,
        "block_professional",
    ),
    "refused_block": (
        "pro_authorised",
        "POST",
        "/patients/{p}/professionals/{t}/block",
        {},
        403,
        "refused_block_professional",
    ),
    "change_document": (
        "pro_authorised",
        "PATCH",
        "/patients/{p}/documents/{d}",
        {"json": {"title": "Compte rendu corrigé"}},
        200,
        "change_document",
    ),
    "refused_change": (
        "pro_dentist",
        "PATCH",
        "/patients/{p}/documents/{d}",
        {"json": {"title": "X"}},
        403,
        "refused_change_document",
    ),
    "refused_agent": ("agent", "GET", "/patients/{p}/profile", {}, 403, "refused_read_profile"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_log_entry_and_one_notification(name, rclient, world, database, storage):
    caller, method, url, kwargs, status, action = CASES[name]
    owner = world.ids["owner"]
    ids = {
        "p": owner,
        "d": doc_for(database, storage, world),
        "dir": doc_for(database, storage, world, category="DIR_ANT"),
        "hidden": doc_for(database, storage, world, hidden=True),
        "t": world.ids["pro_target"],
    }
    before = counts(database, owner)
    r = rclient.request(method, url.format(**ids), headers=world.headers(caller), **kwargs)
    assert r.status_code == status, r.text
    after = counts(database, owner)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    with database.session() as s:
        entry = (
            s.execute(
                select(AccessLogEntry)
                .where(AccessLogEntry.person_id == owner)
                .order_by(AccessLogEntry.at.desc())
            )
            .scalars()
            .first()
        )
        message = (
            s.execute(select(OutboxMessage).order_by(OutboxMessage.created_at.desc()))
            .scalars()
            .first()
        )
        person = s.get(Person, owner)
        assert entry.action == action
        assert message.to == person.phone and message.channel == "sms"
        if entry.allowed:
            assert "a " in message.body
        else:
            assert "refusé" in message.body
    if action == "emergency":
        assert entry.reason == "Malaise au cabinet"


def test_person_side_and_missing_person_make_no_entry(rclient, world, database):
    owner = world.ids["owner"]
    before = counts(database, owner)
    rclient.get("/me/documents", headers=world.headers("owner"))
    rclient.get("/patients/nope/documents", headers=world.headers("pro_authorised"))
    assert counts(database, owner) == before


def test_child_notifications_go_to_the_parent(rclient, world, database):
    child = world.ids["child"]
    r = rclient.get(f"/patients/{child}/documents", headers=world.headers("pro_authorised"))
    assert r.status_code == 200
    with database.session() as s:
        parent = s.get(Person, world.ids["parent"])
        message = s.execute(select(OutboxMessage)).scalars().one()
        assert message.to == parent.phone


def test_chosen_channel_is_used(rclient, world, database):
    h = world.headers("owner")
    assert (
        rclient.put("/me/sharing-settings", json={"notify_channel": "email"}, headers=h).status_code
        == 200
    )
    rclient.get(
        f"/patients/{world.ids['owner']}/documents", headers=world.headers("pro_authorised")
    )
    with database.session() as s:
        message = s.execute(select(OutboxMessage)).scalars().one()
        assert message.channel == "email" and message.to.endswith("@example.org")


def test_access_log_route_answers_who_saw_my_record(rclient, world, clock):
    owner = world.ids["owner"]
    rclient.get(f"/patients/{owner}/documents", headers=world.headers("pro_authorised"))
    clock.advance(seconds=5)
    rclient.get(f"/patients/{owner}/documents", headers=world.headers("insurer"))
    log = rclient.get("/me/access-log", headers=world.headers("owner")).json()
    assert [e["action"] for e in log] == ["refused_read_record", "read_record"]
    assert log[1]["profession_label"] == "médecin généraliste"
    assert log[1]["actor_name"] == "Pro_authorised Soignant"
    # The assistant sees the log of the person its conversation is linked to only.
    bot = rclient.get("/me/access-log", headers=world.headers("assistant_other")).json()
    assert bot == []


def test_access_log_is_append_only(rclient, world, database):
    rclient.get(
        f"/patients/{world.ids['owner']}/documents", headers=world.headers("pro_authorised")
    )
    with database.session() as s:
        entry = s.execute(select(AccessLogEntry)).scalars().one()
        entry.reason = "changed"
        with pytest.raises(sqlalchemy.exc.DatabaseError):
            s.commit()


def test_access_log_refuses_delete(rclient, world, database):
    owner = world.ids["owner"]
    rclient.get(f"/patients/{owner}/documents", headers=world.headers("pro_authorised"))
    with database.session() as s:
        s.delete(s.execute(select(AccessLogEntry)).scalars().one())
        with pytest.raises(sqlalchemy.exc.DatabaseError):
            s.commit()
    with database.engine.connect() as conn, pytest.raises(sqlalchemy.exc.DatabaseError):
        conn.execute(AccessLogEntry.__table__.delete())
        conn.commit()
    assert counts(database, owner)[0] == 1
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect() as conn, pytest.raises(sqlalchemy.exc.DatabaseError):
            conn.execute(sqlalchemy.text("TRUNCATE access_log"))
            conn.commit()
        assert counts(database, owner)[0] == 1


def test_telegram_choice(rclient, world, database):
    h = world.headers("owner")
    assert (
        rclient.put(
            "/me/sharing-settings", json={"notify_channel": "telegram"}, headers=h
        ).status_code
        == 200
    )
    rclient.get(
        f"/patients/{world.ids['owner']}/documents", headers=world.headers("pro_authorised")
    )
    with database.session() as s:
        message = s.execute(select(OutboxMessage)).scalars().one()
        assert message.channel == "telegram"
        assert message.to == s.get(Person, world.ids["owner"]).phone
