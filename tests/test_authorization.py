"""Who may open what: every route x every role, built from the app's own URL map.

A new route without a row here fails test_every_route_is_in_the_table.
"""

from datetime import date
from functools import cache

import pytest
from flask import url_for

from certprep import create_app
from certprep.auth import accounts
from certprep.auth.authz import declarations, public, role_required, signed_in
from certprep.bank import formats
from certprep.bank.importer import import_result
from certprep.bank.models import Media, PendingUpload
from certprep.bank.reports import QuestionReport
from certprep.exams.blueprints import ensure_default
from certprep.exams.models import Attempt, AttemptItem
from certprep.extensions import db
from certprep.hours.models import (
    CEActivity,
    Entry,
    Preceptor,
    PreceptorLink,
    PreceptorLinkEntry,
    Program,
    VerifiedReport,
)
from certprep.org.models import Site, SiteMember
from tests.conftest import (
    DATA,
    PASSWORD,
    empty_tables,
    session_csrf_token,
    sign_in_through_session,
)

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
    "auth.account": ("GET", SIGNED_IN),
    "auth.sign_out_all_devices": ("POST", everyone(302)),
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
    "admin.audit": ("GET", only("admin")),
    "admin.sign_out_user": ("POST", only("admin", ok=302)),
    "bank.sets": ("GET", only("educator", "admin")),
    "bank.upload": ("GET", only("educator", "admin")),
    "bank.preview": ("GET", only("educator", "admin", ok=404)),  # another person's upload
    "bank.confirm_upload": ("POST", only("educator", "admin", ok=404)),
    "bank.cancel_upload": ("POST", only("educator", "admin", ok=404)),
    "bank.csv_template": ("GET", only("educator", "admin")),
    # The target set is published and has no owner: every educator reads and exports it,
    # only admins (or its owner and co-editors, tests/bank/test_rules.py) change it.
    "bank.show_set": ("GET", only("educator", "admin")),
    "bank.confirm_publish": ("GET", only("admin", ok=302)),  # nothing waits: back to the set
    "bank.set_status": ("POST", only("admin", ok=302)),
    "bank.add_editor": ("POST", only("admin", ok=302)),
    "bank.remove_editor": ("POST", only("admin", ok=302)),
    "bank.export": ("GET", only("educator", "admin")),
    "bank.show_question": ("GET", only("educator", "admin")),
    "bank.edit_question": ("GET", only("admin")),
    "bank.retire_question": ("POST", only("admin", ok=302)),
    # An image no live question shows: for those who may view its set, 404 for the others
    # (tests/bank/test_uploads.py: a live question's images are for every signed-in person).
    "bank.media": ("GET", {**only("educator", "admin"), "nurse": 404, "supervisor": 404}),
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
    "hours.index": ("GET", only("nurse")),
    "hours.new_entry": ("GET", only("nurse")),
    "hours.week": ("GET", only("nurse")),
    "hours.entry": ("GET", {**SIGNED_IN, "nurse": 404, "supervisor": 404, "educator": 404}),
    "hours.edit_entry": ("GET", only("nurse", ok=404)),  # another nurse's entry
    "hours.amend_entry": ("GET", only("nurse", ok=404)),
    "hours.submit_entry": ("POST", only("nurse", ok=404)),
    "hours.withdraw_entry": ("POST", only("nurse", ok=404)),
    "hours.reassign_entry": ("POST", only("admin", ok=302)),
    "hours.review": ("GET", only("supervisor")),
    "hours.import_entries": ("GET", only("nurse")),
    "hours.import_template": ("GET", only("nurse")),
    "hours.profile": ("GET", only("nurse")),
    "hours.export_entries": ("GET", only("nurse")),
    "hours.export_ce": ("GET", only("nurse")),
    "hours.export_json": ("GET", only("nurse")),
    "hours.reports": ("GET", only("nurse")),
    "hours.revoke_report": ("POST", only("nurse", ok=404)),  # another nurse's report
    "verify.form": ("GET", everyone(200)),
    "verify.check": ("GET", everyone(404)),  # an unknown code
    "hours.ce": ("GET", only("nurse")),
    "hours.ce_certificate": ("GET", only("nurse", ok=404)),  # another nurse's certificate
    "hours.program_list": ("GET", only("admin")),
    "hours.install_presets": ("POST", only("admin", ok=302)),
    "hours.late_limit": ("POST", only("admin", ok=302)),
    "hours.edit_program": ("GET", only("admin")),
    "hours.enrol": ("GET", only("nurse")),
    "hours.leave_program": ("POST", only("nurse", ok=404)),  # not enrolled
    "hours.sites": ("GET", only("supervisor", "admin")),
    "hours.site_settings": ("POST", only("admin", ok=302)),
    "preceptors.manage": ("GET", only("supervisor", "admin")),
    # The target request is at a site the supervisor under test does not supervise.
    "preceptors.issue_link": ("POST", {**only("supervisor", "admin"), "supervisor": 404}),
    "preceptors.ask": ("GET", only("nurse")),
    "preceptors.sign": ("GET", everyone(404)),  # a token that opens nothing
}


# Flask's own view for static files carries no mark: everything under static/ is public.
UNDECLARED = {"static"}

# Roles that a view's declaration lets in but an object rule then refuses with 403 for the
# target above: an educator who neither owns nor co-edits the ownerless target set
# (bank/rules.py; tests/bank/test_rules.py has the whole role x relation table).
OBJECT_RULE_REFUSALS = {
    endpoint: {"educator"}
    for endpoint in ("bank.confirm_publish", "bank.set_status", "bank.add_editor",
                     "bank.remove_editor", "bank.edit_question", "bank.retire_question")
}


@cache
def bare_app():
    """An app whose routes and views are only read: one serves every test here."""
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


def test_every_route_is_in_the_table():
    app = bare_app()
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - TABLE.keys() == set(), "add these routes to TABLE"
    assert TABLE.keys() - endpoints == set(), "these rows name routes that no longer exist"


def test_every_view_declares_exactly_once_who_may_open_it():
    views = bare_app().view_functions
    wrong = {
        endpoint: declarations(view) for endpoint, view in views.items()
        if endpoint not in UNDECLARED and len(declarations(view)) != 1
    }
    assert wrong == {}, "give each view one of public, signed_in or role_required(...)"


def test_the_declaration_check_sees_a_missing_or_a_second_mark():
    def undeclared():
        return ""

    def declared_twice():
        return ""

    assert declarations(undeclared) == []
    assert declarations(signed_in(role_required("admin")(declared_twice))) == [
        "allowed_roles", "any_signed_in",
    ]
    assert declarations(public(undeclared)) == ["is_public"]


@pytest.mark.parametrize("endpoint", sorted(TABLE.keys() - UNDECLARED))
def test_the_table_agrees_with_the_declaration(endpoint):
    """A row's statuses follow from the view's mark: 403 exactly for the roles left out."""
    view = bare_app().view_functions[endpoint]
    _, expected = TABLE[endpoint]
    signed_in_roles = [role for role in ROLES if role != "anonymous"]
    if hasattr(view, "is_public"):
        assert expected["anonymous"] != 302 and 403 not in expected.values()
        return
    assert expected["anonymous"] == 302  # to the sign-in page
    allowed = getattr(view, "allowed_roles", signed_in_roles)
    assert {role for role in signed_in_roles if expected[role] == 403} == (
        set(signed_in_roles) - set(allowed) | OBJECT_RULE_REFUSALS.get(endpoint, set())
    )


def build_target() -> dict:
    """One user per role, and the things URLs point at: a nurse and her site, a published set
    with an image, and an upload that belongs to someone else. Returns users and URL values."""
    users = {
        role: accounts.create_user(f"{role}-under-test@example.com", f"Test {role}", {role},
                                   password=PASSWORD)
        for role in ROLES if role != "anonymous"
    }
    nurse = accounts.create_user("target@example.com", "Target Nurse", {"nurse"},
                                 password=PASSWORD)
    owner = accounts.create_user("owner@example.com", "Upload Owner", {"educator"},
                                 password=PASSWORD)
    site = Site(name="North Clinic")
    db.session.add_all([site, SiteMember(site=site, user=nurse)])
    db.session.flush()
    result = formats.parse(SAMPLE_GIFT, format="gift")
    report = import_result(result, title="Sample", status="published")
    db.session.add(Media(set_id=report.question_set.id, name="dot.png",
                         content_type="image/png", data=PNG))
    supervisor = accounts.create_user("signer@example.com", "Site Signer", {"supervisor"},
                                      password=PASSWORD)
    db.session.add(SiteMember(site=site, user=supervisor))
    db.session.flush()
    entry = Entry(nurse_id=nurse.id, site_id=site.id, supervisor_id=supervisor.id,
                  day=date(2026, 11, 2), minutes=60, category="direct_care", state="approved")
    program = Program(name="Program under test", certifying_body="Body", practice_hours=10,
                      window_years=3, ce_hours=0, ce_window_years=3)
    activity = CEActivity(user_id=nurse.id, title="Opioid stewardship", provider="ASPMN",
                          day=date(2026, 10, 1), contact_hours=2, certificate=b"%PDF-1.4",
                          certificate_type="application/pdf")
    issued = VerifiedReport(code="ISSUED", nurse_id=nurse.id, summary={})
    preceptor = Preceptor(site=site, full_name="Pat Preceptor", email="pat@example.com")
    db.session.add_all([entry, program, activity, issued, preceptor])
    db.session.flush()
    link = PreceptorLink(preceptor=preceptor, nurse_id=nurse.id,
                         entries=[PreceptorLinkEntry(entry_id=entry.id)])
    db.session.add(link)
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
    return {"users": users, "values": {
        "user_id": nurse.id, "site_id": site.id, "token": "someone-elses",
        "filename": "app.css", "set_id": report.question_set.id, "question_id": question.id,
        "export_format": "gift", "name": "dot.png", "attempt_id": attempt.id, "n": 1,
        "problem_id": problem.id, "blueprint_id": blueprint.id, "entry_id": entry.id,
        "program_id": program.id, "activity_id": activity.id,
        "report_id": issued.id, "code": "NOTACODE", "link_id": link.id,
    }}


class RouteData:
    """The module's data, built once and again only after a request that may have changed it
    (a POST that reached its view), so that every case sees the same starting state."""

    def __init__(self):
        self.built = None

    def fresh(self) -> dict:
        if self.built is None:
            empty_tables()
            self.built = build_target()
        return self.built

    def changed(self) -> None:
        self.built = None


@pytest.fixture(scope="module")
def route_data(module_app):
    return RouteData()


def url_for_rule(app, endpoint, values):
    rule = next(app.url_map.iter_rules(endpoint))
    with app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_route_answers_each_role(module_app, route_data, endpoint, role):
    method, expected = TABLE[endpoint]
    data = route_data.fresh()
    client = module_app.test_client()
    if role != "anonymous":
        sign_in_through_session(client, data["users"][role])
    url = url_for_rule(module_app, endpoint, data["values"])
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": session_csrf_token(client)})
        if role != "anonymous" and response.status_code != 403:
            route_data.changed()
    response.close()  # static files are streamed from an open file
    assert response.status_code == expected[role], f"{role} {method} {url}"
    if response.status_code == 302 and role == "anonymous":
        assert "/login" in response.headers["Location"]
