"""Sharing rules that once leaked (children, sharing, hiding, emergency, blocking, uploads):
each test drives the real app on a real database and checks what every caller receives."""

from __future__ import annotations

from datetime import timedelta

from fixtures_record import *  # noqa: F403 - fixtures
from fixtures_record import _professional, add_document
from sqlalchemy import select

from records import clock
from records.models import MessageThread, OutboxMessage, Person

SECRET_TITLE = "Consultation contraception (secret)"


def _messages_to(database, person_key: str, world) -> list[OutboxMessage]:
    with database.session() as s:
        phone = s.get(Person, world.ids[person_key]).phone
        return list(s.execute(select(OutboxMessage).where(OutboxMessage.to == phone)).scalars())


def _secret_document(rclient, world) -> str:
    """A doctor adds a minor's document hidden from the parents (and hidden), then reads it."""
    child = world.ids["child"]
    pro = world.headers("pro_authorised")
    r = rclient.post(
        f"/patients/{child}/documents",
        headers=pro,
        files={"file": ("c.txt", b"Consultation confidentielle", "text/plain")},
        data={
            "title": SECRET_TITLE,
            "category": "CPT_REND",
            "hidden": "true",
            "hidden_from_parents": "true",
        },
    )
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    assert rclient.get(f"/patients/{child}/documents/{doc_id}", headers=pro).status_code == 200
    # Someone without the right tries it too: a refused attempt on the secret document.
    r = rclient.get(f"/patients/{child}/documents/{doc_id}", headers=world.headers("pro_blocked"))
    assert r.status_code == 403
    return doc_id


# --- 1. a minor's document hidden from the parents ------------------------------------------


def test_parents_learn_nothing_of_a_document_hidden_from_them(rclient, world, database):
    child = world.ids["child"]
    parent = world.headers("parent")
    before = len(_messages_to(database, "parent", world))
    _secret_document(rclient, world)

    log = rclient.get("/me/access-log", params={"person_id": child}, headers=parent)
    assert log.status_code == 200
    assert SECRET_TITLE not in log.text
    assert log.json() == []
    # No notification about it either (adding, reading, the refused attempt).
    assert len(_messages_to(database, "parent", world)) == before

    summary = rclient.get("/me/sharing-summary", params={"person_id": child}, headers=parent)
    assert summary.json()["hidden_documents"] == 0
    rclient.put(
        "/me/sharing-settings", params={"person_id": child}, json={"hide_all": True}, headers=parent
    )
    summary = rclient.get("/me/sharing-summary", params={"person_id": child}, headers=parent)
    assert summary.json()["hidden_documents"] == 0

    assert rclient.get("/me/documents", params={"person_id": child}, headers=parent).json() == []
    bundle = rclient.get("/me/export/fhir", params={"person_id": child}, headers=parent)
    assert bundle.status_code == 200
    assert SECRET_TITLE not in bundle.text
    kinds = [e["resource"]["resourceType"] for e in bundle.json()["entry"]]
    assert "DocumentReference" not in kinds and "AuditEvent" not in kinds


def test_a_general_read_of_the_childs_record_is_still_shown_to_the_parent(rclient, world, database):
    child = world.ids["child"]
    _secret_document(rclient, world)
    rclient.get(f"/patients/{child}/documents", headers=world.headers("pro_authorised"))
    parent = world.headers("parent")
    log = rclient.get("/me/access-log", params={"person_id": child}, headers=parent)
    assert [e["action"] for e in log.json()] == ["read_record"]
    assert SECRET_TITLE not in log.text


# --- 2. sharing a child ---------------------------------------------------------------------


def _share(rclient, world, by: str, identifier: str):
    return rclient.post(
        f"/me/children/{world.ids['child']}/share",
        json={"identifier": identifier},
        headers=world.headers(by),
    )


def test_only_the_attached_parent_shares_and_only_with_the_recorded_parent(
    rclient, world, database
):
    child = world.ids["child"]
    # Not a parent recorded for this child: refused, nothing created.
    r = _share(rclient, world, "parent", "other2026")
    assert r.status_code == 404 and r.json()["error"]["code"] == "second_parent_not_found"
    r = rclient.get("/me/documents", params={"person_id": child}, headers=world.headers("other"))
    assert r.status_code == 404

    before = len(_messages_to(database, "parent", world))
    assert _share(rclient, world, "parent", "second_parent2026").status_code == 200
    assert len(_messages_to(database, "parent", world)) == before + 1

    # The parent the child was shared with can neither re-share nor remove shares.
    r = _share(rclient, world, "second_parent", "other2026")
    assert r.status_code == 403 and r.json()["error"]["code"] == "attached_parent_only"
    r = rclient.delete(
        f"/me/children/{child}/share/{world.ids['second_parent']}",
        headers=world.headers("second_parent"),
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "attached_parent_only"
    r = rclient.get("/me/documents", params={"person_id": child}, headers=world.headers("other"))
    assert r.status_code == 404

    # The attached parent stops the share and is told.
    r = rclient.delete(
        f"/me/children/{child}/share/{world.ids['second_parent']}",
        headers=world.headers("parent"),
    )
    assert r.status_code == 204
    assert len(_messages_to(database, "parent", world)) == before + 2
    r = rclient.get(
        "/me/documents", params={"person_id": child}, headers=world.headers("second_parent")
    )
    assert r.status_code == 404
    # The recorded link stays, so the parent can share again later.
    assert _share(rclient, world, "parent", "second_parent2026").status_code == 200


# --- 3. a document hidden by its owner ------------------------------------------------------


def test_the_author_cannot_show_again_a_document_the_patient_hid(rclient, world):
    owner = world.ids["owner"]
    author = world.headers("pro_authorised")
    dentist = world.headers("pro_dentist")
    r = rclient.post(
        f"/patients/{owner}/documents",
        headers=author,
        files={"file": ("r.txt", b"Radio dentaire", "text/plain")},
        data={"title": "Compte rendu", "category": "CPT_REND"},
    )
    doc_id = r.json()["id"]
    url = f"/patients/{owner}/documents/{doc_id}"
    assert rclient.get(url, headers=dentist).status_code == 200

    h = world.headers("owner")
    assert rclient.post(f"/me/documents/{doc_id}/hide", headers=h).json()["hidden"] is True
    assert rclient.get(url, headers=dentist).status_code == 404

    r = rclient.patch(url, json={"hidden": False}, headers=author)
    assert r.status_code == 403 and r.json()["error"]["code"] == "hidden_by_patient"
    assert rclient.get(url, headers=dentist).status_code == 404
    # The author still corrects the title of the hidden document.
    r = rclient.patch(url, json={"title": "Compte rendu corrigé"}, headers=author)
    assert r.status_code == 200 and r.json()["hidden"] is True

    assert rclient.post(f"/me/documents/{doc_id}/show", headers=h).json()["hidden"] is False
    assert rclient.get(url, headers=dentist).status_code == 200


def test_default_hidden_is_the_patients_choice_too(rclient, world):
    owner = world.ids["owner"]
    author = world.headers("pro_authorised")
    h = world.headers("owner")
    assert (
        rclient.put("/me/sharing-settings", json={"default_hidden": True}, headers=h).status_code
        == 200
    )
    r = rclient.post(
        f"/patients/{owner}/documents",
        headers=author,
        files={"file": ("r.txt", b"Analyse", "text/plain")},
        data={"title": "Analyse", "category": "BIOLOGIE"},
    )
    assert r.json()["hidden"] is True
    r = rclient.patch(
        f"/patients/{owner}/documents/{r.json()['id']}", json={"hidden": False}, headers=author
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "hidden_by_patient"


# --- 4. emergency access follows the profession matrix --------------------------------------


def test_emergency_access_gives_only_the_professions_categories(rclient, world, database, storage):
    owner = world.ids["owner"]
    with database.session() as s:
        add_document(s, storage, owner, category="DIR_ANT", title="Directives anticipées")
        add_document(s, storage, owner, category="CPT_REND", title="Compte rendu")
        add_document(s, storage, owner, category="BIOLOGIE", title="Caché", hidden=True)
        samu = _professional(s, world, "pro_samu", "samu")
        s.commit()
        assert samu.id
    body = {"reason": "Patient inconscient au cabinet"}
    dentist = world.headers("pro_dentist")
    r = rclient.post(f"/patients/{owner}/emergency", json=body, headers=dentist)
    assert r.status_code == 200, r.text
    assert [d["title"] for d in r.json()["documents"]] == ["Compte rendu"]
    r = rclient.post(f"/patients/{owner}/emergency", json=body, headers=world.headers("pro_samu"))
    assert sorted(d["title"] for d in r.json()["documents"]) == [
        "Compte rendu",
        "Directives anticipées",
    ]


# --- 5. blocking means no access at all -----------------------------------------------------


def test_a_blocked_professional_cannot_write_or_message(rclient, world, database):
    owner = world.ids["owner"]
    h = world.headers("pro_blocked")
    attempts = {
        "thread": rclient.post(
            f"/patients/{owner}/threads", json={"subject": "Bonjour", "body": "Bonjour"}, headers=h
        ),
        "entry": rclient.post(
            f"/patients/{owner}/health-entries",
            json={"kind": "allergy", "label": "Pollen"},
            headers=h,
        ),
        "vaccination": rclient.post(
            f"/patients/{owner}/vaccinations",
            json={"code": "ror_1", "date": (clock.now() - timedelta(days=1)).date().isoformat()},
            headers=h,
        ),
        "document": rclient.post(
            f"/patients/{owner}/documents",
            headers=h,
            files={"file": ("r.txt", b"Resultat", "text/plain")},
            data={"title": "Résultat", "category": "BIOLOGIE"},
        ),
    }
    for name, r in attempts.items():
        assert r.status_code == 403, name
        assert r.json()["error"]["code"] == "professional_blocked", name
    profile = rclient.get("/me/profile", headers=world.headers("owner")).json()
    assert profile["entries"] == []
    assert rclient.get("/me/documents", headers=world.headers("owner")).json() == []
    assert rclient.get("/me/messages", headers=world.headers("owner")).json() == []


def test_a_thread_stops_when_its_professional_is_blocked(rclient, world, database):
    owner = world.ids["owner"]
    pro = world.headers("pro_authorised")
    r = rclient.post(
        f"/patients/{owner}/threads", json={"subject": "Suivi", "body": "Bonjour"}, headers=pro
    )
    thread_id = r.json()["id"]
    r = rclient.post(
        f"/me/professionals/{world.ids['pro_authorised']}/block", headers=world.headers("owner")
    )
    assert r.status_code == 200
    r = rclient.post(f"/threads/{thread_id}/messages", json={"body": "Encore moi"}, headers=pro)
    assert r.status_code == 403 and r.json()["error"]["code"] == "professional_blocked"
    with database.session() as s:
        assert s.get(MessageThread, thread_id) is not None


# --- 8. uploads -----------------------------------------------------------------------------


def _upload(rclient, world, data: bytes):
    return rclient.post(
        "/me/documents",
        headers=world.headers("owner"),
        files={"file": ("note.txt", data, "text/plain")},
        data={"title": "Note", "category": "AUTR_DOC"},
    )


def test_html_and_files_binary_after_the_start_are_refused(rclient, world):
    for data in (
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"Bonjour\n<script>fetch('/me/documents')</script>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"Texte normal\n" * 6000 + b"\x00\x01\x02binaire",
    ):
        r = _upload(rclient, world, data)
        assert r.status_code == 422, data[:40]
        assert r.json()["error"]["code"] == "file_type_not_allowed"
    # A note with comparisons stays a plain text.
    assert _upload(rclient, world, b"Glycemie < 1 g/L et tension > 12").status_code == 201


def test_documents_are_served_as_attachments_that_never_run(rclient, world, database, storage):
    r = _upload(rclient, world, b"Une simple note")
    doc_id = r.json()["id"]
    with database.session() as s:
        pro_doc = add_document(s, storage, world.ids["owner"], author=world.ids["pro_authorised"])
        s.commit()
    for url, caller in (
        (f"/me/documents/{doc_id}/content", "owner"),
        (f"/patients/{world.ids['owner']}/documents/{pro_doc.id}/content", "pro_authorised"),
    ):
        r = rclient.get(url, headers=world.headers(caller))
        assert r.status_code == 200, url
        assert r.headers["content-disposition"].startswith("attachment;")
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in r.headers["content-security-policy"]
        assert "default-src 'none'" in r.headers["content-security-policy"]
