"""The verified practice hours report: its contents, its code and its PDF.

The code is an HMAC of the report's canonical contents under the app's secret, so nobody
without the secret can make a code that verifies, and a stored summary that was changed no
longer matches its code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import secrets
from collections import defaultdict
from datetime import datetime

import segno

from certprep.hours import rules
from certprep.hours.vocab import CATEGORIES

SCHEMA = 2  # 2: each entry says whether a preceptor signed it through an emailed link
CODE_LENGTH = 20  # base32 characters: 100 bits


def contents(nurse, program, figures: rules.Eligibility, approved, *, issued: datetime) -> dict:
    """What the report states, as plain JSON-able values. `approved`: the approved entries
    in the window, with their signers."""
    by_category: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    for entry in approved:
        by_category[entry.category] += entry.minutes
        by_month[entry.day.strftime("%Y-%m")] += entry.minutes
    return {
        "schema": SCHEMA,
        "nurse": nurse.display_name,
        "nurse_email": nurse.email,
        "program": program.name,
        "window_start": figures.window_start.isoformat(),
        "window_end": figures.window_end.isoformat(),
        "approved_hours": figures.practice_hours_approved,
        "required_hours": figures.practice_hours_required,
        "ce_hours": figures.ce_hours,
        "by_category": {CATEGORIES[k]: v / 60 for k, v in sorted(by_category.items())},
        "by_month": {k: v / 60 for k, v in sorted(by_month.items())},
        "entries": [
            {"date": e.day.isoformat(), "hours": e.hours, "category": CATEGORIES[e.category],
             "site": e.site.name, "signer": e.reviewer_name,
             "credentials": e.reviewer_credentials,
             "via": "emailed link" if e.signed_via_link else "account",
             "signed_at": e.reviewed_at.strftime("%Y-%m-%d %H:%M UTC") if e.reviewed_at else ""}
            for e in approved],
        "issued": issued.strftime("%Y-%m-%d %H:%M UTC"),
        # Two reports with the same figures are still two reports, each revocable alone.
        "serial": secrets.token_hex(8),
    }


def code_for(summary: dict, secret: str | bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    canonical = json.dumps(summary, sort_keys=True, separators=(",", ":")).encode()
    digest = hmac.new(key, b"certprep-report:" + canonical, hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:40]


def verdict(stored, code: str, secret) -> str:
    """'genuine', 'tampered', 'revoked' or 'unknown' for a code and its stored report."""
    if stored is None:
        return "unknown"
    if not hmac.compare_digest(code_for(stored.summary, secret), stored.code):
        return "tampered"
    if stored.revoked_at is not None:
        return "revoked"
    return "genuine"


def _latin(text) -> str:
    # The core PDF fonts are Latin-1: anything else is replaced rather than refused.
    return str(text).encode("latin-1", "replace").decode("latin-1")


def pdf(summary: dict, code: str, verify_url: str, *, compress: bool = True) -> bytes:
    # Imported here: fpdf2 and its fontTools take a tenth of a second, and every server
    # worker and `flask` command would pay it at start for a page few people open.
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_compression(compress)
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_title("Verified practice hours report")
    doc.set_font("Helvetica", "B", 16)
    doc.cell(0, 10, "Verified practice hours report", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=10)
    for label, value in (
        ("Nurse", f"{summary['nurse']} ({summary['nurse_email']})"),
        ("Program", summary["program"]),
        ("Window", f"{summary['window_start']} to {summary['window_end']}"),
        ("Approved hours in the window",
         f"{summary['approved_hours']:g} of {summary['required_hours']} required"),
        ("CE contact hours in the window", f"{summary['ce_hours']:g}"),
        ("Issued", summary["issued"]),
    ):
        doc.cell(60, 6, _latin(label))
        doc.cell(0, 6, _latin(value), new_x="LMARGIN", new_y="NEXT")
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=4, border=2)
    qr.seek(0)
    doc.image(qr, x=165, y=12, w=32)
    doc.ln(4)
    doc.set_font("Helvetica", "B", 10)
    doc.cell(0, 6, _latin(f"Verification code: {code}"), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=9)
    doc.cell(0, 5, _latin(f"Check it at {verify_url}"), new_x="LMARGIN", new_y="NEXT")
    for title, table in (("Hours by category", summary["by_category"]),
                         ("Hours by month", summary["by_month"])):
        doc.ln(3)
        doc.set_font("Helvetica", "B", 11)
        doc.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", size=9)
        with doc.table(col_widths=(120, 30), text_align=("LEFT", "RIGHT"), width=150,
                       align="LEFT") as grid:
            grid.row(("", "Hours"))
            for key, hours in table.items():
                grid.row((_latin(key), f"{hours:g}"))
    doc.ln(3)
    doc.set_font("Helvetica", "B", 11)
    doc.cell(0, 7, "Approved entries", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=8)
    with doc.table(col_widths=(20, 12, 50, 35, 45, 28), text_align="LEFT") as grid:
        grid.row(("Date", "Hours", "Activity", "Site", "Signed by", "Signed at"))
        for entry in summary["entries"]:
            signer = entry["signer"] + (f", {entry['credentials']}" if entry["credentials"]
                                        else "")
            if entry.get("via") == "emailed link":
                signer += " (external preceptor, by emailed one-time link)"
            grid.row(tuple(_latin(v) for v in (entry["date"], f"{entry['hours']:g}",
                                               entry["category"], entry["site"], signer,
                                               entry["signed_at"])))
    return bytes(doc.output())
