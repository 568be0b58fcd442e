"""Eligibility: the window rule at its edges and on leap days, which states count, programs."""

from datetime import date, timedelta

import pytest

from certprep.hours.rules import DayTotal, Profile, Requirement, eligibility, window

PMGT = Requirement("PMGT", practice_hours=2000, window_years=3, ce_hours=30, ce_window_years=3,
                   requires_rn_licence=True, rn_practice_years=2)
SMALL = Requirement("Small", practice_hours=10, window_years=1, ce_hours=0, ce_window_years=1)
LICENSED = Profile(licence_number="RN1", licence_expires=date(2030, 1, 1))


@pytest.mark.parametrize(("on", "years", "start"), [
    (date(2026, 6, 15), 3, date(2023, 6, 16)),
    (date(2028, 2, 29), 3, date(2025, 3, 1)),   # 29 Feb 2025 does not exist: 28 Feb + 1 day
    (date(2028, 2, 29), 4, date(2024, 3, 1)),   # 29 Feb 2024 exists
    (date(2027, 2, 28), 3, date(2024, 2, 29)),  # the window may start on a leap day
    (date(2026, 1, 1), 5, date(2021, 1, 2)),
    (date(2026, 12, 31), 1, date(2026, 1, 1)),
])
def test_window(on, years, start):
    assert window(on, years) == (start, on)


def approved(day, hours=1, state="approved"):
    return DayTotal(day, state, int(hours * 60))


def test_hours_on_the_first_and_last_day_count_and_the_day_before_does_not():
    on = date(2026, 6, 15)
    start, _ = window(on, 1)
    totals = [approved(start - timedelta(days=1), 100), approved(start, 2), approved(on, 3)]
    figures = eligibility(totals, [], SMALL, on=on)
    assert figures.practice_hours_approved == 5


def test_a_leap_day_on_the_date_itself():
    on = date(2028, 2, 29)
    totals = [approved(date(2025, 2, 28), 7), approved(date(2025, 3, 1), 2)]
    assert eligibility(totals, [], Requirement("x", 1, 3, 0, 3), on=on).practice_hours_approved == 2


@pytest.mark.parametrize(("state", "approved_hours", "pending"), [
    ("approved", 4, 0), ("submitted", 0, 4), ("returned", 0, 0), ("rejected", 0, 0),
    ("draft", 0, 0), ("withdrawn", 0, 0), ("superseded", 0, 0)])
def test_only_approved_hours_count_and_submitted_are_pending(state, approved_hours, pending):
    on = date(2026, 6, 15)
    figures = eligibility([approved(on, 4, state)], [], SMALL, on=on)
    assert (figures.practice_hours_approved, figures.practice_hours_pending) == (
        approved_hours, pending)


def test_an_amendment_pending_leaves_the_original_counted():
    # The original stays "approved" until its amendment is approved (then "superseded").
    on = date(2026, 6, 15)
    figures = eligibility([approved(on, 4), approved(on, 5, "submitted")], [], SMALL, on=on)
    assert figures.practice_hours_approved == 4 and figures.practice_hours_pending == 5


def test_several_programs_see_the_same_hours_through_their_own_windows():
    on = date(2026, 6, 15)
    totals = [approved(date(2024, 6, 15), 500), approved(date(2026, 1, 1), 10)]
    assert eligibility(totals, [], SMALL, on=on).practice_hours_approved == 10
    assert eligibility(totals, [], PMGT, on=on, profile=LICENSED).practice_hours_approved == 510


def test_eligible_when_everything_is_met_and_missing_lists_what_is_not():
    on = date(2026, 6, 15)
    figures = eligibility([approved(on, 10)], [], SMALL, on=on)
    assert figures.eligible and figures.missing == []
    figures = eligibility([approved(on, 1000)], [(on, 10)], PMGT, on=on)
    assert not figures.eligible
    assert figures.missing[:2] == ["1000 more approved practice hours", "20 more CE contact hours"]
    assert any("RN licence" in item for item in figures.missing)


def test_an_expired_licence_makes_the_nurse_not_eligible_and_one_expiring_soon_reminds():
    on = date(2026, 6, 15)
    program = Requirement("L", 1, 1, 0, 1, requires_rn_licence=True)
    expired = Profile(licence_number="RN1", licence_expires=date(2026, 6, 14))
    assert not eligibility([approved(on, 1)], [], program, on=on, profile=expired).eligible
    soon = Profile(licence_number="RN1", licence_expires=on + timedelta(days=60))
    figures = eligibility([approved(on, 1)], [], program, on=on, profile=soon)
    assert figures.eligible and figures.reminders


def test_rn_practice_years():
    on = date(2026, 6, 15)
    program = Requirement("P", 0, 1, 0, 1, rn_practice_years=2)
    full = Profile(practice_start=date(2024, 6, 1))
    part = Profile(practice_start=date(2024, 6, 1), full_time=False)
    assert eligibility([], [], program, on=on, profile=full).eligible
    assert not eligibility([], [], program, on=on, profile=part).eligible


def test_hours_leaving_in_the_next_90_days_and_the_projected_date():
    on = date(2026, 6, 15)
    start, _ = window(on, 1)
    totals = [approved(start + timedelta(days=10), 3), approved(start + timedelta(days=95), 2),
              approved(on - timedelta(days=1), 1.5)]
    figures = eligibility(totals, [], Requirement("x", 100, 1, 0, 1), on=on)
    assert figures.hours_leaving_soon == 3
    # 1.5 hours in the last 84 days: 93.5 hours to go at 1.5/84 a day.
    assert figures.projected_date == on + timedelta(days=5236)
    assert eligibility([], [], SMALL, on=on).projected_date is None


def test_categories_that_count():
    on = date(2026, 6, 15)
    program = Requirement("c", 1, 1, 0, 1, categories=("education",))
    totals = [DayTotal(on, "approved", 120, "education"), DayTotal(on, "approved", 60, "rounds")]
    assert eligibility(totals, [], program, on=on).practice_hours_approved == 2


def test_json_keys_are_the_contract():
    figures = eligibility([], [], SMALL, on=date(2026, 6, 15))
    assert list(figures.as_json()) == [
        "program", "window_start", "window_end", "practice_hours_required",
        "practice_hours_approved", "practice_hours_pending", "ce_hours_required", "ce_hours",
        "eligible", "missing"]
