"""The one place that turns dates, times and codes into easy-to-read French words, and
parses the dates people write ("mardi prochain à 14h", "le 3 décembre à 10 h 30").

dateparser reads absolute French dates; times and the words it misreads (weekdays,
"demain", "prochain") are read here first, because dateparser gets them wrong.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

PARIS = ZoneInfo("Europe/Paris")

DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip

DATEPARSER_SETTINGS = {
    "PREFER_DATES_FROM": "future",
    "TIMEZONE": "Europe/Paris",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "DATE_ORDER": "DMY",
}

# Kinds of professionals (entity values of docs/contracts.md) as plain words.
PROFESSIONAL_WORDS = {
    "medecin_generaliste": "le médecin généraliste",
    "medecin_traitant": "le médecin traitant",
    "specialiste": "le médecin spécialiste",
    "dentiste": "le dentiste",
    "kine": "le kinésithérapeute",
    "infirmier": "l'infirmier",
    "pharmacien": "le pharmacien",
    "sage_femme": "la sage-femme",
    "ophtalmologue": "le médecin des yeux",
    "pediatre": "le médecin des enfants",
    "gynecologue": "le gynécologue",
    "cardiologue": "le médecin du cœur",
    "dermatologue": "le médecin de la peau",
    "psychiatre": "le psychiatre",
    "radiologue": "le radiologue",
    "laboratoire": "le laboratoire",
    "medecin_du_travail": "le médecin du travail",
}

# Entity `document_kind` → the records category code (SPEC §3.3).
DOCUMENT_CATEGORIES = {
    "ordonnance": "ORD_SOIN",
    "biologie": "BIOLOGIE",
    "radio": "RADIO_SC",
    "compte_rendu": "CPT_REND",
    "certificat": "CERT_MED",
    "vaccination": "DEPISTAG",
    "administratif": "DOC_ADM",
    "directives": "DIR_ANT",
    "synthese": "SYNTHESE",
}


def professional_words(kind: str | None, name: str | None = None) -> str:
    """ "le dentiste", or "Marc Lefèvre, le dentiste" when records gives a name: a name alone
    does not say who the person will see."""
    words = PROFESSIONAL_WORDS.get(kind, kind.replace("_", " ")) if kind else ""
    if name:
        return f"{name}, {words}" if words else name
    return words or "le professionnel de santé"


# When a vaccine dose is to be done: a date already past is "as soon as possible", never "late"
# (a parent hears blame and danger where a catch-up is simply due).
VACCINE_WHEN = {"past": "dès que possible", "before": "avant le {date}", "done": "le {date}"}

_ELIDING = re.compile(r"^[aeiouyhàâäéèêëîïôöùûüœæ]", re.IGNORECASE)


def of_name(name: str) -> str:
    """ "d'Inès", "de Noah": "de" elides before a vowel or a mute h (French spelling)."""
    name = str(name).strip()
    return f"d'{name}" if _ELIDING.match(name) else f"de {name}"


def _day_number(day: int) -> str:
    return "1er" if day == 1 else str(day)


def format_date(value: date) -> str:
    """mardi 3 décembre 2026"""
    return (
        f"{DAYS[value.weekday()]} {_day_number(value.day)} {MONTHS[value.month - 1]} {value.year}"
    )


def format_time(value: time) -> str:
    """10 heures 30, 9 heures, midi, minuit"""
    if value.hour == 12 and value.minute == 0:
        return "midi"
    if value.hour == 0 and value.minute == 0:
        return "minuit"
    hour = "1 heure" if value.hour == 1 else f"{value.hour} heures"
    return hour if value.minute == 0 else f"{hour} {value.minute}"


def format_datetime(value: datetime) -> str:
    """mardi 3 décembre 2026 à 10 heures 30 (in Paris time)."""
    if value.tzinfo is not None:
        value = value.astimezone(PARIS)
    return f"{format_date(value.date())} à {format_time(value.time())}"


def format_iso(value: str) -> str:
    """Format an ISO 8601 string from records; dates alone give the date in words."""
    if len(value) == 10:
        return format_date(date.fromisoformat(value))
    return format_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))


def digits_in_pairs(value: str) -> str:
    """06 12 34 56 78: phone numbers read better in pairs."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 10:
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return value


# --- parsing -------------------------------------------------------------------------------


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip()


_TIME = re.compile(
    r"\b(?:a\s+|vers\s+)?(\d{1,2})\s*(?:h|heures?|:)\s*(\d{2})?\b(?:\s*min(?:utes?)?)?"
)
_NOON = re.compile(r"\b(?:a\s+)?midi(?:\s+et\s+demi[e]?)?\b")
_WEEKDAY = re.compile(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b")
_RELATIVE = {"aujourd'hui": 0, "aujourdhui": 0, "apres-demain": 2, "apres demain": 2, "demain": 1}
_DIGITS_DATE = re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?\b")
_MONTH_WORD = re.compile(
    r"\b(janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b"
)


def _extract_time(text: str) -> tuple[time | None, str]:
    noon = _NOON.search(text)
    if noon:
        minute = 30 if "demi" in noon.group(0) else 0
        return time(12, minute), text[: noon.start()] + text[noon.end() :]
    for match in _TIME.finditer(text):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        separator_is_colon = ":" in match.group(0)
        if separator_is_colon and match.group(2) is None:
            continue
        if hour < 24 and minute < 60:
            rest = text[: match.start()] + " " + text[match.end() :]
            if "et demi" in rest:
                minute, rest = 30, rest.replace("et demie", " ").replace("et demi", " ")
            elif "et quart" in rest:
                minute, rest = 15, rest.replace("et quart", " ")
            return time(hour, minute), rest
    return None, text


_DATE_IN_TEXT = re.compile(
    r"\b\d{1,2}(?:er)?\s+" + _MONTH_WORD.pattern + r"(?:\s+\d{4})?"
    r"|" + _DIGITS_DATE.pattern
)
_NOT_A_BARE_DAY = re.compile(
    r"\b(jours?|semaines?|mois|ans?|dans|heures?|minutes?)\b|[/.:-]|\d{3,}|" + _MONTH_WORD.pattern
)


def _bare_day(text: str, today: date) -> date | None:
    """ "le 3", "non en fait c le 4": a day of the month alone is the next such day (this
    month if it is still to come, else the next month that has it). dateparser reads it in
    the current month, even when that day is past."""
    numbers = re.findall(r"\b(\d{1,2})(?:er)?\b", text)
    if len(numbers) != 1 or _NOT_A_BARE_DAY.search(text):
        return None
    number = int(numbers[0])
    if not 1 <= number <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, number)
        except ValueError:  # no 31 in this month
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def parse_when(text: str, now: datetime | None = None) -> tuple[datetime | None, bool]:
    """Read a French date with an optional time. Returns (moment, has_time).

    The moment is timezone-aware (Paris); without a time it is midnight and has_time is False.
    """
    now = (now or datetime.now(PARIS)).astimezone(PARIS)
    plain = _plain(text)
    moment, rest = _extract_time(plain)
    rest = re.sub(r"\b(le|la|a|au|pour|rendez-vous|rdv|c'est|cest)\b", " ", rest).strip()
    day: date | None = None
    for word, offset in _RELATIVE.items():
        if word in rest:
            day = now.date() + timedelta(days=offset)
            break
    if day is None and not _DIGITS_DATE.search(rest) and not _MONTH_WORD.search(rest):
        weekday = _WEEKDAY.search(rest)
        if weekday:
            target = DAYS.index(weekday.group(1))
            ahead = (target - now.weekday()) % 7
            if ahead == 0 and ("prochain" in rest or moment is None or moment <= now.time()):
                ahead = 7
            day = now.date() + timedelta(days=ahead)
    if day is None:
        cleaned = re.sub(
            r"\b(prochain|prochaine|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
            " ",
            rest,
        )
        cleaned = re.sub(r"\s+", " ", cleaned).strip()
        if not cleaned or not re.search(r"\d", cleaned):
            return None, False
        day = _bare_day(cleaned, now.date())
        if day is None:
            found = _DATE_IN_TEXT.search(cleaned)
            if found:  # "euh non plutôt le 9 janvier": the date without the words around it
                cleaned = found.group(0)
            parsed = dateparser.parse(
                cleaned,
                languages=["fr"],
                settings={**DATEPARSER_SETTINGS, "RELATIVE_BASE": now.replace(tzinfo=None)},
            )
            if parsed is None:
                return None, False
            day = parsed.date()
    when = datetime.combine(day, moment or time(0, 0), tzinfo=PARIS)
    return when, moment is not None


# A birth date inside a sentence: day, month and a year of two or four digits.
_BIRTH_DATE_IN_TEXT = re.compile(
    r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b"
    r"|\b\d{1,2}(?:er)?\s+" + _MONTH_WORD.pattern + r"\s+\d{2,4}\b"
)


def _four_digit_year(found: str, today: date) -> str:
    """ "12 avril 85" → "12 avril 1985": a two-digit year is the latest one in the past."""
    match = re.search(r"(\d+)$", found)
    if match and len(match.group(1)) == 2:
        year = 2000 + int(match.group(1))
        if year >= today.year:
            year -= 100
        found = found[: match.start()] + str(year)
    return found


def parse_birth_date(text: str, today: date | None = None) -> date | None:
    """Read a birth date ("12/03/1958", "12 mars 1958", "12 avril 85", "c'est le 30/11/1962");
    it must be in the past."""
    today = today or datetime.now(PARIS).date()
    plain = _plain(text)
    # A Vitale serial number, a NIR or a phone number is not a birth date (dateparser would
    # read ten digits as a Unix timestamp).
    if re.search(r"\d{9,}", re.sub(r"\s", "", plain)):
        return None
    plain = re.sub(r"\b(je suis ne|je suis nee|ne le|nee le|le)\b", " ", plain).strip()
    compact = re.fullmatch(r"(\d{2})(\d{2})(\d{4})", re.sub(r"\s", "", plain))
    if compact:
        plain = f"{compact.group(1)}/{compact.group(2)}/{compact.group(3)}"
    found = _BIRTH_DATE_IN_TEXT.search(plain)
    if found:  # the date alone, without the words around it
        plain = _four_digit_year(found.group(0), today)
    if not re.search(r"\d{4}", plain) or re.fullmatch(r"\d{4}", plain):
        return None  # a birth date needs its day, month and year
    parsed = dateparser.parse(
        plain, languages=["fr"], settings={**DATEPARSER_SETTINGS, "PREFER_DATES_FROM": "past"}
    )
    if parsed is None:
        return None
    born = parsed.date()
    if born >= today or born.year < 1900:
        return None
    return born
