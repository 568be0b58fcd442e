"""Importing an existing log from CSV: every row checked, all or nothing.

`read(text)` is pure: rows of raw strings, or errors. `check_rows` looks the sites and
supervisors up and applies the same rules as the entry form (hours/checks.py), counting the
file's own earlier rows for overlaps and the 24-hour cap. `store` adds the entries.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from certprep.auth.models import User, normalise_email
from certprep.extensions import db
from certprep.hours import checks, entries
from certprep.hours.vocab import CATEGORIES

HEADER = ("date", "start", "end", "hours", "site", "supervisor_email", "category",
          "encounters", "notes")
OPTIONAL = ("late_reason",)  # needed only for rows older than the late limit
TEMPLATE = (
    ",".join(HEADER) + "\r\n"
    "2026-11-02,08:00,12:00,,North Clinic,supervisor@example.com,direct_care,4,"
    "PCA titration round\r\n"
    "2026-11-03,,,1.5,North Clinic,supervisor@example.com,education,2,"
    "Discharge teaching on opioid safety\r\n"
)
MAX_ROWS = 5000

# checks.py field -> CSV column
COLUMN = {"day": "date", "start": "start", "end": "end", "hours": "hours", "site": "site",
          "supervisor": "supervisor_email", "category": "category",
          "encounters": "encounters", "late_reason": "late_reason"}


@dataclass
class Report:
    rows: int = 0
    imported: int = 0
    minutes: int = 0
    errors: list[dict] = field(default_factory=list)
    drafts: list[entries.Draft] = field(default_factory=list)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def as_json(self) -> dict:
        return {"rows": self.rows, "imported": self.imported,
                "hours": round(self.minutes / 60, 2), "errors": self.errors}


def read(data: bytes | str) -> tuple[list[tuple[int, dict]], Report]:
    """(row number, {column: text}) for each data row; the header is row 1."""
    report = Report()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.error(1, "", "The file is not UTF-8 text. Save it as CSV UTF-8 and try again.")
            return [], report
    reader = csv.reader(io.StringIO(data))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as error:
        report.error(1, "", f"The header row cannot be read as CSV: {error}.")
        return [], report
    missing = [name for name in HEADER if name not in header]
    if missing:
        report.error(1, missing[0], f"The header lacks {', '.join(missing)}. The first row "
                                    f"must be: {','.join(HEADER)}")
        return [], report
    unknown = [name for name in header if name not in HEADER + OPTIONAL]
    if unknown:
        report.error(1, unknown[0], f"Unknown column {unknown[0]!r}; the columns are "
                                    f"{','.join(HEADER + OPTIONAL)}.")
        return [], report
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            report.rows += 1
            if len(cells) > len(header):
                report.error(number, "", f"This row has {len(cells)} cells; the header has "
                                         f"{len(header)}. Quote notes that contain commas.")
                continue
            rows.append((number, dict(zip(header, [c.strip() for c in cells]
                                          + [""] * (len(header) - len(cells)), strict=True))))
            if len(rows) > MAX_ROWS:
                report.error(number, "", f"Import at most {MAX_ROWS} rows at a time.")
                return [], report
    except csv.Error as error:
        report.error(reader.line_num, "", f"This row cannot be read as CSV: {error}.")
    return rows, report


def _parse(number: int, raw: dict, report: Report, sites: dict[str, int],
           supervisors: dict[str, User | None]) -> checks.Values | None:
    bad = len(report.errors)
    day = start = end = hours = None
    try:
        day = date.fromisoformat(raw["date"]) if raw["date"] else None
    except ValueError:
        report.error(number, "date", f"{raw['date']!r} is not a date: write YYYY-MM-DD.")
    for name in ("start", "end"):
        try:
            value = datetime.strptime(raw[name], "%H:%M").time() if raw[name] else None
        except ValueError:
            report.error(number, name, f"{raw[name]!r} is not a time: write HH:MM (24-hour).")
            continue
        if name == "start":
            start = value
        else:
            end = value
    try:
        hours = checks.parse_hours(raw["hours"])
    except ValueError:
        report.error(number, "hours", f"{raw['hours']!r} is not a number of hours, e.g. 1.5.")
    encounters = 0
    if raw["encounters"]:
        try:
            encounters = int(raw["encounters"])
        except ValueError:
            report.error(number, "encounters", f"{raw['encounters']!r} is not a whole number.")
    if raw["category"] not in CATEGORIES:
        report.error(number, "category", f"{raw['category']!r} is not a category: use one of "
                                         f"{', '.join(CATEGORIES)}.")
    site_id = sites.get(raw["site"])
    if site_id is None:
        report.error(number, "site", f"{raw['site']!r} is not one of your sites "
                                     f"({', '.join(sorted(sites)) or 'you have none'}).")
    supervisor = supervisors.get(normalise_email(raw["supervisor_email"]))
    if supervisor is None:
        report.error(number, "supervisor_email",
                     f"No account has the email {raw['supervisor_email']!r}.")
    if len(report.errors) > bad:
        return None
    return checks.Values(day=day, start=start, end=end, hours=hours, site_id=site_id,
                         supervisor_id=supervisor.id, category=raw["category"],
                         encounters=encounters, late_reason=raw.get("late_reason", ""))


def check_rows(nurse: User, data: bytes | str, *, today: date) -> Report:
    """Read and check every row; report.drafts holds them when there is no error at all."""
    rows, report = read(data)
    if report.errors and not rows:
        return report
    sites = {site.name: site.id for site in entries.sites_of(nurse)}
    emails = {normalise_email(raw["supervisor_email"]) for _, raw in rows}
    supervisors = _users_by_email(emails)
    by_site = entries.supervisors_by_site(set(sites.values()))
    limit = entries.late_limit_days()
    earlier: dict[date, list[checks.Other]] = {}
    stored: dict[date, list[checks.Other]] = {}
    for number, raw in rows:
        values = _parse(number, raw, report, sites, supervisors)
        if values is None:
            continue
        if values.day is not None and values.day not in stored:
            stored[values.day] = entries.others_on_day(nurse.id, values.day)
        others = [*stored.get(values.day, []), *earlier.get(values.day, [])]
        supervisor_ids = {u.id for u in by_site.get(values.site_id, [])} - {nurse.id}
        found = checks.check(values, today=today, others=others, site_ids=set(sites.values()),
                             supervisor_ids=supervisor_ids, late_limit_days=limit)
        for name, message in found.items():
            column = COLUMN[name]
            if column == "late_reason" and "late_reason" not in raw:
                column = "date"
                message += " Add a late_reason column to the file with the reason."
            report.error(number, column, message)
        if found:
            continue
        minutes, _ = checks.minutes_of(values)
        earlier.setdefault(values.day, []).append(checks.Other(values.start, values.end,
                                                               minutes))
        report.minutes += minutes
        report.drafts.append(entries.Draft(values, notes=raw["notes"]))
    report.errors.sort(key=lambda e: e["row"])
    if report.errors:
        report.drafts = []
    return report


def _users_by_email(emails) -> dict[str, User]:
    return {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}


def store(nurse: User, report: Report, *, now: datetime) -> None:
    """Add the checked rows as entries submitted for sign-off; the caller commits."""
    if report.errors:
        raise ValueError("a report with errors stores nothing")
    for draft in report.drafts:
        entries.create(nurse, draft, now=now, submit=True, action="entry.imported")
    report.imported = len(report.drafts)
