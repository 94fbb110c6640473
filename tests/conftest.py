"""Every suite runs in the test environment: the services refuse to start without one."""

from __future__ import annotations

import os

os.environ["ENVIRONMENT"] = "test"
