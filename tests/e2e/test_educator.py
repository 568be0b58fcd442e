"""An educator in a real browser: upload every format, fix a broken file from the messages,
check the keys, import, publish after a confirmation, edit a question into a new version,
update the published set by upload (the changes wait until published), and download it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import DATA
from tests.e2e.conftest import (
    ADMIN_PASSWORD,
    copy_database,
    create_admin,
    flask,
    flask_env,
    serve,
)

ADMIN = "robin@clinic.example"

UPLOADS = [
    ("sample.gift", "Moodle GIFT", 2),
    ("sample.aiken.txt", "Aiken", 2),
    ("sample.moodle.xml", "Moodle XML", 2),
    ("sample.qti.xml", "Canvas QTI 1.2", 1),
    ("sample.csv", "CSV (certprep template)", 5),
    ("sample.yaml", "certprep native (YAML)", 2),
]


def upload(page, base, filename: str | Path, title: str | None = None):
    page.goto(base + "/bank/upload")
    page.get_by_label("Question file").set_input_files(str(DATA / filename))
    if title:
        page.get_by_label("Set title").fill(title)
    page.get_by_role("button", name="Upload and preview").click()


@pytest.fixture(scope="module")
def uploads_server(migrated_database, tmp_path_factory):
    """One server for the uploads of every format, its administrator made already: each
    upload names a set of its own, so none sees another's. (The journeys below begin with
    the first-run setup, on a server of their own.)"""
    database = copy_database(migrated_database,
                             tmp_path_factory.mktemp("uploads") / "e2e.sqlite")
    flask(database, "users", "create", ADMIN, "--name", "Robin Reyes", "--role", "admin",
          "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    with serve(flask_env(database)) as base:
        yield base


def sign_in(page, base):
    page.goto(base + "/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


@pytest.mark.parametrize(("filename", "label", "count"), UPLOADS)
def test_upload_each_format(page, uploads_server, shoot, filename, label, count):
    sign_in(page, uploads_server)
    upload(page, uploads_server, filename, title=f"Uploaded as {label}")
    expect(page.get_by_text(f"Read as {label}:")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(
        f"^{count} questions? will be imported into a new set"))).to_be_visible()
    expect(page.locator("section.key").first).to_contain_text("Answer and rationale")
    shoot(f"bank-preview-{filename.split('.')[1]}")
    page.get_by_role("button", name=re.compile(r"^Import \d+ question")).click()
    expect(page.get_by_text("Imported into")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(count)


def test_fix_a_broken_file_edit_update_and_export(page, live_server, shoot, tmp_path):
    create_admin(page, live_server)
    upload(page, live_server, "broken.gift")
    errors = page.locator("#errors")
    expect(errors).to_contain_text("Line 4: The grade 33%")
    expect(errors).to_contain_text("change it to 30% or 33.33333%")
    expect(errors).to_contain_text("Line 9:")
    expect(page.get_by_role("heading", name=re.compile("^Nothing can be imported yet"))) \
        .to_be_visible()
    expect(page.get_by_text("will be imported")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    shoot("bank-preview-errors")
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("nothing was imported")).to_be_visible()

    upload(page, live_server, "fixed.gift")
    expect(page.get_by_text("✔ PAINAD")).to_be_visible()  # the key, before importing
    page.get_by_role("button", name="Import 2 questions").click()
    page.get_by_role("button", name="Publish for nurses").click()  # a link styled as one
    expect(page.get_by_role("heading", name="Publish fixed for nurses?")).to_be_visible()
    expect(page.get_by_text("2 questions become visible to every nurse")).to_be_visible()
    shoot("bank-publish-confirmation")
    page.get_by_role("button", name="Publish 2 questions").click()
    expect(page.get_by_text("is now published: nurses see 2 questions")).to_be_visible()
    shoot("bank-set")

    page.get_by_role("link", name="Which scale suits an adult with advanced dementia?").click()
    expect(page.get_by_role("heading", name="As a nurse sees it")).to_be_visible()
    shoot("bank-question")
    page.get_by_role("button", name="Edit").click()
    source = page.get_by_label("Question in GIFT")
    source.fill(source.input_value().replace("advanced dementia", "dementia and no speech"))
    page.get_by_label("Blueprint domain").select_option("assessment")
    page.get_by_label("Subdomain").fill("Assessment tools")
    page.get_by_label("References").fill("Warden V, et al. J Am Med Dir Assoc. 2003;4(1):9-15.")
    page.get_by_role("button", name="Save new version").click()
    expect(page.get_by_text("Saved as version 2. It waits")).to_be_visible()
    # The title was made from the stem, so it follows the edit.
    expect(page.get_by_role("heading", name="Which scale suits an adult with dementia and no "
                                            "speech?")).to_be_visible()
    expect(page.locator(".stem")).to_contain_text("and no speech")
    shoot("bank-question-v2")

    # A new file for the same set: the preview says it updates it, and asks.
    changed = tmp_path / "fixed.gift"
    changed.write_text((DATA / "fixed.gift").read_text()
                       + "\n// [id:added-1]\nWhich drug treats opioid-induced constipation? "
                         "{=methylnaltrexone ~naloxone}\n")
    upload(page, live_server, changed)
    expect(page.get_by_role("heading", name="This file matches the existing set “fixed”")) \
        .to_be_visible()
    shoot("bank-preview-update")
    page.get_by_role("button", name="Import 3 questions").click()
    expect(page.get_by_text("Choose whether to update the existing set")).to_be_visible()
    page.get_by_role("radio", name=re.compile("Update “fixed”")).check()
    page.get_by_role("button", name="Import 3 questions").click()
    expect(page.get_by_text("The changes wait as a revision")).to_be_visible()
    expect(page.get_by_role("heading", name="Changes waiting to be published")).to_be_visible()
    shoot("bank-set-waiting")
    page.get_by_role("button", name="Review and publish the changes").click()
    expect(page.get_by_text("1 new question becomes visible to nurses")).to_be_visible()
    shoot("bank-publish-revision")
    page.get_by_role("button", name="Publish 3 questions").click()
    expect(page.get_by_text("nurses see 3 questions")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="GIFT").click()
    exported = Path(download.value.path()).read_text()
    # The file still said "advanced dementia": updating from it replaced the waiting edit.
    assert "methylnaltrexone" in exported and "advanced dementia" in exported


def test_the_set_list_reads_on_a_phone(page, live_server, shoot):
    create_admin(page, live_server)
    for filename, _, _ in UPLOADS[:3]:
        upload(page, live_server, filename)
        page.get_by_role("button", name=re.compile(r"^Import \d+ question")).click()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/bank/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    for label in ("State", "Format", "Questions", "Owner", "Updated"):
        cell = rows.first.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls
    shoot("bank-sets-390")
