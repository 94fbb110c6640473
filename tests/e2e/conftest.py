"""End-to-end tests: the four real processes (tests/support/stack.py), one per session."""

from __future__ import annotations

import sys
from pathlib import Path

# tests/ on the path: `support` is the shared stack package. (`tests.support` would be
# shadowed by a `tests` package that a dependency installs in site-packages.)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.fixtures import fresh_people, healthy_stack, stack  # noqa: E402, F401 - shared session fixtures
