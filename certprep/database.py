"""Per-connection database settings, registered on the app's engine in init_app."""

import sqlite3

from flask import Flask
from sqlalchemy import event

from certprep.extensions import db

# A writer waits this long for another writer's lock (a long import) instead of failing.
SQLITE_BUSY_TIMEOUT_MS = 5000


def set_sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite enforces foreign keys only when asked, on every connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def init_app(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", set_sqlite_pragmas)
