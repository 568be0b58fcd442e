"""How a request finds its user: Flask-Login keeps a session token, not the user id."""

from flask import Flask
from sqlalchemy import select

from certprep.auth.models import User
from certprep.extensions import db, login_manager


def load_user(session_token: str) -> User | None:
    # A deactivated user, or one whose token was rotated, is signed out on the next request.
    return db.session.scalar(
        select(User).where(User.session_token == session_token, User.active.is_(True))
    )


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
