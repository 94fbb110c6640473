"""The load and fault test of the scale-out (`make bench`; a short one in `make test`).

    .venv/bin/python tests/scale/run.py --users 50 --out benchmarks/scale.json

1. `scale`: starts `scripts/scale.sh` (HAProxy, 2 of each process, PostgreSQL, Redis) on the
   ports of the environment, adds N people to records with an account each, runs Locust
   headless through the load balancer (each user: log in, list appointments, book one, cancel
   it), and SIGKILLs one gateway, one Rasa and one records replica midway (their supervisor
   starts them again). Then checks every conversation's history (each message the user sent
   is there once and was answered), each person's booked appointment (exactly one, cancelled)
   and the outbox (every message sent, none pending or failed).
2. `embedded`: the same load on the embedded default (one process each, SQLite), no kill.
Writes throughput, p50/p95/p99 and errors of both to the output file. Exit 1 when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from support.stack import Stack, http_json  # noqa: E402

VENV = REPO / ".venv" / "bin"


def ports() -> dict[str, int]:
    names = ["GATEWAY", "RASA", "ACTIONS", "RECORDS"]
    defaults = {"GATEWAY": 8080, "RASA": 5005, "ACTIONS": 5055, "RECORDS": 8000}
    found = {}
    for name in names:
        base = int(os.environ.get(f"{name}_PORT", defaults[name]))
        found[name] = base
        for i in (1, 2):
            found[f"{name}{i}"] = int(os.environ.get(f"{name}{i}_PORT", base + i))
    return found


def wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - local
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s")


def pid_on(port: int) -> int | None:
    out = subprocess.run(
        ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=False
    ).stdout
    for part in out.split("pid=")[1:]:
        return int(part.split(",")[0])
    return None


def scale_records_url(env: dict[str, str]) -> str:
    """The records database scripts/scale.sh uses (same variables, same defaults)."""
    password = env.get("SCALE_PG_PASSWORD", "")
    user = env.get("SCALE_PG_USER", "postgres") + (f":{password}" if password else "")
    host = f"{env.get('SCALE_PG_HOST', '127.0.0.1')}:{env.get('SCALE_PG_PORT', '5432')}"
    return f"postgresql+psycopg://{user}@{host}/{env.get('SCALE_DB_PREFIX', 'mes_scale')}_records"


def read_secrets(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def run_locust(users: int, env: dict[str, str], workdir: Path, run_time: int) -> Path:
    prefix = workdir / "locust"
    cmd = [
        str(VENV / "locust"), "-f", str(REPO / "tests" / "scale" / "locustfile.py"),
        "--headless", "-u", str(users), "-r", str(max(1, users // 10)),
        "--run-time", f"{run_time}s", "--stop-timeout", "30", "--csv", str(prefix),
        "--only-summary", "--exit-code-on-error", "0",
    ]  # fmt: skip
    subprocess.run(
        cmd, env={**env, "PYTHONPATH": f"{REPO}:{REPO / 'tests'}"}, check=False, cwd=REPO
    )
    return prefix


def locust_numbers(prefix: Path, seconds: float) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    per_step = {
        r["Name"]: {
            "requests": int(r["Request Count"]),
            "errors": int(r["Failure Count"]),
            "p50_ms": float(r["50%"]),
            "p95_ms": float(r["95%"]),
            "p99_ms": float(r["99%"]),
        }
        for r in rows
        if r["Name"] != "Aggregated"
    }
    return {
        "messages": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "messages_per_second": round(int(total["Request Count"]) / seconds, 2),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "steps": per_step,
    }


def answered_twice(messages: list[dict]) -> int:
    """User messages after which the same bot text comes twice (an answer delivered twice)."""
    count, block = 0, None
    for m in [*messages, {"from": "user"}]:
        if m["from"] == "user":
            texts = [t for t in (block or []) if t]
            count += len(texts) != len(set(texts))
            block = []
        elif m["from"] == "bot" and block is not None:
            block.append(m.get("text", ""))
    return count


def check_conversations(results: list[dict], gateway: str) -> list[str]:
    failures = []
    for r in results:
        if not r["ok"]:
            failures.append(
                f"{r['person']}: conversation did not finish: {r.get('error', '')[:300]}"
            )
        cid = r.get("conversation_id")
        if not cid:
            continue
        status, body = http_json("GET", f"{gateway}/api/conversations/{cid}")
        if status != 200:
            failures.append(f"{r['person']}: history HTTP {status}")
            continue
        messages = body["messages"]
        users = [m for m in messages if m["from"] == "user"]
        if len(users) != r["sent"]:
            failures.append(f"{r['person']}: {r['sent']} messages sent, {len(users)} in history")
        unanswered = [
            i for i, m in enumerate(messages)
            if m["from"] == "user" and (i + 1 == len(messages) or messages[i + 1]["from"] == "user")
        ]  # fmt: skip
        if unanswered:
            failures.append(f"{r['person']}: {len(unanswered)} messages without an answer")
        twice = answered_twice(messages)
        if twice:
            failures.append(f"{r['person']}: {twice} messages answered twice")
    return failures


def check_records(database_url: str, people: list[dict], since: datetime) -> tuple[list[str], dict]:
    """Appointments and outbox messages of this run (the people may come from an earlier one)."""
    import sqlalchemy as sa

    from records.db import Database
    from records.models import Appointment, OutboxMessage, Person
    from records.settings import Settings

    database = Database(Settings(environment="development", database_url=database_url))
    failures: list[str] = []
    serials = [p["vitale_serial"] for p in people]
    phones = [p["phone"] for p in people]
    with database.session() as s:
        ids = dict(
            s.execute(
                sa.select(Person.id, Person.vitale_serial).where(Person.vitale_serial.in_(serials))
            ).all()
        )
        appts = s.execute(
            sa.select(Appointment.person_id, Appointment.cancelled_at).where(
                Appointment.person_id.in_(list(ids)),
                Appointment.professional_kind == "dentiste",
                Appointment.created_at >= since,
            )
        ).all()
        per_person: dict[str, list] = {}
        for person_id, cancelled in appts:
            per_person.setdefault(person_id, []).append(cancelled)
        for person_id, serial in ids.items():
            booked = per_person.get(person_id, [])
            if len(booked) != 1:
                failures.append(f"person {serial}: {len(booked)} dentist appointments, not 1")
            elif booked[0] is None:
                failures.append(f"person {serial}: the appointment was not cancelled")
        rows = s.execute(
            sa.select(OutboxMessage.status, OutboxMessage.attempts).where(
                OutboxMessage.to.in_(phones), OutboxMessage.created_at >= since
            )
        ).all()
    database.engine.dispose()
    statuses: dict[str, int] = {}
    for status, _ in rows:
        statuses[status] = statuses.get(status, 0) + 1
    outbox = {
        "messages": len(rows),
        "by_status": statuses,
        "sent_after_a_lost_claim": sum(1 for _, attempts in rows if attempts > 1),
    }
    if set(statuses) - {"sent"}:
        failures.append(f"outbox: {statuses}")
    return failures, outbox


def load(
    users: int,
    gateway: str,
    records: str,
    token: str,
    env: dict,
    workdir: Path,
    run_time: int,
    kill: dict[str, float] | None = None,
) -> tuple[dict, list[dict], list[dict]]:
    people_file, results_file = workdir / "people.json", workdir / "results.jsonl"
    subprocess.run(
        [str(VENV / "python"), str(REPO / "tests" / "scale" / "people.py"), "--count", str(users),
         "--records", records, "--token", token, "--out", str(people_file)],
        env={**env, "PYTHONPATH": f"{REPO}:{REPO / 'tests'}"}, check=True, cwd=REPO,
    )  # fmt: skip
    results_file.unlink(missing_ok=True)
    locust_env = {
        **env,
        "SCALE_GATEWAY": gateway,
        "SCALE_RECORDS": records,
        "SCALE_SERVICE_TOKEN": token,
        "SCALE_PEOPLE": str(people_file),
        "SCALE_RESULTS": str(results_file),
    }
    killed: list[dict] = []
    if kill:

        def killer() -> None:
            time.sleep(kill.pop("after"))
            for name, port in kill.items():
                pid = pid_on(int(port))
                if pid:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(
                        {
                            "replica": name,
                            "port": port,
                            "at_s": round(time.monotonic() - started, 1),
                        }
                    )
                    print(f"scale test: {name} (pid {pid}) killed", flush=True)

        threading.Thread(target=killer, daemon=True).start()
    started = time.monotonic()
    prefix = run_locust(users, locust_env, workdir, run_time)
    seconds = time.monotonic() - started
    numbers = locust_numbers(prefix, seconds)
    numbers.update(users=users, seconds=round(seconds, 1))
    results = [json.loads(line) for line in results_file.read_text().splitlines()]
    numbers["conversations_finished"] = sum(1 for r in results if r["ok"])
    return numbers, results, killed


def run_scale(args: argparse.Namespace, workdir: Path) -> tuple[dict, list[str]]:
    p = ports()
    env = {
        **os.environ,
        "ENVIRONMENT": os.environ.get("ENVIRONMENT", "development"),
        "CONVERSATIONS_PER_ADDRESS_PER_MINUTE": "100000",
        "MESSAGES_PER_ADDRESS_PER_MINUTE": "100000",
    }
    env["DATABASE_URL"] = env.get("DATABASE_URL") or scale_records_url(env)
    data_dir = Path(env.get("DATA_DIR") or REPO / "var")
    log = open(workdir / "scale.log", "wb")  # noqa: SIM115 - open for the topology's life
    topology = subprocess.Popen(  # noqa: S603 - this repository's script
        [str(REPO / "scripts" / "scale.sh")], env=env, cwd=REPO, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        lb = {name: f"http://127.0.0.1:{p[name]}" for name in ("GATEWAY", "RASA", "RECORDS")}
        wait_http(lb["RECORDS"] + "/health", 300)
        wait_http(lb["GATEWAY"] + "/health", 300)
        for i in (1, 2):  # both Rasa replicas: a kill must leave one serving
            wait_http(f"http://127.0.0.1:{p[f'RASA{i}']}/", args.rasa_ready)
        print("scale test: topology ready", flush=True)
        token = read_secrets(data_dir / "secrets.env")["RECORDS_SERVICE_TOKEN"]
        kill = {
            "after": args.kill_after,
            "gateway1": p["GATEWAY1"],
            "rasa1": p["RASA1"],
            "records1": p["RECORDS1"],
        }
        since = datetime.now(timezone.utc)
        numbers, results, killed = load(
            args.users, lb["GATEWAY"], lb["RECORDS"], token, env, workdir, args.run_time, kill
        )
        time.sleep(5)  # the outbox workers deliver what is left (they poll every 2 s)
        failures = check_conversations(results, lb["GATEWAY"])
        people = json.loads((workdir / "people.json").read_text())
        more, outbox = check_records(env["DATABASE_URL"], people, since)
        failures += more
        if len(killed) != 3:  # the fault is the point: a load over before it proves nothing
            failures.append(f"{len(killed)} of 3 replicas killed: the load ended first")
        numbers.update(killed=killed, outbox=outbox, checks_failed=len(failures))
        return numbers, failures
    finally:
        os.killpg(topology.pid, signal.SIGTERM)
        try:
            topology.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(topology.pid, signal.SIGKILL)


def run_embedded(args: argparse.Namespace, workdir: Path) -> tuple[dict, list[str]]:
    extra = {"ENVIRONMENT": "development"}  # /dev/outbox, as in `make run`
    model = os.environ.get("STACK_MODEL_DIR") or os.environ.get("RASA_MODEL")
    with Stack(model_dir=Path(model) if model else None, extra_env=extra) as stack:
        env = {**os.environ, **stack.env()}
        since = datetime.now(timezone.utc)
        numbers, results, _ = load(
            args.users, stack.url("gateway"), stack.url("records"), stack.service_token, env,
            workdir, args.run_time,
        )  # fmt: skip
        failures = check_conversations(results, stack.url("gateway"))
        people = json.loads((workdir / "people.json").read_text())
        more, outbox = check_records(env["DATABASE_URL"], people, since)
        numbers.update(outbox=outbox, checks_failed=len(failures + more))
        return numbers, failures + more


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--run-time", type=int, default=900, help="Locust's limit, seconds")
    parser.add_argument("--kill-after", type=float, default=60.0)
    parser.add_argument("--rasa-ready", type=float, default=900.0)
    parser.add_argument("--only", choices=["scale", "embedded"])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "scale.json")
    args = parser.parse_args()
    # --only adds its mode to the numbers already in the file.
    report: dict = json.loads(args.out.read_text()) if args.only and args.out.exists() else {}
    report |= {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores (shared with other work while measured)",
        "scenario": "log in, list appointments, book a dentist appointment, cancel it (chat)",
    }
    failed: list[str] = []
    for mode, runner in (("scale", run_scale), ("embedded", run_embedded)):
        if args.only and args.only != mode:
            continue
        workdir = Path(tempfile.mkdtemp(prefix=f"scale-{mode}-"))
        try:
            numbers, failures = runner(args, workdir)
        except Exception as exc:  # the other mode's numbers are still written
            numbers, failures = {"error": f"{type(exc).__name__}: {exc}"[:2000]}, [str(exc)[:300]]
        report[mode] = numbers
        for failure in failures:
            print(f"FAILED [{mode}] {failure}", flush=True)
        failed += failures
        print(f"scale test [{mode}]: {json.dumps(numbers)}", flush=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print("scale test:", "FAILED" if failed else "passed", f"({args.out})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
