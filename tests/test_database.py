"""Per-connection database settings: SQLite's foreign keys and its busy timeout."""

import threading
import time

from sqlalchemy import text

from certprep.database import SQLITE_BUSY_TIMEOUT_MS
from certprep.extensions import db
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
