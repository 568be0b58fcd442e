"""Configuration: defaults here, then instance/config.py, then CERTPREP_* variables.

A test passes its own mapping to create_app(), which wins over all three.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import ClassVar


class Defaults:
    SQLALCHEMY_DATABASE_URI = "sqlite:///certprep.sqlite"  # resolved inside instance/
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024  # uploads: question files and images
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "50 per 15 minutes"
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    INVITE_TTL_HOURS = 72
    RESET_TTL_HOURS = 2
    PROXY_FIX_HOPS = 0  # set to the number of reverse proxies in front of the app
    MAIL_SERVER = ""  # empty: links are shown to the admin instead of sent
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = ""
    MAIL_USE_TLS = True


# Environment variables that override a setting, with the type to read them as.
ENVIRONMENT = {
    "CERTPREP_SECRET_KEY": ("SECRET_KEY", str),
    "CERTPREP_RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "CERTPREP_MAX_UPLOAD_BYTES": ("MAX_CONTENT_LENGTH", int),
    "CERTPREP_PROXY_FIX_HOPS": ("PROXY_FIX_HOPS", int),
    "CERTPREP_MAIL_SERVER": ("MAIL_SERVER", str),
    "CERTPREP_MAIL_PORT": ("MAIL_PORT", int),
    "CERTPREP_MAIL_USERNAME": ("MAIL_USERNAME", str),
    "CERTPREP_MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "CERTPREP_MAIL_FROM": ("MAIL_FROM", str),
    "CERTPREP_SECONDS_PER_QUESTION": ("SECONDS_PER_QUESTION", int),
    "CERTPREP_EXAMS_NOW": ("EXAMS_NOW", str),  # browser tests only: the server's "now"
}


def from_environment(environ: os._Environ | dict) -> dict:
    """The settings that CERTPREP_* (and DATABASE_URL) variables give."""
    settings = {}
    for variable, (key, kind) in ENVIRONMENT.items():
        if environ.get(variable):
            settings[key] = kind(environ[variable])
    url = environ.get("CERTPREP_DATABASE_URL") or environ.get("DATABASE_URL")
    if url:
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if environ.get("CERTPREP_HTTPS") == "1":
        settings["SESSION_COOKIE_SECURE"] = True
        settings["REMEMBER_COOKIE_SECURE"] = True
        settings["PREFERRED_URL_SCHEME"] = "https"
    return settings


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
