"""Per-connection database settings (SQLite's foreign keys and busy timeout), and when a
request's transaction ends: a page that only read ends it before rendering; anything else
is left to the view and to teardown."""

import threading
import time

import pytest
from flask import render_template_string
from sqlalchemy import select, text

from certprep.database import SQLITE_BUSY_TIMEOUT_MS
from certprep.extensions import db
from certprep.org.models import Setting
from tests.conftest import ADMIN_EMAIL, login

LOCK_SECONDS = 1.0


def hold_a_write_lock(engine, locked: threading.Event, released: list) -> None:
    """A long write elsewhere (an import, say): it keeps the lock a sign-in needs."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":  # one writer at a time for the whole file
            connection.execute(text("INSERT INTO setting (key, value) VALUES ('lock', 'x')"))
        else:  # PostgreSQL: the sign-in updates its user row
            connection.execute(text('LOCK TABLE "user" IN EXCLUSIVE MODE'))
        locked.set()
        time.sleep(LOCK_SECONDS)
        connection.rollback()
        released.append(time.monotonic())


def test_a_sign_in_during_a_long_write_waits_for_it(client):
    assert LOCK_SECONDS * 1000 < SQLITE_BUSY_TIMEOUT_MS
    locked, released = threading.Event(), []
    holder = threading.Thread(target=hold_a_write_lock, args=(db.engine, locked, released))
    holder.start()
    assert locked.wait(10)
    response = login(client, ADMIN_EMAIL)
    finished = time.monotonic()
    holder.join()
    assert response.status_code == 302  # signed in, not "database is locked"
    assert finished > released[0]  # it waited for the write to end


def test_sqlite_connections_enforce_foreign_keys(app):
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
    else:
        assert db.engine.dialect.name == "postgresql"  # enforces both by itself


def show_transaction_state() -> str:
    """A template that says whether the request's transaction is still open as it renders."""
    return render_template_string("open={{ session_open() }}",
                                  session_open=lambda: db.session().in_transaction())


def add_pending(key):
    db.session.add(Setting(key=key, value="x"))


def add_and_flush(key):
    db.session.add(Setting(key=key, value="x"))
    db.session.flush()


def change_a_loaded_row(key):
    db.session.scalar(select(Setting).where(Setting.key == "kept")).value = key


@pytest.fixture
def routes(make_installed_app):
    """An app with test-only GET pages that read, or change something and render."""
    app = make_installed_app()
    with app.app_context():
        db.session.add(Setting(key="kept", value="as it was"))
        db.session.commit()

    def page(change):
        def view(key):
            Setting.get("self_registration")  # a read, as every page makes
            if change:
                change(key)
            return show_transaction_state()
        return view

    for name, change in (("read", None), ("pending", add_pending), ("flushed", add_and_flush),
                         ("changed", change_a_loaded_row)):
        app.add_url_rule(f"/test-only/{name}/<key>", f"test_only_{name}", page(change))
    return app


def test_a_page_that_only_read_ends_its_transaction_before_rendering(routes):
    response = routes.test_client().get("/test-only/read/k")
    assert response.get_data(as_text=True) == "open=False"
    assert routes.test_client().head("/test-only/read/k").status_code == 200


@pytest.mark.parametrize("change", ["pending", "flushed", "changed"])
def test_a_page_that_changed_something_keeps_it_uncommitted(routes, change):
    response = routes.test_client().get(f"/test-only/{change}/new-{change}")
    assert response.get_data(as_text=True) == "open=True"
    with routes.app_context():
        assert db.session.get(Setting, f"new-{change}") is None  # rolled back at teardown
        assert Setting.get("kept") == "as it was"
