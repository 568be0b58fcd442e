"""Friendly error pages that keep the layout and say what to do next."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from certprep.extensions import db

MESSAGES = {
    400: "The request could not be understood. Go back, reload the page and try again.",
    403: "Your account does not have access to this page. Ask an administrator if you need it.",
    404: "There is no page at this address. Check the link or start from your dashboard.",
    405: "This page cannot be used that way.",
    413: "The file is too large. Split it into smaller files and upload them one at a time.",
    429: "Too many attempts in a short time. Wait a few minutes, then try again.",
    500: "Something went wrong on our side. Your last change was not saved; please try again.",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = "The form expired or was sent from elsewhere. Reload the page and try again."
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # No page template: with a Host outside TRUSTED_HOSTS no URL can be built.
        message = "This server does not answer to that host name. Check the address."
        return message, 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code not in MESSAGES:
            return error
        if error.code == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = f"The file is larger than the {limit} MB limit. " + MESSAGES[413]
        else:
            message = MESSAGES[error.code]
        return render_template("errors/error.html", code=error.code, message=message), error.code

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/error.html", code=500, message=MESSAGES[500]), 500
