"""The app factory, configuration precedence, response headers and the health check."""

import json
import stat

import pytest

from certprep import create_app
from certprep.config import from_environment, normalise_database_url
from tests.conftest import ADMIN_EMAIL, login


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
def test_database_url_from_environment(environ, expected):
    assert from_environment(environ)["SQLALCHEMY_DATABASE_URI"] == expected


def test_https_makes_cookies_secure():
    settings = from_environment({"CERTPREP_HTTPS": "1"})
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert not from_environment({}).get("SESSION_COOKIE_SECURE")
    assert normalise_database_url("sqlite://") == "sqlite://"


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


def test_production_hashes_with_scrypt():
    from certprep.config import Defaults

    assert Defaults.PASSWORD_HASH_METHOD == "scrypt"


def test_hsts_only_when_https_is_on(make_app):
    assert "Strict-Transport-Security" not in make_app().test_client().get("/healthz").headers
    secure = make_app(SESSION_COOKIE_SECURE=True).test_client().get("/healthz")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
