"""Each person's home page: what their roles let them do next."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from certprep.auth.models import User
from certprep.bank import outline
from certprep.exams.pool import practice_counts
from certprep.extensions import db

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@login_required
def index():
    people = None
    if current_user.has_role("admin"):
        people = db.session.scalar(select(func.count()).select_from(User))
    return render_template(
        "dashboard/index.html", people=people, practice=practice_counts(), labels=outline
    )
