"""Shared fixtures for the NLU checks: the trained model and the NLU data files."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = Path(__file__).with_name("heldout.yml")
HELDOUT_REALISTIC = Path(__file__).with_name("heldout_realistic.yml")


def model_path() -> Path:
    """Where the trained model lives: $NLU_MODEL, else $DATA_DIR/models (default var/models)."""
    explicit = os.environ.get("NLU_MODEL")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("DATA_DIR", ROOT / "var")) / "models"


class Parser:
    """Runs the model's NLU part on plain text, synchronously."""

    def __init__(self, agent: Any) -> None:
        self._agent = agent
        self._loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict[str, Any]:
        return self._loop.run_until_complete(self._agent.parse_message(text))

    def close(self) -> None:
        self._loop.close()


@pytest.fixture(scope="session")
def parser() -> Parser:
    from rasa.core.agent import Agent

    path = model_path()
    if not path.exists() or (path.is_dir() and not any(path.glob("*.tar.gz"))):
        pytest.fail(f"no trained model at {path}: run `make train` (or set NLU_MODEL)")
    p = Parser(Agent.load(str(path)))
    yield p
    p.close()
