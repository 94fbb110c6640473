"""A file a bot message hands over (a child's vaccination certificate): the message carries a
download path; the gateway fetches the PDF from records for this conversation only."""

from __future__ import annotations


def test_a_certificate_is_downloaded_for_the_linked_conversation(rig) -> None:
    cid = rig.new_conversation()
    bot = rig.say(cid, "certificat")["messages"][0]
    assert bot["download"]["kind"] == "vaccination_certificate", bot
    url = bot["download"]["url"]
    assert url == f"/api/conversations/{cid}/messages/{bot['id']}/file"
    assert "person_id" not in str(bot), "the record's id stays in the gateway"
    # Not logged in (records has no link for the conversation): no file.
    assert rig.client.get(url).status_code == 403
    rig.records.links[cid] = "Bearer tok-1"
    answer = rig.client.get(url)
    assert answer.status_code == 200, answer.text
    assert answer.content.startswith(b"%PDF")
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["cache-control"] == "no-store"
    # The same message again after a reload: still the link.
    history = rig.client.get(f"/api/conversations/{cid}").json()["messages"]
    assert any(m.get("download", {}).get("url") == url for m in history)


def test_no_file_for_another_message_an_unknown_kind_or_another_conversation(rig) -> None:
    cid = rig.new_conversation()
    rig.records.links[cid] = "Bearer tok-1"
    plain = rig.say(cid, "bonjour")["messages"][0]
    assert "download" not in plain
    assert (
        rig.client.get(f"/api/conversations/{cid}/messages/{plain['id']}/file").status_code == 404
    )
    unknown = rig.say(cid, "certificat inconnu")["messages"][0]
    assert "download" not in unknown, "only the kinds the gateway knows"
    mine = rig.say(cid, "certificat")["messages"][0]
    other = rig.new_conversation()
    stolen = f"/api/conversations/{other}/messages/{mine['id']}/file"
    assert rig.client.get(stolen).status_code == 404
    rig.records.failing = True
    answer = rig.client.get(mine["download"]["url"])
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "file_unavailable"
