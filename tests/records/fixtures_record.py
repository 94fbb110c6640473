"""A small world for the record tests: one person of each kind of SPEC §3.4 with real
accounts, sessions, API keys and an assistant conversation, built straight in the database
(the activation flow has its own tests). Used by the record test modules as fixtures."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
from db_reset import empty_tables
from fastapi import FastAPI
from fastapi.testclient import TestClient

from records import clock as clock_module
from records.db import Database
from records.models import (
    Account,
    CareTeamLink,
    ChildLink,
    Document,
    ExcludedOrganisation,
    HelplineAgent,
    LegalRepresentation,
    Person,
    Professional,
)
from records.security import new_token, token_hash
from records.services import assistant, sessions
from records.settings import Settings
from records.storage import LocalEncryptedStorage, set_storage

# Test modules take the fixtures with `from fixtures_record import *`.
__all__ = ["rclient", "storage", "world"]

SERVICE_TOKEN = "dev-records-service-token"  # noqa: S105 - the test settings' default
# Every kind of caller of SPEC §3.4 that build_world gives a token (plus anonymous).
CALLER_KINDS = (
    "owner",
    "other",
    "parent",
    "parent_other",
    "second_parent",
    "representative",
    "pro_authorised",
    "pro_blocked",
    "pro_dentist",
    "pro_admin",
    "pro_work",
    "insurer",
    "agent",
    "assistant_other",
    "anonymous",
)


@dataclass
class World:
    ids: dict[str, str] = field(default_factory=dict)  # key → person / professional id
    tokens: dict[str, str] = field(default_factory=dict)  # caller key → bearer token
    conversations: dict[str, str] = field(default_factory=dict)  # caller key → conversation

    def headers(self, caller: str) -> dict[str, str]:
        if caller == "anonymous":
            return {}
        h = {"Authorization": f"Bearer {self.tokens[caller]}"}
        if caller in self.conversations:
            h["X-Conversation-Id"] = self.conversations[caller]
        return h


def _person(
    session,
    key: str,
    first: str,
    born: date,
    sex: str = "F",
    phone: str | None = None,
    email: str | None = None,
) -> Person:
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    p = Person(
        first_name=first,
        last_name="Testeur",
        birth_date=born,
        sex=sex,
        nir=None,
        vitale_serial=str(1000000000 + digest % 999999999),
        phone=phone or f"+3361{digest % 10_000_000:07d}",
        email=email or f"{key}@example.org",
        created_at=clock_module.now(),
    )
    session.add(p)
    session.flush()
    return p


def _account(session, settings: Settings, world: World, key: str, person: Person) -> None:
    acc = Account(
        person_id=person.id,
        identifier=f"{key}2026",
        password_hash=None,
        status="active",
        activation_mode="alone",
        activated_at=clock_module.now(),
    )
    session.add(acc)
    session.flush()
    token, _ = sessions.create(session, settings, account_id=acc.id)
    world.tokens[key] = token


def _professional(session, world: World, key: str, profession: str) -> Professional:
    api_key = new_token("pro")
    pro = Professional(
        first_name=key.capitalize(),
        last_name="Soignant",
        profession=profession,
        rpps=str(10000000000 + len(world.ids))[:11],
        api_key_hash=token_hash(api_key),
        active=True,
        created_at=clock_module.now(),
    )
    session.add(pro)
    session.flush()
    world.ids[key] = pro.id
    world.tokens[key] = api_key
    return pro


def build_world(session, settings: Settings) -> World:
    """owner, other patient, parent/child, parent of another child, second parent not yet
    granted, representative/protected adult, five kinds of professionals, an insurer, an
    agent and the assistant linked to the other patient's conversation."""
    w = World()
    today = clock_module.now().date()
    people = {
        "owner": ("Olivia", date(1980, 5, 1), "F"),
        "other": ("Omar", date(1975, 3, 2), "M"),
        "parent": ("Paula", date(1985, 6, 3), "F"),
        "child": ("Chloé", today - timedelta(days=365 * 3 + 40), "F"),
        "parent_other": ("Pierre", date(1982, 7, 4), "M"),
        "other_child": ("Cyril", today - timedelta(days=365 * 7), "M"),
        "second_parent": ("Simon", date(1984, 8, 5), "M"),
        "representative": ("Rose", date(1960, 9, 6), "F"),
        "protected": ("Paul", date(1958, 10, 7), "M"),
    }
    for key, (first, born, sex) in people.items():
        w.ids[key] = _person(session, key, first, born, sex).id
    for key in ("owner", "other", "parent", "parent_other", "second_parent", "representative"):
        _account(session, settings, w, key, session.get(Person, w.ids[key]))
    now = clock_module.now()
    session.add_all(
        [
            ChildLink(
                child_id=w.ids["child"], parent_id=w.ids["parent"], role="attached", created_at=now
            ),
            ChildLink(
                child_id=w.ids["child"],
                parent_id=w.ids["second_parent"],
                role="second_parent",
                shared_at=None,
                created_at=now,
            ),
            ChildLink(
                child_id=w.ids["other_child"],
                parent_id=w.ids["parent_other"],
                role="attached",
                created_at=now,
            ),
            LegalRepresentation(
                protected_id=w.ids["protected"],
                representative_id=w.ids["representative"],
                created_at=now,
            ),
        ]
    )
    pros = {
        "pro_authorised": "medecin_generaliste",
        "pro_blocked": "medecin_generaliste",
        "pro_dentist": "dentiste",
        "pro_admin": "medecin_generaliste",
        "pro_work": "medecin_du_travail",
        "pro_target": "kine",  # a professional others act upon; never a caller
    }
    for key, profession in pros.items():
        _professional(session, w, key, profession)
    # Every patient-side person gives the same choices, so each caller finds its case.
    for person_key in ("owner", "child", "protected", "other", "other_child"):
        for pro_key, kw in (
            ("pro_authorised", {}),
            ("pro_blocked", {"blocked_at": now}),
            ("pro_dentist", {}),
            ("pro_admin", {"administrator": True}),
        ):
            session.add(
                CareTeamLink(
                    person_id=w.ids[person_key],
                    professional_id=w.ids[pro_key],
                    authorised_at=now,
                    updated_at=now,
                    **kw,
                )
            )
    insurer_key = new_token("org")
    session.add(
        ExcludedOrganisation(
            name="Mutuelle Exemple",
            kind="mutuelle",
            api_key_hash=token_hash(insurer_key),
            created_at=now,
        )
    )
    w.tokens["insurer"] = insurer_key
    agent = HelplineAgent(
        login="agent1", display_name="Agent", password_hash="x", active=True, created_at=now
    )
    session.add(agent)
    session.flush()
    w.tokens["agent"], _ = sessions.create(session, settings, agent_id=agent.id)
    # The assistant, linked to the OTHER patient's conversation.
    other_account = session.query(Account).filter(Account.person_id == w.ids["other"]).one()
    auth_row = sessions.find(session, w.tokens["other"])
    assert auth_row is not None and auth_row.account_id == other_account.id
    assistant.link(session, settings, auth_row, "conv-other")
    w.tokens["assistant_other"] = SERVICE_TOKEN
    w.conversations["assistant_other"] = "conv-other"
    session.flush()
    return w


def add_document(
    session,
    storage,
    person_id: str,
    *,
    category: str = "CPT_REND",
    title: str = "Compte rendu",
    source: str = "professional",
    author: str | None = None,
    added_by: str | None = None,
    hidden: bool = False,
    hidden_from_parents: bool = False,
    when: datetime | None = None,
) -> Document:
    now = when or clock_module.now()
    doc = Document(
        person_id=person_id,
        title=title,
        category=category,
        media_type="text/plain",
        size=5,
        storage_key=storage.put(b"texte"),
        source=source,
        author_professional_id=author,
        added_by_person_id=added_by,
        author_name="Auteur",
        hidden=hidden,
        hidden_from_parents=hidden_from_parents,
        added_at=now,
        updated_at=now,
    )
    session.add(doc)
    session.flush()
    return doc


@pytest.fixture
def storage(tmp_path) -> Iterator[LocalEncryptedStorage]:
    store = LocalEncryptedStorage(
        tmp_path / "documents", base64.b64decode(base64.b64encode(bytes(range(32))))
    )
    set_storage(store)
    yield store
    set_storage(None)


@pytest.fixture
def world(database: Database, settings: Settings, clock, storage) -> World:
    empty_tables(database)
    with database.session() as session:
        w = build_world(session, settings)
        session.commit()
    return w


@pytest.fixture
def rclient(app: FastAPI, world: World) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def fresh_session(database: Database, settings: Settings, world: World, key: str) -> None:
    """Log a person in again (sessions end after 30 idle minutes; tests move the clock)."""
    with database.session() as session:
        acc = session.query(Account).filter(Account.person_id == world.ids[key]).one()
        world.tokens[key], _ = sessions.create(session, settings, account_id=acc.id)
        session.commit()
