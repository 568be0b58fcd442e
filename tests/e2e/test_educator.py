"""An educator in a real browser: upload every format, fix a broken file from the messages,
import, publish, edit a question into a new version, and download the set."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import DATA
from tests.e2e.conftest import create_admin

UPLOADS = [
    ("sample.gift", "gift", 2),
    ("sample.aiken.txt", "aiken", 2),
    ("sample.moodle.xml", "moodle-xml", 2),
    ("sample.qti.xml", "qti", 1),
    ("sample.csv", "csv", 5),
    ("sample.yaml", "native", 2),
]


def upload(page, base, filename):
    page.goto(base + "/bank/upload")
    page.get_by_label("Question file").set_input_files(str(DATA / filename))
    page.get_by_role("button", name="Upload and preview").click()


@pytest.mark.parametrize(("filename", "fmt", "count"), UPLOADS)
def test_upload_each_format(page, live_server, shoot, filename, fmt, count):
    create_admin(page, live_server)
    upload(page, live_server, filename)
    expect(page.get_by_text(f"Read as {fmt}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{count} question")).to_be_visible()
    shoot(f"bank-preview-{fmt}")
    page.get_by_role("button", name=re.compile(r"^Import \d+ question")).click()
    expect(page.get_by_text("Imported into")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(count)


def test_fix_a_broken_file_edit_and_export(page, live_server, shoot):
    create_admin(page, live_server)
    upload(page, live_server, "broken.gift")
    errors = page.locator("#errors")
    expect(errors).to_contain_text("Line 4: The grade 33%")
    expect(errors).to_contain_text("change it to 30% or 33.33333%")
    expect(errors).to_contain_text("Line 9:")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    shoot("bank-preview-errors")
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("nothing was imported")).to_be_visible()

    upload(page, live_server, "fixed.gift")
    page.get_by_role("button", name="Import 2 questions").click()
    page.get_by_role("button", name="Publish for nurses").click()
    expect(page.get_by_text("is now published")).to_be_visible()
    shoot("bank-set")

    page.get_by_role("link", name="broken-1").click()
    expect(page.get_by_role("heading", name="As a nurse sees it")).to_be_visible()
    shoot("bank-question")
    page.get_by_role("button", name="Edit").click()
    source = page.get_by_label("Question in GIFT")
    source.fill(source.input_value().replace("advanced dementia", "dementia and no speech"))
    page.get_by_label("Blueprint domain").select_option("assessment")
    page.get_by_label("Subdomain").fill("Assessment tools")
    page.get_by_label("References").fill("Warden V, et al. J Am Med Dir Assoc. 2003;4(1):9-15.")
    page.get_by_role("button", name="Save new version").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    expect(page.get_by_text("and no speech")).to_be_visible()
    shoot("bank-question-v2")

    page.get_by_role("link", name="fixed", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="GIFT").click()
    assert "and no speech" in Path(download.value.path()).read_text()
