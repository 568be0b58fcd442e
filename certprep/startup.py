"""Warnings an operator should see once when the app starts serving with a risky setting.

Not when a `flask` command (db upgrade, bank import ...) builds the app: the warnings are
about serving, and would otherwise be printed by every command a newcomer runs.
"""

import os

import click
from flask import Flask

_warned: set[str] = set()  # once per process, however many apps it builds


def warn_once(app: Flask, key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        app.logger.warning(message)


def limits_in_one_worker(app: Flask) -> bool:
    """Rate limits kept in this process's memory: each worker counts alone."""
    return app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")


def chosen_by_operator(variable: str) -> bool:
    """The operator set this variable: `make run` chooses memory on purpose (one process)."""
    return bool(os.environ.get(variable))


def check_settings(app: Flask) -> None:
    if app.debug or app.testing or click.get_current_context(silent=True) is not None:
        return
    if limits_in_one_worker(app) and not chosen_by_operator("CERTPREP_RATELIMIT_STORAGE_URI"):
        warn_once(app, "memory-limits", (
            "Rate limits are kept in this worker's memory: with several workers each counts "
            "alone. Set CERTPREP_RATELIMIT_STORAGE_URI=redis://HOST:6379/0 to share them."
        ))
    if not app.config["BASE_URL"] and not app.config.get("SERVER_NAME"):
        warn_once(app, "base-url", (
            "CERTPREP_BASE_URL is not set: invite and reset links are built from each "
            "request's Host header. Set it to the address people use."
        ))
