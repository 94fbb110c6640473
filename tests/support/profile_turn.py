"""Where Rasa's own time goes in a turn: the trained model loaded in this process (Rasa's
Agent, the SQLite tracker store of endpoints.yml), turns profiled with cProfile, the cumulative
time of each part divided by the number of turns. Runs in .venv-rasa:

    .venv-rasa/bin/python tests/support/profile_turn.py --out benchmarks/turn-profile.json

The turns need no action server (greetings, thanks, goodbyes: Rasa answers them alone), so
the numbers are Rasa's part of every turn. The conversation grows as the turns go, as a real
one does; the first and the last ten turns are timed apart to show what its length costs.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # nlu_components, as `rasa run` finds them from the project
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

TEXTS = ["bonjour", "merci", "au revoir", "bonjour"]
# (label, file name, function name) of the parts of a turn, from Rasa 3.6's code.
PARTS = [
    ("tracker: load from SQLite and deserialise", "tracker_store.py", "_retrieve"),
    ("tracker: save to SQLite", "tracker_store.py", "_additional_events"),
    ("NLU: parse the message", "processor.py", "parse_message"),
    ("policies: every prediction of the turn", "processor.py", "_predict_next_with_tracker"),
    ("policy: TEDPolicy", "ted_policy.py", "predict_action_probabilities"),
    ("policy: RulePolicy", "rule_policy.py", "predict_action_probabilities"),
    ("policy: MemoizationPolicy", "memoization.py", "predict_action_probabilities"),
    ("featurise the tracker's states (all policies)", "trackers.py", "past_states"),
    ("deserialise events", "events.py", "deserialise_events"),
]


def model_path() -> Path:
    explicit = os.environ.get("STACK_MODEL_DIR")
    folder = Path(explicit) if explicit else Path(os.environ.get("DATA_DIR") or REPO / "var")
    folder = folder if explicit else folder / "models"
    found = sorted(folder.glob("*.tar.gz")) if folder.is_dir() else [folder]
    if not found:
        raise SystemExit(f"no trained model in {folder}: run `make train` first")
    return found[-1]


async def profile(turns: int) -> dict:
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import SQLTrackerStore

    with tempfile.TemporaryDirectory(prefix="profile-turn-") as tmp:
        store = SQLTrackerStore(None, dialect="sqlite", db=str(Path(tmp) / "tracker.db"))
        started = time.monotonic()
        agent = Agent.load(str(model_path()), tracker_store=store)
        load_seconds = round(time.monotonic() - started, 1)
        for text in TEXTS:  # warm-up (TensorFlow traces its graphs on the first calls)
            await agent.handle_text(text, sender_id="warm-up")
        timings: list[float] = []
        profiler = cProfile.Profile()
        for i in range(turns):
            begin = time.perf_counter()
            profiler.enable()
            await agent.handle_text(TEXTS[i % len(TEXTS)], sender_id="profiled")
            profiler.disable()
            timings.append((time.perf_counter() - begin) * 1000)
        events = len((await store.retrieve("profiled")).events)  # type: ignore[union-attr]
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    parts: dict[str, float] = {}
    for label, filename, function in PARTS:
        total = sum(
            value[3]
            for (path, _, name), value in stats.items()
            if name == function and path.endswith(filename)
        )
        parts[label] = round(total * 1000 / turns, 1)
    ten = min(10, turns // 2)
    return {
        "model_load_seconds": load_seconds,
        "turns": turns,
        "events_in_the_conversation_at_the_end": events,
        "turn_ms_profiled": {
            "median": round(statistics.median(timings), 1),
            "first_ten_median": round(statistics.median(timings[:ten]), 1),
            "last_ten_median": round(statistics.median(timings[-ten:]), 1),
        },
        "ms_per_turn_by_part": parts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/turn-profile.json"))
    parser.add_argument("--turns", type=int, default=60)
    args = parser.parse_args()
    load = round(os.getloadavg()[0], 2)
    result = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "what": (
            "Rasa's part of a turn (no action call), profiled in process with the project's "
            "model and a SQLite tracker store; cumulative time of each part per turn. Parts "
            "overlap (a policy's time is inside 'every prediction'; deserialising is inside "
            "loading the tracker). cProfile slows Python code, so compare parts, not totals."
        ),
        "machine": {"cpus": os.cpu_count(), "load_average_1m_at_start": load},
        **asyncio.run(profile(args.turns)),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
