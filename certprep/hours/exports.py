"""CSV exports of a nurse's entries and CE activities, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

ENTRY_COLUMNS = ("date", "start", "end", "hours", "site", "category", "encounters", "status",
                 "supervisor", "signed at")
CE_COLUMNS = ("date", "title", "provider", "contact hours", "accreditation", "certificate")


def safe_cell(value) -> str:
    """The text of a cell, with a leading apostrophe where a spreadsheet would see a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def entries_csv(entries) -> str:
    return to_csv(ENTRY_COLUMNS, (
        (e.day.isoformat(), e.start and e.start.strftime("%H:%M"),
         e.end and e.end.strftime("%H:%M"), f"{e.hours:g}", e.site.name, e.category,
         e.encounters, e.state, e.supervisor.full_name,
         e.reviewed_at.strftime("%Y-%m-%d %H:%M UTC") if e.state == "approved" and
         e.reviewed_at else "")
        for e in entries))


def ce_csv(activities) -> str:
    return to_csv(CE_COLUMNS, (
        (a.day.isoformat(), a.title, a.provider, f"{a.contact_hours:g}", a.accreditation,
         "yes" if a.certificate_type else "no")
        for a in activities))
