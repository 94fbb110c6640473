"""The helpline (3422) console's API against the four real processes: an agent finds the
person, takes over, writes, hands back; every action reaches records' access log; only
agents get in; one agent at a time; codes cannot be guessed."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import urllib.request

from support.chat import DEMO, Records
from support.helpline import ASK_FOR_A_HUMAN, Console, add_agent, ask_for_a_human
from support.stack import Stack, http_json

from bot import messages
from bot.console.agents import COOKIE_NAME, ConsoleCookie

PRO_KEY = "pro_demo_laurent_medecin_traitant_4f9a2c"  # docs/demo-identities.md


def test_agent_takes_over_writes_and_hands_back(healthy_stack: Stack) -> None:
    chat, code = ask_for_a_human(healthy_stack)
    agent = Console(healthy_stack).login()

    item = agent.queue_item()  # the newest one is this person's
    assert item["channel"] == "web" and item["handoff"] == "requested"
    assert item["last_user_text"].startswith("je voudrais parler")
    assert item["taken_by"] is None and item["waiting_seconds"] >= 0

    status, found = agent.call("POST", "/lookup", {"code": code})
    assert status == 200 and found["ticket"] == item["ticket"]
    status, view = agent.call("PUT", f"/tickets/{item['ticket']}/agent")
    assert status == 200, view
    assert view["taken_by_me"] and view["handoff"] == "active"
    joined = chat.history()["messages"][-1]
    assert joined["from"] == "system"
    assert joined["text"] == "Agent, une personne du 3422, vous répond maintenant."

    status, sent = agent.call(
        "POST", f"/tickets/{item['ticket']}/messages", {"text": "Bonjour, je m'appelle Nadia"}
    )
    assert status == 201, sent
    last = chat.history()["messages"][-1]
    assert (last["from"], last["text"], last["agent_name"]) == (
        "agent",
        "Bonjour, je m'appelle Nadia",
        "Agent",
    )

    assert chat.say("merci, j'ai perdu mon code") == []  # the assistant is paused
    status, view = agent.call("GET", f"/tickets/{item['ticket']}")
    assert status == 200
    assert view["messages"][-1] == {**view["messages"][-1], "from": "user"}
    assert view["messages"][-1]["text"] == "merci, j'ai perdu mon code"
    assert "audio_path" not in view["messages"][-1]

    status, _ = agent.call("DELETE", f"/tickets/{item['ticket']}/agent")
    assert status == 204
    assert chat.history()["handoff"] == "none"
    answers = chat.say("bonjour")
    assert answers and answers[0]["from"] == "bot", chat.dump()
    # The call is over: the ticket and its code are gone.
    assert agent.call("GET", f"/tickets/{item['ticket']}")[0] == 404
    assert agent.call("POST", "/lookup", {"code": code})[0] == 404


def test_agent_actions_appear_in_the_persons_access_log(healthy_stack: Stack) -> None:
    records = Records(healthy_stack)
    camille = DEMO["camille"]
    records.activate(camille)
    status, challenge = records.call(
        "POST", "/auth/login", {"identifier": camille.identifier, "password": camille.password}
    )
    assert status == 200, challenge
    before = len(records.outbox(camille.phone))
    code = records.latest_code(camille.phone, after=before - 1)
    status, session = records.call(
        "POST", f"/auth/login/{challenge['challenge_id']}/verify", {"code": code}
    )
    assert status == 200, session
    chat, code = ask_for_a_human(healthy_stack)
    status, _ = records.call(
        "POST",
        "/assistant/links",
        {"conversation_id": chat.conversation_id},
        bearer=session["token"],
    )
    assert status == 201

    agent = Console(healthy_stack).login()
    item = agent.queue_item(agent.call("POST", "/lookup", {"code": code})[1]["ticket"])
    assert agent.call("GET", f"/tickets/{item['ticket']}")[0] == 200
    assert agent.call("PUT", f"/tickets/{item['ticket']}/agent")[0] == 200
    status, log = records.call("GET", "/me/access-log", bearer=session["token"])
    assert status == 200, log
    seen = [(e["actor_name"], e["action"]) for e in log if e["actor_role"] == "agent"]
    assert ("Un conseiller du 3422", "helpline_read") in seen
    assert ("Un conseiller du 3422", "helpline_take_over") in seen
    agent.call("DELETE", f"/tickets/{item['ticket']}/agent")


def test_only_agents_reach_the_console_api(healthy_stack: Stack) -> None:
    records = Records(healthy_stack)
    rose = DEMO["rose"]
    records.activate(rose)
    status, challenge = records.call(
        "POST", "/auth/login", {"identifier": rose.identifier, "password": rose.password}
    )
    assert status == 200
    code = records.latest_code(rose.phone, after=len(records.outbox(rose.phone)) - 1)
    status, session = records.call(
        "POST", f"/auth/login/{challenge['challenge_id']}/verify", {"code": code}
    )
    assert status == 200
    gateway = healthy_stack.url("gateway")

    # No credential at all.
    refused = {"code": "agent_unauthenticated", "message": messages.text("agent_unauthenticated")}
    status, body = http_json("GET", gateway + "/api/console/queue")
    assert status == 401 and body == {"error": refused}
    # A patient's own identifier and password are not a helpline account.
    status, body = Console(healthy_stack).call(
        "POST", "/session", {"login": rose.identifier, "password": rose.password}
    )
    assert status == 401 and body["error"]["code"] == "agent_wrong_credentials"
    # Even a genuine console cookie carrying a patient's session or a professional's key is
    # refused: records says who the token belongs to.
    cookie = ConsoleCookie(healthy_stack.internal_token, 900)
    for token in (session["token"], PRO_KEY):
        forged = {"Cookie": f"{COOKIE_NAME}={cookie.make(token)}"}
        status, body = http_json("GET", gateway + "/api/console/queue", headers=forged)
        assert status == 401 and body == {"error": refused}, token[:8]
        # Nor does any other console route answer with content.
        for method, path in (("GET", "/session"), ("POST", "/lookup"), ("GET", "/tickets/x")):
            data = {"code": "1234"} if path == "/lookup" else None
            status, body = http_json(method, gateway + "/api/console" + path, data, headers=forged)
            assert status == 401 and body == {"error": refused}, (path, token[:8])

    # After logout the same cookie no longer works.
    agent = Console(healthy_stack).login()
    assert agent.call("GET", "/session")[1]["display_name"] == "Agent 3422 (démo)"
    assert agent.call("DELETE", "/session")[0] == 204
    assert agent.call("GET", "/queue")[0] == 401


def test_two_agents_take_the_same_conversation_one_wins(healthy_stack: Stack) -> None:
    chat, code = ask_for_a_human(healthy_stack)
    first = Console(healthy_stack).login()
    second = Console(healthy_stack).login(*add_agent(healthy_stack, "agentpaul", "Paul Martin"))
    ticket = first.call("POST", "/lookup", {"code": code})[1]["ticket"]
    results: dict[str, tuple[int, object]] = {}

    def take(name: str, console: Console) -> None:
        results[name] = console.call("PUT", f"/tickets/{ticket}/agent")

    threads = [threading.Thread(target=take, args=pair) for pair in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 409], results
    loser = next(body for status, body in results.values() if status == 409)
    assert loser["error"]["code"] == "helpline_taken"
    assert loser["error"]["message"] == "Une autre personne du 3422 aide déjà cette personne."
    winner = first if results["a"][0] == 200 else second
    loser_console = second if winner is first else first
    # The loser cannot write nor hand back; the queue tells them who has it.
    status, body = loser_console.call("POST", f"/tickets/{ticket}/messages", {"text": "Bonjour"})
    assert status == 409 and body["error"]["code"] == "helpline_not_taken"
    assert loser_console.call("DELETE", f"/tickets/{ticket}/agent")[0] == 409
    item = loser_console.queue_item(ticket)
    name = "Agent" if winner is first else "Paul"
    assert item["taken_by"] == name and not item["taken_by_me"]
    # The person was told once, with the winner's first name.
    joined = [m["text"] for m in chat.history()["messages"] if "répond maintenant" in m["text"]]
    assert joined == [messages.text("agent_joined_named").format(name=name)]
    assert winner.call("DELETE", f"/tickets/{ticket}/agent")[0] == 204


def test_wrong_expired_and_guessed_codes_are_refused(healthy_stack: Stack) -> None:
    _, code = ask_for_a_human(healthy_stack)
    agent = Console(healthy_stack).login(*add_agent(healthy_stack, "agentlea", "Léa Petit"))
    wrong = f"{(int(code) + 1) % 10000:04d}"
    status, body = agent.call("POST", "/lookup", {"code": wrong})
    assert status == 404 and body["error"]["code"] == "helpline_code_unknown"

    # The code of another person, expired (its time passed): refused too.
    _, old_code = ask_for_a_human(healthy_stack)
    with sqlite3.connect(healthy_stack.data_dir / "gateway.db") as db:
        db.execute(
            "UPDATE helpline SET code_expires_at = ? WHERE short_code = ?",
            (time.time() - 1, old_code),
        )
    status, body = agent.call("POST", "/lookup", {"code": old_code})
    assert status == 404 and body["error"]["code"] == "helpline_code_unknown"

    # After a few wrong codes the agent must wait, even with the right code.
    for _ in range(3):
        agent.call("POST", "/lookup", {"code": wrong})
    status, body = agent.call("POST", "/lookup", {"code": code})
    assert status == 429 and body["error"]["code"] == "helpline_too_many_lookups"


def test_agent_starts_an_activation_the_code_goes_to_the_person(healthy_stack: Stack) -> None:
    """Jeanne (demo: only a phone) calls the 3422; the agent starts her activation "with a
    professional": records keeps the agent as helper and texts the code to Jeanne's phone."""
    records = Records(healthy_stack)
    jeanne_phone = "+33689012356"
    sent_before = len(records.outbox(jeanne_phone))
    _, code = ask_for_a_human(healthy_stack)
    agent = Console(healthy_stack).login()
    ticket = agent.call("POST", "/lookup", {"code": code})[1]["ticket"]
    body = {"birth_date": "1948-02-02", "vitale_serial": "1000000707", "channel": "sms"}
    # Only the agent who took the conversation may do it.
    assert agent.call("POST", f"/tickets/{ticket}/activation", body)[0] == 409
    assert agent.call("PUT", f"/tickets/{ticket}/agent")[0] == 200

    status, wrong = agent.call(
        "POST", f"/tickets/{ticket}/activation", {**body, "birth_date": "1948-02-03"}
    )
    assert status == 404 and wrong["error"]["code"] == "identity_not_found"
    assert wrong["error"]["message"]  # records' easy-to-read text, for the agent to say

    status, started = agent.call("POST", f"/tickets/{ticket}/activation", body)
    assert status == 201, started
    assert "•" in started["sent_to"]  # masked, as records shows contacts
    status, activation = records.call("GET", f"/activations/{started['activation_id']}")
    assert status == 200 and activation["mode"] == "professional"
    assert len(records.outbox(jeanne_phone)) == sent_before + 1
    # The code went to Jeanne, not to the agent: nothing in the console shows it.
    sms = records.outbox(jeanne_phone)[-1]["body"]
    sent_code = re.search(r"\d{6}", sms)
    assert sent_code
    view = agent.call("GET", f"/tickets/{ticket}")[1]
    assert sent_code.group(0) not in json.dumps(view) and sent_code.group(0) not in json.dumps(
        started
    )
    agent.call("DELETE", f"/tickets/{ticket}/agent")


def _console_stream(stack: Stack, agent: Console, ticket: str) -> str:
    """What the agent's live stream sends when it opens: the messages, then the ticket."""
    request = urllib.request.Request(f"{agent.base}/tickets/{ticket}/events")  # noqa: S310
    lines = []
    with agent.opener.open(request, timeout=30) as response:
        for raw in response:
            lines.append(raw.decode())
            if raw.startswith(b"event: ticket") or raw.startswith(b"event: closed"):
                break
    return "".join(lines)


def test_secrets_typed_while_an_agent_helps_never_reach_the_agent(healthy_stack: Stack) -> None:
    """Jeanne talks with the 3422: a password she types by mistake is held back; the agent
    starts her activation, the code goes to her phone, she types it in her conversation and it
    goes to records, never to the agent nor to Rasa; the agent only learns whether it was right."""
    records = Records(healthy_stack)
    jeanne_phone = "+33689012356"
    chat, code = ask_for_a_human(healthy_stack)
    agent = Console(healthy_stack).login()
    ticket = agent.call("POST", "/lookup", {"code": code})[1]["ticket"]
    assert agent.call("PUT", f"/tickets/{ticket}/agent")[0] == 200

    password = "Jeanne-Secret-2026!"
    chat.say(f"mon mot de passe est {password}")
    assert chat.history()["messages"][-2]["masked"] is True
    assert chat.last[0]["text"] == messages.text("secret_not_sent_password")

    sent_before = len(records.outbox(jeanne_phone))
    body = {"birth_date": "1948-02-02", "vitale_serial": "1000000707", "channel": "sms"}
    status, started = agent.call("POST", f"/tickets/{ticket}/activation", body)
    assert status == 201, started
    asked = chat.history()
    assert asked["secret_input"] == {"purpose": "activation_code", "kind": "code"}
    assert asked["messages"][-1]["text"] == messages.text("agent_asks_code")
    sms_code = records.latest_code(jeanne_phone, after=sent_before)

    wrong = f"{(int(sms_code) + 1) % 1000000:06d}"
    answers = chat.say(wrong)
    assert [(m["from"], m["text"]) for m in answers] == [
        ("system", messages.text("agent_secret_failed_code"))
    ]
    assert chat.history()["secret_input"] == {"purpose": "activation_code", "kind": "code"}
    # Other words go to the agent and leave the question open.
    assert chat.say("je cherche le SMS") == []
    answers = chat.say(f"voilà le code {sms_code[:3]} {sms_code[3:]}")
    assert [(m["from"], m["text"]) for m in answers] == [
        ("system", messages.text("agent_secret_ok_code"))
    ]
    assert chat.history().get("secret_input") is None
    status, activation = records.call("GET", f"/activations/{started['activation_id']}")
    assert status == 200 and activation["step"] == "contacts", activation  # records got it

    # The agent sees placeholders and outcomes, never the secrets.
    status, view = agent.call("GET", f"/tickets/{ticket}")
    assert status == 200
    users = [m for m in view["messages"] if m["from"] == "user"]
    assert [m["text"] for m in users[-4:]] == [
        messages.text("secret_held_password"),
        messages.text("secret_sent_code"),
        "je cherche le SMS",
        messages.text("secret_sent_code"),
    ]
    assert [m.get("masked") for m in users[-4:]] == [True, True, None, True]
    status, queue = agent.call("GET", "/queue")
    seen_by_agent = [
        json.dumps(view),
        json.dumps(queue),
        _console_stream(healthy_stack, agent, ticket),
    ]
    # Rasa was paused: it said nothing after the take-over and never saw a secret.
    status, tracker = http_json(
        "GET", healthy_stack.rasa_api(f"/conversations/{chat.conversation_id}/tracker")
    )
    assert status == 200
    logs = [p.read_text(errors="replace") for p in healthy_stack.log_dir.glob("*.log")]
    for secret in (password, sms_code, wrong):
        for where, text in zip(("view", "queue", "stream"), seen_by_agent, strict=True):
            assert secret not in text, f"{secret!r} shown to the agent ({where})"
        assert secret not in json.dumps(tracker), "a secret reached Rasa"
        assert secret not in json.dumps(chat.history()), "a secret is in the history"
        assert all(secret not in log for log in logs), "a secret is in a log"
    joined_text = messages.text("agent_joined_named").format(name="Agent")
    joined = [m["text"] for m in view["messages"]].index(joined_text)
    assert all(m["from"] != "bot" for m in view["messages"][joined:])
    said_to_rasa = [e.get("text") for e in tracker["events"] if e["event"] == "user"]
    assert said_to_rasa == [ASK_FOR_A_HUMAN], said_to_rasa  # nothing since the take-over

    # Handing back ends the agent's question: a code typed afterwards is held back.
    assert agent.call("DELETE", f"/tickets/{ticket}/agent")[0] == 204
    assert chat.history().get("secret_input") is None
    chat.say(sms_code)
    assert chat.last[-1]["text"] == messages.text("secret_not_sent_code")
