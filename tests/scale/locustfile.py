"""Locust users of the scale test: each one is a person who, through the load balancer, logs
in, lists their appointments, books one and cancels it, by chatting with the assistant.

Set by tests/scale/run.py: SCALE_GATEWAY, SCALE_RECORDS (URLs), SCALE_SERVICE_TOKEN,
SCALE_PEOPLE (JSON file of tests/scale/people.py), SCALE_RESULTS (JSON lines written here:
one per conversation, for the checks after the run).
"""

from __future__ import annotations

import itertools
import json
import os
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from locust import User, constant, events, task
from locust.exception import StopUser
from support.chat import Chat, DemoPerson, Records, Reply, Respondent, drive, logged_in

PEOPLE = json.loads(Path(os.environ["SCALE_PEOPLE"]).read_text())
RESULTS = Path(os.environ["SCALE_RESULTS"])
STACK = SimpleNamespace(
    url=lambda name: os.environ["SCALE_GATEWAY" if name == "gateway" else "SCALE_RECORDS"],
    service_token=os.environ["SCALE_SERVICE_TOKEN"],
)
_numbers = itertools.count()

BOOKING: list[tuple[str, Reply]] = [
    (r"pour qui", ("button", r"Pour moi")),
    (r"quel professionnel", ("button", r"^Dentiste")),
    (r"Quel jour", "mardi prochain à 14 h 30"),
    (r"Où est le rendez-vous", "au cabinet dentaire, 3 rue Victor Hugo à Lyon"),
    (r"rappel", ("button", r"SMS")),
    (r"C'est juste", ("button", r"^Oui$")),
]
CANCELLING: list[tuple[str, Reply]] = [
    (r"Quel rendez-vous voulez-vous annuler", ("button", r"[Dd]entiste")),
    (r"C'est bien ça", ("button", r"^Oui$")),
]


class TimedChat(Chat):
    """A chat whose every turn is a Locust request named after the step it belongs to."""

    step = "start"

    def say(self, text: str, payload: str | None = None) -> list[dict]:
        started = time.perf_counter()
        error: Exception | None = None
        try:
            return super().say(text, payload)
        except Exception as exc:
            error = exc
            raise
        finally:
            events.request.fire(
                request_type="chat",
                name=self.step,
                response_time=(time.perf_counter() - started) * 1000,
                response_length=0,
                exception=error,
                context={},
            )


class Person(User):
    wait_time = constant(0)

    @task
    def conversation(self) -> None:
        number = next(_numbers)
        data = PEOPLE[number % len(PEOPLE)]
        person = DemoPerson(
            data["identifier"],
            "Alex",
            date.fromisoformat(data["birth_date"]),
            data["vitale_serial"],
            data["phone"],
            None,
            data["identifier"],
        )
        respondent = Respondent(Records(STACK), person)
        chat = TimedChat(STACK.url("gateway"))
        result: dict = {"person": data["identifier"], "sent": 0, "ok": False}
        try:
            chat.conversation_id = Chat.open(STACK).conversation_id
            result["conversation_id"] = chat.conversation_id
            chat.step = "login"
            chat.say("bonjour")
            chat.say("je veux me connecter")
            drive(chat, respondent.respond, lambda c: logged_in(c.text()))
            chat.step = "list"
            chat.say("quels sont mes prochains rendez-vous")
            chat.step = "book"
            chat.say("je voudrais noter un rendez-vous chez le dentiste")
            drive(
                chat,
                lambda c: respondent.respond(c, BOOKING),
                lambda c: "J'ai noté votre rendez-vous" in c.text(),
            )
            chat.step = "cancel"
            chat.say("je veux annuler mon rendez-vous chez le dentiste")
            drive(
                chat,
                lambda c: respondent.respond(c, CANCELLING),
                lambda c: "J'ai annulé ce rendez-vous" in c.text(),
            )
            result["ok"] = True
        except Exception as exc:  # the checks after the run count it; the transcript helps
            result["error"] = f"{type(exc).__name__}: {str(exc)[-1500:]}"
        finally:
            result["sent"] = sum(1 for m in chat.transcript if m.get("from") == "user")
            with RESULTS.open("a", encoding="utf-8") as out:
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        raise StopUser()
