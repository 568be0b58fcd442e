"""Signed-in devices: each sign-in is a row, and a request finds its user through it.

Why a row per device and not one token per user: signing out on the clinic's shared
workstation must not sign the nurse out on her phone, yet it must make that workstation's
cookies worthless at once. Flask-Login keeps the device's token (never the user id) in the
session and the remember cookie; only its hash is stored. Signing out deletes the row;
"sign out everywhere", a password change and deactivation delete all of a user's rows.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from certprep.auth.models import User, UserSession, token_hash
from certprep.extensions import db, login_manager
from certprep.timeutil import utcnow

# Built once: every signed-in request runs it, and building a statement costs more than
# executing it (SQLAlchemy then reuses its compiled form by identity).
SIGNED_IN_USER = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.token_hash == bindparam("token_hash"),
        UserSession.expires_at > bindparam("now"),
        User.active.is_(True),
    )
    .options(joinedload(User.roles))
)


def load_user(device_token: str) -> User | None:
    """The active user signed in on this device, with their roles: one query per request."""
    user = db.session.scalars(
        SIGNED_IN_USER, {"token_hash": token_hash(device_token), "now": utcnow()}
    ).unique().one_or_none()
    if user is not None:
        user.device_token = device_token
    return user


def start_session(user: User, remember: bool = False) -> None:
    """Sign in on this device with a fresh session, so nothing from before carries over."""
    now = utcnow()
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    token = UserSession.new_token()
    db.session.add(UserSession(
        user_id=user.id, token_hash=token_hash(token), created_at=now,
        expires_at=now + session_lifetime(),
    ))
    user.device_token = token
    user.last_login_at = now
    session.clear()
    login_user(user, remember=remember)


def end_session() -> None:
    """Sign this device out: its row goes, then its session and remember cookie."""
    token = session.get("_user_id")
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))
    session.clear()
    logout_user()  # after clear(): it leaves the mark that deletes the remember cookie


def sign_out_everywhere(user: User) -> None:
    """End every session of this user, on every device; the caller commits."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def session_lifetime() -> timedelta:
    return timedelta(days=current_app.config["REMEMBER_DAYS"])


def init_app(app: Flask) -> None:
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=app.config["REMEMBER_DAYS"])
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
