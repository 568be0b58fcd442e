"""What every response carries, and how a request finds its user."""

import sqlite3

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from certprep.auth.accounts import admin_exists
from certprep.auth.models import User
from certprep.extensions import db, login_manager

# No inline script or style and no other origin: a stored XSS has nothing to run.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite enforces foreign keys only when asked, on every connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    # A deactivated user, or one whose token was rotated, is signed out on the next request.
    return db.session.scalar(
        select(User).where(User.session_token == session_token, User.active.is_(True))
    )


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    headers = dict(HEADERS)
    if app.config["SESSION_COOKIE_SECURE"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    @app.after_request
    def set_security_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if current_user and current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.before_request
    def guide_first_run():
        """Until an administrator exists, every page leads to the one-time setup page."""
        if app.extensions.get("certprep_has_admin") or request.endpoint in (
            "auth.setup", "static", "health.healthz",
        ):
            return None
        if admin_exists():
            app.extensions["certprep_has_admin"] = True  # it stays true: the last admin is kept
            return None
        return redirect(url_for("auth.setup"))
