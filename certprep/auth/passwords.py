"""The password rule, in one place, with a message that says why a password is refused."""

import secrets
from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 most common leaked passwords.
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, email: str = "", full_name: str = "") -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters (this one has {len(password)})."
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2:
        return "This password is among the most common ones and is easy to guess; choose another."
    personal = [email.split("@")[0].lower(), *full_name.lower().split()]
    if any(len(part) >= 4 and part in lowered for part in personal):
        return "Do not build the password from your name or email address."
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _stand_in_hash(method: str) -> str:
    """A hash no password matches, checked when there is no real one to check."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; without a hash (no such account, or one only invited) the
    same work is done against a stand-in, so a reply's timing does not tell which."""
    if password_hash is None:
        check_password_hash(_stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return check_password_hash(password_hash, password)
