#!/usr/bin/env python3
"""Stamp benchmark files with what they measured: the commit, whether the working tree had
uncommitted changes, and when. Standard library only (both virtual environments run it).

    scripts/bench_meta.py benchmarks/records.json [more.json ...]

Each file's top level gets `git_commit` (the full hash), `git_dirty` (true when tracked files
outside benchmarks/ differed from that commit, so the number is not exactly the commit's) and
`measured_at` (UTC). `BENCH_COMMIT` (set by scripts/bench.sh when the run starts) names the
commit when the tree may change during a long run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _git(*args: str) -> str:
    done = subprocess.run(  # noqa: S603 - fixed git commands in this repository
        ["git", *args],  # noqa: S607
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def meta() -> dict[str, Any]:
    """The commit being measured and the time of the measure."""
    commit = os.environ.get("BENCH_COMMIT") or _git("rev-parse", "HEAD")
    changed = _git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks")
    return {
        "git_commit": commit,
        "git_dirty": bool(changed),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def stamp(path: Path, info: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the commit fields first in the JSON object of `path` (other keys kept in order)."""
    report = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(report, dict):
        raise SystemExit(f"{path}: not a JSON object")
    fields = info or meta()
    rest = {k: v for k, v in report.items() if k not in fields}
    stamped = {**fields, **rest}
    path.write_text(json.dumps(stamped, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return stamped


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    info = meta()
    for name in argv:
        stamp(Path(name), info)
        print(f"{name}: commit {info['git_commit'][:12]}{' (dirty)' if info['git_dirty'] else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
