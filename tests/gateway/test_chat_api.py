"""The widget's chat API against a fake Rasa speaking the REST channel protocol."""

from __future__ import annotations

import json
import re
import threading
import time

import httpx

from bot import messages


def test_front_page_and_widget_files_are_served(rig) -> None:
    page = rig.client.get("/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "{{" not in page.text  # every placeholder filled from texts.fr.json
    assert "Mon espace santé" in page.text
    for path in (
        "/widget/widget.js",
        "/widget/widget.css",
        "/widget/texts.fr.json",
        "/widget/pictograms/calendar.svg",
    ):
        assert rig.client.get(path).status_code == 200, path
    assert rig.client.get("/health").json() == {"status": "ok"}


def test_openapi_documents_the_chat_api(rig) -> None:
    spec = rig.client.get("/openapi.json").json()
    paths = spec["paths"]
    assert "/api/conversations" in paths
    assert "/api/conversations/{conversation_id}/messages" in paths
    assert "/api/conversations/{conversation_id}/events" in paths


def test_greeting_returns_text_buttons_and_pictogram(rig) -> None:
    cid = rig.new_conversation()
    out = rig.say(cid, "bonjour")
    assert out["queued"] is False
    assert out["user_message"]["from"] == "user"
    assert out["user_message"]["text"] == "bonjour"
    [bot] = out["messages"]
    assert bot["from"] == "bot"
    assert bot["text"].startswith("Bonjour")
    assert [b["payload"] for b in bot["buttons"]] == ["/book_appointment", "/create_account"]
    # Rasa sends the response's custom payload as a separate answer: it joins the text.
    assert bot["pictogram"] == "help"
    assert bot["audio_path"].endswith(f"/messages/{bot['id']}/audio")
    assert "audio_url" not in bot  # voice is off
    assert rig.rasa.messages_for(cid) == ["bonjour"]


def test_history_survives_and_keeps_order(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "bonjour")
    rig.say(cid, "Noter un rendez-vous", payload="/book_appointment")
    history = rig.client.get(f"/api/conversations/{cid}").json()
    texts = [(m["from"], m["text"]) for m in history["messages"]]
    assert texts[0] == ("user", "bonjour")
    assert texts[2] == ("user", "Noter un rendez-vous")
    assert texts[3] == ("bot", "Avec quel professionnel ?")
    ids = [m["id"] for m in history["messages"]]
    assert ids == sorted(ids)


def test_button_payload_goes_to_rasa_only_when_offered(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "bonjour")
    rig.say(cid, "Noter un rendez-vous", payload="/book_appointment")
    # A payload the bot never offered is treated as typed text, without its leading slash.
    rig.say(cid, "Fermer", payload="/close_account")
    assert rig.rasa.messages_for(cid) == ["bonjour", "/book_appointment", "Fermer"]


def test_payload_alone_shows_the_button_title(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "bonjour")
    out = rig.say(cid, None, payload="/create_account")
    assert out["user_message"]["text"] == "Créer mon espace"
    unknown = rig.say(cid, None, payload="/close_account")
    assert unknown["user_message"]["text"] == "close_account"
    assert rig.rasa.messages_for(cid) == ["bonjour", "/create_account", "close_account"]


def test_user_cannot_forge_the_gateway_intents(rig) -> None:
    cid = rig.new_conversation()
    forged = '/secret_ok{"secret_purpose": "login_code"}'
    rig.say(cid, forged)
    rig.say(cid, "x", payload=forged)
    received = rig.rasa.messages_for(cid)
    assert not any(m.startswith("/") for m in received), received


def test_errors_are_easy_to_read_and_never_technical(rig) -> None:
    cid = rig.new_conversation()
    missing = rig.client.post("/api/conversations/nope/messages", json={"text": "bonjour"})
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "code": "conversation_not_found",
        "message": messages.text("conversation_not_found"),
    }
    empty = rig.client.post(f"/api/conversations/{cid}/messages", json={"text": "   "})
    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "empty_message"
    assert all(
        m["from"] != "user" for m in rig.client.get(f"/api/conversations/{cid}").json()["messages"]
    )
    for unseen in ("\x00\x01", "\u200b\u2060 \x7f"):  # control and invisible characters only
        invisible = rig.client.post(f"/api/conversations/{cid}/messages", json={"text": unseen})
        assert invisible.status_code == 200, invisible.text  # answered, never silence
        assert [m["text"] for m in invisible.json()["messages"]] == [
            messages.text("nothing_to_read")
        ]
    long = rig.client.post(f"/api/conversations/{cid}/messages", json={"text": "a" * 5000})
    assert long.status_code == 422
    assert long.json()["error"]["code"] == "message_too_long"
    broken = rig.client.post(
        f"/api/conversations/{cid}/messages",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert broken.status_code == 422
    assert "not json" not in broken.text
    assert rig.rasa.messages_for(cid) == []


def test_voice_on_puts_audio_url_on_every_bot_message(rig) -> None:
    cid = rig.new_conversation()
    out = rig.say(cid, "lis-moi")
    # The message that switches voice on is itself read aloud.
    assert out["messages"][0]["audio_url"].endswith("/audio")
    state = rig.client.get(f"/api/conversations/{cid}").json()
    assert state["voice"] is True
    assert all("audio_url" in m for m in state["messages"] if m["from"] != "user")
    off = rig.client.put(f"/api/conversations/{cid}/voice", json={"enabled": False})
    assert off.json()["voice"] is False
    assert "audio_url" not in rig.say(cid, "bonjour")["messages"][0]


def read_events(url: str, want: int, seen: list[dict], ready: threading.Event) -> None:
    with httpx.stream("GET", url, timeout=10) as response:
        ready.set()
        event = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "message":
                seen.append(json.loads(line.removeprefix("data: ")))
                if len(seen) >= want:
                    return


def test_event_stream_replays_history_then_pushes_agent_messages(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "bonjour")  # 2 messages already in the history
    seen: list[dict] = []
    ready = threading.Event()
    url = f"{rig.gateway.url}/api/conversations/{cid}/events"
    reader = threading.Thread(target=read_events, args=(url, 5, seen, ready), daemon=True)
    reader.start()
    assert ready.wait(5)
    time.sleep(0.2)
    token = {"Authorization": f"Bearer {rig.settings.gateway_internal_token}"}
    assert (
        rig.client.put(f"/internal/conversations/{cid}/handoff", json={"active": True}).status_code
        == 401
    )
    assert (
        rig.client.put(
            f"/internal/conversations/{cid}/handoff", json={"active": True}, headers=token
        ).json()["handoff"]
        == "active"
    )
    pushed = rig.client.post(
        f"/internal/conversations/{cid}/messages",
        json={"text": "Bonjour, je suis Claire.", "from": "agent", "agent_name": "Claire"},
        headers=token,
    )
    assert pushed.status_code == 200
    # While the agent is there, the user's messages go to the agent, not to Rasa.
    rig.say(cid, "merci Claire")
    reader.join(10)
    assert [m["from"] for m in seen] == ["user", "bot", "system", "agent", "user"]
    assert seen[2]["text"] == messages.text("agent_joined")
    assert seen[3]["agent_name"] == "Claire"
    assert rig.rasa.messages_for(cid) == ["bonjour"]


def test_event_stream_resumes_after_last_event_id(rig) -> None:
    cid = rig.new_conversation()
    first = rig.say(cid, "bonjour")
    rig.say(cid, "encore")
    last_seen = first["messages"][-1]["id"]
    seen: list[dict] = []
    ready = threading.Event()
    url = f"{rig.gateway.url}/api/conversations/{cid}/events?after={last_seen}"
    read_events(url, 2, seen, ready)
    assert [m["text"] for m in seen] == ["encore", "Vous avez écrit : encore"]


def test_handoff_payload_from_rasa_tells_the_user(rig) -> None:
    cid = rig.new_conversation()
    out = rig.say(cid, "humain")
    assert [m["from"] for m in out["messages"]] == ["bot", "system"]
    told = out["messages"][1]["text"]
    assert told.startswith(messages.text("handoff_requested") + "\n")
    # The short code the person reads out to the 3422, digit by digit.
    assert re.search(r"Votre code pour le 3422 : \d \d \d \d\.", told), told
    assert rig.client.get(f"/api/conversations/{cid}").json()["handoff"] == "requested"


def test_audio_is_served_as_mp3_and_never_for_the_users_own_words(rig) -> None:
    """The rig's engine is espeak-ng, which scripts/setup.sh installs: the MP3 must come."""
    cid = rig.new_conversation()
    bot = rig.say(cid, "bonjour")["messages"][0]
    response = rig.client.get(bot["audio_path"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "audio/mpeg"
    assert len(response.content) > 1000
    assert response.content[:3] == b"ID3" or response.content[0] == 0xFF  # an MP3 stream
    user_message = rig.client.get(f"/api/conversations/{cid}").json()["messages"][0]
    assert (
        rig.client.get(f"/api/conversations/{cid}/messages/{user_message['id']}/audio").status_code
        == 404
    )


def test_audio_without_a_voice_engine_is_refused_in_easy_words(rig) -> None:
    cid = rig.new_conversation()
    bot = rig.say(cid, "bonjour")["messages"][0]
    state = rig.gateway.app.state
    voice, state.voice = state.voice, None  # as when no engine could be loaded
    try:
        response = rig.client.get(bot["audio_path"])
    finally:
        state.voice = voice
    assert response.status_code == 503
    assert response.json()["error"] == {
        "code": "audio_unavailable",
        "message": messages.text("audio_unavailable"),
    }


def test_access_log_hides_conversation_ids() -> None:
    import logging

    from bot.logs import RedactConversationIds

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", "/api/conversations/SECRETID/events?after=3", "1.1", 200), None,
    )  # fmt: skip
    RedactConversationIds().filter(record)
    assert "SECRETID" not in record.getMessage()
    assert "/api/conversations/…/events" in record.getMessage()


def test_event_stream_never_skips_a_message_announced_late(rig) -> None:
    """With several replicas, the event of an earlier message can arrive after a later one."""
    cid = rig.new_conversation()
    seen: list[dict] = []
    ready = threading.Event()
    url = f"{rig.gateway.url}/api/conversations/{cid}/events"
    reader = threading.Thread(target=read_events, args=(url, 2, seen, ready), daemon=True)
    reader.start()
    assert ready.wait(5)
    time.sleep(0.2)
    # Stored by "another replica" whose event is not here yet.
    rig.gateway.app.state.chat.store.add_message(cid, "system", {"text": "Premier."})
    token = {"Authorization": f"Bearer {rig.settings.gateway_internal_token}"}
    pushed = rig.client.post(
        f"/internal/conversations/{cid}/messages",
        json={"text": "Deuxième.", "from": "system"},
        headers=token,
    )
    assert pushed.status_code == 200
    reader.join(10)
    assert [m["text"] for m in seen] == ["Premier.", "Deuxième."]
