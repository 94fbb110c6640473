"""The record service refuses to start without an explicit ENVIRONMENT, and in production
without its secrets; the demo seed refuses to run in production. Each command runs as the
Procfile and the Makefile run it, as a real process."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRETS = ("RECORDS_SERVICE_TOKEN", "RECORDS_SECRET_KEY", "DOCUMENT_STORAGE_KEY")
PRODUCTION = {
    "ENVIRONMENT": "production",
    "RECORDS_SERVICE_TOKEN": "a-real-service-token-for-this-test",
    "RECORDS_SECRET_KEY": "a-real-secret-key-for-this-test",
    "DOCUMENT_STORAGE_KEY": base64.b64encode(b"k" * 32).decode(),
}


def env_with(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ENVIRONMENT", "DATABASE_URL")}
    for name in SECRETS:
        env.pop(name, None)
    env["DATA_DIR"] = str(tmp_path)
    env.update(values)
    return env


def start_records(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`uvicorn records.main:app` on a port nobody uses; it must stop before serving."""
    return subprocess.run(  # noqa: S603 - this repository's command
        [str(BIN / "uvicorn"), "records.main:app", "--host", "127.0.0.1", "--port", "18098"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_records_refuses_to_start_without_environment(tmp_path: Path) -> None:
    result = start_records(env_with(tmp_path))
    assert result.returncode != 0
    assert "ENVIRONMENT is not set" in result.stderr
    assert "ENVIRONMENT=development" in result.stderr  # it says what to set


@pytest.mark.parametrize("missing", SECRETS)
def test_records_refuses_to_start_in_production_without_a_secret(
    tmp_path: Path, missing: str
) -> None:
    values = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = start_records(env_with(tmp_path, **values))
    assert result.returncode != 0
    assert f"{missing} is required in production" in result.stderr


@pytest.mark.parametrize("published", ["RECORDS_SERVICE_TOKEN", "RECORDS_SECRET_KEY"])
def test_production_refuses_the_published_development_values(
    tmp_path: Path, published: str
) -> None:
    from records.settings import DEV_SECRET_KEY, DEV_SERVICE_TOKEN

    value = DEV_SERVICE_TOKEN if published == "RECORDS_SERVICE_TOKEN" else DEV_SECRET_KEY
    result = start_records(env_with(tmp_path, **{**PRODUCTION, published: value}))
    assert result.returncode != 0
    assert f"{published} is required in production" in result.stderr


def test_the_demo_seed_refuses_to_run_in_production(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - this repository's command
        [sys.executable, "-m", "records.seed", "--if-empty"],
        cwd=ROOT,
        env=env_with(tmp_path, **PRODUCTION),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "refused" in result.stderr and "ENVIRONMENT=production" in result.stderr
    assert not (tmp_path / "records.db").exists()


def test_the_demo_seed_refuses_to_run_without_environment(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - this repository's command
        [sys.executable, "-m", "records.seed", "--if-empty"],
        cwd=ROOT,
        env=env_with(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ENVIRONMENT is not set" in result.stderr
    assert not (tmp_path / "records.db").exists()
