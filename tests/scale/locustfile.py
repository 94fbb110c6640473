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
import traceback
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from locust import User, constant, events, task
from locust.exception import StopUser
from support.chat import Chat, DemoPerson, Records, Reply, Respondent, drive, logged_in
from support.stack import http_json

PEOPLE = json.loads(Path(os.environ["SCALE_PEOPLE"]).read_text())
RESULTS = Path(os.environ["SCALE_RESULTS"])
STACK = SimpleNamespace(
    url=lambda name: os.environ["SCALE_GATEWAY" if name == "gateway" else "SCALE_RECORDS"],
    service_token=os.environ["SCALE_SERVICE_TOKEN"],
)
_numbers = itertools.count()
_finished = itertools.count(1)

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
    """A chat whose every turn is a Locust request named after the step it belongs to.

    It behaves as the widget does when a replica dies under it: a message the gateway queued
    (Rasa unreachable) or whose answer was lost with a killed replica is answered later, on
    the event stream and in the history, so the user waits for the answer there; a message
    that never reached the store is typed again.
    """

    step = "start"
    recovered = 0
    resent = 0

    def say(self, text: str, payload: str | None = None) -> list[dict]:
        started = time.perf_counter()
        error: Exception | None = None
        try:
            return self._say(text, payload)
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

    def _say(self, text: str, payload: str | None, resend: bool = True) -> list[dict]:
        users_before = self._stored_users()
        url = f"{self.base}/api/conversations/{self.conversation_id}/messages"
        try:
            status, body = http_json("POST", url, {"text": text, "payload": payload}, timeout=90)
        except OSError:
            status, body = 0, None
        if status == 200 and not body.get("queued"):
            self.transcript.append(body["user_message"])
            self.last = body["messages"]
            self.transcript.extend(self.last)
            self.seen_users = users_before + 1
            return self.last
        # Queued, or the replica died: the answer comes in the history (or never came in).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(1)
            history = self._history()
            users = [i for i, m in enumerate(history) if m["from"] == "user"]
            if len(users) <= users_before:
                if time.monotonic() > deadline - 110 and resend and status != 200:
                    self.resent += 1  # never stored: the person types it again
                    return self._say(text, payload, resend=False)
                continue
            mine = users[users_before]
            answers = [m for m in history[mine + 1 :] if m["from"] == "bot"]
            if answers:
                time.sleep(1)  # the rest of the turn's answers
                history = self._history()
                later = [m for m in history[mine + 1 :] if m["from"] != "user"]
                self.recovered += 1
                self.transcript.append(history[mine])
                self.last = later
                self.transcript.extend(later)
                self.seen_users = users_before + 1
                return self.last
        # Stored but not answered in time: the history check still counts it.
        self.seen_users = max(
            self.seen_users, len([m for m in self._history() if m["from"] == "user"])
        )
        raise AssertionError(f"no answer to a message (HTTP {status}) within 120 s")

    seen_users = 0

    def _stored_users(self) -> int:
        return self.seen_users

    def _history(self) -> list[dict]:
        status, body = http_json("GET", f"{self.base}/api/conversations/{self.conversation_id}")
        return body["messages"] if status == 200 else []


class Person(User):
    wait_time = constant(0)

    @task
    def conversation(self) -> None:
        number = next(_numbers)
        if number >= self.environment.parsed_options.num_users:
            raise StopUser()  # Locust replaces a user that stopped while spawning: one each
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
            where = traceback.format_exc(limit=-3)[-600:]
            result["error"] = f"{type(exc).__name__}: {str(exc)[-1500:]}\n{where}"
        finally:
            result["sent"] = chat.seen_users
            result["recovered"], result["resent"] = chat.recovered, chat.resent
            with RESULTS.open("a", encoding="utf-8") as out:
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        if next(_finished) >= self.environment.parsed_options.num_users:
            self.environment.runner.quit()  # every conversation is over
        raise StopUser()
