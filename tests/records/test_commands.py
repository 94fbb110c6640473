"""The commands of the Makefile and Procfile, run as real processes on a fresh SQLite data
folder: `cd records && alembic upgrade head`, `python -m records.seed --if-empty`, and
`uvicorn records.main:app` serving /health and /docs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PORT = 18000


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DATA_DIR": str(tmp_path), "ENVIRONMENT": "development"})
    return env


def test_migrate_seed_and_serve(tmp_path):
    env = _env(tmp_path)
    migrate = subprocess.run(
        [str(BIN / "alembic"), "upgrade", "head"],
        cwd=ROOT / "records",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "records.db").exists()

    seed = [sys.executable, "-m", "records.seed", "--if-empty"]
    first = subprocess.run(seed, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "12 people" in first.stdout
    again = subprocess.run(seed, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "nothing to do" in again.stdout

    server = subprocess.Popen(
        [str(BIN / "uvicorn"), "records.main:app", "--host", "127.0.0.1", "--port", str(PORT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{PORT}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None and health.status_code == 200
        assert health.json() == {"status": "ok"}
        docs = httpx.get(f"http://127.0.0.1:{PORT}/docs", timeout=5)
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        spec = httpx.get(f"http://127.0.0.1:{PORT}/openapi.json", timeout=5).json()
        assert "/activations/{activation_id}/confirm" in spec["paths"]
        # The seeded demo person can start an activation on the served database.
        r = httpx.post(
            f"http://127.0.0.1:{PORT}/activations",
            json={"birth_date": "1985-04-12", "vitale_serial": "1000000101"},
            timeout=5,
        )
        assert r.status_code == 201, r.text
    finally:
        server.terminate()
        server.wait(timeout=10)
