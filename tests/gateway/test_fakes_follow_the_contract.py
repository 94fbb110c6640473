"""The fake records server speaks records' real error codes, so gateway tests cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import gateway_fakes

from records.messages import ERRORS

FAKES = Path(gateway_fakes.__file__).read_text(encoding="utf-8")


def test_every_error_code_of_the_fake_records_is_a_records_code() -> None:
    used = set(re.findall(r'_error\(\d+, "([a-z_]+)"\)', FAKES)) | set(gateway_fakes.ERROR_STATUS)
    assert used, "the fake records server answers no error: the pattern above is stale"
    assert used <= set(ERRORS), sorted(used - set(ERRORS))
