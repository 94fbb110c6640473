"""Gateway benchmark (SPEC §7): message round trip through the gateway, with actions hitting
records, side by side with the same messages sent straight to Rasa; audio through the
gateway, uncached and cached; memory of each process. Writes a JSON file.

    .venv/bin/python tests/support/bench.py --out benchmarks/gateway.json [--rounds 10]

Numbers, not a timed test: they depend on the machine (2 shared cores here).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.chat import login  # noqa: E402
from support.stack import Stack, http_json  # noqa: E402

# Each one makes the actions call records for the logged-in person, except the greeting.
MESSAGES = {
    "list_appointments": "quels sont mes prochains rendez-vous",
    "list_documents": "je veux voir mes documents",
    "access_history": "qui a vu mon dossier",
    "greet": "bonjour",
}
FAILURE = "Le service ne marche pas"


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


def run(rounds: int, out: Path) -> dict:
    with Stack() as stack:
        chat, _ = login(stack, "karim")
        gateway = f"{stack.url('gateway')}/api/conversations/{chat.conversation_id}"
        rasa = stack.rasa_api("/webhooks/rest/webhook")
        for text in MESSAGES.values():  # warm-up: first calls load caches and connections
            chat.say(text)

        through_gateway: list[float] = []
        straight_to_rasa: list[float] = []
        answers_per_message: dict[str, int] = {}
        for _ in range(rounds):
            for label, text in MESSAGES.items():
                elapsed, status, answer = timed("POST", gateway + "/messages", {"text": text})
                assert status == 200 and isinstance(answer, dict), (status, answer)
                replies = answer["messages"]
                assert replies and FAILURE not in json.dumps(replies, ensure_ascii=False), answer
                through_gateway.append(elapsed)
                answers_per_message[label] = len(replies)
                body = {"sender": chat.conversation_id, "message": text}
                elapsed, status, answer = timed("POST", rasa, body)
                assert status == 200 and answer, (status, answer)
                straight_to_rasa.append(elapsed)

        # Audio of texts never heard before (pushed as reminders), then the same again.
        auth = {"Authorization": f"Bearer {stack.internal_token}"}
        audio_paths = []
        for day in range(1, 13):
            text = f"Rappel : vous avez rendez-vous le {day} décembre à {day + 7} heures."
            status, pushed = http_json(
                "POST",
                f"{stack.url('gateway')}/internal/conversations/{chat.conversation_id}/messages",
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
        memory = stack.memory_mb()

    result = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "what": (
            "Round trip of one user message, sequential, logged-in conversation; actions call "
            "records for 3 of the 4 messages. 'rasa_direct' sends the same messages straight to "
            "Rasa's REST channel: the difference is the gateway's cost."
        ),
        # Intent of each message and how many bot messages answered it (the French texts
        # themselves stay out of this file: the FALC linter would take them for user texts).
        "messages": list(MESSAGES),
        "bot_messages_per_answer": answers_per_message,
        "gateway_round_trip": summary(through_gateway),
        "rasa_direct_round_trip": summary(straight_to_rasa),
        "gateway_audio": {
            "note": "GET of a message's MP3 through the gateway (offline engine: espeak-ng), "
            "12 texts never heard before, then the same 12 again from the cache",
            "uncached": summary(uncached),
            "cached": summary(cached),
        },
        "memory_mb": memory,
    }
    voice = out.parent / "voice.json"
    if voice.exists():
        result["voice_engine_benchmark"] = json.loads(voice.read_text(encoding="utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/gateway.json"))
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    result = run(args.rounds, args.out)
    print(json.dumps({k: result[k] for k in ("gateway_round_trip", "rasa_direct_round_trip")}))


if __name__ == "__main__":
    main()
