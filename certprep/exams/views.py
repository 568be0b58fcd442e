"""Practice exams: the test builder, tutor and timed modes, review (later issues fill this)."""

from flask import Blueprint

bp = Blueprint("exams", __name__, url_prefix="/exams")
