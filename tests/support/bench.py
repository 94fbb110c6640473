"""Gateway benchmark (SPEC §7): a turn of conversation through the gateway, with actions
reaching records, measured interleaved with a bare Rasa bot (`rasa init`) served beside the
project in the same run; where the time of a turn goes (Rasa's NLU, Rasa's policies and tracker,
each action call, each records request, the gateway); audio through the gateway, uncached and
cached; memory of each process. Writes a JSON file.

    .venv/bin/python tests/support/bench.py --out benchmarks/gateway.json [--rounds 15]

Numbers, not a timed test: they depend on the machine (2 shared cores here).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.bare_rasa import BareRasa  # noqa: E402
from support.chat import login  # noqa: E402
from support.stack import Stack, http_json  # noqa: E402

# Each one makes the actions call records for the logged-in person, except the greeting.
MESSAGES = {
    "list_appointments": "quels sont mes prochains rendez-vous",
    "list_documents": "je veux voir mes documents",
    "access_history": "qui a vu mon dossier",
    "greet": "bonjour",
}
REACH_RECORDS = ("list_appointments", "list_documents", "access_history")
# The bare bot's own example conversation (its data/stories.yml), one message per turn.
BARE_MESSAGES = ["hello", "I am sad", "yes", "goodbye"]
FAILURE = "Le service ne marche pas"
TARGET_P95_RATIO = 2.0
TIMING = re.compile(r"timing (action|records)=(.+?) ms=([\d.]+)")


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def timed(method: str, url: str, body: object = None) -> tuple[float, int, object]:
    start = time.perf_counter()
    status, answer = http_json(method, url, body, timeout=60)
    return time.perf_counter() - start, status, answer


class ActionLog:
    """Reads the timing lines the action server wrote since the last call (TURN_TIMINGS=1)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0

    def since_last(self) -> dict[str, list]:
        time.sleep(0.02)  # the action server writes its line just after answering
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            text = log.read().decode("utf-8", "replace")
            self.offset = log.tell()
        found: dict[str, list] = {"actions": [], "records": []}
        for kind, what, ms in TIMING.findall(text):
            name = what.split(" status=")[0] if kind == "action" else " ".join(what.split()[:2])
            found["actions" if kind == "action" else "records"].append((name, float(ms)))
        return found


def median_ms(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


def breakdown(turns: list[dict]) -> dict:
    """Median cost of each part of one turn of a message (all rounds of it)."""
    first = turns[0]
    return {
        "gateway_round_trip_ms": median_ms([t["gateway_ms"] for t in turns]),
        "rasa_direct_round_trip_ms": median_ms([t["rasa_ms"] for t in turns]),
        "rasa_nlu_parse_ms": median_ms([t["parse_ms"] for t in turns]),
        "action_calls_per_turn": [name for name, _ in first["actions"]],
        "action_call_ms": {
            name: median_ms([t["actions"][i][1] for t in turns if len(t["actions"]) > i])
            for i, (name, _) in enumerate(first["actions"])
        },
        "records_requests_per_turn": [name for name, _ in first["records"]],
        "records_request_ms": {
            f"{i + 1}. {name}": median_ms(
                [t["records"][i][1] for t in turns if len(t["records"]) > i]
            )
            for i, (name, _) in enumerate(first["records"])
        },
        # What Rasa spends besides NLU and waiting for actions: policies, tracker store
        # (SQLite), its HTTP layer.
        "rasa_policies_tracker_and_http_ms": median_ms(
            [t["rasa_ms"] - t["parse_ms"] - sum(ms for _, ms in t["actions"]) for t in turns]
        ),
        # The gateway's own cost: the same message through the gateway minus straight to Rasa.
        "gateway_overhead_ms": median_ms([t["gateway_ms"] - t["rasa_ms"] for t in turns]),
    }


def run(rounds: int, out: Path) -> dict:
    bare = BareRasa()
    bare.ensure_model()
    # The stack's data under DATA_DIR, not /tmp: other test runs on this machine clean /tmp.
    data_dir = Path(tempfile.mkdtemp(prefix="stack-", dir=bare.folder.parent))
    bare.start()  # loads while the project's stack starts
    try:
        with Stack(data_dir=data_dir, extra_env={"TURN_TIMINGS": "1"}) as stack:
            bare.wait_ready()
            result = measure(stack, bare, rounds)
    finally:
        bare.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    voice = out.parent / "voice.json"
    if voice.exists():
        result["voice_engine_benchmark"] = json.loads(voice.read_text(encoding="utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def measure(stack: Stack, bare: BareRasa, rounds: int) -> dict:
    chat, _ = login(stack, "karim")
    gateway = f"{stack.url('gateway')}/api/conversations/{chat.conversation_id}"
    rasa = stack.rasa_api("/webhooks/rest/webhook")
    parse = stack.rasa_api("/model/parse")
    bare_rest = bare.api("/webhooks/rest/webhook")
    bare_parse = bare.api("/model/parse")
    for text in MESSAGES.values():  # warm-up: first calls load caches and connections
        chat.say(text)
    # One conversation for the bare bot too: a tracker grows with each turn in both bots.
    for text in BARE_MESSAGES:
        http_json("POST", bare_rest, {"sender": "bench", "message": text}, timeout=60)
    actions_log = ActionLog(stack.log_dir / "actions.log")

    turns: dict[str, list[dict]] = {label: [] for label in MESSAGES}
    bare_turns: list[float] = []
    bare_parses: list[float] = []

    def bare_turn(bare_text: str) -> None:
        body = {"sender": "bench", "message": bare_text}
        bare_elapsed, status, bare_answer = timed("POST", bare_rest, body)
        assert status == 200 and bare_answer, (status, bare_answer)
        bare_turns.append(bare_elapsed)
        parse_elapsed, status, _ = timed("POST", bare_parse, {"text": bare_text})
        assert status == 200
        bare_parses.append(parse_elapsed)

    answers_per_message: dict[str, int] = {}
    failures: dict[str, int] = {}
    load_at_start = round(os.getloadavg()[0], 2)
    started = time.monotonic()
    for _ in range(rounds):
        for (label, text), bare_text in zip(MESSAGES.items(), BARE_MESSAGES, strict=True):
            actions_log.since_last()
            elapsed, status, answer = timed("POST", gateway + "/messages", {"text": text})
            assert status == 200 and isinstance(answer, dict), (status, answer)
            replies = answer["messages"]
            assert replies, answer
            if FAILURE in json.dumps(replies, ensure_ascii=False):
                # Rasa did not answer within the gateway's timeout (a loaded machine): the
                # person waited that long, so the time counts; the failures are reported.
                failures[label] = failures.get(label, 0) + 1
            else:
                answers_per_message[label] = len(replies)
            gateway_parts = actions_log.since_last()

            # The bare bot, after each turn of ours: both see the same machine load, and its
            # conversation grows by as many turns as ours (Rasa's cost grows with the tracker).
            bare_turn(bare_text)
            body = {"sender": chat.conversation_id, "message": text}
            actions_log.since_last()
            rasa_elapsed, status, rasa_answer = timed("POST", rasa, body)
            assert status == 200 and rasa_answer, (status, rasa_answer)
            rasa_parts = actions_log.since_last()
            parse_elapsed, status, _ = timed("POST", parse, {"text": text})
            assert status == 200
            bare_turn(bare_text)
            turns[label].append(
                {
                    "gateway_ms": elapsed * 1000,
                    "rasa_ms": rasa_elapsed * 1000,
                    "parse_ms": parse_elapsed * 1000,
                    "actions": rasa_parts["actions"],
                    "records": rasa_parts["records"],
                    "gateway_actions": gateway_parts["actions"],
                }
            )
    measuring_seconds = round(time.monotonic() - started, 1)
    load_at_end = round(os.getloadavg()[0], 2)

    audio = measure_audio(stack, chat.conversation_id)
    memory = stack.memory_mb()

    def seconds(labels: tuple[str, ...], key: str) -> list[float]:
        return [t[key] / 1000 for label in labels for t in turns[label]]

    gateway_records = summary(seconds(REACH_RECORDS, "gateway_ms"))
    gateway_all = summary(seconds(tuple(MESSAGES), "gateway_ms"))
    gateway_greet = summary(seconds(("greet",), "gateway_ms"))
    bare_summary = summary(bare_turns)
    ratio = round(gateway_records["p95_ms"] / bare_summary["p95_ms"], 2)
    reaching = [t for label in REACH_RECORDS for t in turns[label]]

    def med(values: list[float]) -> float:
        return round(statistics.median(values), 1)

    # Where a turn that reaches records spends its time beyond a whole bare-bot turn.
    where_the_time_goes = {
        "gateway_turn_median_ms": gateway_records["p50_ms"],
        "bare_rasa_turn_median_ms": bare_summary["p50_ms"],
        "our_rasa_nlu_parse_median_ms": med([t["parse_ms"] for t in reaching]),
        "bare_rasa_nlu_parse_median_ms": summary(bare_parses)["p50_ms"],
        "action_calls_median_ms": med([sum(ms for _, ms in t["actions"]) for t in reaching]),
        "records_requests_median_ms": med([sum(ms for _, ms in t["records"]) for t in reaching]),
        "our_rasa_policies_tracker_http_median_ms": med(
            [t["rasa_ms"] - t["parse_ms"] - sum(ms for _, ms in t["actions"]) for t in reaching]
        ),
        "gateway_overhead_median_ms": med([t["gateway_ms"] - t["rasa_ms"] for t in reaching]),
        "inside_rasa": "benchmarks/turn-profile.json (tests/support/profile_turn.py)",
    }
    return {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1m_at_start": load_at_start,
            "load_average_1m_after_turns": load_at_end,
            "note": "2 shared cores; other work may run at the same time",
        },
        "what": (
            "Round trip of one user message, sequential, logged-in conversation, interleaved "
            "turn by turn with a bare Rasa bot (rasa init, same Rasa version) served in the same "
            "run; the bare bot's one conversation gets a turn after each of ours, so both "
            "trackers grow alike (Rasa's cost per turn grows with the conversation: by_round_ms). "
            "'rasa_direct' sends the same messages straight to our Rasa's REST channel: the "
            "difference is the gateway's cost. Breakdown: TURN_TIMINGS lines of the action "
            "server, Rasa's /model/parse, and differences of round trips (medians)."
        ),
        "rounds": rounds,
        "measuring_seconds": measuring_seconds,
        "bare_rasa": {
            "made_by": "rasa init --no-prompt",
            "rasa_version": bare.version,
            "messages": BARE_MESSAGES,
            "trained_this_run_seconds": bare.train_seconds,
            "note": "trained once per Rasa version and kept under $DATA_DIR/bench",
        },
        # Intent of each message and how many bot messages answered it (the French texts
        # themselves stay out of this file: the FALC linter would take them for user texts).
        "messages": list(MESSAGES),
        "bot_messages_per_answer": answers_per_message,
        "gateway_turns_answered_by_the_failure_message": failures,
        "turn": {
            "target_p95_ratio": TARGET_P95_RATIO,
            "p95_ratio_reaching_records": ratio,
            "p50_ratio_reaching_records": round(
                gateway_records["p50_ms"] / bare_summary["p50_ms"], 2
            ),
            "p95_ratio_not_reaching_records": round(
                gateway_greet["p95_ms"] / bare_summary["p95_ms"], 2
            ),
            "met": ratio <= TARGET_P95_RATIO,
            "where_the_time_goes": where_the_time_goes,
            "gateway_reaching_records": gateway_records,
            "gateway_not_reaching_records": gateway_greet,
            "gateway_all": gateway_all,
            "rasa_direct_all": summary(seconds(tuple(MESSAGES), "rasa_ms")),
            "bare_rasa": bare_summary,
            "bare_rasa_nlu_parse": summary(bare_parses),
            "project_rasa_nlu_parse": summary(seconds(tuple(MESSAGES), "parse_ms")),
        },
        "breakdown_per_message": {label: breakdown(turns[label]) for label in MESSAGES},
        # Round by round (the conversations grow): ours through the gateway for the first
        # message, the bare bot's median turn of that round.
        "by_round_ms": {
            "gateway_" + next(iter(MESSAGES)): [
                round(t["gateway_ms"]) for t in turns[next(iter(MESSAGES))]
            ],
            "bare_rasa_median": [
                round(statistics.median(bare_turns[i : i + 2 * len(MESSAGES)]) * 1000)
                for i in range(0, len(bare_turns), 2 * len(MESSAGES))
            ],
        },
        # Kept under their former names for readers of earlier files.
        "gateway_round_trip": gateway_all,
        "rasa_direct_round_trip": summary(seconds(tuple(MESSAGES), "rasa_ms")),
        "gateway_audio": audio,
        "memory_mb": memory,
    }


def measure_audio(stack: Stack, conversation_id: str) -> dict:
    """Audio of texts never heard before (pushed as reminders), then the same again."""
    auth = {"Authorization": f"Bearer {stack.internal_token}"}
    audio_paths = []
    for day in range(1, 13):
        text = f"Rappel : vous avez rendez-vous le {day} décembre à {day + 7} heures."
        status, pushed = http_json(
            "POST",
            f"{stack.url('gateway')}/internal/conversations/{conversation_id}/messages",
            {"text": text, "from": "system"},
            auth,
        )
        assert status == 200, (status, pushed)
        audio_paths.append(pushed["audio_path"])
    uncached: list[float] = []
    cached: list[float] = []
    for path in audio_paths:
        for bucket in (uncached, cached):
            start = time.perf_counter()
            status, _ = http_json("GET", stack.url("gateway") + path, timeout=60)
            bucket.append(time.perf_counter() - start)
            assert status == 200, status
    return {
        "note": "GET of a message's MP3 through the gateway (offline engine: espeak-ng), "
        "12 texts never heard before, then the same 12 again from the cache",
        "uncached": summary(uncached),
        "cached": summary(cached),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/gateway.json"))
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    result = run(args.rounds, args.out)
    print(json.dumps(result["turn"], indent=2))


if __name__ == "__main__":
    main()
