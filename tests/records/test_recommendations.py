"""Recommended reminders from the vaccination calendar data (records/services/recommendations)."""

from __future__ import annotations

from datetime import date

from records.services.recommendations import (
    DoneVaccine,
    add_months,
    age_on,
    calendar_version,
    child_doses,
    due_vaccinations,
    next_dtcap_booster,
    recommendations,
    screenings,
)


def codes(recs):
    return [r.code for r in recs]


def test_calendar_is_versioned_data():
    assert calendar_version() == "2026-05"


def test_add_months_clamps_the_day():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 12, 15), 2) == date(2025, 2, 15)


def test_age_on():
    assert age_on(date(2000, 6, 15), date(2018, 6, 14)) == 17
    assert age_on(date(2000, 6, 15), date(2018, 6, 15)) == 18


def test_cohorts_follow_the_birth_date():
    new = {d["code"] for d in child_doses(date(2025, 3, 1))}
    mid = {d["code"] for d in child_doses(date(2020, 3, 1))}
    old = {d["code"]: d for d in child_doses(date(2015, 3, 1))}
    assert "meningocoque_acwy_1" in new and "meningocoque_c_1" not in new
    assert "meningocoque_c_1" in mid and "meningocoque_acwy_1" not in mid
    assert not old["ror_1"]["obligatory"] and old["hexavalent_1"]["obligatory"]


def test_infant_next_doses():
    birth = date(2026, 9, 1)
    recs = due_vaccinations(birth, [], today=date(2026, 10, 1), horizon_days=45)
    assert codes(recs) == ["hexavalent_1", "pneumocoque_1", "rotavirus_1"]
    assert all(r.due_date == date(2026, 11, 1) for r in recs)
    assert recs[0].obligatory and not recs[2].obligatory


def test_done_doses_are_not_due_and_missed_ones_stay_due():
    birth = date(2026, 1, 10)
    done = [DoneVaccine("hexavalent_1", date(2026, 3, 10))]
    recs = due_vaccinations(birth, done, today=date(2026, 6, 1), horizon_days=0)
    assert "hexavalent_1" not in codes(recs)
    # Missed at 2 and 4 months: still due (catch-up, never restart).
    assert "pneumocoque_1" in codes(recs) and "hexavalent_2" in codes(recs)


def test_school_age_child_boosters_and_hpv():
    birth = date(2015, 5, 20)
    done = [DoneVaccine(d["code"], date(2016, 1, 1)) for d in child_doses(birth)]
    done = [d for d in done if not d.code.startswith(("dtcap_11", "hpv"))]
    recs = due_vaccinations(birth, done, today=date(2026, 1, 1), horizon_days=365)
    assert codes(recs) == ["dtcap_11_ans", "hpv_1", "hpv_2"]
    assert recs[0].due_date == date(2026, 5, 20)


def test_dtcap_booster_ages_and_transition():
    birth = date(1980, 4, 1)
    assert next_dtcap_booster(birth, None) == date(2005, 4, 1)
    assert next_dtcap_booster(birth, date(2006, 1, 1)) == date(2025, 4, 1)
    # Last booster less than 5 years before 45: the next is at 65.
    assert next_dtcap_booster(birth, date(2022, 1, 1)) == date(2045, 4, 1)
    # After 65, every 10 years.
    assert next_dtcap_booster(birth, date(2045, 4, 1)) == date(2055, 4, 1)


def test_flu_every_year_from_65():
    birth = date(1958, 3, 1)
    recs = {r.code: r for r in due_vaccinations(birth, [], today=date(2026, 9, 1))}
    assert recs["grippe"].due_date == date(2026, 10, 15)
    done = [DoneVaccine("grippe", date(2026, 10, 20))]
    recs = {r.code: r for r in due_vaccinations(birth, done, date(2026, 11, 1), 400)}
    assert recs["grippe"].due_date == date(2027, 10, 15)
    young = {r.code for r in due_vaccinations(date(1990, 1, 1), [], date(2026, 9, 1))}
    assert "grippe" not in young


def test_screenings_by_age_and_sex():
    woman, man = date(1975, 6, 1), date(1975, 6, 1)
    today = date(2025, 1, 1)
    w = {r.code: r.due_date for r in screenings(woman, "F", [], today)}
    m = {r.code: r.due_date for r in screenings(man, "M", [], today)}
    assert w["sein"] == w["colorectal"] == date(2025, 6, 1)
    assert "sein" not in m and "col_uterus" not in m
    assert m["colorectal"] == date(2025, 6, 1)
    done = [DoneVaccine("colorectal", date(2025, 7, 1))]
    m2 = {r.code: r.due_date for r in screenings(man, "M", done, today)}
    assert m2["colorectal"] == date(2027, 7, 1)
    # Over 74: no more organised screening.
    assert screenings(date(1940, 1, 1), "F", [], today)[:1] == []


def test_cervical_rhythm():
    birth = date(2000, 2, 1)

    def cervical(done, today):
        return {r.code: r.due_date for r in screenings(birth, "F", done, today)}["col_uterus"]

    assert cervical([], date(2024, 1, 1)) == date(2025, 2, 1)
    assert cervical([DoneVaccine("col_uterus", date(2025, 2, 10))], date(2025, 3, 1)) == date(
        2026, 2, 1
    )
    after_29 = [DoneVaccine("col_uterus", date(2029, 2, 10))]
    assert cervical(after_29, date(2029, 3, 1)) == date(2034, 2, 10)


def test_overdue_screening_keeps_one_date_per_round():
    birth = date(1960, 6, 1)
    a = {r.code: r.due_date for r in screenings(birth, "M", [], date(2026, 1, 1))}
    b = {r.code: r.due_date for r in screenings(birth, "M", [], date(2026, 5, 1))}
    assert a["colorectal"] == b["colorectal"] == date(2024, 6, 1)


def test_recommendations_combine_everything_soonest_first():
    recs = recommendations(date(2001, 1, 15), "F", [], date(2025, 12, 1), horizon_days=120)
    kinds = {r.kind for r in recs}
    assert {"vaccination", "screening", "consultation"} <= kinds
    assert [r.due_date for r in recs] == sorted(r.due_date for r in recs)
