"""Every refusal of an entry, each naming its field; and the notes' identifier warning."""

from dataclasses import replace
from datetime import date, time
from decimal import Decimal

import pytest

from certprep.hours.checks import Other, Values, check, identifier_warnings, minutes_of

TODAY = date(2026, 12, 1)
GOOD = Values(day=date(2026, 11, 30), start=time(8), end=time(12), hours=None, site_id=1,
              supervisor_id=20, category="direct_care", encounters=3)


def errors(values=GOOD, others=(), limit=30):
    return check(values, today=TODAY, others=list(others), site_ids={1},
                 supervisor_ids={20}, late_limit_days=limit)


def test_a_good_entry_passes():
    assert errors() == {}
    assert minutes_of(GOOD) == (240, {})


REFUSED = [
    ("future date", {"day": date(2026, 12, 2)}, "day", "future"),
    ("no date", {"day": None}, "day", "YYYY-MM-DD"),
    ("zero hours", {"start": None, "end": None, "hours": Decimal(0)}, "hours", "more than zero"),
    ("negative hours", {"start": None, "end": None, "hours": Decimal(-1)}, "hours",
     "more than zero"),
    ("over 24 hours", {"start": None, "end": None, "hours": Decimal("24.25")}, "hours",
     "at most 24"),
    ("not quarter hours", {"start": None, "end": None, "hours": Decimal("1.1")}, "hours",
     "quarter hours"),
    ("times not quarter hours", {"end": time(12, 10)}, "end", "quarter hours"),
    ("end before start", {"start": time(12), "end": time(8)}, "end", "after the start"),
    ("start without end", {"end": None}, "end", "both"),
    ("neither times nor hours", {"start": None, "end": None}, "hours", "Give the hours"),
    ("not the nurse's site", {"site_id": 2}, "site", "your sites"),
    ("supervisor not at the site", {"supervisor_id": 99}, "supervisor", "supervisor of that site"),
    ("unknown category", {"category": "napping"}, "category", "direct_care"),
    ("negative encounters", {"encounters": -1}, "encounters", "0 or more"),
    ("late without a reason", {"day": date(2026, 10, 31)}, "late_reason", "30 days"),
]


@pytest.mark.parametrize(("case", "changes", "field", "words"), REFUSED,
                         ids=[r[0] for r in REFUSED])
def test_refusals_name_the_field(case, changes, field, words):
    found = errors(replace(GOOD, **changes))
    assert field in found, found
    assert words in found[field]


def test_exactly_on_the_late_limit_is_accepted_and_a_reason_lets_a_late_entry_in():
    assert errors(replace(GOOD, day=date(2026, 11, 1))) == {}  # 30 days ago
    assert errors(replace(GOOD, day=date(2026, 10, 31), late_reason="Paper log typed up")) == {}
    assert "late_reason" in errors(replace(GOOD, day=date(2026, 11, 20)), limit=5)


def test_more_than_24_hours_on_one_day_across_entries():
    found = errors(replace(GOOD, start=None, end=None, hours=Decimal(5)),
                   others=[Other(None, None, 20 * 60)])
    assert "25 hours on 2026-11-30" in found["hours"]
    assert errors(replace(GOOD, start=None, end=None, hours=Decimal(4)),
                  others=[Other(None, None, 20 * 60)]) == {}


@pytest.mark.parametrize(("start", "end", "overlaps"), [
    (time(7), time(8, 15), True), (time(11, 45), time(13), True), (time(9), time(10), True),
    (time(6), time(8), False), (time(12), time(14), False)])
def test_overlapping_times(start, end, overlaps):
    found = errors(replace(GOOD, start=start, end=end), others=[Other(time(8), time(12), 240)])
    assert ("start" in found) is overlaps
    if overlaps:
        assert "overlap your entry from 08:00 to 12:00" in found["start"]


@pytest.mark.parametrize(("notes", "what"), [
    ("Reviewed MRN 12345678 pain plan", "a record number"),
    ("pt born 04/07/1951, PCA review", "a date of birth"),
    ("called family on 555-123-4567", "a phone number"),
    ("sent plan to jo.smith@mail.com", "an email address"),
    ("Mrs Patel's epidural review", "a name"),
    ("patient John Smith needed a block", "a name"),
])
def test_notes_that_look_identifying_are_flagged(notes, what):
    assert what in identifier_warnings(notes)


def test_ordinary_notes_raise_no_warning():
    assert identifier_warnings("PCA titration teaching with the ward team, 3 patients") == []
