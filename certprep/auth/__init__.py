"""Accounts, sign-in and authorization."""

from flask import Flask

from certprep.auth import first_run, sessions


def init_app(app: Flask) -> None:
    sessions.init_app(app)
    first_run.init_app(app)
