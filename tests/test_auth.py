"""Signing in and out, setup, registration, passwords, links and rate limits."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select

from certprep import create_app
from certprep.auth import accounts, passwords
from certprep.auth.models import OneTimeLink, User, UserSession
from certprep.auth.passwords import password_problem
from certprep.extensions import db
from certprep.org.models import Setting
from certprep.timeutil import utcnow
from tests.conftest import ADMIN_EMAIL, PASSWORD, csrf_from, login, post_form

NEW_PASSWORD = "quiet-harbour-93"


# First run -----------------------------------------------------------------


def test_first_run_leads_every_page_to_setup(empty_app):
    client = empty_app.test_client()
    for path in ("/", "/login", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/setup")
    assert client.get("/healthz").status_code == 200


def test_setup_creates_the_first_admin_then_disappears(empty_app):
    client = empty_app.test_client()
    page = client.get("/setup").get_data(as_text=True)
    assert "Create the first administrator" in page
    response = post_form(client, "/setup", {
        "full_name": "Robin Reyes", "credentials": "RN, MSN", "email": "Robin@Clinic.example",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    user = User.by_email("robin@clinic.example")
    assert user.role_names == {"admin"} and user.email == "robin@clinic.example"
    assert client.get("/admin/users").status_code == 200  # signed in as the new admin
    assert client.get("/setup").status_code == 404
    other = empty_app.test_client()
    assert other.get("/setup").status_code == 404


def test_setup_refuses_a_weak_password(empty_app):
    client = empty_app.test_client()
    response = post_form(client, "/setup", {
        "full_name": "Robin Reyes", "email": "robin@clinic.example",
        "password": "password123", "confirm": "password123",
    })
    assert response.status_code == 200
    assert "most common" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


# Password rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "at least 10 characters"),
        ("1234567890", "most common"),
        ("qwertyuiop", "most common"),
        ("aaaaaaaaaaaa", "most common"),
        ("robinreyes2026", "name or email"),
    ],
)
def test_password_rule_says_why(password, reason):
    problem = password_problem(password, email="robin@example.com", full_name="Robin Reyes")
    assert reason in problem


def test_password_rule_accepts_a_good_password():
    assert password_problem(NEW_PASSWORD, email="robin@example.com", full_name="Robin") is None


# Login and logout ---------------------------------------------------------


def test_login_and_logout(client):
    assert client.get("/").status_code == 302
    response = login(client, "ADMIN@example.com")  # emails are case-insensitive
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert client.get("/").status_code == 200
    assert User.by_email(ADMIN_EMAIL).last_login_at is not None
    response = post_form(client, "/logout", {})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_logout_by_get_is_refused(client):
    login(client, ADMIN_EMAIL)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_clear_message(client):
    response = login(client, ADMIN_EMAIL, "not-the-password")
    assert response.status_code == 200
    assert "email or password is not right" in response.get_data(as_text=True)


def test_post_without_csrf_token_gets_400(client):
    response = client.post("/login", data={"email": ADMIN_EMAIL, "password": PASSWORD})
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/admin/users", "/admin/users"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_is_followed_only_on_this_site(client, next_url, lands_on):
    token = csrf_from(client)
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"csrf_token": token, "email": ADMIN_EMAIL, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on


def test_session_is_renewed_at_login(client):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, ADMIN_EMAIL)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_remember_me_sets_a_lasting_cookie(client):
    token = csrf_from(client)
    response = client.post("/login", data={
        "csrf_token": token, "email": ADMIN_EMAIL, "password": PASSWORD, "remember": "y",
    })
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "HttpOnly" in c for c in cookies)


# Sessions: one per device, ended on the server --------------------------------


def remember_login(client, email=ADMIN_EMAIL):
    return post_form(client, "/login", {"email": email, "password": PASSWORD, "remember": "y"})


def copy_cookie(source, target, name):
    cookie = source.get_cookie(name, domain="certprep.test")
    assert cookie is not None, f"no {name} cookie"
    target.set_cookie(name, cookie.value, domain="certprep.test")


def test_sign_out_deletes_the_remember_cookie(client):
    remember_login(client)
    response = post_form(client, "/logout", {})
    deleted = [c for c in response.headers.getlist("Set-Cookie")
               if c.startswith("remember_token=;")]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]
    assert client.get_cookie("remember_token", domain="certprep.test") is None
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("cookie", ["remember_token", "session"])
def test_a_cookie_copied_before_sign_out_no_longer_works(app, client, cookie):
    remember_login(client)
    thief = app.test_client()
    copy_cookie(client, thief, cookie)
    assert thief.get("/").status_code == 200  # the copy works while the session lasts
    post_form(client, "/logout", {})
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_signing_out_one_device_keeps_the_others(app, make_user):
    nurse = make_user("nurse")
    workstation, phone = app.test_client(), app.test_client()
    login(workstation, nurse.email)
    login(phone, nurse.email)
    post_form(workstation, "/logout", {})
    assert workstation.get("/").status_code == 302
    assert phone.get("/").status_code == 200


def test_sign_out_everywhere_from_the_account_page(app, make_user):
    nurse = make_user("nurse")
    laptop, phone = app.test_client(), app.test_client()
    remember_login(laptop, nurse.email)
    remember_login(phone, nurse.email)
    assert "Sign out everywhere" in laptop.get("/account").get_data(as_text=True)
    response = post_form(laptop, "/account/sign-out-everywhere", {}, form_page="/account",
                         follow_redirects=True)
    assert "signed out on every device" in response.get_data(as_text=True)
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302


def remember_cookie_lifetime(response) -> timedelta:
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("remember_token="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    return expires - utcnow()


def test_remember_cookie_lasts_30_days_by_default(client):
    lifetime = remember_cookie_lifetime(remember_login(client))
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)


def test_remember_cookie_lifetime_is_a_setting(make_installed_app, monkeypatch):
    monkeypatch.setenv("CERTPREP_REMEMBER_DAYS", "7")
    client = make_installed_app().test_client()
    lifetime = remember_cookie_lifetime(remember_login(client))
    assert timedelta(days=6, hours=23) < lifetime <= timedelta(days=7)


def test_a_session_ends_on_the_server_after_its_lifetime(client):
    remember_login(client)
    for row in db.session.scalars(select(UserSession)):
        row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_a_copy_of_the_database_opens_no_session(app, client):
    login(client, ADMIN_EMAIL)
    stored = db.session.scalar(select(UserSession.token_hash))
    thief = app.test_client()
    with thief.session_transaction() as session:  # as if they could also forge the cookie
        session["_user_id"] = stored
    assert thief.get("/").status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/login", "/", "/no-such-page"])
@pytest.mark.parametrize("cookie", [
    "remember_token=\u00e9|\u00e9", "remember_token=|", "remember_token=abc",
    "session=\u00e9\u00e9.x.y", "session=not-a-signed-session",
])
def test_a_malformed_cookie_is_ignored(app, path, cookie):
    # Without its cookie jar, the test client sends the raw header as a browser would.
    response = app.test_client(use_cookies=False).get(path, headers={"Cookie": cookie})
    assert response.status_code in (200, 302, 404)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# Deactivation -------------------------------------------------------------


def test_deactivated_user_cannot_log_in(client, make_user):
    nurse = make_user("nurse", active=False)
    response = login(client, nurse.email)
    assert response.status_code == 200
    assert "deactivated" in response.get_data(as_text=True)


def test_deactivation_ends_existing_sessions(app, make_user):
    nurse = make_user("nurse")
    nurse_client = app.test_client()
    login(nurse_client, nurse.email)
    assert nurse_client.get("/").status_code == 200
    admin_client = app.test_client()
    login(admin_client, ADMIN_EMAIL)
    post_form(admin_client, f"/admin/users/{nurse.id}/active", {"active": "0"},
              form_page=f"/admin/users/{nurse.id}")
    response = nurse_client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# Registration ----------------------------------------------------------------


def test_nurse_can_self_register(client):
    response = post_form(client, "/register", {
        "full_name": "Sam Okafor", "credentials": "RN, BSN", "email": "sam@example.org",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert User.by_email("sam@example.org").role_names == {"nurse"}


@pytest.mark.parametrize("invited", [False, True])
def test_registration_does_not_say_an_account_exists(client, make_user, monkeypatch, invited):
    sent = []
    monkeypatch.setattr("certprep.auth.views.send_mail",
                        lambda to, subject, body: sent.append((to, body)))
    client.application.config["MAIL_SERVER"] = "smtp.example.org"
    if invited:
        accounts.create_user("jo@example.org", "Jo Invitee", {"nurse"})
        db.session.commit()
    email = "jo@example.org" if invited else ADMIN_EMAIL
    response = post_form(client, "/register", {
        "full_name": "Someone", "email": email.upper(),
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    }, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "already exists" not in page and email not in page
    assert "No new account was created for that email." in page
    assert db.session.scalar(select(func.count()).select_from(User)) == (2 if invited else 1)
    # The owner, not the stranger, hears about it.
    assert [to for to, _ in sent] == [email]
    assert "http://certprep.test/login" in sent[0][1]


def test_registration_is_rate_limited(make_installed_app):
    app = make_installed_app(REGISTER_LIMIT_PER_ADDRESS="2 per hour")
    client = app.test_client()
    for number in range(2):
        response = post_form(client, "/register", {
            "full_name": "Sam Okafor", "email": f"sam{number}@example.org",
            "password": "x", "confirm": "x",
        })
        assert response.status_code == 200  # refused: password too short
    response = post_form(client, "/register", {
        "full_name": "Sam Okafor", "email": "sam9@example.org",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 429


def test_registration_can_be_switched_off(client):
    Setting.put("self_registration", "off")
    db.session.commit()
    assert client.get("/register").status_code == 403
    assert "by invitation" in client.get("/register").get_data(as_text=True)
    assert "Create a nurse account" not in client.get("/login").get_data(as_text=True)


# Change password ---------------------------------------------------------------


def test_change_password_signs_out_other_devices(app, make_user):
    nurse = make_user("nurse")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, nurse.email)
    login(phone, nurse.email)
    response = post_form(laptop, "/account/password", {
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert login(app.test_client(), nurse.email, NEW_PASSWORD).status_code == 302


def test_change_password_needs_the_current_one(client, login_as):
    login_as("nurse")
    response = post_form(client, "/account/password", {
        "current": "wrong-password-1", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert "not your current password" in response.get_data(as_text=True)


# Invites and resets ------------------------------------------------------------


def test_invite_link_works_once(app):
    user = accounts.create_user("new@example.org", "Jo Invitee", {"supervisor"})
    token = accounts.issue_link(user, "invite", hours=72)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/invite/{token}").status_code == 200
    response = post_form(client, f"/invite/{token}", {
        "full_name": "Jo Invitee", "credentials": "RN-BC", "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert app.test_client().get(f"/invite/{token}").status_code == 404


def test_expired_link_is_refused(app, make_user):
    nurse = make_user("nurse")
    token = accounts.issue_link(nurse, "reset", hours=2)
    link = db.session.scalar(select(OneTimeLink))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = app.test_client().get(f"/reset/{token}")
    assert response.status_code == 404
    assert "no longer works" in response.get_data(as_text=True)


def test_reset_link_sets_password_once(app, make_user):
    nurse = make_user("nurse")
    token = accounts.issue_link(nurse, "reset", hours=2)
    db.session.commit()
    client = app.test_client()
    response = post_form(client, f"/reset/{token}", {
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert login(app.test_client(), nurse.email, NEW_PASSWORD).status_code == 302
    assert client.get(f"/reset/{token}").status_code == 404


def test_a_new_link_cancels_the_previous_one(app, make_user):
    nurse = make_user("nurse")
    first = accounts.issue_link(nurse, "reset", hours=2)
    second = accounts.issue_link(nurse, "reset", hours=2)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/reset/{first}").status_code == 404
    assert client.get(f"/reset/{second}").status_code == 200


def test_invite_link_is_not_a_reset_link(app):
    user = accounts.create_user("x@example.org", "X Person", {"nurse"})
    token = accounts.issue_link(user, "invite", hours=1)
    db.session.commit()
    assert app.test_client().get(f"/reset/{token}").status_code == 404


def test_a_copy_of_the_database_opens_no_link(app, make_user):
    nurse = make_user("nurse")
    token = accounts.issue_link(nurse, "reset", hours=2)
    db.session.commit()
    row = db.session.execute(select(OneTimeLink.__table__)).one()
    assert not any(token in str(value) for value in row)
    client = app.test_client()
    assert client.get(f"/reset/{row.token_hash}").status_code == 404  # what a thief would try
    assert client.get(f"/reset/{token}").status_code == 200


# Rate limiting ---------------------------------------------------------------


def test_login_attempts_are_limited_per_account(make_installed_app):
    app = make_installed_app(LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    client = app.test_client()
    for _ in range(3):
        assert login(client, ADMIN_EMAIL, "wrong-password-x").status_code == 200
    response = login(client, ADMIN_EMAIL, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # Another account from the same address is not affected.
    assert login(client, "other@example.com", "wrong-password-x").status_code == 200


def test_login_attempts_are_limited_per_address(make_installed_app):
    app = make_installed_app(LOGIN_LIMIT_PER_ADDRESS="4 per 15 minutes")
    client = app.test_client()
    for number in range(4):
        assert login(client, f"guess{number}@example.com", "wrong-password-x").status_code == 200
    assert login(client, "guess9@example.com", "wrong-password-x").status_code == 429


def test_successful_logins_do_not_use_up_the_limit(make_installed_app):
    app = make_installed_app(LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes")
    for _ in range(4):
        client = app.test_client()
        assert login(client, ADMIN_EMAIL).status_code == 302


# Enumeration and guessing ---------------------------------------------------------


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "invited, no password"])
def test_every_failed_sign_in_checks_one_hash_of_the_same_kind(client, monkeypatch, case):
    """An unknown email costs the same hashing as a known one, so timing tells nothing."""
    accounts.create_user("invited@example.com", "Ivy Invited", {"nurse"})
    db.session.commit()
    email = {"wrong password": ADMIN_EMAIL, "unknown email": "nobody@example.com",
             "invited, no password": "invited@example.com"}[case]
    checked = []
    real_check = passwords.check_password_hash

    def spy(password_hash, password):
        checked.append(password_hash.split("$")[0])
        return real_check(password_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", spy)
    response = login(client, email, "not-the-password-1")
    assert "email or password is not right" in response.get_data(as_text=True)
    assert checked == [client.application.config["PASSWORD_HASH_METHOD"]]


def from_address(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_locked_account_still_lets_its_owner_in_from_an_address_that_did_not_fail(
    make_installed_app,
):
    app = make_installed_app(LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    guesser = from_address(app, "203.0.113.9")
    for _ in range(3):
        assert login(guesser, ADMIN_EMAIL, "wrong-password-x").status_code == 200
    assert login(guesser, ADMIN_EMAIL, PASSWORD).status_code == 429  # locked for the guesser
    owner = from_address(app, "198.51.100.7")
    assert login(owner, ADMIN_EMAIL, PASSWORD).status_code == 302  # the owner gets in
    second_guesser = from_address(app, "192.0.2.44")
    assert login(second_guesser, ADMIN_EMAIL, "wrong-password-y").status_code == 200
    assert login(second_guesser, ADMIN_EMAIL, PASSWORD).status_code == 429


def test_password_change_guesses_are_limited(make_installed_app):
    app = make_installed_app(PASSWORD_CHANGE_LIMIT="2 per 15 minutes")
    client = app.test_client()
    login(client, ADMIN_EMAIL)
    change = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(2):
        response = post_form(client, "/account/password", {**change, "current": "guess-1234"})
        assert "not your current password" in response.get_data(as_text=True)
    response = post_form(client, "/account/password", {**change, "current": PASSWORD})
    assert response.status_code == 429


def test_guessing_link_tokens_is_limited(make_installed_app):
    app = make_installed_app(LINK_LIMIT_PER_ADDRESS="3 per 15 minutes")
    client = app.test_client()
    for number in range(3):
        assert client.get(f"/reset/guess-{number}").status_code == 404
    assert client.get("/invite/guess-9").status_code == 429


# Links and hosts ------------------------------------------------------------------


def reset_link_page(app, host):
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = host  # every request, as a browser sent there would
    login(client, ADMIN_EMAIL)
    with app.app_context():
        nurse = accounts.create_user("n@example.org", "Nia Nurse", {"nurse"}, password=PASSWORD)
        db.session.commit()
        page = f"/admin/users/{nurse.id}"
    return post_form(client, f"{page}/reset-link", {}, form_page=page)


def test_reset_links_use_the_base_url_not_the_host_header(make_installed_app):
    app = make_installed_app(BASE_URL="https://certprep.clinic.example", SERVER_NAME=None)
    page = reset_link_page(app, "evil.example").get_data(as_text=True)
    assert "https://certprep.clinic.example/reset/" in page
    assert "evil.example" not in page


def test_an_unknown_host_is_refused(make_installed_app):
    app = make_installed_app(SERVER_NAME=None, TRUSTED_HOSTS=["certprep.clinic.example"])
    client = app.test_client()
    refused = client.get("/login", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert "does not answer to that host name" in refused.get_data(as_text=True)
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/login", headers={"Host": "certprep.clinic.example"}).status_code == 200


def test_trusted_hosts_from_the_environment(monkeypatch):
    monkeypatch.setenv("CERTPREP_TRUSTED_HOSTS", "a.example, b.example")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]
