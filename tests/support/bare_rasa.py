"""A bare Rasa bot (`rasa init --no-prompt`), served beside the project as a yardstick.

The benchmark compares a turn of our assistant with a turn of the bot every Rasa user starts
from, measured in the same run on the same machine. The bare bot is made by Rasa itself (its
starter project, trained by `rasa init`), kept under $DATA_DIR/bench/bare-rasa-<version>: it is
trained again only when the Rasa version changes, since the same Rasa builds the same bot.

Standard library only (both virtual environments import the support package).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from support.stack import REPO, http_json, port_is_free

RASA = REPO / ".venv-rasa" / "bin" / "rasa"


def rasa_version() -> str:
    python = REPO / ".venv-rasa" / "bin" / "python"
    return subprocess.run(  # noqa: S603 - this repository's interpreter
        [str(python), "-c", "import rasa; print(rasa.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _port_from_top() -> int:
    """A free port from the top of STACK_PORTS (the stack takes its ports from the bottom)."""
    low, high = (os.environ.get("STACK_PORTS") or "18400-18500").split("-")
    for port in range(int(high) - 1, int(low) - 1, -1):
        if port_is_free(port):
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


class BareRasa:
    def __init__(self, data_dir: Path | None = None) -> None:
        root = Path(data_dir or os.environ.get("DATA_DIR") or REPO / "var")
        self.version = rasa_version()
        self.folder = root / "bench" / f"bare-rasa-{self.version}"
        self.train_seconds: float | None = None  # None: the model of an earlier run was used
        self.port = 0
        self.token = "bare-bench"  # noqa: S105 - a local throwaway bot, no data in it
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = None

    def model_present(self) -> bool:
        return any((self.folder / "models").glob("*.tar.gz"))

    def ensure_model(self) -> None:
        """`rasa init --no-prompt` (writes the starter project and trains it) when needed."""
        if self.model_present():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with open(self.folder.parent / f"bare-rasa-{self.version}-init.log", "wb") as log:
            subprocess.run(  # noqa: S603 - Rasa's own command
                [str(RASA), "init", "--no-prompt", "--init-dir", str(self.folder)],
                cwd=self.folder,
                env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                check=True,
                timeout=1800,
            )
        self.train_seconds = round(time.monotonic() - started, 1)
        if not self.model_present():
            raise RuntimeError(f"rasa init trained no model in {self.folder}")

    def start(self) -> None:
        """Serve the bare bot (its own default endpoints: in-memory tracker, no actions)."""
        self.ensure_model()
        self.port = _port_from_top()
        self._log = open(self.folder.parent / "bare-rasa-run.log", "ab")  # noqa: SIM115
        self._proc = subprocess.Popen(  # noqa: S603 - Rasa's own command
            [str(RASA), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(self.port),
             "--auth-token", self.token, "--model", "models"],
            cwd=self.folder,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 900.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                raise RuntimeError("the bare Rasa bot exited; see bench/bare-rasa-run.log")
            with contextlib.suppress(OSError):
                status, body = http_json("GET", self.api("/status"), timeout=2)
                if status == 200 and isinstance(body, dict) and body.get("model_file"):
                    return
            time.sleep(0.5)
        raise RuntimeError("the bare Rasa bot was not ready in time")

    def api(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}{path}{separator}token={self.token}"

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait(timeout=20)
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
