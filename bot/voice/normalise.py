"""Turn a written FALC answer into text a speech engine reads well (SPEC §5, voice readout).

FALC texts write numbers in digits ("le 3422", "14 h 30", "03/12/2026"). Speech engines read
those badly or in the wrong way, so every number is written out in French words first:

- dates: "03/12/2026", "2026-12-03" → "trois décembre deux mille vingt-six" ("1" → "premier");
- times: "14:30", "14 h 30", "14h30", "10 heures 30" → "quatorze heures trente";
- phone numbers: "06 12 34 56 78", "+33 6 12 34 56 78" → the digits by pairs, as French people
  say them; a masked number ("06 •• •• •• 12") says only what is shown;
- 4-digit service numbers (3xxx, such as the 3422 helpline) → by pairs: "trente-quatre vingt-deux";
- codes (5 digits or more, or letters mixed with digits) → one character at a time;
- other numbers → cardinal words ("2026" → "deux mille vingt-six").

The order of the passes matters: the most specific shapes (dates, phones, times) go first so the
generic number pass only sees plain numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from num2words import num2words

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_MONTH_RE = "|".join(MONTHS + ("fevrier", "aout", "decembre"))

# Nouns after which a 3xxx number is a quantity, not a service number.
_UNIT_WORDS = (
    "euros?|personnes?|patients?|mètres?|metres?|km|kilomètres?|kilos?|kg|grammes?|g|mg|"
    "ml|litres?|jours?|mois|ans?|années?|heures?|minutes?|secondes?|fois|habitants?|"
    "médecins?|professionnels?|documents?"
)

# Short forms that may reach the voice from data (names of professionals, user messages).
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"\bDr\.?(?=\s)", "docteur"),
    (r"\bDre\.?(?=\s)", "docteure"),
    (r"\bPr\.?(?=\s)", "professeur"),
    (r"\bMmes?\.?(?=\s)", "madame"),
    (r"\bMlle\.?(?=\s)", "mademoiselle"),
    (r"\bM\.(?=\s+[A-ZÉÈ])", "monsieur"),
    (r"\b(?i:rdv)\b", "rendez-vous"),
    (r"\b[nN]°\s*", "numéro "),
    (r"\betc\.", "et cetera."),
    (r"\bSMS\b", "SMS"),
)

_WORD_SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    (r"\bhttps?://(?:www\.)?", ""),  # an address is read from its name
    (r"\bmonespacesante\.fr\b", "mon espace santé point F R"),
    (r"\bameli\.fr\b", "améli point F R"),
)


def number_words(n: int) -> str:
    """Cardinal French words for n ("71" → "soixante et onze"); huge numbers digit by digit."""
    if n >= 10**12:
        return digit_words(str(n), " ")
    return str(num2words(n, lang="fr"))


def _feminine(words: str) -> str:
    # "heure" and "minute" are feminine: "une heure", "vingt et une heures".
    if words == "un":
        return "une"
    if words.endswith(" et un"):
        return words[: -len("un")] + "une"
    return words


def pair_words(pair: str) -> str:
    """Two digits as a French phone number says them: "06" → "zéro six", "34" → "trente-quatre"."""
    if pair.startswith("0"):
        return "zéro " + number_words(int(pair[1]))
    return number_words(int(pair))


def digit_words(digits: str, sep: str = ", ") -> str:
    """Each digit on its own: "123" → "un, deux, trois"."""
    return sep.join(number_words(int(d)) for d in digits)


def time_words(hours: int, minutes: int | None) -> str:
    hour_noun = "heure" if hours < 2 else "heures"
    spoken = f"{_feminine(number_words(hours))} {hour_noun}"
    if minutes:
        spoken += " " + _feminine(number_words(minutes))
    return spoken


def date_words(day: int, month: int, year: int | None) -> str | None:
    """ "trois décembre deux mille vingt-six", or None when the numbers are not a date."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    spoken = ("premier" if day == 1 else number_words(day)) + " " + MONTHS[month - 1]
    if year is not None:
        spoken += " " + number_words(year)
    return spoken


# --- passes -----------------------------------------------------------------------------------


def _sub(
    pattern: str, repl: Callable[[re.Match[str]], str] | str, flags: int = 0
) -> Callable[[str], str]:
    compiled = re.compile(pattern, flags)
    return lambda text: compiled.sub(repl, text)


def _strip_symbols(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "•":
            kept.append(ch)  # masking dots: the phone pass reads them
        elif cat in ("So", "Sk", "Cs", "Co", "Cn") or ch in "\ufe0f\u200d":
            kept.append(" ")  # emoji, pictograms: nothing to say
        elif cat.startswith("C") and ch not in "\n\t":
            kept.append(" ")
        elif ch in "\u00a0\u202f":
            kept.append(" ")
        else:
            kept.append(ch)
    text = "".join(kept)
    # Markdown-like emphasis and list marks are not read out.
    return re.sub(r"[*_#`>|]+", " ", text)


def _lines_to_sentences(text: str) -> str:
    # One sentence per line in FALC: a line without final punctuation still needs a pause.
    lines = [line.strip(" \t-") for line in text.splitlines()]
    lines = [line for line in lines if line]
    out = []
    for i, line in enumerate(lines):
        if i < len(lines) - 1 and line[-1] not in ".!?:;,…":
            line += "."
        out.append(line)
    return " ".join(out)


def _date_slash(m: re.Match[str]) -> str:
    year = m.group(3)
    if year is not None and len(year) == 2:
        year = "20" + year
    spoken = date_words(int(m.group(1)), int(m.group(2)), int(year) if year else None)
    return spoken if spoken else m.group(0)


def _date_iso(m: re.Match[str]) -> str:
    spoken = date_words(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return spoken if spoken else m.group(0)


def _phone_international(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    country, rest = digits[:2], digits[2:]
    first, pairs = rest[0], [rest[i : i + 2] for i in range(1, len(rest), 2)]
    spoken = ["plus " + number_words(int(country)), number_words(int(first))]
    return ", ".join(spoken + [pair_words(p) for p in pairs])


def _phone_national(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    return ", ".join(pair_words(digits[i : i + 2]) for i in range(0, 10, 2))


def _phone_masked(m: re.Match[str]) -> str:
    # "au 06 •• •• •• 12": say what is visible, clearly, instead of half a number.
    groups = re.findall(r"\d\d|•+|\*+", m.group("number"))
    last = groups[-1] if re.fullmatch(r"\d\d", groups[-1]) else None
    article = (m.group("article") or "le").lower()
    spoken = f"{article} numéro qui commence par {pair_words(groups[0])}"
    if last:
        spoken += f" et finit par {pair_words(last)}"
    return spoken


def _time(m: re.Match[str]) -> str:
    minutes = m.group("m")
    return time_words(int(m.group("h")), int(minutes) if minutes else None)


def _service_number(m: re.Match[str]) -> str:
    digits = m.group(1)
    return f"{pair_words(digits[:2])} {pair_words(digits[2:])}"


def _code(m: re.Match[str]) -> str:
    return digit_words(m.group(0))


def _alnum_code(m: re.Match[str]) -> str:
    # "AB12CD" is spelt; in "camille1958" the lowercase word is said as a word.
    parts = []
    for run in re.findall(r"\d|[a-zà-ÿ]{3,}|[A-Za-zÀ-ÿ]", m.group(0)):
        parts.append(
            number_words(int(run)) if run.isdigit() else run if len(run) > 1 else run.upper()
        )
    return ", ".join(parts)


def _ordinal(m: re.Match[str]) -> str:
    n = int(m.group(1))
    suffix = m.group(2).lower()
    if n == 1:
        return "première" if suffix in ("re", "ère", "ere") else "premier"
    return str(num2words(n, lang="fr", to="ordinal"))


def _decimal(m: re.Match[str]) -> str:
    whole, frac = m.group(1), m.group(2)
    zeros = len(frac) - len(frac.lstrip("0"))
    if len(frac) > 2:  # "3,14159": digits one by one, as people read them
        return f"{number_words(int(whole))} virgule {digit_words(frac, ' ')}"
    rest = [number_words(int(frac))] if frac.strip("0") else []
    spoken_frac = " ".join(["zéro"] * zeros + rest)
    return f"{number_words(int(whole))} virgule {spoken_frac}"


def _thousands(m: re.Match[str]) -> str:
    return number_words(int(re.sub(r"\D", "", m.group(0))))


def _money(m: re.Match[str]) -> str:
    n = int(m.group(1))
    return f"{number_words(n)} {'euro' if n < 2 else 'euros'}"


def _cardinal(m: re.Match[str]) -> str:
    return number_words(int(m.group(0)))


_D = r"(?<![\d,.:/])"  # not inside a longer number
_E = r"(?!\d|[/:.,]\d)"  # "3422," ends a number; "3,5" or "14:30" continue it

_PASSES: tuple[Callable[[str], str], ...] = (
    _strip_symbols,
    _lines_to_sentences,
    *(_sub(p, r) for p, r in _WORD_SUBSTITUTIONS),
    *(_sub(p, r) for p, r in _ABBREVIATIONS),
    # Dates before phones and times: "03/12/2026", "2026-12-03", "03/12".
    _sub(_D + r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?" + _E, _date_slash),
    _sub(_D + r"(\d{4})-(\d{2})-(\d{2})" + _E, _date_iso),
    _sub(r"\b(1)(?:er)?(?=\s+(?:" + _MONTH_RE + r")\b)", "premier", re.IGNORECASE),
    # Phone numbers.
    _sub(r"(?<![\d+])\+\s?33\s?\(?0?\)?\s?[1-9](?:[\s.-]?\d{2}){4}" + _E, _phone_international),
    _sub(_D + r"0[1-9](?:[\s.-]?\d{2}){4}" + _E, _phone_national),
    _sub(
        r"(?:\b(?P<article>au|le|du)\s+)?(?P<number>"
        + _D
        + r"0[1-9](?:\s?(?:\d{2}|•{2,}|\*{2,})){4})(?!\d)",
        _phone_masked,
        re.IGNORECASE,
    ),
    # Times: a range "8 h 30–17 h 30" reads "à" between the two.
    _sub(r"(\d)\s*[–—]\s*(\d)", r"\1 à \2"),
    _sub(
        _D + r"(?P<h>[01]?\d|2[0-3])\s?(?::|[hH]\b|[hH](?=\d)|heures?\b)\s?(?P<m>[0-5]\d)?" + _E,
        _time,
    ),
    _sub(r"(\d+)\s?h\b", r"\1 heures"),  # "24h/24"
    # Ordinals: "1er", "2e", "3ème".
    _sub(r"\b(\d{1,3})(er|re|ère|ere|e|ème|eme)\b", _ordinal),
    # Codes: letters and digits mixed ("AB12CD"), then 5 digits or more.
    _sub(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]{4,}\b", _alnum_code),
    _sub(_D + r"\d{5,}" + _E, _code),
    # Service numbers 3xxx (3422, 3919, 3114…), unless a unit follows ("3000 euros").
    _sub(_D + r"\b(3\d{3})" + _E + r"(?!\s*(?:€|(?:" + _UNIT_WORDS + r")\b))", _service_number),
    # Plain quantities.
    _sub(_D + r"(\d+),(\d+)" + _E, _decimal),
    _sub(_D + r"\d{1,3}(?: \d{3})+" + _E + r"(?! ?\d)", _thousands),
    _sub(r"(\d+)\s?(?:€|euros?\b)", _money),
    _sub(r"\s?%", " pour cent"),
    _sub(r"\s?€", " euros"),
    _sub(_D + r"0\d*" + _E, lambda m: digit_words(m.group(0), " ")),  # "05", "006"
    _sub(r"\d+", _cardinal),
    # Symbols read aloud.
    _sub(r"\s!(?=[.,])", " point d'exclamation"),  # "un signe comme !."
    _sub(r"\s*@\s*", " arobase "),
    _sub(r"\b([\w-]+)\.(fr|com|org|net|eu|gouv|info)\b", r"\1 point \2"),
    _sub(r"\s*&\s*", " et "),
    _sub(r"\s*\+\s*", " plus "),
    _sub(r"\s*/\s*", ", "),
    _sub(r"•+", " "),
    _sub(r"[ \t]+", " "),
    _sub(r" ([.,!?;:])", r"\1"),
    _sub(r"([.,!?;:])\1+", r"\1"),
)


def normalise_for_speech(text: str) -> str:
    """Return text with every number, date, time, phone number and code in French words."""
    for step in _PASSES:
        text = step(text)
    return text.strip()
