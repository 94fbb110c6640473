"""The access matrix of SPEC §3.4: every route that takes an id × every kind of caller gets
exactly the expected answer (2xx allowed, 401 anonymous, 403 inside the scope but forbidden,
404 outside the scope).

Routes are read from the application itself: a new route with an id and no entry in
EXPECTED fails `test_every_route_with_an_id_has_a_matrix_entry`."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fixtures_record import *  # noqa: F403 - fixtures
from fixtures_record import World, add_document

from records import clock
from records.models import (
    Account,
    Appointment,
    CareTeamLink,
    ChildLink,
    EmergencyContact,
    HealthEntry,
    Message,
    MessageThread,
)

CALLERS = [
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
]
PATIENT_SIDE = [
    "owner",
    "other",
    "parent",
    "parent_other",
    "second_parent",
    "representative",
    "assistant_other",
]
PROS = ["pro_authorised", "pro_blocked", "pro_dentist", "pro_admin", "pro_work"]
# Whose object each caller tries: their own case of SPEC §3.4.
TARGET = {
    "owner": "owner",
    "other": "owner",
    "parent": "child",
    "parent_other": "child",
    "second_parent": "child",
    "representative": "protected",
    "assistant_other": "owner",
}

OK = "2xx"


def me_default(**overrides: object) -> dict[str, object]:
    """A /me route on someone's object: the person's side reaches their own scope only."""
    table: dict[str, object] = {
        "owner": OK,
        "other": 404,
        "parent": OK,
        "parent_other": 404,
        "second_parent": 404,
        "representative": OK,
        "assistant_other": 404,
        "insurer": 403,
        "agent": 403,
        "anonymous": 401,
        **{p: 403 for p in PROS},
    }
    table.update(overrides)
    return table


def own_record(**overrides: object) -> dict[str, object]:
    """A /me route whose id is a professional: it acts on the caller's own record."""
    return me_default(**{**{k: OK for k in PATIENT_SIDE}, **overrides})


def pro_route(authorised, blocked, dentist, admin, work) -> dict[str, object]:
    table: dict[str, object] = {k: 403 for k in PATIENT_SIDE}
    table.update(insurer=403, agent=403, anonymous=401)
    table.update(
        pro_authorised=authorised,
        pro_blocked=blocked,
        pro_dentist=dentist,
        pro_admin=admin,
        pro_work=work,
    )
    return table


EXPECTED: dict[tuple[str, str], dict[str, object]] = {
    ("PATCH", "/me/appointments/{appointment_id}"): me_default(),
    ("DELETE", "/me/appointments/{appointment_id}"): me_default(),
    ("GET", "/me/documents/{document_id}"): me_default(),
    ("DELETE", "/me/documents/{document_id}"): me_default(),
    ("GET", "/me/documents/{document_id}/content"): me_default(),
    ("POST", "/me/documents/{document_id}/hide"): me_default(),
    ("POST", "/me/documents/{document_id}/show"): me_default(),
    ("POST", "/me/professionals/{professional_id}/block"): own_record(),
    ("POST", "/me/professionals/{professional_id}/unblock"): own_record(),
    ("POST", "/me/professionals/{professional_id}/authorise"): own_record(),
    ("POST", "/me/professionals/{professional_id}/revoke"): own_record(),
    ("PUT", "/me/professionals/{professional_id}/administrator"): own_record(),
    # Consent for the médecin du travail: the person only, never the assistant.
    ("POST", "/me/professionals/{professional_id}/occupational-consent"): own_record(
        assistant_other=403
    ),
    ("DELETE", "/me/professionals/{professional_id}/occupational-consent"): own_record(),
    ("POST", "/me/children/{child_id}/share"): me_default(owner=403, representative=403),
    # The child is shared with the second parent first: that parent is then in the child's
    # scope, but only the attached parent stops a share.
    ("DELETE", "/me/children/{child_id}/share/{parent_id}"): me_default(
        owner=403, representative=403, second_parent=403
    ),
    ("DELETE", "/me/health-entries/{entry_id}"): me_default(),
    ("DELETE", "/me/emergency-contacts/{contact_id}"): me_default(),
    ("POST", "/me/messages/{message_id}/read"): me_default(),
    ("POST", "/me/threads/{thread_id}/reply"): me_default(),
    ("GET", "/patients/{person_id}/documents"): pro_route(OK, 403, OK, OK, 403),
    # Blocking means no access at all: no reading, no writing, no messaging.
    ("POST", "/patients/{person_id}/documents"): pro_route(OK, 403, OK, OK, 403),
    # The dentist tries advance directives; the administrator a hidden document.
    ("GET", "/patients/{person_id}/documents/{document_id}"): pro_route(OK, 403, 403, OK, 403),
    ("GET", "/patients/{person_id}/documents/{document_id}/content"): pro_route(
        OK, 403, 403, OK, 403
    ),
    # Only the author corrects a document (the documents of the authorised professional).
    ("PATCH", "/patients/{person_id}/documents/{document_id}"): pro_route(OK, 403, 403, 403, 403),
    ("GET", "/patients/{person_id}/profile"): pro_route(OK, 403, OK, OK, 403),
    ("POST", "/patients/{person_id}/health-entries"): pro_route(OK, 403, OK, OK, 403),
    ("POST", "/patients/{person_id}/vaccinations"): pro_route(OK, 403, OK, OK, 403),
    ("POST", "/patients/{person_id}/emergency"): pro_route(OK, 403, OK, OK, 403),
    ("POST", "/patients/{person_id}/threads"): pro_route(OK, 403, OK, OK, 403),
    # Only an administrator professional blocks another professional.
    ("POST", "/patients/{person_id}/professionals/{professional_id}/block"): pro_route(
        403, 403, 403, OK, 403
    ),
    # Threads belong to the authorised professional who started them.
    ("POST", "/threads/{thread_id}/messages"): pro_route(OK, 404, 404, 404, 403),
    ("POST", "/threads/{thread_id}/close"): pro_route(OK, 404, 404, 404, 403),
}


# --- objects to aim at ------------------------------------------------------------------


def _target(caller: str) -> str:
    return TARGET.get(caller, "owner")


def _appointment(s, w: World, caller: str, _st) -> dict[str, str]:
    now = clock.now()
    a = Appointment(
        person_id=w.ids[_target(caller)],
        professional_kind="dentiste",
        starts_at=now + timedelta(days=3),
        reminders="",
        created_at=now,
        updated_at=now,
    )
    s.add(a)
    s.flush()
    return {"appointment_id": a.id}


def _my_document(s, w: World, caller: str, st) -> dict[str, str]:
    person = w.ids[_target(caller)]
    doc = add_document(s, st, person, source="patient", added_by=person, category="AUTR_DOC")
    return {"document_id": doc.id}


def _pro_document(s, w: World, caller: str, st) -> dict[str, str]:
    owner = w.ids["owner"]
    if caller == "pro_dentist":
        doc = add_document(s, st, owner, category="DIR_ANT", title="Directives")
    elif caller == "pro_admin":
        doc = add_document(s, st, owner, hidden=True, author=w.ids["pro_authorised"])
    else:
        doc = add_document(s, st, owner, author=w.ids["pro_authorised"])
    return {"person_id": owner, "document_id": doc.id}


def _professional(key: str) -> Callable:
    def make(s, w: World, caller: str, st) -> dict[str, str]:
        return {"professional_id": w.ids[key]}

    return make


def _child_share(shared: bool) -> Callable:
    """The child's share with the second parent, set before each caller tries."""

    def make(s, w: World, caller: str, st) -> dict[str, str]:
        link = (
            s.query(ChildLink)
            .filter(ChildLink.child_id == w.ids["child"], ChildLink.role == "second_parent")
            .one()
        )
        link.shared_at = clock.now() if shared else None
        s.flush()
        return {"child_id": w.ids[_target(caller)], "parent_id": w.ids["second_parent"]}

    return make


def _entry(s, w: World, caller: str, st) -> dict[str, str]:
    e = HealthEntry(
        person_id=w.ids[_target(caller)],
        kind="allergy",
        label="Pollen",
        entered_by_kind="patient",
        entered_by_name="X",
        created_at=clock.now(),
    )
    s.add(e)
    s.flush()
    return {"entry_id": e.id}


def _contact(s, w: World, caller: str, st) -> dict[str, str]:
    c = EmergencyContact(
        person_id=w.ids[_target(caller)],
        name="Ami",
        phone="+33612345678",
        relation="ami",
        created_at=clock.now(),
    )
    s.add(c)
    s.flush()
    return {"contact_id": c.id}


def _thread_for(s, w: World, person_key: str) -> MessageThread:
    t = MessageThread(
        person_id=w.ids[person_key],
        professional_id=w.ids["pro_authorised"],
        subject="Résultats",
        opened_at=clock.now(),
    )
    s.add(t)
    s.flush()
    return t


def _message(s, w: World, caller: str, st) -> dict[str, str]:
    t = _thread_for(s, w, _target(caller))
    m = Message(thread_id=t.id, sender_kind="professional", body="Bonjour", sent_at=clock.now())
    s.add(m)
    s.flush()
    return {"message_id": m.id}


def _my_thread(s, w: World, caller: str, st) -> dict[str, str]:
    return {"thread_id": _thread_for(s, w, _target(caller)).id}


def _pro_thread(s, w: World, caller: str, st) -> dict[str, str]:
    return {"thread_id": _thread_for(s, w, "owner").id}


def _patient(s, w: World, caller: str, st) -> dict[str, str]:
    return {"person_id": w.ids["owner"]}


def _patient_and_professional(s, w: World, caller: str, st) -> dict[str, str]:
    return {"person_id": w.ids["owner"], "professional_id": w.ids["pro_target"]}


def factory_for(path: str) -> Callable:
    if path.startswith("/me/appointments/"):
        return _appointment
    if path.startswith("/me/documents/"):
        return _my_document
    if path.startswith("/patients/{person_id}/documents/{document_id}"):
        return _pro_document
    if path.endswith("occupational-consent"):
        return _professional("pro_work")
    if path.startswith("/me/professionals/"):
        return _professional("pro_dentist")
    if path.startswith("/me/children/"):
        return _child_share(shared=path.endswith("{parent_id}"))
    if path.startswith("/me/health-entries/"):
        return _entry
    if path.startswith("/me/emergency-contacts/"):
        return _contact
    if path.startswith("/me/messages/"):
        return _message
    if path.startswith("/me/threads/"):
        return _my_thread
    if path.startswith("/threads/"):
        return _pro_thread
    if path.startswith("/patients/{person_id}/professionals/"):
        return _patient_and_professional
    if path.startswith("/patients/"):
        return _patient
    raise AssertionError(f"no object factory for {path}")


def request_kwargs(method: str, path: str) -> dict:
    yesterday = (clock.now() - timedelta(days=1)).date().isoformat()
    bodies = {
        ("PATCH", "/me/appointments/{appointment_id}"): {"note": "Apporter la carte Vitale"},
        ("PUT", "/me/professionals/{professional_id}/administrator"): {"administrator": True},
        ("POST", "/me/children/{child_id}/share"): {"identifier": "second_parent2026"},
        ("POST", "/me/threads/{thread_id}/reply"): {"body": "Merci docteur"},
        ("POST", "/patients/{person_id}/health-entries"): {"kind": "allergy", "label": "Pollen"},
        ("POST", "/patients/{person_id}/vaccinations"): {"code": "ror_1", "date": yesterday},
        ("POST", "/patients/{person_id}/emergency"): {"reason": "Patient inconscient"},
        ("POST", "/patients/{person_id}/threads"): {"subject": "Résultats", "body": "Bonjour"},
        ("POST", "/threads/{thread_id}/messages"): {"body": "Suite"},
        ("PATCH", "/patients/{person_id}/documents/{document_id}"): {"title": "Corrigé"},
    }
    if (method, path) == ("POST", "/patients/{person_id}/documents"):
        return {
            "files": {"file": ("cr.txt", b"Compte rendu", "text/plain")},
            "data": {"title": "Compte rendu", "category": "CPT_REND"},
        }
    body = bodies.get((method, path))
    return {"json": body} if body is not None else {}


def routes_with_ids(app) -> set[tuple[str, str]]:
    found = set()
    for path, item in app.openapi()["paths"].items():
        if "{" not in path:
            continue
        for method in item:
            found.add((method.upper(), path))
    return found


# Account routes of the foundation issue take ids too; they have their own tests.
NOT_RECORD = ("/activations/", "/auth/", "/assistant/links/", "/refusals/")


def test_every_route_with_an_id_has_a_matrix_entry(app):
    record_routes = {r for r in routes_with_ids(app) if not r[1].startswith(NOT_RECORD)}
    assert record_routes == set(EXPECTED), (
        f"missing: {sorted(record_routes - set(EXPECTED))}, "
        f"stale: {sorted(set(EXPECTED) - record_routes)}"
    )


def test_every_caller_kind_is_in_every_entry():
    for route, table in EXPECTED.items():
        assert set(table) == set(CALLERS), route


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED), ids=lambda v: str(v))
def test_matrix(method, path, rclient, world, database, storage):
    failures = []
    for caller in CALLERS:
        with database.session() as s:
            params = factory_for(path)(s, world, caller, storage)
            s.commit()
        url = path.format(**params)
        response = rclient.request(
            method, url, headers=world.headers(caller), **request_kwargs(method, path)
        )
        expected = EXPECTED[(method, path)][caller]
        got = response.status_code
        ok = 200 <= got < 300 if expected == OK else got == expected
        if not ok:
            failures.append(f"{caller}: expected {expected}, got {got} {response.text[:120]}")
    assert not failures, f"{method} {path}\n" + "\n".join(failures)


def test_second_parent_gets_access_once_shared(rclient, world, database):
    child = world.ids["child"]
    second = world.headers("second_parent")
    assert (
        rclient.get("/me/documents", params={"person_id": child}, headers=second).status_code == 404
    )
    r = rclient.post(
        f"/me/children/{child}/share",
        json={"identifier": "second_parent2026"},
        headers=world.headers("parent"),
    )
    assert r.status_code == 200, r.text
    assert (
        rclient.get("/me/documents", params={"person_id": child}, headers=second).status_code == 200
    )
    # The second parent must have an active account.
    with database.session() as s:
        acc = s.query(Account).filter(Account.person_id == world.ids["parent_other"]).one()
        acc.status = "closed"
        s.commit()
    r = rclient.post(
        f"/me/children/{child}/share",
        json={"identifier": "parent_other2026"},
        headers=world.headers("parent"),
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "second_parent_not_found"


def test_parents_lose_access_at_18(rclient, world, clock):
    child = world.ids["child"]
    h = world.headers("parent")
    assert (
        rclient.get("/me/vaccinations", params={"person_id": child}, headers=h).status_code == 200
    )
    clock.advance(days=365 * 16)
    # Sessions expire after 12 hours: log in again, as a parent would.
    from records.services import sessions

    with rclient.app.state.db.session() as s:
        acc = s.query(Account).filter(Account.person_id == world.ids["parent"]).one()
        token, _ = sessions.create(s, rclient.app.state.settings, account_id=acc.id)
        s.commit()
    h = {"Authorization": f"Bearer {token}"}
    assert (
        rclient.get("/me/vaccinations", params={"person_id": child}, headers=h).status_code == 404
    )
    people = rclient.get("/me/people", headers=h).json()
    assert [p["relation"] for p in people] == ["self"]


# --- routes that take a person id in the query or the body ---------------------------------


def _schema_properties(spec: dict, body: dict | None) -> set[str]:
    if not body:
        return set()
    for media in body.get("content", {}).values():
        schema = media.get("schema", {})
        ref = schema.get("$ref")
        if ref:
            schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
        return set(schema.get("properties", {}))
    return set()


def routes_with_person_id(app) -> dict[tuple[str, str], str]:
    """(method, path) → where the person id goes: "query" or "body"."""
    spec = app.openapi()
    found = {}
    for path, item in spec["paths"].items():
        if "{" in path:
            continue  # covered by the path matrix above
        for method, op in item.items():
            if "person_id" in {p["name"] for p in op.get("parameters", [])}:
                found[(method.upper(), path)] = "query"
            elif "person_id" in _schema_properties(spec, op.get("requestBody")):
                found[(method.upper(), path)] = "body"
    return found


PERSON_ROUTES = {
    ("GET", "/me/appointments"): None,
    ("POST", "/me/appointments"): {
        "json": {"professional_kind": "dentiste", "starts_at": "2030-01-15T10:30:00+01:00"}
    },
    ("GET", "/me/documents"): None,
    ("POST", "/me/documents"): {
        "files": {"file": ("note.txt", b"Une note", "text/plain")},
        "data": {"title": "Note", "category": "AUTR_DOC"},
    },
    ("GET", "/me/professionals"): None,
    ("GET", "/me/sharing-summary"): None,
    ("GET", "/me/sharing-settings"): None,
    ("PUT", "/me/sharing-settings"): {"json": {"hide_all": False}},
    ("GET", "/me/emergency-settings"): None,
    ("PUT", "/me/emergency-settings"): {
        "json": {"emergency_access": True, "samu_access": True, "emergency_hidden_documents": False}
    },
    ("GET", "/me/emergency-summary"): None,
    ("GET", "/me/profile"): None,
    ("POST", "/me/health-entries"): {"json": {"kind": "allergy", "label": "Pollen"}},
    ("GET", "/me/emergency-contacts"): None,
    ("POST", "/me/emergency-contacts"): {
        "json": {"name": "Ami", "phone": "06 12 34 56 78", "relation": "ami"}
    },
    ("GET", "/me/vaccinations"): None,
    ("POST", "/me/vaccinations"): {"json": {"code": "ror_1", "date": "2026-11-01"}},
    ("GET", "/me/recommendations"): None,
    ("GET", "/me/access-log"): None,
    ("GET", "/me/messages"): None,
    ("GET", "/me/export/fhir"): None,
    ("GET", "/me/export/vaccination-certificate"): None,
    ("GET", "/me/export/growth-chart"): None,
}


def test_every_route_with_a_person_id_has_a_matrix_entry(app):
    found = set(routes_with_person_id(app))
    assert found == set(PERSON_ROUTES), (
        f"missing: {sorted(found - set(PERSON_ROUTES))}, "
        f"stale: {sorted(set(PERSON_ROUTES) - found)}"
    )


@pytest.mark.parametrize(("method", "path"), sorted(PERSON_ROUTES), ids=lambda v: str(v))
def test_person_id_matrix(method, path, rclient, world, app):
    where = routes_with_person_id(app)[(method, path)]
    expected_table = me_default()
    failures = []
    for caller in CALLERS:
        person_id = world.ids[_target(caller)]
        kwargs = {
            k: (dict(v) if isinstance(v, dict) else v)
            for k, v in (PERSON_ROUTES[(method, path)] or {}).items()
        }
        if where == "query":
            kwargs["params"] = {"person_id": person_id}
        elif "json" in kwargs:
            kwargs["json"] = {**kwargs["json"], "person_id": person_id}
        else:
            kwargs["data"] = {**kwargs["data"], "person_id": person_id}
        response = rclient.request(method, path, headers=world.headers(caller), **kwargs)
        expected = expected_table[caller]
        got = response.status_code
        ok = 200 <= got < 300 if expected == OK else got == expected
        if not ok:
            failures.append(f"{caller}: expected {expected}, got {got} {response.text[:120]}")
    assert not failures, f"{method} {path}\n" + "\n".join(failures)


# --- no record route can skip the one entry point -------------------------------------------

RECORD_PREFIXES = ("/me/", "/patients/", "/threads/")
# /me routes about the account itself (sessions, logout), not a record.
ACCOUNT_ROUTES = {("GET", "/me"), ("POST", "/me/close")}


def record_routes(app) -> set[tuple[str, str]]:
    found = set()
    for path, item in app.openapi()["paths"].items():
        if path.startswith(RECORD_PREFIXES):
            found.update((method.upper(), path) for method in item)
    return found - ACCOUNT_ROUTES


def test_every_record_route_refuses_strangers_through_the_entry_point(rclient, world, app):
    """Only records/services/record_access.py turns an excluded organisation away on record
    routes (they come in like any caller so the attempt is logged): a route that skipped it
    would answer the insurer. Anonymous callers and the other side are refused too."""
    failures = []
    for method, path in sorted(record_routes(app)):
        url = re.sub(r"\{[a-z_]+\}", "x" * 16, path)
        for caller, status, code in (
            ("insurer", 403, "excluded_organisation"),
            ("anonymous", 401, None),
        ):
            kwargs = _any_body(method, path)
            r = rclient.request(method, url, headers=world.headers(caller), **kwargs)
            got = (r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else None)
            if got[0] != status or (code and got[1] != code):
                failures.append(f"{method} {path} {caller}: {got}")
    assert not failures, "\n".join(failures)


def _any_body(method: str, path: str) -> dict:
    """A valid body, so that the request reaches the route (validation comes first)."""
    if (method, path) in EXPECTED:
        return request_kwargs(method, path)
    if PERSON_ROUTES.get((method, path)):
        return dict(PERSON_ROUTES[(method, path)])  # type: ignore[arg-type]
    return OTHER_BODIES.get((method, path), {})


OTHER_BODIES = {("POST", "/me/documents/delete"): {"json": {"ids": ["x" * 16]}}}


def test_the_policy_does_not_import_the_enforcement():
    """records/policy.py gives facts to records/services/record_access.py, never the reverse."""
    source = (Path(__file__).resolve().parents[2] / "records" / "policy.py").read_text()
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {m for m in imported if m.startswith("records.services")}


# --- what each caller RECEIVES ---------------------------------------------------------------
# One world with documents, a shared child with a secret, a document its owner hid, an
# inactive professional, the assistant linked to the owner's own conversation and one
# professional of every profession of the matrix. Rows run in order: some change the world
# (a share, a switch) for the rows after them.

REPORT = "Compte rendu"  # CPT_REND by the authorised doctor
WISHES = "Directives anticipées"  # DIR_ANT
HIDDEN = "Caché par la patiente"  # CPT_REND by the authorised doctor, hidden by the owner
NOTE = "Note personnelle"  # AUTR_DOC uploaded by the owner
BOOKLET = "Carnet de santé"  # the child's, CPT_REND
SECRET = "Consultation secrète"  # the child's, hidden from the parents
OWNER_DOCS = {REPORT, WISHES, HIDDEN, NOTE}

# Emergency access per profession, written out from the matrix of SPEC §3.4 (not read from
# the code): hidden documents never, since the owner keeps that switch off.
EVERYTHING = {REPORT, WISHES, NOTE}
NO_WISHES = {REPORT, NOTE}
EMERGENCY_SEES = {
    "medecin_generaliste": EVERYTHING,
    "specialiste": EVERYTHING,
    "pediatre": EVERYTHING,
    "gynecologue": EVERYTHING,
    "cardiologue": EVERYTHING,
    "dermatologue": EVERYTHING,
    "psychiatre": EVERYTHING,
    "ophtalmologue": EVERYTHING,
    "radiologue": EVERYTHING,
    "samu": EVERYTHING,
    "infirmier": EVERYTHING,
    "sage_femme": NO_WISHES,
    "dentiste": NO_WISHES,
    "kine": NO_WISHES,
    "pharmacien": set(),
    "laboratoire": set(),
    "medecin_du_travail": 403,  # never an emergency access
}


def titles(body) -> set[str]:
    return {d["title"] for d in body}


def emergency_titles(body) -> set[str]:
    return {d["title"] for d in body["documents"]}


def log_titles(body) -> set[str]:
    return {e["document_title"] for e in body if e["document_title"]}


def entry_labels(body) -> set[str]:
    return {e["label"] for e in body["entries"]}


def message_bodies(body) -> set[str]:
    return {m["body"] for m in body}


EMERGENCY = {"json": {"reason": "Patient inconscient"}}
CONTENT_ROWS: list[tuple[str, str, str, str, dict, object]] = [
    # (what, caller, method, url, kwargs, expected: a status, or (extract, value))
    ("owner sees all", "owner", "GET", "/me/documents", {}, (titles, OWNER_DOCS)),
    (
        "assistant acting for its own user",
        "assistant_self",
        "GET",
        "/me/documents",
        {},
        (titles, OWNER_DOCS),
    ),
    (
        "assistant: someone else's child",
        "assistant_self",
        "GET",
        "/me/documents?person_id={child}",
        {},
        404,
    ),
    ("assistant of another user", "assistant_other", "GET", "/me/documents", {}, (titles, set())),
    (
        "author sees what the owner hid",
        "pro_authorised",
        "GET",
        "/patients/{owner}/documents",
        {},
        (titles, OWNER_DOCS),
    ),
    (
        "author cannot show it again",
        "pro_authorised",
        "PATCH",
        "/patients/{owner}/documents/{hidden}",
        {"json": {"hidden": False}},
        403,
    ),
    (
        "dentist: no advance directives, not the hidden one",
        "pro_dentist",
        "GET",
        "/patients/{owner}/documents",
        {},
        (titles, {REPORT, NOTE}),
    ),
    (
        "administrator sees hidden ones",
        "pro_admin",
        "GET",
        "/patients/{owner}/documents",
        {},
        (titles, OWNER_DOCS),
    ),
    ("blocked professional", "pro_blocked", "GET", "/patients/{owner}/documents", {}, 403),
    ("inactive professional", "pro_inactive", "GET", "/patients/{owner}/documents", {}, 401),
    ("inactive professional writes", "pro_inactive", "POST", "/patients/{owner}/threads", {}, 401),
    (
        "doctor reads the minor's secret",
        "pro_authorised",
        "GET",
        "/patients/{child}/documents",
        {},
        (titles, {BOOKLET, SECRET}),
    ),
    (
        "doctor opens the secret",
        "pro_authorised",
        "GET",
        "/patients/{child}/documents/{secret}",
        {},
        200,
    ),
    (
        "parent: not the secret",
        "parent",
        "GET",
        "/me/documents?person_id={child}",
        {},
        (titles, {BOOKLET}),
    ),
    (
        "parent: log without the secret",
        "parent",
        "GET",
        "/me/access-log?person_id={child}",
        {},
        (log_titles, set()),
    ),
    (
        "second parent after sharing: not the secret",
        "second_parent",
        "GET",
        "/me/documents?person_id={child}",
        {},
        (titles, {BOOKLET}),
    ),
    (
        "second parent cannot share further",
        "second_parent",
        "POST",
        "/me/children/{child}/share",
        {"json": {"identifier": "other2026"}},
        403,
    ),
    (
        "blocked: no message",
        "pro_blocked",
        "POST",
        "/patients/{owner}/threads",
        {"json": {"subject": "Bonjour", "body": "Message bloqué"}},
        403,
    ),
    (
        "blocked: no health entry",
        "pro_blocked",
        "POST",
        "/patients/{owner}/health-entries",
        {"json": {"kind": "allergy", "label": "Entrée bloquée"}},
        403,
    ),
    ("owner: no message from them", "owner", "GET", "/me/messages", {}, (message_bodies, set())),
    ("owner: no entry from them", "owner", "GET", "/me/profile", {}, (entry_labels, set())),
    *[
        (
            f"emergency: {profession}",
            f"pro_{profession}",
            "POST",
            "/patients/{owner}/emergency",
            EMERGENCY,
            expected if isinstance(expected, int) else (emergency_titles, expected),
        )
        for profession, expected in EMERGENCY_SEES.items()
    ],
    (
        "owner closes SAMU access",
        "owner",
        "PUT",
        "/me/emergency-settings",
        {
            "json": {
                "emergency_access": True,
                "samu_access": False,
                "emergency_hidden_documents": False,
            }
        },
        200,
    ),
    ("SAMU refused", "pro_samu", "POST", "/patients/{owner}/emergency", EMERGENCY, 403),
    (
        "a doctor's emergency still works",
        "pro_medecin_generaliste",
        "POST",
        "/patients/{owner}/emergency",
        EMERGENCY,
        (emergency_titles, EVERYTHING),
    ),
]


def test_emergency_rows_cover_every_profession_of_the_matrix():
    from records.access_rules import matrix

    assert set(EMERGENCY_SEES) == set(matrix().professions)


@pytest.fixture
def content_world(world, database, storage, settings):
    from fixtures_record import SERVICE_TOKEN, _professional

    from records.models import Professional
    from records.services import assistant, sessions

    ids = world.ids
    with database.session() as s:
        add_document(s, storage, ids["owner"], title=REPORT, author=ids["pro_authorised"])
        add_document(s, storage, ids["owner"], category="DIR_ANT", title=WISHES)
        hidden = add_document(s, storage, ids["owner"], title=HIDDEN, author=ids["pro_authorised"])
        hidden.hidden = hidden.hidden_by_owner = True
        note = add_document(s, storage, ids["owner"], category="AUTR_DOC", title=NOTE)
        note.source, note.added_by_person_id = "patient", ids["owner"]
        add_document(s, storage, ids["child"], title=BOOKLET, author=ids["pro_authorised"])
        secret = add_document(
            s,
            storage,
            ids["child"],
            title=SECRET,
            author=ids["pro_authorised"],
            hidden_from_parents=True,
        )
        ids["secret"] = secret.id
        ids["hidden"] = hidden.id
        inactive = _professional(s, world, "pro_inactive", "medecin_generaliste")
        inactive.active = False
        s.add(
            CareTeamLink(
                person_id=ids["owner"],
                professional_id=inactive.id,
                authorised_at=clock.now(),
                updated_at=clock.now(),
            )
        )
        for profession in EMERGENCY_SEES:
            _professional(s, world, f"pro_{profession}", profession)
        link = (
            s.query(ChildLink)
            .filter(ChildLink.child_id == ids["child"], ChildLink.role == "second_parent")
            .one()
        )
        link.shared_at = clock.now()
        auth_row = sessions.find(s, world.tokens["owner"])
        assistant.link(s, settings, auth_row, "conv-owner")
        world.tokens["assistant_self"] = SERVICE_TOKEN
        world.conversations["assistant_self"] = "conv-owner"
        s.commit()
        assert s.get(Professional, inactive.id).active is False
    return world


def test_what_each_caller_receives(rclient, content_world):
    w = content_world
    failures = []
    for what, caller, method, url, kwargs, expected in CONTENT_ROWS:
        r = rclient.request(method, url.format(**w.ids), headers=w.headers(caller), **kwargs)
        if isinstance(expected, int):
            if r.status_code != expected:
                failures.append(f"{what}: expected {expected}, got {r.status_code} {r.text[:100]}")
            continue
        extract, value = expected
        if r.status_code >= 300:
            failures.append(f"{what}: expected content, got {r.status_code} {r.text[:100]}")
        elif extract(r.json()) != value:
            failures.append(f"{what}: expected {value}, got {extract(r.json())}")
    assert not failures, "\n".join(failures)
