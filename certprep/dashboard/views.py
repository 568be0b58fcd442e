"""Each person's home page: what their roles let them do next."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from certprep.auth.authz import can_administer, signed_in
from certprep.auth.models import User
from certprep.bank import outline
from certprep.exams.pool import practice_counts
from certprep.extensions import db

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@signed_in
def index():
    people = None
    if can_administer(current_user):
        people = db.session.scalar(select(func.count()).select_from(User))
    return render_template(
        "dashboard/index.html", people=people, practice=practice_counts(), labels=outline
    )
