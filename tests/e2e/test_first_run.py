"""First run in a real browser: setup, sign-in, an admin granting a role, sign-out."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import create_admin

ADMIN_PASSWORD = "steady-lantern-47"
NURSE_PASSWORD = "quiet-harbour-93"


def test_setup_login_grant_role_logout(page, live_server, shoot):
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    expect(page.get_by_role("heading", name="Welcome to certprep")).to_be_visible()
    shoot("01-setup")

    page.get_by_label("Full name").fill("Robin Reyes")
    page.get_by_label("Professional credentials").fill("RN, MSN")
    page.get_by_label("Email").fill("robin@clinic.example")
    page.get_by_label("New password").fill("short")
    page.get_by_label("Repeat the password").fill("short")
    page.get_by_role("button", name="Create administrator").click()
    expect(page.get_by_text("Use at least 10 characters")).to_be_visible()
    shoot("02-setup-error")

    page.get_by_label("New password").fill(ADMIN_PASSWORD)
    page.get_by_label("Repeat the password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Create administrator").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()

    # Invite a nurse, who then joins with the link.
    page.get_by_role("button", name="Invite someone").click()
    page.get_by_label("Full name").fill("Sam Okafor")
    page.get_by_label("Email").fill("sam@clinic.example")
    page.get_by_label("Nurse").check()
    page.get_by_role("button", name="Create invitation").click()
    link = page.locator("#one-time-link").inner_text()
    shoot("03-invite-link")

    page.get_by_role("button", name="Sign out", exact=True).last.click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(link)
    page.get_by_label("New password").fill(NURSE_PASSWORD)
    page.get_by_label("Repeat the password").fill(NURSE_PASSWORD)
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.get_by_role("heading", name="Hello, Sam Okafor")).to_be_visible()
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    shoot("04-nurse-dashboard")
    page.get_by_role("button", name="Sign out", exact=True).last.click()

    # The admin signs in and makes the nurse a supervisor too.
    page.get_by_label("Email").fill("robin@clinic.example")
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Robin Reyes")).to_be_visible()
    shoot("05-admin-dashboard")
    page.get_by_role("link", name="Users").last.click()
    page.get_by_role("link", name="Sam Okafor").click()
    page.get_by_label("Supervisor").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_text("Roles of Sam Okafor saved.")).to_be_visible()
    expect(page.get_by_label("Supervisor")).to_be_checked()
    shoot("06-user-roles")
    page.get_by_role("link", name="Audit log").last.click()
    expect(page.get_by_role("cell", name="Roles changed")).to_be_visible()
    expect(page.get_by_role("cell", name="Invited")).to_be_visible()
    shoot("10-audit-log")

    page.get_by_role("button", name="Sign out", exact=True).last.click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert page.goto(live_server + "/admin/users").url.endswith("/login?next=%2Fadmin%2Fusers")
    shoot("07-signed-out")


def test_phone_width_menu(page, live_server, shoot):
    page.set_viewport_size({"width": 390, "height": 844})
    create_admin(page, live_server)
    menu = page.locator("details.nav-menu summary")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.locator("details.nav-menu").get_by_role("link", name="Sites")).to_be_visible()
    shoot("08-phone-menu")


def test_sign_out_forgets_a_remembered_device(page, live_server, shoot):
    """On a shared workstation, the next person must not get the previous account."""
    create_admin(page, live_server)
    page.get_by_role("button", name="Sign out", exact=True).last.click()
    page.get_by_label("Email").fill("robin@clinic.example")
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Robin Reyes")).to_be_visible()
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert "remember_token" in names

    page.get_by_role("link", name="Account").last.click()
    expect(page.get_by_role("button", name="Sign out everywhere")).to_be_visible()
    shoot("09-account")
    page.get_by_role("button", name="Sign out", exact=True).last.click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert "remember_token" not in {cookie["name"] for cookie in page.context.cookies()}
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/login"))
