"""The four real processes on test ports, started the way the Procfile starts them.

Standard library only, so both virtual environments can import it (tests, benchmarks):

    with Stack() as stack:
        stack.url("gateway")          # http://127.0.0.1:184xx
        stack.stop_component("rasa")  # for the "Rasa is down" test
        stack.start_component("rasa")

Each process logs to a file in the stack's temporary DATA_DIR; when something fails to
start, the error message carries the tail of every log. Ports come from 18400-18499.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
COMPONENTS = ("records", "actions", "rasa", "gateway")
# Seconds to wait for each component's health route; Rasa loads TensorFlow and the model.
# STACK_RASA_READY_SECONDS: more time for Rasa on a machine shared by several test runs.
READY_TIMEOUT = {
    "records": 60.0,
    "actions": 60.0,
    "rasa": float(os.environ.get("STACK_RASA_READY_SECONDS") or 240.0),
    "gateway": 60.0,
}


class StackError(RuntimeError):
    pass


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(start: int, end: int) -> int:
    """The first free local port in [start, end)."""
    return _free_ports(1, start, end)[0]


def _free_ports(count: int, start: int, end: int) -> list[int]:
    ports = list(itertools.islice((p for p in range(start, end) if port_is_free(p)), count))
    if len(ports) < count:
        raise StackError(f"not enough free ports in {start}-{end}")
    return ports


def http_json(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[int, Any]:
    """One HTTP call with the standard library; returns (status, decoded JSON or text)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


class Stack:
    def __init__(
        self,
        data_dir: Path | None = None,
        model_dir: Path | None = None,
        ports: tuple[int, int] = (18400, 18500),
        components: tuple[str, ...] = COMPONENTS,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.components = components
        self._own_tmp = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="mes-stack-"))
        self.log_dir = self.data_dir / "logs"
        outer_data = Path(os.environ.get("DATA_DIR") or REPO / "var")
        self.model_dir = Path(
            model_dir or os.environ.get("STACK_MODEL_DIR") or outer_data / "models"
        )
        # STACK_PORTS="18700-18800": another range, when several stacks start at once on one
        # machine (Rasa binds its port late, so a free-port check alone can collide).
        if os.environ.get("STACK_PORTS"):
            low, high = os.environ["STACK_PORTS"].split("-")
            ports = (int(low), int(high))
        port_list = _free_ports(len(COMPONENTS), *ports)
        self.ports = dict(zip(COMPONENTS, port_list, strict=True))
        self.extra_env = extra_env or {}
        # Each stack has its own secrets, shared by its processes as `make run` shares its own.
        self.secrets = {
            name: secrets.token_urlsafe(32)
            for name in (
                "RECORDS_SERVICE_TOKEN",
                "GATEWAY_INTERNAL_TOKEN",
                "ACTIONS_TOKEN",
                "RASA_TOKEN",
            )
        }
        self._procs: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: dict[str, Any] = {}

    # URLs and environment ------------------------------------------------------------------

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def rasa_api(self, path: str) -> str:
        """URL of a route of Rasa's HTTP API or REST channel, with the stack's Rasa token."""
        separator = "&" if "?" in path else "?"
        return f"{self.url('rasa')}{path}{separator}token={self.rasa_token}"

    @property
    def service_token(self) -> str:
        return self.secrets["RECORDS_SERVICE_TOKEN"]

    @property
    def internal_token(self) -> str:
        return self.secrets["GATEWAY_INTERNAL_TOKEN"]

    @property
    def rasa_token(self) -> str:
        return self.secrets["RASA_TOKEN"]

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("VIRTUAL_ENV", "PYTHONHOME"))
        }
        env.update(
            {
                "ENVIRONMENT": "test",
                "DATA_DIR": str(self.data_dir),
                "DATABASE_URL": f"sqlite:///{self.data_dir / 'records.db'}",
                "RECORDS_URL": self.url("records"),
                **self.secrets,
                "RASA_URL": self.url("rasa"),
                "ACTIONS_URL": self.url("actions") + "/webhook",
                "TRACKER_DB": str(self.data_dir / "rasa_tracker.db"),
                "RASA_PORT": str(self.ports["rasa"]),
                "RASA_MODEL": str(self.model_dir),
                "RASA_TELEMETRY_ENABLED": "false",
                "PYTHONDONTWRITEBYTECODE": "1",
                # The gateway tries queued messages again every second in tests.
                "RETRY_INTERVAL_SECONDS": "1",
                "VOICE_ENGINE": "espeak",
                # Every test talks from 127.0.0.1: the per-address limits are lifted here
                # (tests/gateway/test_limits.py tests them).
                "CONVERSATIONS_PER_ADDRESS_PER_MINUTE": "100000",
                "MESSAGES_PER_ADDRESS_PER_MINUTE": "100000",
            }
        )
        env.pop("REDIS_URL", None)
        env.pop("GATEWAY_DATABASE_URL", None)  # the embedded default: SQLite in DATA_DIR
        env.pop("TRACKER_DB_URL", None)
        env.pop("LOCK_STORE", None)
        env.pop("RASA_ENDPOINTS", None)
        env.pop("RASA_EXTRA_ARGS", None)
        env.update(self.extra_env)
        return env

    def command(self, name: str) -> tuple[list[str], Path]:
        venv, rasa_venv = REPO / ".venv" / "bin", REPO / ".venv-rasa" / "bin"
        port = str(self.ports[name])
        if name == "records":
            uvicorn = [str(venv / "uvicorn"), "records.main:app"]
            return [*uvicorn, "--host", "127.0.0.1", "--port", port], REPO
        if name == "actions":
            python = str(rasa_venv / "python")
            return [python, "-m", "actions.server", "--port", port], REPO
        if name == "rasa":
            return [str(REPO / "scripts" / "rasa-run.sh")], REPO
        if name == "gateway":
            uvicorn = [str(venv / "uvicorn"), "bot.main:app", "--no-proxy-headers"]
            return [*uvicorn, "--host", "127.0.0.1", "--port", port], REPO
        raise StackError(f"unknown component {name}")

    # Life cycle ----------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def prepare_records(self) -> None:
        """Migrate and seed the records database, as `make migrate seed` does."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / "records-setup.log"
        steps = [
            ([str(REPO / ".venv" / "bin" / "alembic"), "upgrade", "head"], REPO / "records"),
            ([str(REPO / ".venv" / "bin" / "python"), "-m", "records.seed", "--if-empty"], REPO),
        ]
        with open(log, "ab") as out:
            for cmd, cwd in steps:
                result = subprocess.run(  # noqa: S603 - fixed commands of this repository
                    cmd, cwd=cwd, env=self.env(), stdout=out, stderr=subprocess.STDOUT, timeout=300
                )
                if result.returncode != 0:
                    raise StackError(f"{' '.join(cmd)} failed\n{self.tail('records-setup')}")
        with sqlite3.connect(self.data_dir / "records.db") as db:
            self._seeded_accounts = {row[0] for row in db.execute("SELECT id FROM accounts")}

    def reset_people(self) -> None:
        """Undo what earlier tests did to the demo people's accounts: the spaces they created,
        their activations, refusals and the limits they counted. Each test can then activate
        a demo person again (the record data and the access log stay as they are)."""
        with sqlite3.connect(self.data_dir / "records.db") as db:
            db.execute("PRAGMA foreign_keys = ON")
            for (account_id,) in db.execute("SELECT id FROM accounts").fetchall():
                if account_id not in self._seeded_accounts:
                    db.execute("DELETE FROM accounts WHERE id = ?", (account_id,))
            db.execute(
                "DELETE FROM activations WHERE person_id NOT IN (SELECT person_id FROM accounts)"
            )
            db.execute("DELETE FROM refusals")
            db.execute("DELETE FROM rate_counters")

    def start(self) -> None:
        """Start every component, slowest first, and wait until all of them are healthy."""
        try:
            if "records" in self.components:
                self.prepare_records()
            if "rasa" in self.components and not self._model_present():
                raise StackError(
                    f"no trained Rasa model in {self.model_dir}: run `make train` first"
                )
            for name in sorted(self.components, key=lambda n: n != "rasa"):
                self._spawn(name)
            for name in self.components:
                self.wait_ready(name)
        except BaseException:
            report = self.report()
            self.stop()
            raise StackError(f"the test stack did not start\n{report}") from None

    def _model_present(self) -> bool:
        if self.model_dir.is_file():
            return True
        return self.model_dir.is_dir() and any(self.model_dir.glob("*.tar.gz"))

    def _spawn(self, name: str) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        cmd, cwd = self.command(name)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop
        log.write(f"\n==== start {time.strftime('%H:%M:%S')}\n".encode())
        log.flush()
        self._logs[name] = log
        self._procs[name] = subprocess.Popen(  # noqa: S603 - fixed commands of this repository
            cmd,
            cwd=cwd,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stop() ends its children too
        )

    def health_url(self, name: str) -> str:
        return self.rasa_api("/status") if name == "rasa" else self.url(name) + "/health"

    def is_ready(self, name: str) -> bool:
        try:
            status, body = http_json("GET", self.health_url(name), timeout=2)
        except (OSError, urllib.error.URLError):
            return False
        if name == "rasa":
            return status == 200 and isinstance(body, dict) and bool(body.get("model_file"))
        return status == 200

    def wait_ready(self, name: str, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or READY_TIMEOUT[name])
        while time.monotonic() < deadline:
            proc = self._procs.get(name)
            if proc is None or proc.poll() is not None:
                raise StackError(f"{name} exited before it was ready\n{self.tail(name)}")
            if self.is_ready(name):
                return
            time.sleep(0.5)
        raise StackError(f"{name} was not ready in time\n{self.tail(name)}")

    def stop_component(self, name: str, timeout: float = 15.0) -> None:
        proc = self._procs.pop(name, None)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=timeout)
        log = self._logs.pop(name, None)
        if log is not None:
            log.close()

    def freeze_component(self, name: str) -> None:
        """SIGSTOP the component's processes: connections are accepted, nothing is answered
        (a process stuck in a long pause, as in an outage that heals by itself)."""
        os.killpg(self._procs[name].pid, signal.SIGSTOP)

    def thaw_component(self, name: str) -> None:
        os.killpg(self._procs[name].pid, signal.SIGCONT)

    def start_component(self, name: str, wait: bool = True) -> None:
        self.stop_component(name)
        self._spawn(name)
        if wait:
            self.wait_ready(name)

    def stop(self) -> None:
        for name in reversed(COMPONENTS):
            self.stop_component(name)

    def cleanup(self) -> None:
        """Stop, then remove the temporary data folder (keep it when a test failed)."""
        self.stop()
        if self._own_tmp:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # Diagnostics ---------------------------------------------------------------------------

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return f"---- {name}: no log"
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        return f"---- {name} ({path})\n" + "\n".join(text)

    def memory_mb(self) -> dict[str, float]:
        """Resident memory of each component, its child processes included (Linux /proc)."""
        groups: dict[int, str] = {proc.pid: name for name, proc in self._procs.items()}
        totals = dict.fromkeys(groups.values(), 0.0)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                status = (entry / "status").read_text()
            except OSError:
                continue
            name = groups.get(int(stat[2]))  # field 5 of stat: the process group
            if name is None:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    totals[name] += int(line.split()[1]) / 1024
        return {name: round(value, 1) for name, value in totals.items()}

    def report(self) -> str:
        names = ["records-setup", *self.components]
        return "\n".join(self.tail(name) for name in names)
