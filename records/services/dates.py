"""Dates and times in full French words for people (SPEC §6): "mardi 3 décembre 2026 à
10 heures 30". Stored times are UTC; people see Europe/Paris."""

from __future__ import annotations

from datetime import date, datetime

from records.clock import to_paris

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
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


def date_words(value: date, with_day: bool = True) -> str:
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return f"{DAYS[value.weekday()]} {text}" if with_day else text


def datetime_words(value: datetime) -> str:
    local = to_paris(value)
    minutes = f" {local.minute}" if local.minute else ""
    hours = "heure" if local.hour in (0, 1) else "heures"
    return f"{date_words(local.date())} à {local.hour} {hours}{minutes}"
