"""Check a running `make scale` from outside, through HAProxy (standard library only).

    .venv/bin/python tests/support/scale_check.py --kill-pid <pid of one gateway replica>

Conversations go through the load balancer, so their messages and their event streams land
on both replicas; then one replica is killed with SIGKILL and every conversation sends one
more message. It passes when every message got its answer once, on the stream too.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import http_json  # noqa: E402


def read_stream(url: str, after: int, seen: list[dict], stop: threading.Event) -> None:
    """Collect `message` events (ids after `after`) until `stop` or the stream ends."""
    request = urllib.request.Request(url + f"?after={after}")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            event = None
            for raw in response:
                if stop.is_set():
                    return
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                elif line.startswith("data: ") and event == "message":
                    seen.append(json.loads(line.removeprefix("data: ")))
    except OSError:
        return  # the replica serving it died: the widget would reconnect


def wait_answers(seen: list[dict], texts: list[str], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = [m["text"] for m in list(seen) if m["from"] == "bot"]
        if all(text in " ".join(got) for text in texts):
            return True
        time.sleep(0.1)
    return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lb", default="http://127.0.0.1:8080")
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--kill-pid", type=int, help="a gateway replica to SIGKILL midway")
    args = parser.parse_args()
    failures: list[str] = []

    ids = []
    for _ in range(args.conversations):
        status, body = http_json("POST", args.lb + "/api/conversations")
        assert status == 201, (status, body)
        ids.append(body["conversation_id"])
    streams: dict[str, list[dict]] = {cid: [] for cid in ids}
    stop = threading.Event()
    for cid in ids:
        url = f"{args.lb}/api/conversations/{cid}/events"
        threading.Thread(target=read_stream, args=(url, 0, streams[cid], stop), daemon=True).start()
    time.sleep(1)
    for cid in ids:
        status, body = http_json(
            "POST", f"{args.lb}/api/conversations/{cid}/messages", {"text": "bonjour"}
        )
        if status != 200 or not body["messages"]:
            failures.append(f"first message: HTTP {status}")
    for cid in ids:
        if not wait_answers(streams[cid], [""], 10):
            failures.append("an answer did not reach the event stream")
    print(f"{len(ids)} conversations answered through the load balancer, streams included")

    if args.kill_pid:
        os.kill(args.kill_pid, signal.SIGKILL)
        print(f"replica {args.kill_pid} killed")
        started = time.monotonic()
        for cid in ids:
            status, body = http_json(
                "POST",
                f"{args.lb}/api/conversations/{cid}/messages",
                {"text": "je veux prendre un rendez-vous"},
            )
            if status != 200:
                failures.append(f"after the kill: HTTP {status}")
        print(f"second messages sent in {time.monotonic() - started:.1f} s")
        stop.set()
        for cid in ids:  # reconnect as the widget does, from the start of the history
            status, body = http_json("GET", f"{args.lb}/api/conversations/{cid}")
            users = [m for m in body["messages"] if m["from"] == "user"]
            bots = [m for m in body["messages"] if m["from"] != "user"]
            if len(users) != 2 or len(bots) < 2:
                failures.append(f"history: {len(users)} user messages, {len(bots)} answers")
            texts = [m["text"] for m in body["messages"]]
            if len(texts) != len(set((m["id"]) for m in body["messages"])):
                failures.append("a message appears twice")
    for failure in failures:
        print("FAILED", failure)
    print("scale check:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
