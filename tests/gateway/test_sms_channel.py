"""The SMS channel: the real gateway between a fake Twilio-compatible provider
(tests/support/fake_sms.py) and fake Rasa and records servers."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gateway_fakes import FakeRasa, FakeRecords

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.fake_sms import (  # noqa: E402
    ACCOUNT_SID,
    AUTH_TOKEN,
    SERVICE_NUMBER,
    FakeSms,
    inbound,
    signed_post,
)
from support.servers import ServerThread, free_port  # noqa: E402

from bot import messages  # noqa: E402
from bot.channels.sms import chosen_number, keyword, normalise_phone, render_sms  # noqa: E402
from bot.channels.sms_segments import segments, transliterate  # noqa: E402
from bot.main import create_app  # noqa: E402
from bot.settings import Settings  # noqa: E402

PUBLIC_URL = "https://assistant.example/sms/webhook"


class SmsRig:
    def __init__(self, tmp: Path) -> None:
        self.rasa, self.records, self.sms = FakeRasa(), FakeRecords(), FakeSms()
        self.servers = [
            ServerThread(self.rasa.app(), free_port(18260, 18270)).start(),
            ServerThread(self.records.app(), free_port(18270, 18280)).start(),
            ServerThread(self.sms.app(), free_port(18280, 18290)).start(),
        ]
        rasa_url, records_url, sms_url = (s.url for s in self.servers)
        self.settings = Settings(
            environment="test",
            data_dir=tmp,
            rasa_url=rasa_url,
            records_url=records_url,
            actions_url=rasa_url + "/webhook",
            retry_interval_seconds=0.3,
            outbound_retry_seconds=0.2,
            voice_engine="espeak",
            sms_api_url=sms_url,
            sms_account_sid=ACCOUNT_SID,
            sms_auth_token=AUTH_TOKEN,
            sms_from=SERVICE_NUMBER,
            sms_public_url=PUBLIC_URL,
        )
        self.gateway = ServerThread(create_app(self.settings), free_port(18290, 18300)).start()
        self.client = httpx.Client(base_url=self.gateway.url, timeout=20)

    def text(self, phone: str, body: str, **kwargs: str) -> httpx.Response:
        params = inbound(phone, body, kwargs.pop("sid", None))
        return signed_post(self.client, "/sms/webhook", PUBLIC_URL, params, **kwargs)

    def close(self) -> None:
        self.client.close()
        self.gateway.stop()
        for server in self.servers:
            server.stop()


@pytest.fixture(scope="module")
def module_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmsRig]:
    rig = SmsRig(tmp_path_factory.mktemp("sms"))
    yield rig
    rig.close()


@pytest.fixture
def sms(module_rig: SmsRig) -> SmsRig:
    module_rig.sms.reset()
    module_rig.rasa.reset()
    module_rig.records.reset()
    return module_rig


_numbers = iter(range(10000000, 99999999))


def new_phone() -> str:
    return f"+336{next(_numbers)}"


def test_an_answer_is_one_sms_with_numbered_choices(sms: SmsRig) -> None:
    phone = new_phone()
    response = sms.text(phone, "bonjour")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert "<Response" in response.text and "<Message" not in response.text
    (body,) = sms.sms.wait_to(phone, 1)
    assert body.startswith("Bonjour !\nQue voulez-vous faire ?")
    assert "Répondez 1 pour : Noter un rendez-vous" in body
    assert "Répondez 2 pour : Créer mon espace" in body
    assert "Aide" not in body  # the pictogram is dropped
    sent = sms.sms.sent[-1]
    assert sent["From"] == SERVICE_NUMBER and sent["idempotency_key"]


@pytest.mark.parametrize("reply", ["1", "1.", " 1 ", "un", "le 1", "Le 1 !"])
def test_the_number_sent_back_picks_the_choice(sms: SmsRig, reply: str) -> None:
    phone = new_phone()
    sms.text(phone, "bonjour")
    sms.sms.wait_to(phone, 1)
    sms.text(phone, reply)
    bodies = sms.sms.wait_to(phone, 2)
    assert sms.rasa.received[-1][1] == "/book_appointment"
    assert bodies[-1] == "Avec quel professionnel ?"


def test_other_answers_are_free_text(sms: SmsRig) -> None:
    phone = new_phone()
    sms.text(phone, "bonjour")
    sms.sms.wait_to(phone, 1)
    for reply in ("3", "1 2", "le dentiste"):
        sms.text(phone, reply)
    sms.sms.wait_to(phone, 4)
    assert [m for _, m in sms.rasa.received][1:] == ["3", "1 2", "le dentiste"]


def test_unsigned_or_wrongly_signed_requests_are_refused(
    sms: SmsRig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    phone = new_phone()
    params = inbound(phone, "mon secret 987654")
    unsigned = sms.client.post("/sms/webhook", data=params)
    assert unsigned.status_code == 403
    wrong = signed_post(sms.client, "/sms/webhook", PUBLIC_URL, params, token="other-token")
    assert wrong.status_code == 403
    # Signed for another URL (the signature covers the public URL).
    elsewhere = signed_post(sms.client, "/sms/webhook", "https://evil.example/sms", params)
    assert elsewhere.status_code == 403
    assert sms.rasa.received == []
    assert "987654" not in caplog.text and phone not in caplog.text
    assert "signed request refused" in caplog.text


def test_a_repeated_message_sid_is_ignored(sms: SmsRig) -> None:
    phone = new_phone()
    assert sms.text(phone, "bonjour", sid="SMrepeat1").status_code == 200
    assert sms.text(phone, "bonjour", sid="SMrepeat1").status_code == 200
    sms.sms.wait_to(phone, 1)
    time.sleep(0.5)
    assert len(sms.sms.to(phone)) == 1
    assert [m for _, m in sms.rasa.received] == ["bonjour"]


def test_phone_numbers_are_normalised(sms: SmsRig) -> None:
    national = "06 98 76 54 32"
    sms.text(national, "bonjour")
    sms.sms.wait_to("+33698765432", 1)
    sms.text("+33698765432", "encore")
    bodies = sms.sms.wait_to("+33698765432", 2)
    assert bodies[-1] == "Vous avez écrit : encore"
    assert len({s for s, _ in sms.rasa.received}) == 1  # one conversation for both forms
    assert normalise_phone("pas un numéro") is None


@pytest.mark.parametrize("stop", ["STOP", "arret", "ARRÊT", "Stop."])
def test_stop_silences_the_number_until_start(sms: SmsRig, stop: str) -> None:
    phone = new_phone()
    sms.text(phone, "bonjour")
    sms.sms.wait_to(phone, 1)
    sms.text(phone, stop)
    bodies = sms.sms.wait_to(phone, 2)
    assert transliterate(messages.text("sms_stopped")) in bodies[-1] or bodies[-1] == (
        messages.text("sms_stopped")
    )
    # A reminder pushed into the conversation, and a message typed: nothing is sent.
    cid = sms.rasa.received[0][0]
    pushed = sms.client.post(
        f"/internal/conversations/{cid}/messages",
        json={"text": "Rappel : rendez-vous demain.", "from": "system"},
        headers={"Authorization": f"Bearer {sms.settings.gateway_internal_token}"},
    )
    assert pushed.status_code == 200
    sms.text(phone, "bonjour")
    time.sleep(1.0)
    assert len(sms.sms.to(phone)) == 2
    sms.text(phone, "START")
    sms.sms.wait_to(phone, 3)
    sms.client.post(
        f"/internal/conversations/{cid}/messages",
        json={"text": "Rappel : rendez-vous demain.", "from": "system"},
        headers={"Authorization": f"Bearer {sms.settings.gateway_internal_token}"},
    )
    bodies = sms.sms.wait_to(phone, 4)
    assert bodies[-1] == "Rappel : rendez-vous demain."


def test_aide_gives_help_and_the_3422(sms: SmsRig) -> None:
    phone = new_phone()
    sms.text(phone, "AIDE")
    (body,) = sms.sms.wait_to(phone, 1)
    assert "3422" in body and "STOP" in body
    assert sms.rasa.received == []


def test_a_secret_by_sms_goes_to_records_only(sms: SmsRig) -> None:
    phone = new_phone()
    sms.text(phone, "code")
    sms.sms.wait_to(phone, 1)
    sms.text(phone, "123456")
    bodies = sms.sms.wait_to(phone, 2)
    assert bodies[-1] == "C'est bon."
    assert all("123456" not in m for _, m in sms.rasa.received)
    assert sms.records.calls[-1][1] == {"code": "123456"}
    history = sms.client.get(f"/api/conversations/{sms.rasa.received[0][0]}").text
    assert "123456" not in history and "Nous le gardons caché" in history


def test_provider_failure_is_retried_without_duplicates(sms: SmsRig) -> None:
    phone = new_phone()
    sms.sms.fail(503, times=2)
    sms.text(phone, "bonjour")
    (body,) = sms.sms.wait_to(phone, 1, timeout=15)
    time.sleep(1.0)
    assert sms.sms.to(phone) == [body]


def test_agent_message_during_handoff_reaches_the_phone(sms: SmsRig) -> None:
    phone = new_phone()
    sms.text(phone, "humain")
    sms.sms.wait_to(phone, 1)
    cid = sms.rasa.received[0][0]
    auth = {"Authorization": f"Bearer {sms.settings.gateway_internal_token}"}
    sms.client.put(f"/internal/conversations/{cid}/handoff", json={"active": True}, headers=auth)
    sms.client.post(
        f"/internal/conversations/{cid}/messages",
        json={"text": "Bonjour, je suis Marie du 3422.", "from": "agent", "agent_name": "Marie"},
        headers=auth,
    )
    bodies = sms.sms.wait_to(phone, 3)
    assert bodies[-1] == "Marie :\nBonjour, je suis Marie du 3422."


def test_keywords_numbers_and_segments() -> None:
    assert keyword("STOP") == keyword("arrêt") == keyword(" Arret ") == "stop"
    assert keyword("START") == "start" and keyword("aide") == "help"
    assert keyword("stop le rendez-vous") is None
    assert [chosen_number(t) for t in ("1", "1.", " 1 ", "un", "le 1", "deux", "12")] == [
        1, 1, 1, 1, 1, 2, 12,
    ]  # fmt: skip
    assert chosen_number("1 rue de la Paix") is None and chosen_number("123456") is None
    assert segments("a" * 160) == ("gsm7", 1) and segments("a" * 161) == ("gsm7", 2)
    assert segments("ê" * 70) == ("ucs2", 1) and segments("ê" * 71) == ("ucs2", 2)
    assert segments("€" * 80) == ("gsm7", 1) and segments("€" * 81) == ("gsm7", 2)
    question = {"from": "bot", "text": "Êtes-vous prêt ?"}
    body, choices = render_sms([{**question, "buttons": [{"title": "Oui", "payload": "/a"}]}])
    assert body == "Etes-vous pret ?\nRépondez 1 pour : Oui" and segments(body)[0] == "gsm7"
    assert choices == [{"title": "Oui", "payload": "/a"}]
