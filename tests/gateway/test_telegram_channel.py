"""The Telegram channel: the real gateway (ChatService, store, delivery worker) between a fake
Bot API server (tests/support/fake_telegram.py) and fake Rasa and records servers."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gateway_fakes import FakeRasa, FakeRecords

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.fake_telegram import TOKEN, FakeTelegram  # noqa: E402
from support.servers import ServerThread, free_port  # noqa: E402

from bot import messages  # noqa: E402
from bot.channels.telegram import SYMBOLS, split_text  # noqa: E402
from bot.main import create_app  # noqa: E402
from bot.settings import Settings  # noqa: E402

SECRET = "test-webhook-secret"


class TelegramRig:
    def __init__(
        self, tmp: Path, webhook: bool = True, telegram: FakeTelegram | None = None
    ) -> None:
        self.rasa, self.records = FakeRasa(), FakeRecords()
        self.telegram = telegram or FakeTelegram()
        self.servers = [
            ServerThread(self.rasa.app(), free_port(18260, 18270)).start(),
            ServerThread(self.records.app(), free_port(18270, 18280)).start(),
            ServerThread(self.telegram.app(), free_port(18280, 18290)).start(),
        ]
        rasa_url, records_url, telegram_url = (s.url for s in self.servers)
        self.settings = Settings(
            environment="test",
            data_dir=tmp,
            rasa_url=rasa_url,
            records_url=records_url,
            actions_url=rasa_url + "/webhook",
            retry_interval_seconds=0.3,
            outbound_retry_seconds=0.2,
            voice_engine="espeak",
            telegram_bot_token=TOKEN,
            telegram_api_url=telegram_url,
            telegram_webhook_secret=SECRET if webhook else None,
            telegram_webhook_url="https://gateway.example/telegram/webhook" if webhook else None,
        )
        self.gateway = ServerThread(create_app(self.settings), free_port(18290, 18300)).start()
        self.client = httpx.Client(base_url=self.gateway.url, timeout=20)
        self.telegram.wait_for(lambda: self.telegram.sent("setMyCommands"), 15, "setMyCommands")

    def post(self, update: dict, secret: str | None = SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return self.client.post("/telegram/webhook", json=update, headers=headers)

    def say(self, chat_id: int, text: str) -> dict:
        update = self.telegram.text_update(chat_id, text)
        response = self.post(update)
        assert response.status_code == 200, response.text
        return update

    def close(self) -> None:
        self.client.close()
        self.gateway.stop()
        for server in self.servers:
            server.stop()


@pytest.fixture(scope="module")
def module_tg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelegramRig]:
    rig = TelegramRig(tmp_path_factory.mktemp("telegram"))
    yield rig
    rig.close()


@pytest.fixture
def tg(module_tg: TelegramRig) -> TelegramRig:
    module_tg.telegram.reset()
    module_tg.rasa.reset()
    module_tg.records.reset()
    return module_tg


_chats = iter(range(7000001, 7999999))


def new_chat() -> int:
    return next(_chats)


def keyboard(call: dict) -> list[dict]:
    return [row[0] for row in (call.get("reply_markup") or {}).get("inline_keyboard", [])]


def test_command_menu_in_french(module_tg: TelegramRig) -> None:
    commands = module_tg.telegram.sent("setMyCommands")[-1]["commands"]
    assert [c["command"] for c in commands] == ["start", "aide", "stop", "voix"]
    for command in commands:
        assert command["description"] == messages.text(f"telegram_command_{command['command']}")
    hook = module_tg.telegram.sent("setWebhook")[-1]
    assert hook["secret_token"] == SECRET
    assert hook["url"] == "https://gateway.example/telegram/webhook"


def test_start_greets_with_buttons_and_pictogram(tg: TelegramRig) -> None:
    chat = new_chat()
    tg.say(chat, "/start")
    sent = tg.telegram.wait_for(lambda: tg.telegram.sent("sendMessage", chat), what="a greeting")
    assert tg.rasa.received[-1][1] == "bonjour"
    text = sent[0]["text"]
    assert text.startswith(f"{SYMBOLS['help']} {messages.text('picto_help')}\n")
    assert "Bonjour !" in text
    buttons = keyboard(sent[0])
    assert [b["text"] for b in buttons] == ["Noter un rendez-vous", "Créer mon espace"]
    for button in buttons:
        assert len(button["callback_data"].encode()) <= 64
        assert "book_appointment" not in button["callback_data"]  # the payload stays here


def test_a_press_is_answered_the_keyboard_removed_and_a_second_press_does_nothing(
    tg: TelegramRig,
) -> None:
    chat = new_chat()
    tg.say(chat, "bonjour")
    greeting = tg.telegram.wait_for(lambda: tg.telegram.sent("sendMessage", chat))[0]
    key = keyboard(greeting)[0]["callback_data"]
    assert tg.post(tg.telegram.press_update(chat, key, 42)).status_code == 200
    tg.telegram.wait_texts(chat, 2)
    assert tg.rasa.received[-1][1] == "/book_appointment"
    assert len(tg.telegram.sent("answerCallbackQuery")) == 1
    edit = tg.telegram.sent("editMessageReplyMarkup", chat)
    assert edit and str(edit[0]["message_id"]) == "42" and not edit[0].get("reply_markup")
    # The same button again (a double tap), and the other button of the spent keyboard.
    other = keyboard(greeting)[1]["callback_data"]
    for data in (key, other):
        assert tg.post(tg.telegram.press_update(chat, data, 42)).status_code == 200
    time.sleep(0.5)
    assert [m for _, m in tg.rasa.received].count("/book_appointment") == 1
    assert "/create_account" not in [m for _, m in tg.rasa.received]
    refusals = tg.telegram.sent("answerCallbackQuery")[1:]
    assert [r.get("text") for r in refusals] == [messages.text("telegram_choice_expired")] * 2
    assert len(tg.telegram.texts(chat)) == 2


def test_forged_and_foreign_keys_are_refused(tg: TelegramRig) -> None:
    chat, stranger = new_chat(), new_chat()
    tg.say(chat, "bonjour")
    greeting = tg.telegram.wait_for(lambda: tg.telegram.sent("sendMessage", chat))[0]
    key = keyboard(greeting)[0]["callback_data"]
    for who, data in ((stranger, key), (chat, "forged-key"), (chat, "/book_appointment")):
        assert tg.post(tg.telegram.press_update(who, data, 7)).status_code == 200
    time.sleep(0.5)
    assert "/book_appointment" not in [m for _, m in tg.rasa.received]
    answers = tg.telegram.sent("answerCallbackQuery")
    assert [a.get("text") for a in answers] == [messages.text("telegram_choice_expired")] * 3
    # The owner's press still works afterwards.
    tg.post(tg.telegram.press_update(chat, key, 7))
    tg.telegram.wait_texts(chat, 2)
    assert tg.rasa.received[-1][1] == "/book_appointment"


def test_expired_key_is_refused(tg: TelegramRig, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.channels.telegram as telegram_module

    monkeypatch.setattr(telegram_module, "CHOICE_TTL_SECONDS", -1)
    chat = new_chat()
    tg.say(chat, "bonjour")
    greeting = tg.telegram.wait_for(lambda: tg.telegram.sent("sendMessage", chat))[0]
    tg.post(tg.telegram.press_update(chat, keyboard(greeting)[0]["callback_data"], 9))
    time.sleep(0.5)
    assert "/book_appointment" not in [m for _, m in tg.rasa.received]


def test_webhook_refuses_a_wrong_secret_and_ignores_a_replay(
    tg: TelegramRig, caplog: pytest.LogCaptureFixture
) -> None:
    chat = new_chat()
    update = tg.telegram.text_update(chat, "première fois")
    for secret in (None, "wrong", SECRET + "x", ""):
        response = tg.post(update, secret=secret)
        assert response.status_code == 403, secret
    assert tg.rasa.received == []
    assert tg.post(update).status_code == 200
    assert tg.post(update).status_code == 200  # Telegram sent it twice
    tg.telegram.wait_texts(chat, 1)
    time.sleep(0.5)
    assert [m for _, m in tg.rasa.received] == ["première fois"]
    assert len(tg.telegram.texts(chat)) == 1


def test_secret_is_deleted_and_never_kept(tg: TelegramRig) -> None:
    chat = new_chat()
    tg.say(chat, "code")  # the fake Rasa asks for the activation code
    asked = tg.telegram.wait_texts(chat, 1)[-1]
    assert messages.text("telegram_secret_notice") in asked
    update = tg.say(chat, "123456")
    deleted = tg.telegram.wait_for(lambda: tg.telegram.sent("deleteMessage", chat))
    assert str(deleted[0]["message_id"]) == str(update["message"]["message_id"])
    tg.telegram.wait_texts(chat, 2)
    assert all("123456" not in m for _, m in tg.rasa.received)
    assert tg.records.calls[-1][1] == {"code": "123456"}
    history = tg.client.get(f"/api/conversations/{tg.rasa.received[0][0]}").text
    assert "123456" not in history and "Nous le gardons caché" in history


def test_when_deleting_fails_the_person_is_told(tg: TelegramRig) -> None:
    chat = new_chat()
    tg.say(chat, "code")
    tg.telegram.wait_texts(chat, 1)
    tg.telegram.fail("deleteMessage", 400, "Bad Request: message can't be deleted")
    tg.say(chat, "123456")
    texts = tg.telegram.wait_for(
        lambda: [t for t in tg.telegram.texts(chat) if t == messages.text("telegram_delete_failed")]
    )
    assert texts


@pytest.mark.parametrize("kind", ["voice", "photo", "sticker", "document"])
def test_media_get_a_clear_answer(tg: TelegramRig, kind: str) -> None:
    chat = new_chat()
    assert tg.post(tg.telegram.media_update(chat, kind)).status_code == 200
    texts = tg.telegram.wait_texts(chat, 1)
    assert texts == [messages.text("telegram_unsupported")]
    assert tg.rasa.received == []


def test_long_answer_is_split_below_the_limit() -> None:
    text = ("Une phrase assez longue pour remplir le message. " * 30 + "\n") * 10
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_retry_after_waits_and_loses_nothing(tg: TelegramRig) -> None:
    chat = new_chat()
    tg.telegram.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    tg.say(chat, "bonjour")
    texts = tg.telegram.wait_texts(chat, 2, timeout=20)
    sent = [t for t in texts if "Bonjour !" in t]
    assert len(tg.telegram.sent("sendMessage", chat)) == 2  # the refused try, then the send
    assert len(sent) == 2 and sent[0] == sent[1]


def test_a_failed_batch_is_retried_without_sending_a_part_twice(tg: TelegramRig) -> None:
    chat = new_chat()
    tg.telegram.fail("sendMessage", 502, "Bad Gateway", after=1)
    tg.say(chat, "humain")  # a batch of two: the bot's answer and the handoff notice
    tg.telegram.wait_for(lambda: len(tg.telegram.sent("sendMessage", chat)) >= 3, 15)
    time.sleep(1.0)
    texts = tg.telegram.texts(chat)
    assert texts.count("Je cherche une personne.") == 1, texts
    assert len(texts) == 3 and texts[1] == texts[2], texts  # the failed part was sent again


def test_voice_command_sends_voice_notes(tg: TelegramRig) -> None:
    chat = new_chat()
    tg.say(chat, "/voix")
    assert tg.telegram.wait_texts(chat, 1) == [messages.text("telegram_voice_on")]
    tg.say(chat, "bonjour")
    voice = tg.telegram.wait_for(lambda: tg.telegram.sent("sendVoice", chat), 60, "a voice note")
    audio = tg.telegram.files[voice[0]["voice"]["file_index"]]
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", "-"],
        input=audio,
        capture_output=True,
        check=True,
    )
    info = json.loads(probe.stdout)
    assert info["format"]["format_name"] == "ogg"
    assert info["streams"][0]["codec_name"] == "opus"
    tg.say(chat, "/voix")
    tg.telegram.wait_for(
        lambda: messages.text("telegram_voice_off") in tg.telegram.texts(chat), what="voice off"
    )


def test_agent_and_pushed_messages_reach_the_chat(tg: TelegramRig) -> None:
    chat = new_chat()
    tg.say(chat, "bonjour")
    tg.telegram.wait_texts(chat, 1)
    cid = tg.rasa.received[0][0]  # Rasa's sender id is the conversation id
    response = tg.client.post(
        f"/internal/conversations/{cid}/messages",
        json={"text": "Votre rendez-vous est demain.", "from": "agent", "agent_name": "Marie"},
        headers={"Authorization": f"Bearer {tg.settings.gateway_internal_token}"},
    )
    assert response.status_code == 200
    texts = tg.telegram.wait_texts(chat, 2)
    assert texts[-1] == "Marie :\nVotre rendez-vous est demain."


def test_chat_id_never_in_logs(tg: TelegramRig, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    chat = new_chat()
    tg.say(chat, "bonjour")
    tg.post(tg.telegram.text_update(chat, "x"), secret="wrong")
    tg.telegram.wait_texts(chat, 1)
    assert str(chat) not in caplog.text
    assert TOKEN not in caplog.text


def test_polling_in_development(tmp_path: Path) -> None:
    rig = TelegramRig(tmp_path, webhook=False)
    try:
        chat = new_chat()
        rig.telegram.push_update(rig.telegram.text_update(chat, "bonjour"))
        texts = rig.telegram.wait_texts(chat, 1, timeout=20)
        assert "Bonjour !" in texts[0]
        assert rig.telegram.sent("getUpdates")
        # No webhook secret in polling mode: the webhook refuses everything.
        refused = rig.client.post("/telegram/webhook", json={})
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
    finally:
        rig.close()


def test_telegram_down_at_start_up_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.channels.telegram as telegram_module

    monkeypatch.setattr(telegram_module, "START_RETRY_SECONDS", 0.2)
    telegram = FakeTelegram()
    telegram.fail("setWebhook", 502, "Bad Gateway")
    rig = TelegramRig(tmp_path, telegram=telegram)
    try:
        assert rig.client.get("/health").status_code == 200  # the gateway did not wait
        telegram.wait_for(lambda: len(telegram.sent("setWebhook")) >= 2, 10, "a second setWebhook")
        chat = new_chat()
        rig.telegram.wait_for(
            lambda: rig.post(rig.telegram.text_update(chat, "bonjour")).status_code == 200, 10
        )
        assert "Bonjour !" in rig.telegram.wait_texts(chat, 1)[0]
    finally:
        rig.close()
