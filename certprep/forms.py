"""Forms shared by every feature, and validators that read their limits from the models."""

from flask import flash
from flask_wtf import FlaskForm
from wtforms.validators import Length

PASSWORD_MAX_LENGTH = 200  # hashing a megabyte-long "password" would be work for nothing


class EmptyForm(FlaskForm):
    """A POST that is only a button still carries a CSRF token."""


def fits(column) -> Length:
    """A Length validator with the column's own limit, so the database never refuses input."""
    limit = column.type.length
    return Length(max=limit, message=f"Use at most {limit} characters.")


def flash_errors(form: FlaskForm) -> None:
    """For forms whose page redirects: every field error as a message naming the field."""
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")
