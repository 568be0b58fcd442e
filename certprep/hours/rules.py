"""Eligibility for a certification program on a date: plain values in, figures out.

The window for a date D and an N-year program runs from the day after the same date N
years before D through D. When that same date does not exist (D is 29 February and the
earlier year is not a leap year) it falls back to 28 February, so the window starts on
1 March. Only approved hours dated inside the window count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

PACE_DAYS = 84  # the nurse's pace: approved hours over the last 12 weeks
LEAVING_DAYS = 90
LICENCE_REMINDER_DAYS = 60


@dataclass(frozen=True)
class DayTotal:
    """Minutes logged on one day in one state (one row of the aggregate query)."""

    day: date
    state: str
    minutes: int
    category: str = ""


@dataclass(frozen=True)
class Requirement:
    name: str
    practice_hours: int
    window_years: int
    ce_hours: int
    ce_window_years: int
    requires_rn_licence: bool = False
    rn_practice_years: int = 0
    categories: tuple[str, ...] = ()  # empty: every category counts


@dataclass(frozen=True)
class Profile:
    licence_number: str = ""
    licence_expires: date | None = None
    practice_start: date | None = None
    full_time: bool = True


@dataclass(frozen=True)
class Eligibility:
    program: str
    window_start: date
    window_end: date
    practice_hours_required: int
    practice_hours_approved: float
    practice_hours_pending: float
    ce_hours_required: int
    ce_hours: float
    hours_leaving_soon: float
    projected_date: date | None
    eligible: bool
    missing: list[str] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "program": self.program,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "practice_hours_required": self.practice_hours_required,
            "practice_hours_approved": self.practice_hours_approved,
            "practice_hours_pending": self.practice_hours_pending,
            "ce_hours_required": self.ce_hours_required,
            "ce_hours": self.ce_hours,
            "eligible": self.eligible,
            "missing": self.missing,
        }


def years_before(day: date, years: int) -> date:
    """The same date `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def window(on: date, years: int) -> tuple[date, date]:
    """First and last day (both included) of the look-back window ending on `on`."""
    return years_before(on, years) + timedelta(days=1), on


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def eligibility(totals: list[DayTotal], ce: list[tuple[date, float]], program: Requirement,
                *, on: date, profile: Profile | None = None) -> Eligibility:
    """The figures the eligibility panel and `flask hours eligibility` show."""
    start, end = window(on, program.window_years)
    if program.categories:
        totals = [t for t in totals if t.category in program.categories]
    inside = [t for t in totals if start <= t.day <= end]
    approved = sum(t.minutes for t in inside if t.state == "approved")
    pending = sum(t.minutes for t in inside if t.state == "submitted")
    ce_start, _ = window(on, program.ce_window_years)
    ce_hours = round(sum(hours for day, hours in ce if ce_start <= day <= on), 2)
    # Hours that drop out of the window in the next 90 days: dated before start + 90 days.
    leaving = sum(t.minutes for t in inside
                  if t.state == "approved" and t.day < start + timedelta(days=LEAVING_DAYS))
    needed = program.practice_hours * 60 - approved
    pace_from = on - timedelta(days=PACE_DAYS - 1)
    recent = sum(t.minutes for t in totals
                 if t.state == "approved" and pace_from <= t.day <= on)
    projected = None
    if needed <= 0:
        projected = on
    elif recent > 0:
        projected = on + timedelta(days=math.ceil(needed / (recent / PACE_DAYS)))

    missing, reminders = [], []
    if needed > 0:
        missing.append(f"{_hours(needed):g} more approved practice hours")
    if ce_hours < program.ce_hours:
        missing.append(f"{round(program.ce_hours - ce_hours, 2):g} more CE contact hours")
    profile = profile or Profile()
    if program.requires_rn_licence:
        if not profile.licence_number or profile.licence_expires is None:
            missing.append("an active RN licence (add its number and expiry date)")
        elif profile.licence_expires < on:
            missing.append(f"an active RN licence (yours expired on "
                           f"{profile.licence_expires.isoformat()})")
        elif (profile.licence_expires - on).days <= LICENCE_REMINDER_DAYS:
            reminders.append(f"Your RN licence expires on {profile.licence_expires.isoformat()}.")
    if program.rn_practice_years:
        practised = practice_years(profile, on)
        if practised < program.rn_practice_years:
            missing.append(f"{program.rn_practice_years} years of full-time RN practice "
                           f"(you have the equivalent of {practised:g})")
    return Eligibility(
        program=program.name, window_start=start, window_end=end,
        practice_hours_required=program.practice_hours,
        practice_hours_approved=_hours(approved), practice_hours_pending=_hours(pending),
        ce_hours_required=program.ce_hours, ce_hours=ce_hours,
        hours_leaving_soon=_hours(leaving), projected_date=projected,
        eligible=not missing, missing=missing, reminders=reminders,
    )


def practice_years(profile: Profile, on: date) -> float:
    """Full-time-equivalent years of RN practice; part-time counts half."""
    if profile.practice_start is None or profile.practice_start > on:
        return 0.0
    years = (on - profile.practice_start).days / 365.25
    return round(years if profile.full_time else years / 2, 1)
