"""Links that leave the app (in emails, or shown to pass on) never trust the Host header."""

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute URL on CERTPREP_BASE_URL; without it, on SERVER_NAME or the request's host
    (which TRUSTED_HOSTS, when set, has already checked)."""
    base = current_app.config["BASE_URL"]
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
