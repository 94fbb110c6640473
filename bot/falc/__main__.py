"""`python -m bot.falc check [--json] [--summary-file FILE] [--root DIR] [--warnings]`.

Prints every failure (text id, source file and line, rule, offending words, hint), then a
summary table. Exit status 1 on any error-level failure that no exception allows, 2 when a
place exists but cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from bot.falc.check import Report, check_all
from bot.falc.collect import CollectError, collect_all
from bot.falc.places import known_stray_texts

ROOT = Path(__file__).resolve().parents[2]


def print_report(report: Report, show_warnings: bool, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for r in report.results:
        for f in r.findings:
            if f.excepted is not None or (f.level != "error" and not show_warnings):
                continue
            words = ", ".join(f"« {w} »" for w in f.words)
            print(f"{f.level.upper():7} {r.text.id}  ({r.text.where})", file=out)
            print(f"        rule: {f.rule}   words: {words}", file=out)
            if f.sentence:
                print(f"        text: {f.sentence}", file=out)
            print(f"        hint: {f.hint}", file=out)
    for f in report.global_findings:
        print(f"{f.level.upper():7} (all messages)  rule: {f.rule}  {f.words}", file=out)
        print(f"        hint: {f.hint}", file=out)
    s = report.summary()
    print("\nFALC summary", file=out)
    print(f"  places read                 {', '.join(s['places']) or '(none yet)'}", file=out)
    print(
        f"  texts checked               {s['texts_checked']}"
        f" ({s['messages_checked']} messages, {s['labels_checked']} labels)",
        file=out,
    )
    print(f"  sentences in messages       {s['sentences']}", file=out)
    print(f"  average words per sentence  {s['average_words_per_sentence']}", file=out)
    km = s["average_kandel_moles"]
    print(
        f"  average Kandel–Moles        {km if km is not None else '-'}"
        f" (at least {s['minimum_average_kandel_moles']:g})",
        file=out,
    )
    print(f"  errors / warnings           {s['errors']} / {s['warnings']}", file=out)
    print(f"  exceptions (allowed)        {s['exceptions']}", file=out)
    if s["failures_per_rule"]:
        print(f"\n  {'rule':24} {'errors':>7} {'warnings':>9} {'excepted':>9}", file=out)
        for name, c in s["failures_per_rule"].items():
            print(f"  {name:24} {c['error']:>7} {c['warning']:>9} {c['excepted']:>9}", file=out)
    if s["exception_list"]:
        print("\n  exceptions written next to the texts:", file=out)
        for e in s["exception_list"]:
            print(f"    {e['id']} ({e['where']})  {e['rule']}: {e['reason']}", file=out)
    if s["lowest_kandel_moles"]:
        print("\n  lowest Kandel–Moles scores (all in --json):", file=out)
        for e in s["lowest_kandel_moles"]:
            print(f"    {e['score']:>6}  {e['id']} ({e['where']})", file=out)
    print("\nFALC check: " + ("FAILED" if report.failed else "passed"), file=out)


def to_json(report: Report) -> dict:
    return {
        "summary": report.summary(),
        "failed": report.failed,
        "global": [f.to_dict() for f in report.global_findings],
        "texts": [
            {
                "id": r.text.id,
                "source": r.text.source,
                "line": r.text.line,
                "kind": r.text.kind,
                "text": r.text.text,
                "words": r.n_words,
                "sentences": r.n_sentences,
                "kandel_moles": r.kandel_moles,
                "findings": [f.to_dict() for f in r.findings],
            }
            for r in report.results
        ],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.falc", description="FALC linter (SPEC §6)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="check every user-facing text of the project")
    c.add_argument("--json", action="store_true", help="print the whole report as JSON")
    c.add_argument("--summary-file", type=Path, help="write the summary numbers to this file")
    c.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this one)")
    c.add_argument("--warnings", action="store_true", help="also print warnings")
    args = ap.parse_args(argv)

    root = args.root.resolve()
    try:
        texts, places = collect_all(root)
        strays = known_stray_texts(root)
        texts += strays
        places += sorted({t.source for t in strays})
    except CollectError as e:
        print(f"ERROR   cannot read a place of user-facing texts: {e}", file=sys.stderr)
        return 2
    report = check_all(texts, places)
    if args.json:
        json.dump(to_json(report), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_report(report, args.warnings)
    if args.summary_file:
        path = args.summary_file if args.summary_file.is_absolute() else root / args.summary_file
        path.parent.mkdir(parents=True, exist_ok=True)
        summary = report.summary() | {"failed": report.failed}
        path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
