"""A nurse in a real browser: a tutor quiz, a timed test resumed after signing out, review,
reviews due the next day, the keyboard alone, and the same at phone width; axe on every page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, copy_database, flask, flask_env, serve

NURSE = "casey.nurse@clinic.example"
PASSWORD = "steady-lantern-47"
AXE = Axe()


@pytest.fixture(scope="module")
def prepared_database(migrated_database, tmp_path_factory):
    """Migrated, with the shipped bank and two accounts: built once, copied for each test."""
    path = copy_database(migrated_database,
                         tmp_path_factory.mktemp("practice") / "prepared.sqlite")
    flask(path, "bank", "load-shipped")
    flask(path, "users", "create", "robin@clinic.example", "--name", "Robin Reyes",
          "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    flask(path, "users", "create", NURSE, "--name", "Casey Moreno", "--role", "nurse",
          "--password-stdin", stdin=PASSWORD + "\n")
    return path


@pytest.fixture
def practice_env(prepared_database, tmp_path):
    return flask_env(copy_database(prepared_database, tmp_path / "e2e.sqlite"))


def accessible(page, name: str):
    """No serious or critical axe violation; and a screenshot for a person to look at."""
    results = AXE.run(page)
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], (name, [(v["id"], v["nodes"][0]["html"]) for v in serious])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base):
    page.goto(base + "/login")
    page.get_by_label("Email").fill(NURSE)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page, width: int):
    if width < 768:  # the links are in the menu on a phone
        page.get_by_text("Menu").click()
        page.locator("details.nav-menu").get_by_role("button", name="Sign out").click()
    else:
        page.locator("ul.nav-wide").get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")


def build(page, base, mode: str, count: int, domain: str | None = None):
    page.goto(base + "/exams/new")
    page.get_by_label({"tutor": "Tutor", "timed": "Timed"}[mode], exact=True).check()
    if domain:
        page.get_by_text("Filters:").click()
        page.get_by_label(domain).check()
    page.get_by_label("Number of questions").fill(str(count))
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_url(re.compile(r"/exams/attempts/\d+/1$"))


def choose_first(page):
    """Pick the first option, or type an answer when the question asks for one."""
    choice = page.locator("input[name=response]").first
    if choice.count():
        choice.check()
    elif page.locator("input[name=text]").count():
        page.locator("input[name=text]").fill("1")
    else:
        for select in page.locator("select").all():
            select.select_option(index=1)


@pytest.mark.parametrize("width", [1280, 390])
def test_nurse_practises_reviews_and_comes_back_the_next_day(browser, practice_env,
                                                             width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    suffix = "" if width == 1280 else "-390"
    with serve(practice_env) as base:
        sign_in(page, base)
        expect(page.get_by_role("button", name="Build a test")).to_be_visible()

        # A tutor quiz from one domain: answer, read the rationale, flag the second.
        build(page, base, "tutor", 3, domain="IV. Education and Collaboration")
        accessible(page, f"exams-tutor-question{suffix}")
        choose_first(page)
        page.get_by_role("button", name="Check answer").click()
        expect(page.get_by_role("heading", name=re.compile("Correct|Not quite"))).to_be_visible()
        expect(page.locator(".rationale")).to_be_visible()
        accessible(page, f"exams-tutor-rationale{suffix}")
        page.get_by_role("button", name="Next question").click()
        page.wait_for_url(re.compile(r"/2$"))
        page.get_by_label("Flag for review").check()
        expect(page.get_by_role("status").filter(has_text="Answer saved")).to_be_attached()
        page.goto(page.url)
        expect(page.get_by_label("Flag for review")).to_be_checked()

        # A timed test: answer half, sign out, sign in again, resume where it stopped.
        build(page, base, "timed", 4)
        expect(page.locator(".timer")).to_be_visible()
        for following in (2, 3):
            choose_first(page)
            page.get_by_role("button", name="Next question").click()
            # choose_first looks without waiting: on the page it meant to answer, loaded.
            page.wait_for_url(re.compile(rf"/{following}$"))
        stopped_at = page.url
        sign_out(page, width)
        sign_in(page, base)
        page.goto(base + "/exams/")
        accessible(page, f"exams-home{suffix}")
        page.get_by_role("link", name="Resume").first.click()  # the newest test is listed first
        page.wait_for_url(re.compile(r"/exams/attempts/\d+/\d+$"))  # its keys work once loaded
        assert page.url == stopped_at

        # The keyboard alone: 1 chooses, N moves on.
        page.locator("body").press("1")
        page.locator("body").press("n")
        page.wait_for_url(re.compile(r"/4$"))
        choose_first(page)
        page.get_by_role("button", name="Finish").click()
        expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
        accessible(page, f"exams-submit{suffix}")
        page.get_by_role("button", name="Submit the test").click()
        expect(page.get_by_role("heading", name=re.compile("Results"))).to_be_visible()
        accessible(page, f"exams-review{suffix}")
        page.get_by_role("link", name="Incorrect").click()
        expect(page.locator(".review-item.right")).to_have_count(0)

    # The next day (the server's clock, passed in; nothing sleeps): reviews are due.
    tomorrow = datetime.now(UTC) + timedelta(days=1, hours=1)
    with serve({**practice_env, "CERTPREP_EXAMS_NOW": tomorrow.isoformat()}) as base:
        page.goto(base + "/exams/")
        due = int(page.locator("#due-count").inner_text())
        assert due >= 1
        page.get_by_role("button", name="Review them").click()
        expect(page.locator("#matching")).to_contain_text(f"{due} question")
        accessible(page, f"exams-due{suffix}")
    context.close()
