"""Segment benchmark: what every response of domain.yml costs by SMS, with and without
transliteration. Writes benchmarks/sms-segments.json.

    .venv/bin/python -m bot.channels.sms_bench
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.channels.sms import compose_sms
from bot.channels.sms_segments import is_gsm7, segments, transliterate, typography
from bot.settings import PROJECT_ROOT

OUT = PROJECT_ROOT / "benchmarks" / "sms-segments.json"


def variants(domain: Path) -> list[tuple[str, dict[str, Any]]]:
    responses = yaml.safe_load(domain.read_text(encoding="utf-8")).get("responses", {})
    found = []
    for name, items in responses.items():
        for index, item in enumerate(items or []):
            if isinstance(item, dict) and (item.get("text") or item.get("buttons")):
                found.append((f"{name}[{index}]", item))
    return found


def measure(domain: Path) -> dict[str, Any]:
    rows = []
    for name, item in variants(domain):
        message = {"from": "bot", "text": item.get("text", ""), "buttons": item.get("buttons", [])}
        body, _ = compose_sms([message])
        as_written = segments(body)
        typographic = segments(typography(body))
        plain = transliterate(body)
        rows.append(
            {
                "response": name,
                "_body": body,
                "characters": len(body),
                "as_written": {"encoding": as_written[0], "segments": as_written[1]},
                "typography_only": {"encoding": typographic[0], "segments": typographic[1]},
                "transliterated": {
                    "encoding": segments(plain)[0],
                    "segments": segments(plain)[1],
                    "still_outside_gsm7": sorted({c for c in plain if not is_gsm7(c)}),
                },
            }
        )

    def total(key: str) -> int:
        return sum(row[key]["segments"] for row in rows)

    def over(key: str, limit: int) -> int:
        return sum(1 for row in rows if row[key]["segments"] > limit)

    summary = {
        "responses": len(rows),
        "ucs2_as_written": sum(1 for r in rows if r["as_written"]["encoding"] == "ucs2"),
        "ucs2_transliterated": sum(1 for r in rows if r["transliterated"]["encoding"] == "ucs2"),
        "segments_as_written": total("as_written"),
        "segments_typography_only": total("typography_only"),
        "segments_transliterated": total("transliterated"),
        "max_as_written": max(r["as_written"]["segments"] for r in rows),
        "max_transliterated": max(r["transliterated"]["segments"] for r in rows),
        "over_3_segments_as_written": over("as_written", 3),
        "over_3_segments_transliterated": over("transliterated", 3),
        "letters_changed_by_transliteration": sorted(
            {c for r in rows for c in r["_body"] if transliterate(c) != c and typography(c) == c}
        ),
        "words_changed_by_transliteration": sorted(
            {w for r in rows for w in r["_body"].split() if transliterate(w) != typography(w)}
        ),
    }
    for row in rows:
        del row["_body"]
    return {"summary": summary, "responses": rows}


def main() -> int:
    result = measure(PROJECT_ROOT / "domain.yml")
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["summary"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
