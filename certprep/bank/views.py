"""Educators' pages for question sets: upload with preview, browse, edit, export."""

from flask import Blueprint, render_template

from certprep.auth.authz import role_required

bp = Blueprint("bank", __name__, url_prefix="/bank")


@bp.route("/")
@role_required("educator", "admin")
def sets():
    return render_template("bank/sets.html", sets=[])
