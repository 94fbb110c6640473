"""Appointments, blocking and hiding through the actions, checked against real records:
a blocked professional really gets refused, a hidden document really disappears for them."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

import pytest

from actions.appointments import (
    ActionBookAppointment,
    ActionListAppointments,
    ValidateAppointmentForm,
)
from actions.choices import (
    ActionAskChoice,
    ActionBlockProfessional,
    ActionCancelAppointment,
    ActionHideDocument,
    ValidateBlockForm,
    ValidateCancelAppointmentForm,
    ValidateHideDocumentForm,
)
from actions.formatting import PARIS, format_datetime
from tests.actions.conftest import Conversation, Records, responses

LAURENT_KEY = "pro_demo_laurent_medecin_traitant_4f9a2c"  # Karim's médecin traitant
LEFEVRE_KEY = "pro_demo_lefevre_dentiste_8b31d7"  # a dentist


def professional_id(records: Records, last_name: str) -> str:
    # Test set-up reads the demo database: records has no route listing every professional.
    with sqlite3.connect(records.data_dir / "records.db") as db:
        row = db.execute(
            "SELECT id FROM professionals WHERE last_name = ?", (last_name,)
        ).fetchone()
    assert row, last_name
    return str(row[0])


def self_id(records: Records, conv: Conversation) -> str:
    people = records.call("GET", "/me/people", conversation=conv.sender_id).json()
    return next(p["id"] for p in people if p["relation"] == "self")


async def choose(conv: Conversation, validation: Any, form: str, label_part: str) -> None:
    """Start a choice form, pick the item whose button title contains label_part, say yes."""
    conv.user("/start", intent="start")
    await conv.form(validation, form, None)
    items = conv.slots["choice_items"]
    assert items, f"{form} found nothing to choose"
    messages, _ = await conv.run(ActionAskChoice())
    buttons = messages[0]["buttons"]
    number = next(i for i, b in enumerate(buttons, 1) if label_part in b["title"])
    assert buttons[number - 1]["payload"] == f'/inform{{"choice":"{number}"}}'
    conv.user(f"/inform{{'choice':'{number}'}}", choice=str(number))
    await conv.form(validation, form, "choice")
    assert conv.slots["choice"] == items[number - 1]["id"]
    conv.user("/affirm", intent="affirm", choice_confirm=True)
    await conv.form(validation, form, "choice_confirm")
    assert conv.slots["choice_confirm"] is True
    conv.active_loop = None  # every required slot is filled: Rasa ends the form


async def test_an_appointment_is_created_listed_and_cancelled(
    karim: Conversation, records_service: Records
) -> None:
    when = (datetime.now(PARIS) + timedelta(days=9)).replace(
        hour=10, minute=30, second=0, microsecond=0
    )
    karim.slots.update(
        professional="dentiste",
        appointment_time=when.isoformat(),
        appointment_place="12 rue de la Paix, Lyon",
        reminder="sms",
        appointment_confirm=True,
    )
    messages, _ = await karim.run(ActionBookAppointment())
    assert responses(messages) == ["utter_appointment_added", "utter_appointment_reminder_set"]
    assert messages[0]["when"] == format_datetime(when)
    assert messages[0]["professional"] == "le dentiste"
    assert karim.slots["appointment_time"] is None, "the form's answers are cleared"

    messages, _ = await karim.run(ActionListAppointments())
    items = [m for m in messages if m["response"].startswith("utter_appointment_item")]
    assert any(m["when"] == format_datetime(when) and m["who"] == "vous" for m in items)

    label = f"{format_datetime(when)}, le dentiste"
    await choose(karim, ValidateCancelAppointmentForm(), "cancel_appointment_form", label)
    messages, _ = await karim.run(ActionCancelAppointment())
    assert responses(messages) == ["utter_appointment_cancelled"]
    left = records_service.call(
        "GET", "/me/appointments", conversation=karim.sender_id, params={"upcoming": "true"}
    ).json()
    assert all(a["starts_at"][:16] != when.isoformat()[:16] for a in left)


async def test_the_place_question_understands_typed_answers(karim: Conversation) -> None:
    karim.user("rdv chez le dentiste", intent="book_appointment", professional="dentiste")
    karim.slots.update(appointment_time="2030-01-08T10:00:00+01:00")
    karim.user("je sais pas", appointment_place="je sais pas")
    await karim.form(ValidateAppointmentForm(), "appointment_form", "appointment_place")
    assert karim.slots["appointment_place"] == "none", "typed instead of the button"

    # A new day and time at the place question changes the time; the place is asked again.
    change = "euh non plutot le 9 janvier 2030 à 14h"
    karim.user(change, appointment_place=change)
    await karim.form(ValidateAppointmentForm(), "appointment_form", "appointment_place")
    assert karim.slots["appointment_time"].startswith("2030-01-09T14:00")
    assert karim.slots["appointment_place"] is None

    # "dr" in the address is not a new professional for this appointment.
    place = "cabinet du dr blanc le 9 à 14h"
    karim.user(place, appointment_place=place, professional="medecin_generaliste")
    await karim.form(ValidateAppointmentForm(), "appointment_form", "appointment_place")
    assert karim.slots["appointment_place"] == place
    assert karim.slots["professional"] == "dentiste"


async def test_a_blocked_professional_is_refused_by_records(
    karim: Conversation, records_service: Records, karim_token: str
) -> None:
    laurent = professional_id(records_service, "Laurent")
    patient = self_id(records_service, karim)
    authorised = records_service.call(
        "POST", f"/me/professionals/{laurent}/authorise", token=karim_token
    )
    assert authorised.status_code == 200, authorised.text
    before = records_service.call("GET", f"/patients/{patient}/documents", token=LAURENT_KEY)
    assert before.status_code == 200, before.text

    await choose(karim, ValidateBlockForm(), "block_form", "Laurent")
    messages, _ = await karim.run(ActionBlockProfessional())
    assert responses(messages) == ["utter_professional_blocked"]
    assert "Laurent" in messages[0]["item"]

    after = records_service.call("GET", f"/patients/{patient}/documents", token=LAURENT_KEY)
    assert after.status_code == 403, after.text
    assert after.json()["error"]["code"] == "professional_blocked"
    unblocked = records_service.call(
        "POST", f"/me/professionals/{laurent}/unblock", token=karim_token
    )
    assert unblocked.status_code == 200


@pytest.mark.parametrize("title", ["Ordonnance de kinésithérapie"])
async def test_a_hidden_document_is_no_longer_visible_to_the_professional(
    karim: Conversation, records_service: Records, karim_token: str, title: str
) -> None:
    patient = self_id(records_service, karim)
    lefevre = professional_id(records_service, "Lefèvre")
    assert (
        records_service.call(
            "POST", f"/me/professionals/{lefevre}/authorise", token=karim_token
        ).status_code
        == 200
    )
    # The médecin traitant adds a prescription (feeding the record needs no consent).
    added = records_service.call(
        "POST",
        f"/patients/{patient}/documents",
        token=LAURENT_KEY,
        data={"title": title, "category": "ORD_SOIN"},
        files={"file": ("ordonnance.txt", b"Kinesitherapie : 10 seances.", "text/plain")},
    )
    assert added.status_code == 201, added.text

    def dentist_titles() -> list[str]:
        seen = records_service.call("GET", f"/patients/{patient}/documents", token=LEFEVRE_KEY)
        assert seen.status_code == 200, seen.text
        return [d["title"] for d in seen.json()]

    assert title in dentist_titles()
    karim.slots["document_kind"] = "ordonnance"
    await choose(karim, ValidateHideDocumentForm(), "hide_document_form", title)
    messages, _ = await karim.run(ActionHideDocument())
    assert responses(messages) == ["utter_document_hidden"]
    assert title not in dentist_titles()


async def test_an_emergency_switch_changes_in_records(
    karim: Conversation, records_service: Records
) -> None:
    from actions.choices import (
        ActionAskChoiceConfirm,
        ActionChangeEmergencySetting,
        ValidateEmergencySettingsForm,
    )

    def samu() -> bool:
        got = records_service.call("GET", "/me/emergency-settings", conversation=karim.sender_id)
        return bool(got.json()["samu_access"])

    before = samu()
    form = ValidateEmergencySettingsForm()
    karim.user("/emergency_info", intent="emergency_info")
    await karim.form(form, "emergency_settings_form", None)
    karim.user('/inform{"choice":"2"}', choice="2")
    await karim.form(form, "emergency_settings_form", "choice")
    assert karim.slots["choice"] == "samu_access"
    messages, _ = await karim.run(ActionAskChoiceConfirm())
    assert responses(messages) == [f"utter_confirm_samu_access_{'off' if before else 'on'}"]
    karim.user("/affirm", intent="affirm", choice_confirm=True)
    await karim.form(form, "emergency_settings_form", "choice_confirm")
    karim.active_loop = None
    messages, _ = await karim.run(ActionChangeEmergencySetting())
    assert responses(messages) == ["utter_emergency_setting_changed", "utter_emergency_switches"]
    assert samu() is (not before)


async def test_a_child_is_shared_with_the_other_parent(
    karim: Conversation, records_service: Records, domain: dict[str, Any]
) -> None:
    from actions.children import ValidateShareChildForm
    from actions.sharing import ActionShareChild
    from tests.actions.conftest import DEMO, activate

    thomas = Conversation(domain)
    await activate(thomas, records_service, "thomas")
    form = ValidateShareChildForm()
    karim.user("/share_child", intent="share_child")
    await karim.form(form, "share_child_form", None)
    karim.user("Inès", person="Inès")
    await karim.form(form, "share_child_form", "person")
    assert karim.slots["person_id"]
    karim.user("personne123", other_parent_identifier="personne123")
    await karim.form(form, "share_child_form", "other_parent_identifier")
    karim.user("/affirm", intent="affirm", choice_confirm=True)
    await karim.form(form, "share_child_form", "choice_confirm")
    karim.active_loop = None
    saved = dict(karim.slots)
    messages, _ = await karim.run(ActionShareChild())
    assert responses(messages) == ["utter_error_other_parent"], "an unknown parent is refused"

    karim.slots.update(saved, other_parent_identifier=DEMO["thomas"][3])
    messages, _ = await karim.run(ActionShareChild())
    assert responses(messages) == ["utter_child_shared"]
    seen = records_service.call("GET", "/me/people", conversation=thomas.sender_id).json()
    assert "Inès" in [p["first_name"] for p in seen if p["relation"] == "child"]


async def test_an_appointment_for_a_child_is_in_the_family_agenda(karim: Conversation) -> None:
    from actions.appointments import ActionAskPerson, ValidateAppointmentForm

    form = ValidateAppointmentForm()
    karim.user("/book_appointment", intent="book_appointment")
    await karim.form(form, "appointment_form", None)
    messages, _ = await karim.run(ActionAskPerson())
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert responses(messages) == ["utter_ask_person_appointment"]
    assert {"Inès", "Noah"} <= set(titles)
    karim.user('/inform{"child_name":"Noah"}', person="Noah")
    await karim.form(form, "appointment_form", "person")
    assert karim.slots["person_id"]
    karim.user("pédiatre", professional="pediatre")
    await karim.form(form, "appointment_form", "professional")
    karim.user("hier à 10h", appointment_time="hier à 10h")
    said = responses(await karim.form(form, "appointment_form", "appointment_time"))
    assert said == ["utter_invalid_appointment_time"] or said == ["utter_invalid_appointment_past"]
    karim.user("le 3 mars à 9h15", appointment_time="le 3 mars à 9h15")
    await karim.form(form, "appointment_form", "appointment_time")
    assert karim.slots["appointment_time"]
    karim.slots.update(appointment_place="none", reminder="none", appointment_confirm=True)
    karim.active_loop = None
    messages, _ = await karim.run(ActionBookAppointment())
    assert responses(messages) == ["utter_appointment_added"]
    assert "9 heures 15" in messages[0]["when"] and "mars" in messages[0]["when"]
    messages, _ = await karim.run(ActionListAppointments())
    assert any(m.get("who") == "Noah" and "9 heures 15" in m.get("when", "") for m in messages)
