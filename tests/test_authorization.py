"""Who may open what: every route x every role, built from the app's own URL map.

A new route without a row here fails test_every_route_is_in_the_table.
"""

import pytest

from certprep import create_app
from certprep.bank import formats
from certprep.bank.importer import import_result
from certprep.bank.models import Media, PendingUpload
from certprep.exams.blueprints import ensure_default
from certprep.exams.models import Attempt, AttemptItem, QuestionReport
from certprep.extensions import db
from certprep.org.models import Site, SiteMember
from tests.conftest import DATA, csrf_from, login

SAMPLE_GIFT = "::q1:: Which is an opioid antagonist? {=naloxone ~morphine ~fentanyl}\n"
PNG = (DATA / "dot.png").read_bytes()  # a 1x1 pixel image

ROLES = ("anonymous", "nurse", "supervisor", "educator", "admin")


def only(*allowed, ok=200, anonymous=302):
    """Expected statuses: `ok` for the allowed roles, 403 for the others."""
    return {
        role: anonymous if role == "anonymous" else (ok if role in allowed else 403)
        for role in ROLES
    }


def everyone(status):
    return dict.fromkeys(ROLES, status)


SIGNED_IN = {"anonymous": 302, "nurse": 200, "supervisor": 200, "educator": 200, "admin": 200}
GUESTS_ONLY = {"anonymous": 200, "nurse": 302, "supervisor": 302, "educator": 302, "admin": 302}

# endpoint: (method, expected status by role)
TABLE = {
    "static": ("GET", everyone(200)),
    "health.healthz": ("GET", everyone(200)),
    "auth.login": ("GET", GUESTS_ONLY),
    "auth.logout": ("POST", {**everyone(302)}),
    "auth.setup": ("GET", everyone(404)),  # an admin exists
    "auth.register": ("GET", GUESTS_ONLY),
    "auth.change_password": ("GET", SIGNED_IN),
    "auth.accept_invite": ("GET", everyone(404)),  # a token that opens nothing
    "auth.reset_password": ("GET", everyone(404)),
    "dashboard.index": ("GET", SIGNED_IN),
    "admin.users": ("GET", only("admin")),
    "admin.invite": ("GET", only("admin")),
    "admin.user": ("GET", only("admin")),
    "admin.set_roles": ("POST", only("admin", ok=302)),
    "admin.set_active": ("POST", only("admin", ok=302)),
    "admin.reset_link": ("POST", only("admin")),
    "admin.add_membership": ("POST", only("admin", ok=302)),
    "admin.remove_membership": ("POST", only("admin", ok=302)),
    "admin.sites": ("GET", only("admin")),
    "admin.settings": ("GET", only("admin")),
    "bank.sets": ("GET", only("educator", "admin")),
    "bank.upload": ("GET", only("educator", "admin")),
    "bank.preview": ("GET", only("educator", "admin", ok=404)),  # another person's upload
    "bank.confirm_upload": ("POST", only("educator", "admin", ok=404)),
    "bank.cancel_upload": ("POST", only("educator", "admin", ok=404)),
    "bank.csv_template": ("GET", only("educator", "admin")),
    "bank.show_set": ("GET", only("educator", "admin")),
    "bank.set_status": ("POST", only("educator", "admin", ok=302)),
    "bank.export": ("GET", only("educator", "admin")),
    "bank.show_question": ("GET", only("educator", "admin")),
    "bank.edit_question": ("GET", only("educator", "admin")),
    "bank.retire_question": ("POST", only("educator", "admin", ok=302)),
    # Images of a published set: every signed-in person (nurses see them in questions).
    "bank.media": ("GET", SIGNED_IN),
    "exams.index": ("GET", only("nurse")),
    "exams.new": ("GET", only("nurse")),
    # Another nurse's attempt: 404, as if it did not exist.
    "exams.resume": ("GET", only("nurse", ok=404)),
    "exams.question": ("GET", only("nurse", ok=404)),
    "exams.submit": ("GET", only("nurse", ok=404)),
    "exams.review": ("GET", only("nurse", ok=404)),
    "exams.retry": ("POST", only("nurse", ok=404)),
    # Notes and reports only on questions the nurse has been shown.
    "exams.note": ("POST", only("nurse", ok=404)),
    "exams.report": ("POST", only("nurse", ok=404)),
    "exams.settings": ("GET", only("nurse")),
    "exams.reports": ("GET", only("educator", "admin")),
    "exams.resolve_report": ("POST", only("educator", "admin", ok=302)),
    "exams.accommodations": ("GET", only("educator", "admin")),
    "exams.blueprints": ("GET", only("educator", "admin")),
    "exams.edit_blueprint": ("GET", only("educator", "admin")),
}


def test_every_route_is_in_the_table():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - TABLE.keys() == set(), "add these routes to TABLE"
    assert TABLE.keys() - endpoints == set(), "these rows name routes that no longer exist"


@pytest.fixture
def target(app, make_user, tmp_path):
    """The things URLs point at: a nurse and her site, a published set with an image,
    and an upload that belongs to someone else."""
    nurse = make_user("nurse", email="target@example.com")
    site = Site(name="North Clinic")
    db.session.add_all([site, SiteMember(site=site, user=nurse)])
    owner = make_user("educator", email="owner@example.com")
    result = formats.parse(SAMPLE_GIFT, format="gift")
    report = import_result(result, title="Sample", status="published")
    db.session.add(Media(set_id=report.question_set.id, name="dot.png",
                         content_type="image/png", data=PNG))
    pending = PendingUpload(token="someone-elses", owner_id=owner.id, filename="x.gift",
                            format="gift", title="", data=SAMPLE_GIFT.encode())
    db.session.add(pending)
    db.session.commit()
    question = report.question_set.questions[0]
    attempt = Attempt(user_id=nurse.id, mode="tutor", state="in_progress", settings={},
                      notes=[], item_count=1, scored_count=1)
    attempt.items.append(AttemptItem(position=1, question_id=question.id,
                                     version_id=question.current_version_id, order=[0, 1, 2],
                                     struck=[], seconds=0, flagged=False, guessed=False))
    problem = QuestionReport(question_id=question.id, version_id=question.current_version_id,
                             user_id=nurse.id, reason="unclear", note="", state="open")
    db.session.add_all([attempt, problem])
    blueprint = ensure_default()
    db.session.commit()
    return {"user_id": nurse.id, "site_id": site.id, "token": "someone-elses",
            "filename": "app.css", "set_id": report.question_set.id, "question_id": question.id,
            "export_format": "gift", "name": "dot.png", "attempt_id": attempt.id, "n": 1,
            "report_id": problem.id, "blueprint_id": blueprint.id}


def url_for_rule(app, endpoint, values):
    rule = next(app.url_map.iter_rules(endpoint))
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_route_answers_each_role(app, client, make_user, target, endpoint, role):
    method, expected = TABLE[endpoint]
    if role != "anonymous":
        user = make_user(role, email=f"{role}-under-test@example.com")
        assert login(client, user.email).status_code == 302
    url = url_for_rule(app, endpoint, target)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_from(client)})
    response.close()  # static files are streamed from an open file
    assert response.status_code == expected[role], f"{role} {method} {url}"
    if response.status_code == 302 and role == "anonymous":
        assert "/login" in response.headers["Location"]
