"""Every test suite runs in the test environment: the services refuse to start without one.

At the repository's root (already on the path through pytest's `pythonpath`), so it puts no
test folder on the path: tests/rasa would shadow the `rasa` package.
"""

from __future__ import annotations

import os

os.environ["ENVIRONMENT"] = "test"
