"""The gateway refuses to start without an explicit ENVIRONMENT, and in production without
each of its secrets; it starts as the Procfile starts it (`uvicorn bot.main:app`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRODUCTION = {
    "ENVIRONMENT": "production",
    "RECORDS_SERVICE_TOKEN": "a-real-service-token-for-this-test",
    "GATEWAY_INTERNAL_TOKEN": "a-real-internal-token-for-this-test",
    "RASA_TOKEN": "a-real-rasa-token-for-this-test",
}


def start_gateway(tmp_path: Path, **values: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update({"DATA_DIR": str(tmp_path), **values})
    return subprocess.run(  # noqa: S603 - this repository's command
        [str(BIN / "uvicorn"), "bot.main:app", "--host", "127.0.0.1", "--port", "18099"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_gateway_refuses_to_start_without_environment(tmp_path: Path) -> None:
    result = start_gateway(tmp_path)
    assert result.returncode != 0
    assert "ENVIRONMENT is not set" in result.stderr
    assert "ENVIRONMENT=development" in result.stderr  # it says what to set


@pytest.mark.parametrize("missing", [k for k in PRODUCTION if k != "ENVIRONMENT"])
def test_the_gateway_refuses_to_start_in_production_without_a_secret(
    tmp_path: Path, missing: str
) -> None:
    values = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = start_gateway(tmp_path, **values)
    assert result.returncode != 0
    assert f"{missing} is required in production" in result.stderr


def test_unset_secrets_are_random_outside_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    monkeypatch.delenv("GATEWAY_INTERNAL_TOKEN", raising=False)
    first = Settings(environment="development", data_dir=tmp_path)
    second = Settings(environment="development", data_dir=tmp_path)
    assert len(first.rasa_token) >= 32 and len(first.gateway_internal_token) >= 32
    assert first.rasa_token != second.rasa_token
    assert first.gateway_internal_token != second.gateway_internal_token
