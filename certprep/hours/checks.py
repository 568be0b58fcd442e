"""The rules an entry must meet, as one pure function shared by the form and the importer.

Plain values in, {field: message} out; an empty dict means the entry may be saved.
`today` is passed in, never read from the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from certprep.hours.vocab import CATEGORIES, MAX_MINUTES_PER_DAY, MINUTES_STEP


@dataclass(frozen=True)
class Values:
    day: date | None
    start: time | None
    end: time | None
    hours: Decimal | None
    site_id: int | None
    supervisor_id: int | None
    category: str | None
    encounters: int | None = 0
    late_reason: str = ""


@dataclass(frozen=True)
class Other:
    """Another entry of the same nurse on the same day that still counts."""

    start: time | None
    end: time | None
    minutes: int


def minutes_of(values: Values) -> tuple[int | None, dict[str, str]]:
    """The entry's length in minutes, from start and end or from hours."""
    if values.start is not None and values.end is not None:
        start = values.start.hour * 60 + values.start.minute
        end = values.end.hour * 60 + values.end.minute
        if end <= start:
            return None, {"end": "The end time must be after the start time (entries that "
                                 "cross midnight are logged as two entries, one per day)."}
        minutes = end - start
        if minutes % MINUTES_STEP:
            return None, {"end": "Start and end must make whole quarter hours, "
                                 "for example 08:00 to 11:45."}
        return minutes, {}
    if (values.start is None) != (values.end is None):
        field = "end" if values.end is None else "start"
        return None, {field: "Give both a start and an end time, or leave both empty and "
                             "give the hours."}
    if values.hours is None:
        return None, {"hours": "Give the hours, or a start and an end time."}
    if values.hours <= 0:
        return None, {"hours": "The hours must be more than zero."}
    if values.hours > 24:
        return None, {"hours": "An entry can be at most 24 hours."}
    minutes = values.hours * 60
    if minutes % MINUTES_STEP:
        return None, {"hours": "Use quarter hours: for example 1, 1.25, 1.5 or 1.75."}
    return int(minutes), {}


def _overlaps(start: time, end: time, other: Other) -> bool:
    return other.start is not None and other.end is not None and (
        start < other.end and other.start < end)


def check(values: Values, *, today: date, others: list[Other], site_ids: set[int],
          supervisor_ids: set[int], late_limit_days: int) -> dict[str, str]:
    """Every reason this entry cannot be saved, by field. `site_ids`: the nurse's sites;
    `supervisor_ids`: the supervisors of the chosen site."""
    errors: dict[str, str] = {}
    if values.day is None:
        errors["day"] = "Give the date you worked, as YYYY-MM-DD."
    elif values.day > today:
        errors["day"] = "The date is in the future. Log hours on or after the day you worked."
    elif (today - values.day).days > late_limit_days and not values.late_reason.strip():
        errors["late_reason"] = (
            f"This date is more than {late_limit_days} days ago. Say why it is logged late.")
    minutes, length_errors = minutes_of(values)
    errors.update(length_errors)
    if minutes is not None and values.day is not None:
        total = minutes + sum(other.minutes for other in others)
        if total > MAX_MINUTES_PER_DAY:
            errors.setdefault("hours", (
                f"With your other entries this makes {total / 60:g} hours on "
                f"{values.day.isoformat()}; a day has at most 24."))
        if values.start is not None and values.end is not None:
            clash = next((o for o in others if _overlaps(values.start, values.end, o)), None)
            if clash is not None:
                errors.setdefault("start", (
                    f"These times overlap your entry from {clash.start:%H:%M} to "
                    f"{clash.end:%H:%M} on {values.day.isoformat()}. Change the times."))
    if values.site_id is None or values.site_id not in site_ids:
        errors["site"] = "Choose one of your sites."
    elif values.supervisor_id is None or values.supervisor_id not in supervisor_ids:
        errors["supervisor"] = "Choose a supervisor of that site: this person is not one."
    if values.category not in CATEGORIES:
        errors["category"] = f"Choose a category: one of {', '.join(CATEGORIES)}."
    if values.encounters is None or values.encounters < 0:
        errors["encounters"] = "Give the number of patient encounters: 0 or more."
    return errors


# Patterns that suggest a patient could be identified from the notes.
IDENTIFIERS = (
    (re.compile(r"\b(MRN|NHS|record (no|number)|chart)\b|\b\d{6,}\b", re.I),
     "a record number"),
    (re.compile(r"\b(DOB|born)\b|\b\d{1,2}[/.-]\d{1,2}[/.-](19|20)\d\d\b", re.I),
     "a date of birth"),
    (re.compile(r"(\+\d[\d ()-]{7,}\d)|\b\d{3}[ .-]\d{3}[ .-]\d{4}\b"), "a phone number"),
    (re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), "an email address"),
    (re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx)\.? [A-Z][a-z]+|\b(patient|pt) [A-Z][a-z]+ [A-Z][a-z]+"),
     "a name"),
)


def identifier_warnings(notes: str) -> list[str]:
    """What in the notes looks like it identifies a patient, for the warning before saving."""
    return [what for pattern, what in IDENTIFIERS if pattern.search(notes or "")]


def parse_hours(text: str) -> Decimal | None:
    """'1.5' -> Decimal('1.5'); '' -> None; raises ValueError on anything else."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("not a number") from None


def parse_time(text: str) -> time | None:
    text = (text or "").strip()
    return datetime.strptime(text, "%H:%M").time() if text else None


def late_limit_from(setting: str) -> int:
    try:
        return max(0, int(setting))
    except ValueError:
        return 30
