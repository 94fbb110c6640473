"""Records benchmark (SPEC §7): requests per second of the record service on this machine.

Starts records alone (SQLite, one uvicorn worker, like `make run`), activates and logs in a
demo person, then keeps a fixed number of concurrent clients busy for a fixed time on three
routes: the health check, the person's appointments and documents (session token), and the
same data read by the assistant (service token + conversation id). Writes a JSON file.

    .venv/bin/python scripts/bench_records.py --out benchmarks/records.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support.chat import DEMO, Records  # noqa: E402
from support.stack import Stack  # noqa: E402


def login(records: Records, key: str) -> str:
    """Activate then log in a demo person; returns a session token."""
    person = DEMO[key]
    records.activate(person)
    before = len(records.outbox(person.phone))
    status, challenge = records.call(
        "POST", "/auth/login", {"identifier": person.identifier, "password": person.password}
    )
    assert status == 200, (status, challenge)
    code = records.latest_code(person.phone, after=before)
    status, session = records.call(
        "POST", f"/auth/login/{challenge['challenge_id']}/verify", {"code": code}
    )
    assert status == 200, (status, session)
    return session["token"]


async def hammer(base: str, path: str, headers: dict[str, str], seconds: float, clients: int):
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            response = await client.get(path, headers=headers)
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                errors += 1

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "requests_per_second": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "records.json")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    with Stack(components=("records",), ports=(18600, 18700)) as stack:
        records = Records(stack)
        token = login(records, "karim")
        conversation = "bench-records"
        status, _ = records.call(
            "POST",
            "/assistant/links",
            {"conversation_id": conversation},
            Authorization=f"Bearer {token}",
        )
        assert status == 201, status
        user = {"Authorization": f"Bearer {token}"}
        assistant = {
            "Authorization": f"Bearer {stack.service_token}",
            "X-Conversation-Id": conversation,
        }
        cases = {
            "GET /health": ("/health", {}),
            "GET /me/appointments (session)": ("/me/appointments?upcoming=true", user),
            "GET /me/documents (session)": ("/me/documents", user),
            "GET /me/documents (assistant)": ("/me/documents", assistant),
        }
        base = stack.url("records")
        results = {
            name: asyncio.run(hammer(base, path, headers, args.seconds, args.clients))
            for name, (path, headers) in cases.items()
        }
        memory = stack.memory_mb()

    report = {
        "what": "records requests per second, one uvicorn worker, SQLite, concurrent clients",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": os.getloadavg()},
        "clients": args.clients,
        "seconds_per_route": args.seconds,
        "routes": results,
        "records_memory_mb": memory.get("records"),
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
