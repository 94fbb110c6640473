"""The gateway as a web server: security headers on every page and API answer, no inline
code or style in what it serves, and request bodies refused while they stream in."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from bot.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.http_probe import post_partial  # noqa: E402

MIB = 1024 * 1024
WIDGET = Path(__file__).resolve().parents[2] / "web_widget"


def _csp(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["content-security-policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()
    }


def _check_headers(response) -> None:  # type: ignore[no-untyped-def]
    csp = _csp(response)
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "unsafe-eval" not in response.headers["content-security-policy"]
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'" and "frame-ancestors" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_every_page_and_api_answer_has_the_security_headers(rig) -> None:
    cid = rig.new_conversation()
    answers = [
        rig.client.get("/"),
        rig.client.get("/embed"),
        rig.client.get("/widget/widget.js"),
        rig.client.get("/health"),
        rig.client.post("/api/conversations"),
        rig.client.get(f"/api/conversations/{cid}"),
        rig.client.get("/api/conversations/unknown"),
        rig.client.post(f"/api/conversations/{cid}/messages", json={"text": ""}),
    ]
    for response in answers:
        _check_headers(response)
    for response in answers[3:]:
        assert response.headers["cache-control"] == "no-store", response.url


def test_audio_of_an_answer_is_never_cached(rig) -> None:
    cid = rig.new_conversation()
    bot = rig.say(cid, "bonjour")["messages"][0]
    response = rig.client.get(bot["audio_path"])
    _check_headers(response)
    assert response.headers["cache-control"] == "no-store"


def test_frame_ancestors_lists_the_sites_allowed_to_embed(tmp_path) -> None:
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        widget_embed_origins="https://www.ameli.example, https://partenaire.example:8443",
    )
    with TestClient(create_app(settings)) as client:
        csp = _csp(client.get("/"))
    assert csp["frame-ancestors"] == (
        "'self' https://www.ameli.example https://partenaire.example:8443"
    )
    with pytest.raises(ValueError, match="WIDGET_EMBED_ORIGINS"):
        Settings(environment="test", widget_embed_origins="https://ok.example, *")


def test_pages_and_widget_have_no_inline_code_or_style(rig) -> None:
    for path in ("/", "/embed"):
        page = rig.client.get(path).text
        assert not re.search(r"\sstyle\s*=", page, re.I), path
        assert not re.search(r"<style", page, re.I), path
        for tag in re.findall(r"<script\b[^>]*>", page, re.I):
            assert "src=" in tag, tag
        assert not re.search(r"\son[a-z]+\s*=", page, re.I), path
    source = (WIDGET / "widget.js").read_text(encoding="utf-8")
    assert not re.search(
        r"""["']?style["']?\s*:|\.style\b|cssText|setAttribute\(\s*["']style""", source
    )
    assert "innerHTML" not in source and "eval(" not in source


def test_a_40_mib_json_is_refused_before_it_is_read(rig) -> None:
    cid = rig.new_conversation()
    status, body = post_partial(
        rig.gateway.port,
        f"/api/conversations/{cid}/messages",
        {"Content-Type": "application/json"},
        send_bytes=MIB,
        declared_length=40 * MIB,
    )
    assert status == 413 and json.loads(body)["error"]["code"] == "body_too_large"
    status, body = post_partial(
        rig.gateway.port,
        f"/api/conversations/{cid}/messages",
        {"Content-Type": "application/json"},
        send_bytes=2 * MIB,
    )
    assert status == 413 and json.loads(body)["error"]["code"] == "body_too_large"
    assert json.loads(body)["error"]["message"]
    # The conversation still works.
    assert rig.say(cid, "bonjour")["messages"]
