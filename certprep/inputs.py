"""Input the database would refuse is stopped where it enters, once for every route.

PostgreSQL refuses NUL bytes in text and integers above 2^31-1 (SQLite overflows at 2^63):
unchecked, either became a 500. Ids in URLs out of range answer 404; control characters in
the path, the query string or a form answer 400 with a message naming the field. Lengths
are checked by each form's validators, which read them from the columns (certprep.forms.fits).
"""

import re

from flask import Flask, render_template, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer, the type of every id column
# C0 control characters except tab, newline and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number no row can have matches no route (404)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def field_with_control_characters() -> str | None:
    """The first place in this request that holds a control character, described for a person."""
    if CONTROL_CHARACTERS.search(request.path):
        return "the address"
    for where, values in (("query", request.args), ("form", request.form)):
        for name, value in values.items(multi=True):
            if CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value):
                return f"the field “{name}”" if where == "form" else f"the parameter “{name}”"
    for name, upload in request.files.items(multi=True):
        if CONTROL_CHARACTERS.search(upload.filename or ""):
            return f"the file name in “{name}”"
    return None


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered: their rules read the converter then."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_control_characters():
        place = field_with_control_characters()
        if place is None:
            return None
        message = (
            f"{place[0].upper()}{place[1:]} contains a control character (such as a NUL "
            "byte, often pasted by accident). Remove it and try again."
        )
        return render_template("errors/error.html", code=400, message=message), 400
