"""Telegram and SMS end to end: the four real processes, the gateway's channels pointed at a
local fake Bot API server and a fake Twilio-compatible provider (tests/support/fake_*.py).
Codes come from records' development outbox; secrets must never reach Rasa's tracker, the
gateway's history or any log.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from support.channel_chat import ChannelChat, SmsChat, TelegramChat, latest_conversation
from support.chat import DemoPerson, Records, Reply, Respondent, drive, logged_in
from support.fake_sms import ACCOUNT_SID, AUTH_TOKEN, SERVICE_NUMBER, FakeSms, inbound, signed_post
from support.fake_telegram import TOKEN, FakeTelegram
from support.helpline import ASK_FOR_A_HUMAN, SHORT_CODE, Console
from support.leaks import assert_nowhere, tracker_text
from support.servers import ServerThread, free_port
from support.stack import Stack, http_json

from bot import messages
from bot.channels.sms_segments import transliterate

PARIS = ZoneInfo("Europe/Paris")
WEBHOOK_SECRET = "e2e-telegram-webhook-secret"
SMS_PUBLIC_URL = "https://assistant.example/sms/webhook"
# Demo identities no other end-to-end or browser test activates (docs/demo-identities.md).
HELENE = DemoPerson(
    "helene", "Hélène", date(1958, 6, 15), "1000000303", "+33645678978",
    "helene.petit@example.org",
)  # fmt: skip
JEANNE = DemoPerson("jeanne", "Jeanne", date(1948, 2, 2), "1000000707", "+33689012356", None)
_chat_ids = iter(range(880000001, 889999999))


class Channels:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.telegram, self.sms = FakeTelegram(), FakeSms()
        self.servers = [
            ServerThread(self.telegram.app(), free_port(18500, 18550)).start(),
            ServerThread(self.sms.app(), free_port(18550, 18600)).start(),
        ]
        self.env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.servers[0].url,
            "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "TELEGRAM_WEBHOOK_URL": "https://assistant.example/telegram/webhook",
            "SMS_API_URL": self.servers[1].url,
            "SMS_ACCOUNT_SID": ACCOUNT_SID,
            "SMS_AUTH_TOKEN": AUTH_TOKEN,
            "SMS_FROM": SERVICE_NUMBER,
            "SMS_PUBLIC_URL": SMS_PUBLIC_URL,
        }

    def telegram_chat(self) -> TelegramChat:
        return TelegramChat(self.stack, self.telegram, next(_chat_ids), WEBHOOK_SECRET)

    def sms_chat(self, phone: str) -> SmsChat:
        return SmsChat(self.stack, self.sms, phone, SMS_PUBLIC_URL)

    def close(self) -> None:
        for server in self.servers:
            server.stop()


@pytest.fixture(scope="module")
def channels(stack: Stack) -> Iterator[Channels]:
    """The stack's gateway restarted with both channels on (and restarted without after)."""
    made = Channels(stack)
    stack.extra_env.update(made.env)
    stack.start_component("gateway")
    made.telegram.wait_for(lambda: made.telegram.sent("setWebhook"), 30, "setWebhook")
    try:
        yield made
    finally:
        for name in made.env:
            stack.extra_env.pop(name, None)
        stack.start_component("gateway")
        made.close()


@pytest.fixture
def live(channels: Channels, healthy_stack: Stack) -> Channels:
    if not healthy_stack.is_ready("gateway"):
        healthy_stack.start_component("gateway")
    return channels


def assert_secrets_kept_out(stack: Stack, chat: ChannelChat, person: Respondent) -> None:
    assert person.secrets_typed, "the conversation asked for no secret"
    assert_nowhere(stack, chat, person.secrets_typed)
    assert "secret_ok" in tracker_text(stack, chat.conversation_id)


def sms_logged_in(text: str) -> bool:
    """support.chat.logged_in, for texts written without ê (benchmarks/sms-segments.md)."""
    return bool(re.search(r"Vous [eê]tes connecté|espace santé est pr[eê]t", text))


def gateway_log(stack: Stack) -> str:
    return (stack.log_dir / "gateway.log").read_text(encoding="utf-8", errors="replace")


def booking_rules(reminder: str) -> list[tuple[str, Reply]]:
    return [
        (r"pour qui", ("button", r"Pour moi")),
        (r"quel professionnel", ("button", r"^Dentiste")),
        (r"Quel jour", "mardi prochain à 14 h 30"),
        (r"Où est le rendez-vous|Ou est le rendez-vous", "au cabinet dentaire, 3 rue Victor Hugo"),
        (r"rappel", ("button", reminder)),
    ]


def dentist_appointments(stack: Stack, conversation_id: str) -> list[dict]:
    found = Records(stack).as_conversation(conversation_id, "GET", "/me/appointments?upcoming=true")
    return [a for a in found if a["professional_kind"] == "dentiste"]


# Telegram ---------------------------------------------------------------------------------


def test_telegram_activation_then_a_booking_by_buttons(live: Channels) -> None:
    stack = live.stack
    records = Records(stack)
    person = Respondent(records, HELENE)
    chat = live.telegram_chat()
    chat.say("/start")
    assert chat.buttons(), chat.dump()
    chat.say("je voudrais creer mon espace santé")
    drive(chat, person.respond, lambda c: logged_in(c.text()), max_turns=25)
    # Every message that carried a secret was deleted from the chat.
    secret_updates = [
        u["message"]["message_id"]
        for u in chat.sent_updates
        if u["message"]["text"] in person.secrets_typed
    ]
    deleted = [int(c["message_id"]) for c in live.telegram.sent("deleteMessage", chat.chat_id)]
    assert secret_updates and sorted(deleted) == sorted(secret_updates)
    me = records.as_conversation(chat.conversation_id, "GET", "/me/people")
    assert any(p["relation"] == "self" and p["first_name"] == "Hélène" for p in me)
    assert_secrets_kept_out(stack, chat, person)
    assert str(chat.chat_id) not in gateway_log(stack)

    # The person is linked: book an appointment with the buttons; "Oui" is pressed twice.
    chat.say("je voudrais noter un rendez-vous chez le dentiste")
    drive(chat, lambda c: person.respond(c, booking_rules(r"Pas de rappel|SMS")),
          lambda c: "C'est juste" in c.text())  # fmt: skip
    yes = next(b for b in chat.buttons() if b["title"] == "Oui")
    chat.choose(r"^Oui$")
    assert "J'ai noté votre rendez-vous" in chat.text(), chat.dump()
    assert len(dentist_appointments(stack, chat.conversation_id)) == 1
    shown = len(live.telegram.texts(chat.chat_id))
    assert chat.press(yes) == 200  # the same button again
    time.sleep(2)
    assert len(live.telegram.texts(chat.chat_id)) == shown
    assert len(dentist_appointments(stack, chat.conversation_id)) == 1
    refused = live.telegram.sent("answerCallbackQuery")[-1]
    assert refused.get("text") == messages.text("telegram_choice_expired")


def test_telegram_voice_notes_are_ogg_opus(live: Channels, tmp_path: Path) -> None:
    chat = live.telegram_chat()
    chat.say("/voix")
    assert chat.text() == messages.text("telegram_voice_on")
    before = len(live.telegram.sent("sendVoice", chat.chat_id))
    chat.say("bonjour")
    voices = live.telegram.wait_for(
        lambda: live.telegram.sent("sendVoice", chat.chat_id)[before:], 60, "a voice note"
    )
    note = tmp_path / "note.ogg"
    note.write_bytes(live.telegram.files[voices[0]["voice"]["file_index"]])
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(note)],
        capture_output=True,
        check=True,
    )
    info = json.loads(probe.stdout)
    assert info["format"]["format_name"] == "ogg"
    assert info["streams"][0]["codec_name"] == "opus"
    assert float(info["format"]["duration"]) > 0.5
    chat.say("/voix")
    assert chat.text() == messages.text("telegram_voice_off")


def test_telegram_webhook_refuses_a_wrong_secret_and_ignores_a_replay(live: Channels) -> None:
    chat = live.telegram_chat()
    update = live.telegram.text_update(chat.chat_id, "bonjour")
    for wrong in ("", "not-the-secret"):
        assert chat.post(update, secret=wrong) == 403
    time.sleep(1)
    assert live.telegram.texts(chat.chat_id) == []
    assert chat.post(update) == 200
    live.telegram.wait_texts(chat.chat_id, 1)
    assert chat.post(update) == 200  # the same update_id again
    time.sleep(2)
    assert len(live.telegram.texts(chat.chat_id)) == 1


# SMS --------------------------------------------------------------------------------------


def test_sms_activation_then_a_booking_with_numbered_choices(live: Channels) -> None:
    stack = live.stack
    records = Records(stack)
    person = Respondent(records, JEANNE)
    chat = live.sms_chat(JEANNE.phone)
    chat.say("bonjour")
    assert chat.buttons() and "Répondez 1 pour" in chat.text(), chat.dump()
    chat.say("je voudrais creer mon espace santé")
    only_sms = [  # Jeanne has no email: one code channel, one contact to confirm
        (r"Je vous envoie un code", ("button", r"D'accord")),
        (r"Ce numéro est-il juste", ("button", r"^Oui")),
    ]
    drive(chat, lambda c: person.respond(c, only_sms), lambda c: sms_logged_in(c.text()), 25)
    me = records.as_conversation(chat.conversation_id, "GET", "/me/people")
    assert any(p["relation"] == "self" and p["first_name"] == "Jeanne" for p in me)
    assert_secrets_kept_out(stack, chat, person)
    log = gateway_log(stack)
    assert JEANNE.phone not in log and JEANNE.phone.removeprefix("+33") not in log

    # Linked: book an appointment by typing the numbers of the choices.
    chat.say("je voudrais noter un rendez-vous chez le dentiste")
    drive(
        chat,
        lambda c: person.respond(c, [*booking_rules(r"SMS"), (r"C'est juste", "1")]),
        lambda c: "J'ai noté votre rendez-vous" in c.text(),
    )
    booked = dentist_appointments(stack, chat.conversation_id)
    assert len(booked) == 1
    when = datetime.fromisoformat(booked[0]["starts_at"]).astimezone(PARIS)
    assert (when.weekday(), when.hour, when.minute) == (1, 14, 30)
    # Every answer was one SMS thread message per turn, in GSM-7 (transliterated).
    assert all(m["text"] == transliterate(m["text"]) for m in chat.transcript if m["from"] == "bot")


def test_sms_signature_replay_stop_and_start(live: Channels) -> None:
    phone = "+33611223344"
    chat = live.sms_chat(phone)
    params = inbound(phone, "bonjour")
    unsigned = chat.client.post("/sms/webhook", data=params)
    wrong = signed_post(chat.client, "/sms/webhook", SMS_PUBLIC_URL, params, token="wrong")
    assert (unsigned.status_code, wrong.status_code) == (403, 403)
    time.sleep(1)
    assert live.sms.to(phone) == []
    assert "signed request refused" in gateway_log(live.stack)

    assert chat.send("bonjour", sid="SMe2ereplay").status_code == 200
    live.sms.wait_to(phone, 1)
    assert chat.send("bonjour", sid="SMe2ereplay").status_code == 200
    time.sleep(2)
    assert len(live.sms.to(phone)) == 1

    chat.conversation_id = latest_conversation(live.stack, "sms")
    chat.say("STOP")
    assert "START" in chat.text()
    auth = {"Authorization": f"Bearer {live.stack.internal_token}"}
    reminder = {"text": "Rappel : votre rendez-vous est demain.", "from": "system"}
    url = f"{chat.base}/internal/conversations/{chat.conversation_id}/messages"
    assert http_json("POST", url, reminder, auth)[0] == 200
    time.sleep(3)
    assert len(live.sms.to(phone)) == 2  # the welcome and the STOP confirmation only
    chat.say("START")
    assert http_json("POST", url, reminder, auth)[0] == 200
    bodies = live.sms.wait_to(phone, 4)
    assert bodies[-1] == reminder["text"]


def test_sms_agent_answer_during_handoff(live: Channels) -> None:
    phone = "+33622334455"
    chat = live.sms_chat(phone)
    chat.say("bonjour")
    auth = {"Authorization": f"Bearer {live.stack.internal_token}"}
    base = f"{chat.base}/internal/conversations/{chat.conversation_id}"
    assert http_json("PUT", base + "/handoff", {"active": True}, auth)[0] == 200
    agent = {"text": "Bonjour, je suis Claire du 3422.", "from": "agent", "agent_name": "Claire"}
    assert http_json("POST", base + "/messages", agent, auth)[0] == 200
    bodies = live.sms.wait_to(phone, 3)
    assert bodies[-1] == "Claire :\nBonjour, je suis Claire du 3422."
    http_json("PUT", base + "/handoff", {"active": False}, auth)


# Both channels while Rasa is down ---------------------------------------------------------


def test_rasa_down_failure_message_within_3_seconds_then_answered(live: Channels) -> None:
    stack = live.stack
    telegram = live.telegram_chat()
    sms = live.sms_chat("+33633445566")
    down = transliterate(messages.text("service_down"))
    stack.stop_component("rasa")
    try:
        started = time.monotonic()
        assert telegram.post(live.telegram.text_update(telegram.chat_id, "bonjour")) == 200
        said = live.telegram.wait_texts(telegram.chat_id, 1, timeout=3)
        assert time.monotonic() - started < 3.0
        assert messages.text("service_down") in said[0]
        started = time.monotonic()
        assert sms.send("bonjour").status_code == 200
        (body,) = live.sms.wait_to(sms.phone, 1, timeout=3)
        assert time.monotonic() - started < 3.0
        assert body == down
    finally:
        stack.start_component("rasa")
    # Rasa is back: the queued messages are answered in both channels.
    later = live.telegram.wait_for(
        lambda: [t for t in live.telegram.texts(telegram.chat_id) if "Bonjour" in t], 90
    )
    assert later
    bodies = live.sms.wait_to(sms.phone, 2, timeout=90)
    assert any(re.search(r"Bonjour", b) for b in bodies[1:]), bodies


# The helpline console with both channels ---------------------------------------------------


@pytest.mark.parametrize("channel", ["telegram", "sms"])
def test_console_take_over_on_the_persons_channel(live: Channels, channel: str) -> None:
    """An agent finds the person by the code the channel gave, takes over, and their words
    arrive on Telegram or by SMS; the person's replies reach the agent; the assistant is back
    after the hand-back."""
    chat = live.telegram_chat() if channel == "telegram" else live.sms_chat("+33622334477")
    # Text as the person's channel shows it (SMS transliterates what GSM-7 lacks).
    shown = (lambda text: text) if channel == "telegram" else transliterate

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 15
        while not any(text in m["text"] for m in chat._seen()):
            assert time.monotonic() < deadline, f"{text!r} not received:\n{chat._seen()}"
            time.sleep(0.1)

    def person_writes(text: str) -> None:
        if isinstance(chat, TelegramChat):
            assert chat.post(live.telegram.text_update(chat.chat_id, text)) == 200
        else:
            assert chat.send(text).status_code == 200

    chat.say(ASK_FOR_A_HUMAN)
    match = SHORT_CODE.search(chat.text().replace("\n", " "))
    assert match, chat.dump()
    agent = Console(live.stack).login()
    status, found = agent.call("POST", "/lookup", {"code": "".join(match.groups())})
    assert status == 200, found
    item = agent.queue_item(found["ticket"])
    assert item["channel"] == channel and item["handoff"] == "requested"
    assert agent.call("PUT", f"/tickets/{found['ticket']}/agent")[0] == 200
    wait_for(shown(messages.text("agent_joined_named").format(name="Agent")))

    status, _ = agent.call(
        "POST", f"/tickets/{found['ticket']}/messages", {"text": "Bonjour, je m'appelle Nadia"}
    )
    assert status == 201
    wait_for("Agent :\nBonjour, je m'appelle Nadia")

    seen_before = len(chat._seen())
    person_writes("merci, je ne trouve pas ma carte vitale")
    deadline = time.monotonic() + 10
    while True:
        view = agent.call("GET", f"/tickets/{found['ticket']}")[1]
        if view["messages"][-1]["text"] == "merci, je ne trouve pas ma carte vitale":
            break
        assert time.monotonic() < deadline, view["messages"][-3:]
        time.sleep(0.2)
    assert view["messages"][-1]["from"] == "user"
    time.sleep(1)
    assert len(chat._seen()) == seen_before  # the assistant is paused: no answer

    assert agent.call("DELETE", f"/tickets/{found['ticket']}/agent")[0] == 204
    wait_for(shown(messages.text("agent_left").split("\n")[0]))
    answers = chat.say("bonjour")
    assert answers and "Bonjour" in chat.text(), chat.dump()
