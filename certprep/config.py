"""Configuration: defaults here, then instance/config.py, then CERTPREP_* variables.

A test passes its own mapping to create_app(), which wins over all three.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import ClassVar

from flask import Config, Flask


class Defaults:
    SQLALCHEMY_DATABASE_URI = "sqlite:///certprep.sqlite"  # resolved inside instance/
    # No pool_pre_ping: it costs a round trip on every request. A connection the database
    # dropped fails once and the pool replaces it; /healthz retries that once.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {}
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024  # uploads: question files and images
    MAX_QUESTIONS_PER_FILE = 5000  # one import stays a short write, even on SQLite
    SECONDS_PER_QUESTION = 62  # the real exam's pace: 3 hours for 175 questions
    DEMO = False  # `make demo`: every page says the data are invented
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_DAYS = 30  # "keep me signed in" and every session end after this many days
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "50 per 15 minutes"
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    INVITE_TTL_HOURS = 72
    RESET_TTL_HOURS = 2
    PRECEPTOR_LINK_DAYS = 14  # an external preceptor's one-time sign-off link
    PRECEPTOR_LIMIT_PER_ADDRESS = "20 per 15 minutes"  # wrong preceptor tokens
    PROXY_FIX_HOPS = 0  # set to the number of reverse proxies in front of the app
    MAIL_SERVER = ""  # empty: links are shown to the admin instead of sent
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = ""
    MAIL_USE_TLS = True
    HTTPS = False  # CERTPREP_HTTPS=1: Secure cookies, HSTS, https links
    # The address people use, e.g. https://certprep.clinic.example: links in emails and on
    # the admin's invite page are built from it, never from a request's Host header.
    BASE_URL = ""
    # Host names the app answers to (CERTPREP_TRUSTED_HOSTS=a.example,b.example); any
    # other Host header gets 400. None: any host (Flask's default).
    TRUSTED_HOSTS = None
    REGISTER_LIMIT_PER_ADDRESS = "10 per hour"
    LINK_LIMIT_PER_ADDRESS = "20 per 15 minutes"  # wrong invite or reset tokens
    PASSWORD_CHANGE_LIMIT = "5 per 15 minutes"  # noqa: S105 - wrong current passwords


PREFIX = "CERTPREP"
# Variables whose name is not the setting's own.
ALIASES = {"MAX_UPLOAD_BYTES": "MAX_CONTENT_LENGTH", "DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}
TRUE_WORDS = ("1", "true", "yes", "on")
LIST_SETTINGS = ("TRUSTED_HOSTS",)  # comma-separated in the environment


def from_environment() -> dict:
    """The settings that CERTPREP_* (and DATABASE_URL) variables give.

    Flask's from_prefixed_env strips the prefix; it is given `loads=str` because its JSON
    reading would turn a secret key of digits into a number and a password of "true" into a
    boolean. Each value is then read as the type of the default it replaces.
    """
    found = Config("")
    found.from_prefixed_env(PREFIX, loads=str)
    settings = {}
    for name, text in found.items():
        if text == "":
            continue  # an empty variable leaves the setting as it was
        key = ALIASES.get(name, name)
        # certprep's default, else Flask's own (CERTPREP_SESSION_COOKIE_NAME, ...), else text
        default = getattr(Defaults, key, Flask.default_config.get(key, ""))
        default = [] if key in LIST_SETTINGS else default
        settings[key] = _typed(f"{PREFIX}_{name}", text, default)
    url = settings.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL")
    if url:
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if settings.get("HTTPS"):
        settings["SESSION_COOKIE_SECURE"] = True
        settings["REMEMBER_COOKIE_SECURE"] = True
        settings["PREFERRED_URL_SCHEME"] = "https"
    return settings


def _typed(variable: str, text: str, default):
    """`text` read as the type of `default`, with a message naming the variable if it is not."""
    if isinstance(default, bool):
        return text.strip().lower() in TRUE_WORDS
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{variable} must be a whole number, not {text!r}.") from None
    if isinstance(default, list | tuple):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def normalise_database_url(url: str) -> str:
    """Point plain postgres:// URLs (as hosting platforms give them) at psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, creating it on first run, readable by the owner only."""
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        # O_EXCL: when two workers start at once, one writes and the other reads.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key
