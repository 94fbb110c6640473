"""Recommended vaccinations and screenings from birth date and sex (SPEC §3.3).

The calendar itself is data (records/data/vaccination_calendar.yml); this module only reads it
and applies it to one person. Pure functions over dates: the caller gives "today".
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CALENDAR_FILE = Path(__file__).resolve().parent.parent / "data" / "vaccination_calendar.yml"
ADULT_AGE = 18


@dataclass(frozen=True)
class DoneVaccine:
    code: str  # a dose code ("ror_1") or a vaccine family ("grippe", "dtcap")
    on: date


@dataclass(frozen=True)
class Recommendation:
    code: str  # dose code, or programme code for screenings and consultations
    vaccine: str  # vaccine family or programme: the key of the label in records/messages.py
    kind: str  # "vaccination", "screening" or "consultation"
    due_date: date
    obligatory: bool = False


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@lru_cache(maxsize=4)
def load_calendar(path: Path = CALENDAR_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def calendar_version() -> str:
    return str(load_calendar()["version"])


def child_doses(birth: date) -> list[dict[str, Any]]:
    """The childhood schedule that applies to this birth date."""
    for schedule in load_calendar()["children"]:
        if birth >= schedule["born_from"]:
            return schedule["doses"]
    return []


def dose_due_date(birth: date, dose: dict[str, Any]) -> date:
    if "age_months" in dose:
        return add_months(birth, int(dose["age_months"]))
    return add_months(add_years(birth, int(dose["age_years"])), int(dose.get("extra_months", 0)))


def vaccine_of(code: str) -> str:
    for schedule in load_calendar()["children"]:
        for dose in schedule["doses"]:
            if dose["code"] == code:
                return dose["vaccine"]
    return code


def _last(done: Iterable[DoneVaccine], vaccine: str) -> date | None:
    dates = [d.on for d in done if d.code == vaccine or vaccine_of(d.code) == vaccine]
    return max(dates) if dates else None


def childhood_vaccinations(birth: date, done: Iterable[DoneVaccine]) -> list[Recommendation]:
    """Doses of the childhood schedule not given yet. A missed dose stays due: catch-up
    continues where the schedule stopped, it never restarts."""
    done_codes = {d.code for d in done}
    return [
        Recommendation(
            d["code"], d["vaccine"], "vaccination", dose_due_date(birth, d), bool(d["obligatory"])
        )
        for d in child_doses(birth)
        if d["code"] not in done_codes
    ]


def next_dtcap_booster(birth: date, last: date | None) -> date:
    rule = load_calendar()["adults"]["dtcap_booster"]
    ages = list(rule["fixed_ages"])
    step = int(rule["then_every_years"])
    while ages[-1] < 120:
        ages.append(ages[-1] + step)
    gap = int(rule["min_gap_years"])
    for age in ages:
        due = add_years(birth, age)
        if last is None or (due > last and add_years(last, gap) < due):
            if last is None and age < ADULT_AGE:
                continue
            return due
    return add_years(birth, ages[-1])


def adult_vaccinations(
    birth: date, done: Iterable[DoneVaccine], today: date
) -> list[Recommendation]:
    done = list(done)
    adults = load_calendar()["adults"]
    recs = [
        Recommendation(
            "dtcap_rappel", "dtcap", "vaccination", next_dtcap_booster(birth, _last(done, "dtcap"))
        )
    ]
    for item in adults["once_from_age"]:
        if _last(done, item["vaccine"]) is None:
            due = add_years(birth, int(item["age_years"]))
            recs.append(Recommendation(item["vaccine"], item["vaccine"], "vaccination", due))
    for item in adults["yearly_from_65"]:
        last = _last(done, item["vaccine"])
        # The season runs from autumn to winter: start from the current or last season.
        year = today.year if today.month >= 8 else today.year - 1
        while True:
            season = date(year, int(item["month"]), int(item["day"]))
            too_young = age_on(birth, date(year, 12, 31)) < 65
            already = last is not None and last >= date(year, 8, 1)
            if not too_young and not already:
                break
            year += 1
        recs.append(Recommendation(item["vaccine"], item["vaccine"], "vaccination", season))
    return recs


def screenings(
    birth: date, sex: str, done: Iterable[DoneVaccine], today: date
) -> list[Recommendation]:
    """The next organised screening of each programme that applies to the person."""
    done = list(done)
    recs: list[Recommendation] = []
    for prog in load_calendar()["screenings"]:
        if prog["sex"] != "any" and prog["sex"] != (sex or "").upper()[:1]:
            continue
        start, end = add_years(birth, prog["from_age"]), add_years(birth, prog["to_age"] + 1)
        last = _last(done, prog["code"])
        if last is not None:
            due = add_years(last, prog["every_years"])
            fixed = [add_years(birth, a) for a in prog.get("fixed_ages", [])]
            later_fixed = [f for f in fixed if add_months(last, 6) <= f]
            if later_fixed:
                due = min(later_fixed[0], due)
        else:
            # Overdue: the start of the current round, a fixed date for the whole round so
            # a reminder is never sent twice for it.
            due = start
            while add_years(due, prog["every_years"]) <= today:
                due = add_years(due, prog["every_years"])
        if today < end and due < end:
            recs.append(Recommendation(prog["code"], prog["code"], "screening", due))
    return recs


def prevention_consultations(birth: date, today: date) -> list[Recommendation]:
    for age in load_calendar()["prevention_consultations"]:
        due = add_years(birth, age)
        if due >= today:
            return [Recommendation(f"consultation_{age}_ans", "consultation", "consultation", due)]
    return []


def due_vaccinations(
    birth: date, done: Iterable[DoneVaccine], today: date, horizon_days: int = 365
) -> list[Recommendation]:
    """Vaccinations due up to `horizon_days` ahead (overdue ones included), soonest first."""
    done = list(done)
    # Childhood catch-up stops at 18: after that the doctor decides, the calendar does not.
    recs = childhood_vaccinations(birth, done) if age_on(birth, today) < ADULT_AGE else []
    if age_on(birth, today) >= ADULT_AGE - 1:
        recs += adult_vaccinations(birth, done, today)
    limit = date.fromordinal(today.toordinal() + horizon_days)
    return sorted((r for r in recs if r.due_date <= limit), key=lambda r: (r.due_date, r.code))


def recommendations(
    birth: date, sex: str, done: Iterable[DoneVaccine], today: date, horizon_days: int = 365
) -> list[Recommendation]:
    """Everything to remind the person of: vaccinations, screenings, prevention visits."""
    done = list(done)
    limit = date.fromordinal(today.toordinal() + horizon_days)
    recs = due_vaccinations(birth, done, today, horizon_days)
    recs += [r for r in screenings(birth, sex, done, today) if r.due_date <= limit]
    recs += [r for r in prevention_consultations(birth, today) if r.due_date <= limit]
    return sorted(recs, key=lambda r: (r.due_date, r.code))
