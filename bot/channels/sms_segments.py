"""What an SMS costs: its encoding (GSM-7 or UCS-2) and its number of segments.

One character outside the GSM-7 alphabet ("ê", "ç", "’") sends the whole text in UCS-2:
70 characters per segment instead of 160 (67 instead of 153 once the text is split).
`transliterate` replaces the few French characters outside GSM-7 by their nearest letter;
benchmarks/sms-segments.md gives the numbers behind using it.
"""

from __future__ import annotations

import math

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Sent as an escape sequence: each counts for two characters.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

# Typography that looks the same in GSM-7: nothing is lost for the reader.
TYPOGRAPHY = {
    "’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "…": "...",
    "–": "-", "—": "-", "\u00a0": " ", "\u202f": " ", "œ": "oe", "Œ": "OE", "•": "*",
}  # fmt: skip
# French letters outside GSM-7, written without their accent.
LETTERS = {
    "à": "à", "À": "A", "â": "a", "Â": "A", "ä": "ä", "ç": "c", "Ç": "Ç",
    "ê": "e", "Ê": "E", "ë": "e", "Ë": "E", "È": "E", "î": "i", "Î": "I", "ï": "i",
    "Ï": "I", "ô": "o", "Ô": "O", "û": "u", "Û": "U", "ù": "ù", "Ù": "U", "ü": "ü",
    "ÿ": "y", "Ÿ": "Y", "á": "a", "í": "i", "ó": "o", "ú": "u",
}  # fmt: skip


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def segments(text: str) -> tuple[str, int]:
    """("gsm7" or "ucs2", number of segments) of one SMS body."""
    if is_gsm7(text):
        length = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        return "gsm7", 1 if length <= 160 else math.ceil(length / 153)
    units = len(text.encode("utf-16-le")) // 2
    return "ucs2", 1 if units <= 70 else math.ceil(units / 67)


def typography(text: str) -> str:
    return "".join(TYPOGRAPHY.get(c, c) for c in text)


def transliterate(text: str) -> str:
    """The text in GSM-7 when only French letters and typography stood in the way."""
    return "".join(LETTERS.get(c, c) for c in typography(text))
