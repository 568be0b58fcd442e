"""Supervised hours in a real browser, wide and at 390 px: a nurse logs (one refused for an
overlap), imports a CSV with one bad row, fixes it and imports; the supervisor approves two
at once and returns one; the nurse fixes and resubmits; the figures change; the PDF's code
verifies on the public page and an altered code does not. axe runs on every page."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    ADMIN_PASSWORD,
    copy_database,
    create_admin,
    flask,
    flask_env,
    serve,
)

NURSE, SUPERVISOR = "nadia@clinic.example", "sam@clinic.example"
D = [(date.today() - timedelta(days=n)).isoformat() for n in range(1, 6)]


@pytest.fixture(scope="module")
def clinic_database(migrated_database, tmp_path_factory):
    """A site with a nurse and a supervisor, made with the command line once and copied for
    each test; no administrator yet, so each journey still begins with the first-run setup."""
    path = copy_database(migrated_database, tmp_path_factory.mktemp("clinic") / "clinic.sqlite")
    flask(path, "sites", "create", "North Clinic")
    flask(path, "users", "create", NURSE, "--name", "Nadia Nurse", "--role", "nurse",
          "--site", "North Clinic", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    flask(path, "users", "create", SUPERVISOR, "--name", "Sam Supervisor", "--role",
          "supervisor", "--credentials", "RN, MSN", "--site", "North Clinic",
          "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    return path


@pytest.fixture
def clinic_server(clinic_database, tmp_path):
    database = copy_database(clinic_database, tmp_path / "e2e.sqlite")
    with serve(flask_env(database)) as base:
        yield base


def axe_clean(page):
    from axe_playwright_python.sync_playwright import Axe  # deferred like playwright

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


def log_hours(page, base, day, start, end):
    page.goto(base + "/hours/new")
    page.get_by_label("Date").fill(day)
    page.get_by_label("Start time").fill(start)
    page.get_by_label("End time").fill(end)
    page.get_by_label("Notes").fill("PCA titration with the ward team")
    page.get_by_role("button", name="Save").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_hours_journey(page, clinic_server, shoot, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    base = clinic_server
    create_admin(page, base)

    sign_in(page, base, NURSE)
    log_hours(page, base, D[0], "08:00", "10:00")
    expect(page.get_by_text("Logged 2 hours")).to_be_visible()
    log_hours(page, base, D[0], "09:00", "11:00")
    expect(page.locator("#start-error")).to_contain_text("overlap your entry from 08:00")
    axe_clean(page)
    shoot(f"hours-overlap-{width}")

    bad = tmp_path / "log.csv"
    header = "date,start,end,hours,site,supervisor_email,category,encounters,notes\n"
    rows = (f"{D[2]},,,3,North Clinic,{SUPERVISOR},education,2,Teaching\n"
            f"{D[3]},,,1.5,North Clinic,{SUPERVISOR},napping,0,\n")
    bad.write_text(header + rows)
    page.goto(base + "/hours/import")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".import-errors")).to_contain_text("'napping' is not a category")
    axe_clean(page)
    shoot(f"hours-import-errors-{width}")
    bad.write_text(header + rows.replace("napping", "rounds"))
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_text("Imported 2 entries (4.5 hours)")).to_be_visible()
    axe_clean(page)
    shoot(f"hours-list-{width}")

    sign_in(page, base, SUPERVISOR)
    page.goto(base + "/hours/review")
    boxes = page.locator('input[name="entry"]')
    expect(boxes).to_have_count(3)
    axe_clean(page)
    shoot(f"hours-queue-{width}")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_label("Action").select_option("approve")
    page.get_by_label("I confirm the attestation above").check()
    page.get_by_role("button", name="Apply to the selected entries").click()
    expect(page.get_by_text("Approved 2 entries")).to_be_visible()
    page.locator('input[name="entry"]').first.check()
    page.get_by_label("Action").select_option("return")
    page.get_by_label("Note to the nurse").fill("Add the start and end times, please.")
    page.get_by_role("button", name="Apply to the selected entries").click()
    expect(page.get_by_text("Returned 1 entry")).to_be_visible()

    sign_in(page, base, NURSE)
    page.goto(base + "/hours/")
    approved = page.locator(".approved-hours").first
    expect(approved).to_contain_text("of 2000")
    before = approved.inner_text()
    page.locator("tr", has_text="Returned").get_by_role("link").click()
    expect(page.locator("#review-note")).to_contain_text("Add the start and end times")
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Hours").fill("")
    page.get_by_label("Start time").fill("13:00")
    page.get_by_label("End time").fill("14:30")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#entry-state")).to_have_text("Submitted for sign-off")
    axe_clean(page)

    sign_in(page, base, SUPERVISOR)
    page.goto(base + "/hours/review")
    page.locator('input[name="entry"]').first.check()
    page.get_by_label("Action").select_option("approve")
    page.get_by_label("I confirm the attestation above").check()
    page.get_by_role("button", name="Apply to the selected entries").click()

    sign_in(page, base, NURSE)
    page.goto(base + "/hours/")
    expect(page.locator(".approved-hours").first).not_to_have_text(before)
    page.goto(base + "/hours/reports")
    axe_clean(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    code = re.search(r"certprep-hours-([A-Z2-7]+)\.pdf", download.value.suggested_filename)[1]

    page.context.clear_cookies()
    page.goto(base + "/verify")
    page.get_by_label("Verification code").fill(code.lower())
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verdict")).to_contain_text("Genuine")
    expect(page.get_by_text("Nadia Nurse")).to_be_visible()
    axe_clean(page)
    shoot(f"hours-verified-{width}")
    page.goto(base + "/verify/" + ("A" if code[0] != "A" else "B") + code[1:])
    expect(page.locator("#verdict")).to_contain_text("Unknown code")
    axe_clean(page)
    shoot(f"hours-verify-altered-{width}")
    (Path(__file__).resolve().parents[2] / "test-results").mkdir(exist_ok=True)
    (Path(__file__).resolve().parents[2] / "test-results" / f"hours-report-{width}.pdf"
     ).write_bytes(pdf.read_bytes())
