"""Answers a person can take in: vaccines said with care (obligatory and recommended apart,
never "late" for a dose no longer due), repeated access-log lines grouped, names with their
elision, the 3422's number given when asked, and the context of the first sentence kept."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from actions.appointments import ActionBookAppointment, ValidateAppointmentForm, is_move
from actions.children import still_due, vaccine_plan, when_words
from actions.common import asks_for_the_number
from actions.emergency import wants_settings
from actions.formatting import PARIS, format_datetime, of_name, professional_words
from actions.sharing import group_access
from tests.actions.conftest import Conversation, Records, responses

TODAY = date(2026, 12, 3)
NOAH = date(2018, 2, 20)  # born in the 2018-2024 cohort: meningococcus B only recommended


def dose(code: str, due: str, obligatory: bool, vaccine: str = "") -> dict[str, Any]:
    return {"code": code, "vaccine": vaccine or code, "due_date": due, "obligatory": obligatory}


def test_a_recommended_infant_dose_is_no_longer_due_at_eight() -> None:
    menb = dose("meningocoque_b_1", "2018-05-20", False, "Méningocoque B")
    assert not still_due(menb, NOAH, TODAY)
    assert still_due(menb, date(2026, 5, 10), TODAY), "a baby still has it to do"
    ror = dose("ror_2", "2019-06-20", True)
    assert still_due(ror, NOAH, TODAY), "an obligatory dose is caught up until 18"


def test_obligatory_and_recommended_are_said_apart_one_line_per_vaccine() -> None:
    record = {
        "done": [
            {"vaccine": "ROR", "date": "2019-02-20"},
            {"vaccine": "DTP", "date": "2024-02-20"},
        ],
        "due": [
            dose("meningocoque_b_1", "2018-05-20", False, "Méningocoque B"),
            dose("meningocoque_b_2", "2018-07-20", False, "Méningocoque B"),
            dose("hpv_1", "2029-02-20", False, "Papillomavirus"),
            dose("hpv_2", "2029-08-20", False, "Papillomavirus"),
            dose("ror_2", "2019-06-20", True),
        ],
    }
    plan = vaccine_plan(record, NOAH, TODAY)
    assert [d["code"] for d in plan.obligatory] == ["ror_2"]
    assert [d["code"] for d in plan.recommended] == ["hpv_1"]
    assert plan.done[0]["vaccine"] == "DTP", "newest first"


def test_a_past_date_is_as_soon_as_possible_never_late() -> None:
    assert when_words(dose("ror_2", "2019-06-20", True), TODAY) == "dès que possible"
    assert when_words(dose("hpv_1", "2029-02-20", False), TODAY).startswith("avant le ")


def test_repeated_lines_of_the_access_log_are_grouped() -> None:
    read = {"actor_name": "Nadia Haddad", "actor_role": "professional", "action": "read_record"}
    entries = [
        {**read, "at": "2026-12-03T10:02:00"},
        {**read, "at": "2026-12-03T10:01:00", "action": "read_profile"},
        {**read, "at": "2026-12-03T10:00:00"},
        {"actor_name": "Marc Lefèvre", "action": "read_record", "at": "2026-12-02T09:00:00"},
        {**read, "at": "2026-12-01T10:00:00"},
    ]
    groups = group_access(entries)
    assert [(g[0]["actor_name"], g[1]) for g in groups] == [
        ("Nadia Haddad", 3),
        ("Marc Lefèvre", 1),
        ("Nadia Haddad", 1),
    ]
    assert groups[0][0]["at"] == "2026-12-03T10:02:00", "the newest time is said"


def test_de_elides_before_a_vowel() -> None:
    assert of_name("Inès") == "d'Inès"
    assert of_name("Émile") == "d'Émile"
    assert of_name("Hélène") == "d'Hélène"
    assert of_name("Noah") == "de Noah"
    assert of_name("Léa") == "de Léa"


def test_a_named_professional_is_said_with_the_profession() -> None:
    assert professional_words("dentiste", "Marc Lefèvre") == "Marc Lefèvre, le dentiste"
    assert professional_words("dentiste") == "le dentiste"
    assert professional_words(None, "Marc Lefèvre") == "Marc Lefèvre"


def test_the_3422_number_is_an_answer_a_person_is_a_handoff() -> None:
    for text in ("comment on appelle le 3422", "c'est quoi le numéro du 3422", "le tel svp"):
        assert asks_for_the_number(text), text
    for text in ("je veux parler à quelqu'un", "appelez-moi", "un conseiller au téléphone"):
        assert not asks_for_the_number(text), text


def test_changing_the_emergency_settings_in_words() -> None:
    assert wants_settings("je veux changer les réglages d'urgence")
    assert wants_settings("fermer mon dossier au samu")
    assert not wants_settings("qu'est ce que voit le samu")
    assert not wants_settings('/emergency_info{"choice":"settings"}')


async def test_the_first_sentences_day_and_time_are_kept(karim: Conversation) -> None:
    karim.user("rdv chez le dentiste mardi prochain à 14h30", intent="book_appointment")
    karim.slots["professional"] = "dentiste"
    messages = await karim.form(ValidateAppointmentForm(), "appointment_form", None)
    assert "utter_invalid_appointment_time" not in responses(messages)
    kept = datetime.fromisoformat(karim.slots["appointment_time"])
    assert kept.weekday() == 1 and (kept.hour, kept.minute) == (14, 30), kept


async def test_moving_an_appointment_changes_it_instead_of_adding_one(
    karim: Conversation, records_service: Records
) -> None:
    first = (datetime.now(PARIS) + timedelta(days=5)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    created = records_service.call(
        "POST",
        "/me/appointments",
        conversation=karim.sender_id,
        json={"professional_kind": "kine", "starts_at": first.isoformat(), "place": "Lyon"},
    )
    assert created.status_code == 201, created.text
    text = "je dois décaler mon rdv chez le kiné"
    karim.user(text, intent="book_appointment")
    assert is_move(karim.tracker())
    later = first + timedelta(days=2, hours=2)
    karim.slots.update(
        professional="kine", appointment_time=later.isoformat(), appointment_confirm=True
    )
    messages, _ = await karim.run(ActionBookAppointment())
    assert responses(messages) == ["utter_appointment_moved"], responses(messages)
    assert messages[0]["when"] == format_datetime(later)
    mine = records_service.call(
        "GET", "/me/appointments", conversation=karim.sender_id, params={"upcoming": "true"}
    ).json()
    kine = [a for a in mine if a["professional_kind"] == "kine"]
    assert [a["id"] for a in kine] == [created.json()["id"]], "moved, not added"
    assert kine[0]["place"] == "Lyon", "its place stays"


async def test_the_switch_that_hides_every_document(
    karim: Conversation, records_service: Records
) -> None:
    from actions.choices import (
        ALL,
        ActionAskChoiceConfirm,
        ActionHideDocument,
        ActionShowDocument,
        ValidateHideDocumentForm,
        ValidateShowDocumentForm,
    )

    def hide_all() -> bool:
        answer = records_service.call("GET", "/me/sharing-settings", conversation=karim.sender_id)
        return bool(answer.json()["hide_all"])

    assert not hide_all()
    karim.user("je veux tout cacher", intent="hide_document")
    await karim.form(ValidateHideDocumentForm(), "hide_document_form", None)
    assert karim.slots["choice_items"][0]["id"] == ALL
    assert karim.slots["choice"] == ALL, "« tout » is the choice: only the confirmation is asked"
    messages, _ = await karim.run(ActionAskChoiceConfirm())
    assert responses(messages) == ["utter_confirm_hide_document_all"]
    karim.user("/affirm", intent="affirm", choice_confirm=True)
    await karim.form(ValidateHideDocumentForm(), "hide_document_form", "choice_confirm")
    karim.active_loop = None
    messages, _ = await karim.run(ActionHideDocument())
    assert responses(messages) == ["utter_all_documents_hidden"] and hide_all()

    karim.user("/show_document", intent="show_document")
    await karim.form(ValidateShowDocumentForm(), "show_document_form", None)
    assert karim.slots["choice_items"][0]["id"] == ALL, "showing offers the switch while on"
    karim.user("tous mes documents", choice="tous mes documents")
    await karim.form(ValidateShowDocumentForm(), "show_document_form", "choice")
    assert karim.slots["choice"] == ALL
    karim.user("/affirm", intent="affirm", choice_confirm=True)
    await karim.form(ValidateShowDocumentForm(), "show_document_form", "choice_confirm")
    karim.active_loop = None
    messages, _ = await karim.run(ActionShowDocument())
    assert responses(messages) == ["utter_all_documents_shown"] and not hide_all()


async def test_the_school_certificate_is_a_download(karim: Conversation) -> None:
    from actions.children import ActionChildHealth, ValidateChildForm

    karim.user("l'école veut le carnet de vaccination de noah", intent="child_health")
    karim.user("noah", person="Noah")
    await karim.form(ValidateChildForm(), "child_form", "person")
    karim.active_loop = None
    messages, _ = await karim.run(ActionChildHealth())
    assert responses(messages) == ["utter_vaccination_certificate"]
    download = messages[0]["custom"]["download"]
    assert download == {"kind": "vaccination_certificate", "person_id": download["person_id"]}
    assert download["person_id"] and messages[0]["of_child"] == "de Noah"


def test_adding_a_document_is_told_where() -> None:
    from actions.documents import wants_to_add

    assert wants_to_add("je veux ajouter un document")
    assert wants_to_add("envoyer la photo de mon ordonnance")
    assert not wants_to_add("voir mes analyses")
    assert not wants_to_add("/list_documents")


async def test_a_professional_never_authorised_can_be_authorised(
    karim: Conversation, records_service: Records
) -> None:
    from actions.choices import ActionAllowProfessional
    from tests.actions.test_record_flows import choose, professional_id

    # A dentist in Karim's care team, not authorised (and not blocked): "autoriser".
    dentist = professional_id(records_service, "Lefèvre")
    revoked = records_service.call(
        "POST", f"/me/professionals/{dentist}/revoke", conversation=karim.sender_id
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["authorised"] is False and revoked.json()["blocked"] is False

    from actions.choices import ValidateAllowForm

    await choose(karim, ValidateAllowForm(), "allow_form", "Lefèvre")
    messages, _ = await karim.run(ActionAllowProfessional())
    assert responses(messages) == ["utter_professional_authorised"]
    pros = records_service.call("GET", "/me/professionals", conversation=karim.sender_id).json()
    assert next(p for p in pros if p["id"] == dentist)["authorised"] is True
