"""Until an administrator exists, every page leads to the one-time setup page."""

from flask import Flask, redirect, request, url_for

from certprep.auth.accounts import admin_exists

OPEN_BEFORE_SETUP = ("auth.setup", "static", "health.healthz")


def init_app(app: Flask) -> None:
    @app.before_request
    def guide_first_run():
        if app.extensions.get("certprep_has_admin") or request.endpoint in OPEN_BEFORE_SETUP:
            return None
        if admin_exists():
            app.extensions["certprep_has_admin"] = True  # it stays true: the last admin is kept
            return None
        return redirect(url_for("auth.setup"))
