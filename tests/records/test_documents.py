"""Documents through the API: uploads checked by content, delete vs hide, hidden documents,
the hide-all switch, hidden from parents, professionals adding documents."""

from __future__ import annotations

from fixtures_record import *  # noqa: F403 - fixtures
from fixtures_record import add_document
from sqlalchemy import select

from records.models import Document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def upload(client, world, caller="owner", data=PDF, name="x.pdf", **form):
    form.setdefault("title", "Mon ordonnance")
    form.setdefault("category", "ORD_SOIN")
    return client.post(
        "/me/documents",
        headers=world.headers(caller),
        files={"file": (name, data, "application/octet-stream")},
        data=form,
    )


def test_upload_list_download_delete(rclient, world):
    r = upload(rclient, world)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["media_type"] == "application/pdf" and doc["added_by_patient"]
    assert doc["category_label"] == "Ordonnances et soins"
    listed = rclient.get("/me/documents", headers=world.headers("owner")).json()
    assert [d["id"] for d in listed] == [doc["id"]]
    content = rclient.get(f"/me/documents/{doc['id']}/content", headers=world.headers("owner"))
    assert content.content == PDF
    assert (
        rclient.delete(f"/me/documents/{doc['id']}", headers=world.headers("owner")).status_code
        == 204
    )
    assert rclient.get("/me/documents", headers=world.headers("owner")).json() == []


def test_upload_type_is_checked_by_content(rclient, world):
    r = upload(rclient, world, data=b"MZ\x90\x00binary", name="photo.jpg")
    assert r.status_code == 422 and r.json()["error"]["code"] == "file_type_not_allowed"
    big = b"%PDF-" + b"0" * (5 * 1024 * 1024)
    r = upload(rclient, world, data=big)
    assert r.status_code == 413 and r.json()["error"]["code"] == "file_too_large"
    r = upload(rclient, world, category="NOPE")
    assert r.status_code == 422


def test_professional_documents_can_be_hidden_not_deleted(rclient, world, database, storage):
    with database.session() as s:
        doc = add_document(s, storage, world.ids["owner"], author=world.ids["pro_authorised"])
        s.commit()
    h = world.headers("owner")
    r = rclient.delete(f"/me/documents/{doc.id}", headers=h)
    assert r.status_code == 403 and r.json()["error"]["code"] == "document_not_yours"
    assert rclient.post(f"/me/documents/{doc.id}/hide", headers=h).json()["hidden"] is True
    # Hidden: the author and the administrator still see it, another authorised one does not.
    url = f"/patients/{world.ids['owner']}/documents"
    seen = {
        k: [d["id"] for d in rclient.get(url, headers=world.headers(k)).json()]
        for k in ("pro_authorised", "pro_admin", "pro_dentist")
    }
    assert seen == {"pro_authorised": [doc.id], "pro_admin": [doc.id], "pro_dentist": []}
    assert rclient.get(f"{url}/{doc.id}", headers=world.headers("pro_dentist")).status_code == 404
    assert rclient.post(f"/me/documents/{doc.id}/show", headers=h).json()["hidden"] is False


def test_delete_at_most_ten_at_once(rclient, world):
    ids = [upload(rclient, world).json()["id"] for _ in range(11)]
    h = world.headers("owner")
    assert rclient.post("/me/documents/delete", json={"ids": ids}, headers=h).status_code == 422
    assert (
        rclient.post("/me/documents/delete", json={"ids": ids[:10]}, headers=h).status_code == 200
    )
    assert len(rclient.get("/me/documents", headers=h).json()) == 1


def test_hide_all_switch_and_default_visibility(rclient, world, database, storage):
    with database.session() as s:
        add_document(s, storage, world.ids["owner"], author=world.ids["pro_admin"])
        s.commit()
    h = world.headers("owner")
    url = f"/patients/{world.ids['owner']}/documents"
    pro = world.headers("pro_authorised")
    assert len(rclient.get(url, headers=pro).json()) == 1
    rclient.put("/me/sharing-settings", json={"hide_all": True}, headers=h)
    assert rclient.get(url, headers=pro).json() == []
    assert len(rclient.get(url, headers=world.headers("pro_admin")).json()) == 1
    rclient.put("/me/sharing-settings", json={"hide_all": False, "default_hidden": True}, headers=h)
    assert upload(rclient, world).json()["hidden"] is True


def test_professional_adds_document_and_hides_it_from_parents(rclient, world, database):
    child = world.ids["child"]
    r = rclient.post(
        f"/patients/{child}/documents",
        headers=world.headers("pro_authorised"),
        files={"file": ("c.txt", b"Consultation confidentielle", "text/plain")},
        data={"title": "Consultation", "category": "CPT_REND", "hidden_from_parents": "true"},
    )
    assert r.status_code == 201, r.text
    doc_id = r.json()["id"]
    parent = world.headers("parent")
    assert rclient.get("/me/documents", params={"person_id": child}, headers=parent).json() == []
    assert rclient.get(f"/me/documents/{doc_id}", headers=parent).status_code == 404
    # Hidden from parents only makes sense for a minor.
    r = rclient.post(
        f"/patients/{world.ids['owner']}/documents",
        headers=world.headers("pro_authorised"),
        files={"file": ("c.txt", b"texte", "text/plain")},
        data={"title": "X", "category": "CPT_REND", "hidden_from_parents": "true"},
    )
    assert r.status_code == 422
    with database.session() as s:
        stored = s.execute(select(Document).where(Document.id == doc_id)).scalar_one()
        assert stored.author_name.startswith("Pro_authorised") and stored.source == "professional"


def test_blocked_professional_neither_adds_nor_reads(rclient, world):
    owner = world.ids["owner"]
    h = world.headers("pro_blocked")
    r = rclient.post(
        f"/patients/{owner}/documents",
        headers=h,
        files={"file": ("r.txt", b"Resultat", "text/plain")},
        data={"title": "Résultat", "category": "BIOLOGIE"},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "professional_blocked"
    assert rclient.get("/me/documents", headers=world.headers("owner")).json() == []
    r = rclient.get(f"/patients/{owner}/documents", headers=h)
    assert r.status_code == 403 and r.json()["error"]["code"] == "professional_blocked"


def test_missing_file_is_410_not_a_server_error(rclient, world, storage):
    doc = upload(rclient, world).json()
    for path in storage.folder.rglob("*"):
        if path.is_file():
            path.unlink()
    r = rclient.get(f"/me/documents/{doc['id']}/content", headers=world.headers("owner"))
    assert r.status_code == 410 and r.json()["error"]["code"] == "document_unavailable"


def test_advance_directives_are_for_adults_only(rclient, world):
    form = {"title": "Directives", "category": "DIR_ANT"}
    files = {"file": ("d.txt", b"Mes volontes", "text/plain")}
    r = rclient.post(
        f"/patients/{world.ids['child']}/documents",
        headers=world.headers("pro_authorised"),
        files=files,
        data=form,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "adults_only"
    r = upload(rclient, world, caller="parent", person_id=world.ids["child"], **form)
    assert r.status_code == 422
    r = rclient.post(
        f"/patients/{world.ids['owner']}/documents",
        headers=world.headers("pro_authorised"),
        files=files,
        data=form,
    )
    assert r.status_code == 201
