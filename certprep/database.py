"""Per-connection database settings, and when a request's transaction ends.

A page that only read ends its transaction before its template is rendered, not at
teardown after it: the database then answers the COMMIT straight after the last query
instead of being woken again a millisecond later for the ROLLBACK. On this project's
2-core machine that late wake-up cost PostgreSQL about 0.6 ms of CPU a page, more than the
page's queries (benchmarks/RESULTS.md). Objects stay loaded after the commit
(expire_on_commit is off), so the template reads them as before.
"""

import sqlite3

from flask import Flask, before_render_template, request
from sqlalchemy import event, text
from sqlalchemy.orm import Session

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


def commit_autosave() -> None:
    """Commit an autosave (an answer while a test is open) without waiting for the disk.

    On PostgreSQL the transaction is then committed asynchronously: atomic, and visible at
    once to every other connection, so a test resumes anywhere with it; but a crash of the
    database server (not of the app) within the next 0.6 s (three times wal_writer_delay)
    can lose it, and the nurse answers that question again. Waiting for the flush instead
    cost the answer POST 7% of its throughput on an idle machine and 20% on a busy one
    (benchmarks/exam_pages.py). Submissions, hours and everything else commit with
    db.session.commit() and wait.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    db.session.commit()


def note_written(session: Session, _flush_context) -> None:
    session.info["wrote"] = True


def forget_written(session: Session, *_args) -> None:
    session.info.pop("wrote", None)


def end_reads_before_rendering(_app, **_extra) -> None:
    """On a GET or HEAD whose session changed nothing, commit (that is, end) the
    transaction now. Anything added, changed, deleted or flushed keeps the transaction open
    for the view to commit or for teardown to roll back, exactly as before."""
    if request.method not in ("GET", "HEAD"):
        return
    session = db.session()
    if not session.in_transaction() or session.info.get("wrote") or (
            session.new or session.dirty or session.deleted):
        return
    session.commit()


def init_app(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", set_sqlite_pragmas)
    sessions = db.session.session_factory
    if not event.contains(sessions, "after_flush", note_written):
        event.listen(sessions, "after_flush", note_written)
        event.listen(sessions, "after_commit", forget_written)
        event.listen(sessions, "after_soft_rollback", forget_written)
    before_render_template.connect(end_reads_before_rendering, app)
