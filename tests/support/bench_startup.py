"""Start-up benchmark: `make run` on an installed, trained checkout, timed until the widget's
chat API answers a message with the bot's words. Writes a JSON file.

    .venv/bin/python tests/support/bench_startup.py --out benchmarks/startup.json

Runs the real `make run` (setup, migrate, seed, model check, then the four processes under
honcho) in a temporary DATA_DIR (under $DATA_DIR/bench) holding a copy of the trained model,
on ports of STACK_PORTS, twice: the first start (empty databases: migrations and seed run) and
a restart.
Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.stack import REPO, _free_ports, http_json  # noqa: E402

TARGET_SECONDS = 60.0
# Lines of `make run`'s output that end a step (the first match of each is timed).
STEPS = {
    "setup": "environments ready",
    "migrate": "-m bot.db",
    "seed": "records.seed",
    "model_check": "model is current",
    "secrets": "development secrets",
}


def model_source() -> Path:
    explicit = os.environ.get("STACK_MODEL_DIR")
    data_dir = Path(os.environ.get("DATA_DIR") or REPO / "var")
    return Path(explicit) if explicit else data_dir / "models"


def up(url: str) -> bool:
    try:
        status, _ = http_json("GET", url, timeout=2)
    except OSError:
        return False
    return status == 200


class Widget:
    """What the widget does: open one conversation, send a greeting, read the answer."""

    def __init__(self, gateway: str, rasa: str) -> None:
        self.gateway, self.rasa = gateway, rasa
        self.conversation: str | None = None

    def answered(self) -> bool:
        # Rasa's root answers once its model is loaded (it binds its port after loading): no
        # message is sent before, so none waits in the gateway's retry queue.
        if not (up(self.gateway + "/health") and up(self.rasa + "/")):
            return False
        try:
            if self.conversation is None:
                status, body = http_json("POST", self.gateway + "/api/conversations", timeout=5)
                if status != 201:
                    return False
                self.conversation = body["conversation_id"]
            url = f"{self.gateway}/api/conversations/{self.conversation}/messages"
            status, body = http_json("POST", url, {"text": "bonjour"}, timeout=30)
        except OSError:
            return False
        return status == 200 and any(m.get("from") == "bot" for m in body.get("messages", []))


def one_start(data_dir: Path, timeout: float) -> dict:
    records, actions, rasa, gateway = _free_ports(4, *_port_range())
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "RECORDS_PORT": str(records),
        "ACTIONS_PORT": str(actions),
        "RASA_PORT": str(rasa),
        "GATEWAY_PORT": str(gateway),
        "RECORDS_URL": f"http://127.0.0.1:{records}",
        "ACTIONS_URL": f"http://127.0.0.1:{actions}/webhook",
        "RASA_URL": f"http://127.0.0.1:{rasa}",
    }
    for name in ("ENVIRONMENT", "DATABASE_URL", "GATEWAY_DATABASE_URL", "REDIS_URL", "MAKEFLAGS"):
        env.pop(name, None)
    widget = Widget(f"http://127.0.0.1:{gateway}", f"http://127.0.0.1:{rasa}")
    log_path = data_dir / "make-run.log"
    marks: dict[str, float] = {}
    started = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(  # noqa: S603 - this repository's make target
            ["make", "--no-print-directory", "run", f"DATA_DIR={data_dir}"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

        def read() -> None:
            assert proc.stdout is not None
            for raw in proc.stdout:
                log.write(raw)
                line = raw.decode("utf-8", "replace")
                for step, marker in STEPS.items():
                    if step not in marks and marker in line:
                        marks[step] = round(time.monotonic() - started, 1)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        answer_at = None
        try:
            deadline = started + timeout
            while time.monotonic() < deadline and proc.poll() is None:
                if widget.answered():
                    answer_at = round(time.monotonic() - started, 1)
                    break
                time.sleep(0.5)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
            reader.join(timeout=5)
    if answer_at is None:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"make run did not answer within {timeout:.0f} s\n{tail}")
    before_processes = marks.get("secrets", 0.0)
    return {
        "seconds_until_answer": answer_at,
        "step_done_at_seconds": marks,
        # From honcho's start to the first answer: Rasa importing TensorFlow and loading its
        # model is nearly all of it (the other three processes answer within seconds).
        "processes_until_answer_seconds": round(answer_at - before_processes, 1),
    }


def _port_range() -> tuple[int, int]:
    low, high = (os.environ.get("STACK_PORTS") or "18400-18500").split("-")
    return int(low), int(high)


def run(out: Path, timeout: float) -> dict:
    source = model_source()
    if not any(source.glob("*.tar.gz")):
        raise SystemExit(f"no trained model in {source}: run `make train` first")
    load_at_start = round(os.getloadavg()[0], 2)
    # Under DATA_DIR, not /tmp: other test runs on this machine clean /tmp.
    root = Path(os.environ.get("DATA_DIR") or REPO / "var") / "bench"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="startup-", dir=root) as tmp:
        data_dir = Path(tmp)
        # A trained checkout: the model and the stamp of its training inputs.
        shutil.copytree(source, data_dir / "models")
        first = one_start(data_dir, timeout)
        again = one_start(data_dir, timeout)
    worst = max(first["seconds_until_answer"], again["seconds_until_answer"])
    result = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "what": (
            "`make run` on an installed, trained checkout, until the widget's chat API opens a "
            "conversation and the bot answers a greeting; first start (empty databases) and a "
            "restart. step_done_at_seconds: when make's output showed each step done."
        ),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1m_at_start": load_at_start,
            "note": "2 shared cores; other work may run at the same time",
        },
        "target_seconds": TARGET_SECONDS,
        "first_start": first,
        "restart": again,
        "met": worst <= TARGET_SECONDS,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/startup.json"))
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    print(json.dumps(run(args.out, args.timeout), indent=2))


if __name__ == "__main__":
    main()
