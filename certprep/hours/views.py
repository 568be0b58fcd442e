"""Supervised practice hours: logging, sign-off and export (later issues fill this)."""

from flask import Blueprint

bp = Blueprint("hours", __name__, url_prefix="/hours")
