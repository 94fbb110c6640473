"""Only the gateway (and the test tools) reach Rasa, and only Rasa reaches the action server,
on the real running stack: Rasa's HTTP API and REST channel refuse a call without RASA_TOKEN,
answer no browser (no CORS), and the action server refuses a call without ACTIONS_TOKEN.
scripts/rasa-run.sh refuses to start without ENVIRONMENT or, in production, its secrets."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from support.chat import Chat
from support.leaks import tracker_text
from support.stack import Stack, http_json

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("token", [None, "", "wrong-token"], ids=["none", "empty", "wrong"])
def test_rasas_api_refuses_a_call_without_the_token(
    healthy_stack: Stack, token: str | None
) -> None:
    chat = Chat.open(healthy_stack)
    chat.say("bonjour")
    query = "" if token is None else f"?token={token}"
    rasa = healthy_stack.url("rasa")
    status, body = http_json("GET", f"{rasa}/conversations/{chat.conversation_id}/tracker{query}")
    assert status == 401, (status, body)
    assert "bonjour" not in json.dumps(body, ensure_ascii=False)
    assert http_json("GET", f"{rasa}/status{query}")[0] == 401
    # Nobody but the gateway may replace the model.
    assert http_json("PUT", f"{rasa}/model{query}", {"model_file": "/tmp/x.tar.gz"})[0] == 401
    # With the token, the same call works: the refusal is the token's doing.
    assert "bonjour" in tracker_text(healthy_stack, chat.conversation_id)


@pytest.mark.parametrize("token", [None, "", "wrong-token"], ids=["none", "empty", "wrong"])
def test_the_rest_channel_refuses_a_message_without_the_token(
    healthy_stack: Stack, token: str | None
) -> None:
    chat = Chat.open(healthy_stack)
    chat.say("bonjour")
    query = "" if token is None else f"?token={token}"
    forged = {"sender": chat.conversation_id, "message": "je veux fermer mon compte"}
    url = f"{healthy_stack.url('rasa')}/webhooks/rest/webhook{query}"
    status, body = http_json("POST", url, forged)
    assert status == 401, (status, body)
    assert "fermer mon compte" not in tracker_text(healthy_stack, chat.conversation_id)


def test_the_rest_channel_answers_the_token_holder(healthy_stack: Stack) -> None:
    url = healthy_stack.rasa_api("/webhooks/rest/webhook")
    status, answers = http_json("POST", url, {"sender": "security-test", "message": "bonjour"})
    assert status == 200 and answers, (status, answers)


def test_rasa_answers_no_browser(healthy_stack: Stack) -> None:
    """No `--cors "*"`: a page of another site cannot read Rasa's answers."""
    for method in ("GET", "OPTIONS"):
        request_headers = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
        status, headers = raw_headers(method, healthy_stack.rasa_api("/status"), request_headers)
        assert "access-control-allow-origin" not in headers, (method, status, headers)


def raw_headers(method: str, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


def test_the_stacks_action_server_refuses_a_call_without_rasas_token(
    healthy_stack: Stack,
) -> None:
    call = {"next_action": "action_help", "tracker": {"sender_id": "x"}, "domain": {}}
    status, _ = http_json("POST", healthy_stack.url("actions") + "/webhook", call)
    assert status == 401
    # Rasa itself holds the token: a conversation that runs a custom action still works.
    chat = Chat.open(healthy_stack)
    answers = chat.say("aide")
    assert answers, chat.dump()
    assert "action_help" in tracker_text(healthy_stack, chat.conversation_id)


def run_script(**values: str) -> subprocess.CompletedProcess[str]:
    names = ("ENVIRONMENT", "RASA_TOKEN", "ACTIONS_TOKEN")
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(values, RASA_PORT="18096", DATA_DIR="/nonexistent-rasa-data")
    return subprocess.run(  # noqa: S603 - this repository's script
        [str(ROOT / "scripts" / "rasa-run.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "ENVIRONMENT is not set"),
        ({"ENVIRONMENT": "staging"}, "ENVIRONMENT must be development, test or production"),
        ({"ENVIRONMENT": "production", "ACTIONS_TOKEN": "x" * 40}, "RASA_TOKEN is required"),
        ({"ENVIRONMENT": "production", "RASA_TOKEN": "x" * 40}, "ACTIONS_TOKEN is required"),
    ],
    ids=["no environment", "unknown environment", "no rasa token", "no actions token"],
)
def test_rasa_run_refuses_to_start(env: dict[str, str], message: str) -> None:
    result = run_script(**env)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
