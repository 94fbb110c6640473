"""Any text, however odd, comes out as words: no digit left, no crash (hypothesis)."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.voice.normalise import normalise_for_speech

PIECES = st.sampled_from(
    ["0", "1", "3", "06", "14", "2026", "3422", "482915", " ", " ", "h", "H", ":", "/", "-", "–",
     ".", ",", "€", "%", "•", "+", "@", "er", "e", "heures", "décembre", "le", "au", "\n", "AB",
     "camille", "!", "?", "👋", "\u00a0", "x", "é"]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=30).map("".join))
def test_no_ascii_digit_survives(text: str) -> None:
    spoken = normalise_for_speech(text)
    assert isinstance(spoken, str)
    assert not re.search(r"[0-9]", spoken), (text, spoken)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_unicode_text(text: str) -> None:
    spoken = normalise_for_speech(text)
    assert not re.search(r"[0-9]", spoken), (text, spoken)
