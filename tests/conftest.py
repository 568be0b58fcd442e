"""Fixtures every test uses: a fresh app and database, a client, and factories for data.

The suite runs on SQLite by default. With CERTPREP_TEST_DATABASE_URL set (``make
test-postgres`` sets it) the same tests run on PostgreSQL.
"""

from __future__ import annotations

import gc
import os
import re
import sqlite3
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import flask
import pytest
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from jinja2 import BytecodeCache
from sqlalchemy import Engine, event, text

from certprep import create_app
from certprep.auth import accounts
from certprep.auth.models import User, UserSession, token_hash
from certprep.extensions import db
from certprep.timeutil import utcnow

DATA = Path(__file__).resolve().parent / "data"  # small files written for these tests
PASSWORD = "steady-lantern-47"
ADMIN_EMAIL = "admin@example.com"
TEST_DATABASE_URL = os.environ.get("CERTPREP_TEST_DATABASE_URL")


def pytest_collection_finish(session) -> None:
    """Spare the garbage collector work that finds nothing.

    What exists once the tests are collected (modules, the test items) lives until the
    end, yet every full collection walked all of it again: a fifth of the in-process
    tests' time. It is frozen out of the collector's sight, and the collector runs less
    often (each test makes and drops many thousands of objects).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(7_000, 10, 10)  # Python's default first threshold is 700


@event.listens_for(Engine, "connect")
def skip_waiting_for_the_disk(dbapi_connection, _record) -> None:
    """Test databases are thrown away: SQLite need not flush to disk at every commit.

    What a commit makes visible to other connections, and every lock, stays as it is; only
    durability through a power cut is given up. The app's own settings are untouched.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = OFF")


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept for the whole test process.

    Each test builds its own app, and each app would otherwise parse and compile every
    template it renders again. An entry is found by the template's name and file, and used
    only while the file's source is unchanged.
    """

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    """Create the tables once per run; each test then empties them."""
    app = create_app(settings_for_tests(database_url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return database_url


def settings_for_tests(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "certprep.test",
    }


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Tests hold an app context open to use the database; without this, requests would
    share its `g` and database session with the test and with each other.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def empty_tables() -> None:
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        connection = db.session.connection()
        for table in reversed(db.metadata.sorted_tables):
            if table.info.get("append_only"):  # its trigger refuses DELETE; DROP is allowed
                table.drop(connection)
                table.create(connection)
            else:
                db.session.execute(table.delete())
    db.session.commit()
    # The rows are gone: objects still held (sessions keep them readable after commit)
    # must not meet the new rows that reuse their ids.
    db.session.expunge_all()


def app_for_tests(settings: dict) -> flask.Flask:
    """The app on these settings, with the isolating client and the shared templates."""
    app = create_app(settings)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@pytest.fixture
def make_app(_schema):
    """Build an app on the test database with extra settings; tables start empty."""
    made = []

    def build(**settings):
        app = app_for_tests({**settings_for_tests(_schema), **settings})
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            if app.config["SQLALCHEMY_DATABASE_URI"] == _schema:
                empty_tables()
            db.engine.dispose()


@pytest.fixture
def make_installed_app(make_app):
    """Build an app with extra settings on a database that already has its administrator."""

    def build(**settings):
        app = make_app(**settings)
        with app.app_context():
            if User.by_email(ADMIN_EMAIL) is None:
                accounts.create_user(ADMIN_EMAIL, "Avery Admin", {"admin"}, password=PASSWORD)
                db.session.commit()
        return app

    return build


@pytest.fixture
def empty_app(make_app):
    """An installation on its first run: no administrator yet."""
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def app(empty_app):
    """An installation with one administrator, as it is after setup."""
    accounts.create_user(ADMIN_EMAIL, "Avery Admin", {"admin"}, password=PASSWORD)
    db.session.commit()
    return empty_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: make_user("nurse", "supervisor", email=...) -> User with PASSWORD."""
    counter = iter(range(1, 10_000))

    def make(*roles, email=None, password=PASSWORD, active=True, name=None):
        number = next(counter)
        user = accounts.create_user(
            email or f"user{number}@example.com",
            name or f"Test Person {number}",
            set(roles or ("nurse",)),
            password=password,
        )
        user.active = active
        db.session.commit()
        return user

    return make


@pytest.fixture(scope="module")
def module_app(_schema):
    """One app for a whole module whose tests only read what a module fixture made.

    Its tables are emptied when the module starts and when it ends.
    """
    app = app_for_tests(settings_for_tests(_schema))
    with app.app_context():
        empty_tables()
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


def sign_in_through_session(client, user: User) -> None:
    """Sign the client in as `user` without an HTTP login: a device row and the session key."""
    token = UserSession.new_token()
    db.session.add(UserSession(user_id=user.id, token_hash=token_hash(token),
                               expires_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


def session_csrf_token(client) -> str:
    """A CSRF token valid for this client's session, without fetching a page."""
    app = client.application
    with app.app_context(), app.test_request_context():  # its own `g`, where the token is kept
        token = generate_csrf()
        raw = flask.session["csrf_token"]
    with client.session_transaction() as session:
        session["csrf_token"] = raw
    return token


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(client, path: str = "/login") -> str:
    """The CSRF token a real browser would find on `path` (or, for a POST-only URL, on /)."""
    for page in (path, "/", "/login"):
        response = client.get(page)
        match = CSRF.search(response.get_data(as_text=True))
        if response.status_code == 200 and match:
            return match.group(1)
    raise AssertionError(f"no CSRF token on {path}")


def post_form(client, path: str, data: dict, *, form_page: str | None = None, **kwargs):
    """POST like a browser: with the CSRF token from the page that shows the form."""
    token = csrf_from(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def login(client, email: str, password: str = PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password})


@pytest.fixture
def login_as(client, make_user):
    """Sign the test client in as a new user with these roles; returns the user."""

    def sign_in(*roles, **kwargs):
        user = make_user(*roles, **kwargs)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


@contextmanager
def counted_statements(engine=None):
    """The SQL statements sent while the block runs: what query-count budgets count."""
    engine = engine or db.engine
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
