"""CSV exports that a spreadsheet cannot run, the JSON export, and the verified report: its
PDF, its code, and the public check that tells genuine, tampered, revoked and unknown apart."""

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from certprep.extensions import db
from certprep.hours import exports, report
from certprep.hours.models import Program, VerifiedReport
from certprep.timeutil import utcnow
from tests.conftest import post_form, sign_in_through_session


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"),
    ("PCA review", "PCA review"), (3, "3"), (None, "")])
def test_cells_that_a_spreadsheet_would_run_are_defused(value, cell):
    assert exports.safe_cell(value) == cell


@pytest.fixture
def nurse_client(app, world):
    client = app.test_client()
    sign_in_through_session(client, world.nurse)
    return client


def test_entries_csv_has_the_issue_columns_and_defuses_site_names(nurse_client, world,
                                                                 make_entry):
    world.site.name = "=cmd|' /C calc'!A0"
    db.session.commit()
    make_entry(day=date(2026, 11, 2), minutes=90, state="approved",
               reviewed_at=utcnow(),
               reviewer_name="Sam Supervisor")
    response = nurse_client.get("/hours/export/entries.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["date", "start", "end", "hours", "site", "category", "encounters",
                       "status", "supervisor", "signed at"]
    assert rows[1][:5] == ["2026-11-02", "", "", "1.5", "'=cmd|' /C calc'!A0"]
    assert rows[1][7:9] == ["approved", "Sam Supervisor"] and rows[1][9].endswith("UTC")
    ce = nurse_client.get("/hours/export/ce.csv").get_data(as_text=True)
    assert ce.startswith("date,title,provider,contact hours,accreditation,certificate")


def test_json_export_holds_entries_and_their_audit_trail(nurse_client, world):
    post_form(nurse_client, "/hours/new", {
        "day": (date.today() - timedelta(days=1)).isoformat(), "start": "08:00",
        "end": "09:00", "site": world.site.id, "supervisor": world.supervisor.id,
        "category": "rounds", "encounters": "1", "submit_now": "y"})
    body = json.loads(nurse_client.get("/hours/export.json").data)
    assert body["schema"] == 1 and body["nurse"]["email"] == "nurse@example.com"
    assert [e["category"] for e in body["entries"]] == ["rounds"]
    assert [a["action"] for a in body["audit"]] == ["entry.created", "entry.submitted"]
    assert body["attempts"] == []


def test_json_export_holds_the_nurses_practice_attempts(nurse_client, world):
    from tests.exams.conftest import publish, start

    publish()
    attempt_id = start(nurse_client, mode="tutor", count=2)
    body = json.loads(nurse_client.get("/hours/export.json").data)
    assert [a["id"] for a in body["attempts"]] == [attempt_id]
    assert [i["position"] for i in body["attempts"][0]["items"]] == [1, 2]


def issue(client, program_name="PMGT-BC-like (initial)"):
    program = db.session.scalar(select(Program).where(Program.name == program_name))
    response = post_form(client, "/hours/reports", {"program": program.id})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data, db.session.scalar(select(VerifiedReport).order_by(
        VerifiedReport.id.desc()))


def test_the_pdf_lists_approved_entries_and_its_code_verifies(app, nurse_client, world,
                                                             make_entry):
    make_entry(day=date.today() - timedelta(days=3), minutes=120, state="approved",
               reviewer_name="Sam Supervisor", reviewer_credentials="RN, MSN")
    make_entry(day=date.today() - timedelta(days=2), minutes=60, state="submitted")
    data, issued = issue(nurse_client)
    assert data.startswith(b"%PDF-")
    assert re.fullmatch(r"[A-Z2-7]{20}", issued.code)
    assert issued.summary["approved_hours"] == 2 and len(issued.summary["entries"]) == 1
    plain = report.pdf(issued.summary, issued.code, "https://x/verify", compress=False)
    assert issued.code.encode() in plain and b"Sam Supervisor, RN, MSN" in plain
    public = app.test_client()
    page = public.get(f"/verify/{issued.code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Genuine" in text and "Nadia Nurse" in text
    assert "nurse@example.com" not in text and "Sam Supervisor" not in text  # summary only
    lower = public.get(f"/verify?code={issued.code.lower()}", follow_redirects=True)
    assert "Genuine" in lower.get_data(as_text=True)


def test_an_altered_tampered_or_revoked_code_does_not_verify(app, nurse_client, world):
    _, issued = issue(nurse_client)
    public = app.test_client()
    altered = ("A" if issued.code[0] != "A" else "B") + issued.code[1:]
    page = public.get(f"/verify/{altered}")
    assert page.status_code == 404 and "Unknown code" in page.get_data(as_text=True)
    changed = {**issued.summary, "approved_hours": 5000}
    db.session.execute(update(VerifiedReport).where(VerifiedReport.id == issued.id)
                       .values(summary=changed))
    db.session.commit()
    page = public.get(f"/verify/{issued.code}")
    assert page.status_code == 409 and "was changed after it was issued" in page.get_data(
        as_text=True)
    _, second = issue(nurse_client)
    post_form(nurse_client, f"/hours/reports/{second.id}/revoke", {}, form_page="/hours/reports")
    page = public.get(f"/verify/{second.code}")
    assert page.status_code == 409 and "Revoked" in page.get_data(as_text=True)


def test_a_code_needs_the_secret(world):
    summary = {"schema": 1, "nurse": "N"}
    assert report.code_for(summary, "one secret") != report.code_for(summary, "another")
    assert report.code_for(summary, "s") == report.code_for(dict(reversed(summary.items())), "s")


def test_the_public_page_is_rate_limited(make_installed_app):
    app = make_installed_app(RATELIMIT_ENABLED=True, VERIFY_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.get("/verify/NOSUCHCODE").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
