"""The app factory, configuration precedence, response headers and the health check."""

import json
import stat

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from certprep import create_app
from certprep.auth import accounts
from certprep.auth.models import User
from certprep.config import normalise_database_url
from certprep.extensions import db
from tests.conftest import ADMIN_EMAIL, PASSWORD, login


def test_factory_takes_test_config(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret-key-not-for-production"


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("CERTPREP_SECRET_KEY", raising=False)
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    key_file = tmp_path / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_config_precedence(tmp_path, monkeypatch):
    """Defaults < instance/config.py < CERTPREP_* variables < the test mapping."""
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    (tmp_path / "config.py").write_text(
        "INVITE_TTL_HOURS = 24\nRESET_TTL_HOURS = 5\nMAX_CONTENT_LENGTH = 1000\n"
    )
    monkeypatch.setenv("CERTPREP_SECRET_KEY", "from-environment")
    monkeypatch.setenv("CERTPREP_MAX_UPLOAD_BYTES", "2000")
    app = create_app({"RESET_TTL_HOURS": 9, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["INVITE_TTL_HOURS"] == 24  # instance file over default
    assert app.config["MAX_CONTENT_LENGTH"] == 2000  # environment over instance file
    assert app.config["RESET_TTL_HOURS"] == 9  # test mapping over everything
    assert app.config["SECRET_KEY"] == "from-environment"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"DATABASE_URL": "postgres://u@h/db"}, "postgresql+psycopg://u@h/db"),
        ({"CERTPREP_DATABASE_URL": "postgresql://u@h/db"}, "postgresql+psycopg://u@h/db"),
        (
            {"CERTPREP_DATABASE_URL": "sqlite:////x.db", "DATABASE_URL": "postgres://h/db"},
            "sqlite:////x.db",
        ),
    ],
)
def test_database_url_from_environment(monkeypatch, environ, expected):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected


def test_https_makes_cookies_secure(monkeypatch):
    assert not create_app({"SECRET_KEY": "x"}).config["SESSION_COOKIE_SECURE"]
    monkeypatch.setenv("CERTPREP_HTTPS", "1")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    assert normalise_database_url("sqlite://") == "sqlite://"


@pytest.mark.parametrize(
    ("variable", "value", "key", "expected"),
    [
        ("CERTPREP_SECRET_KEY", "1234567890", "SECRET_KEY", "1234567890"),  # text, not a number
        ("CERTPREP_MAIL_PASSWORD", "true", "MAIL_PASSWORD", "true"),
        ("CERTPREP_MAIL_PORT", "2525", "MAIL_PORT", 2525),
        ("CERTPREP_MAIL_USE_TLS", "0", "MAIL_USE_TLS", False),
        ("CERTPREP_PROXY_FIX_HOPS", "1", "PROXY_FIX_HOPS", 1),
        ("CERTPREP_MAX_UPLOAD_BYTES", "1000", "MAX_CONTENT_LENGTH", 1000),
        ("CERTPREP_REMEMBER_DAYS", "7", "REMEMBER_DAYS", 7),
        ("CERTPREP_SESSION_COOKIE_SECURE", "true", "SESSION_COOKIE_SECURE", True),
        ("CERTPREP_MAX_FORM_PARTS", "500", "MAX_FORM_PARTS", 500),  # a setting of Flask's own
        ("CERTPREP_RATELIMIT_STORAGE_URI", "redis://h:6379/0", "RATELIMIT_STORAGE_URI",
         "redis://h:6379/0"),
    ],
)
def test_each_documented_variable_is_read_as_its_type(monkeypatch, variable, value, key,
                                                       expected):
    monkeypatch.setenv(variable, value)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config[key] == expected


def test_a_number_that_is_not_one_names_the_variable(monkeypatch):
    monkeypatch.setenv("CERTPREP_MAIL_PORT", "smtp")
    with pytest.raises(ValueError, match="CERTPREP_MAIL_PORT must be a whole number"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert "https://" not in html  # everything is served from the app itself


def test_session_cookie_flags(client):
    response = login(client, ADMIN_EMAIL)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_healthz_after_a_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_is_unreachable(make_app):
    # A port nothing listens on: the connection is refused at once.
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.data)["status"] == "unavailable"


def test_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "There is no page at this address" in response.get_data(as_text=True)


def test_passwords_are_stored_as_scrypt_hashes_by_default(tmp_path):
    """An app on the defaults (no test override) stores scrypt, never the password."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
                      "SECRET_KEY": "x"})
    with app.app_context():
        db.create_all()
        accounts.create_user("robin@example.org", "Robin Reyes", {"admin"}, password=PASSWORD)
        db.session.commit()
        stored = db.session.scalar(select(User.password_hash))
        db.engine.dispose()
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert check_password_hash(stored, PASSWORD)


def test_hsts_only_when_https_is_on(make_app):
    assert "Strict-Transport-Security" not in make_app().test_client().get("/healthz").headers
    secure = make_app(SESSION_COOKIE_SECURE=True).test_client().get("/healthz")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


# Warnings an operator must see ------------------------------------------------------


@pytest.fixture
def fresh_warnings(monkeypatch):
    monkeypatch.setattr("certprep.startup._warned", set())


def production_like(**settings):
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", **settings})


def test_limits_in_one_workers_memory_are_warned_about_once(fresh_warnings, caplog):
    production_like()
    production_like()
    warnings = [r.message for r in caplog.records if "worker's memory" in r.message]
    assert len(warnings) == 1
    assert "CERTPREP_RATELIMIT_STORAGE_URI=redis://" in warnings[0]


def test_no_warning_with_shared_limits_and_a_base_url(fresh_warnings, caplog):
    production_like(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
                    BASE_URL="https://certprep.clinic.example")
    assert [r.message for r in caplog.records if r.levelname == "WARNING"] == []


def test_memory_limits_chosen_on_purpose_are_not_warned_about(fresh_warnings, caplog,
                                                             monkeypatch):
    """`make run` serves one process and says so by choosing memory storage."""
    monkeypatch.setenv("CERTPREP_RATELIMIT_STORAGE_URI", "memory://")
    production_like(BASE_URL="http://127.0.0.1:5000")
    assert [r.message for r in caplog.records if r.levelname == "WARNING"] == []


def test_flask_commands_print_no_serving_warnings(fresh_warnings, caplog):
    import click

    with click.Context(click.Command("db")):
        production_like()
    assert [r.message for r in caplog.records if r.levelname == "WARNING"] == []


def test_a_missing_base_url_is_warned_about(fresh_warnings, caplog):
    production_like()
    assert any("CERTPREP_BASE_URL is not set" in r.message for r in caplog.records)


def test_the_settings_page_warns_when_limits_are_not_shared(make_installed_app):
    app = make_installed_app(TESTING=False)
    client = app.test_client()
    login(client, ADMIN_EMAIL)
    assert 'id="limits-warning"' in client.get("/admin/settings").get_data(as_text=True)
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/0"
    assert 'id="limits-warning"' not in client.get("/admin/settings").get_data(as_text=True)


def test_the_demo_says_on_every_page_that_its_data_are_invented(make_app, monkeypatch):
    monkeypatch.setenv("CERTPREP_DEMO", "1")
    demo = make_app()
    assert demo.config["DEMO"] is True
    page = demo.test_client().get("/setup").get_data(as_text=True)
    assert "every person, site and record here is invented" in page
    monkeypatch.delenv("CERTPREP_DEMO")
    plain = make_app().test_client().get("/setup").get_data(as_text=True)
    assert "demo-banner" not in plain
