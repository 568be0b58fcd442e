"""External preceptors: registered per site, asked by a nurse, signing through a one-time
emailed link without an account, as a person would."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from markupsafe import escape
from sqlalchemy import select

from certprep.auth.models import OneTimeLink, User, token_hash
from certprep.extensions import db
from certprep.hours import preceptors, report
from certprep.hours.models import Entry, Preceptor, PreceptorLink, Program, VerifiedReport
from certprep.hours.policy import (
    can_invite_nurse,
    can_manage_site,
    link_status,
    preceptor_refusal,
    preceptor_relation,
)
from certprep.org.audit import AuditEntry
from certprep.org.models import SiteMember
from certprep.timeutil import utcnow
from tests.conftest import post_form, sign_in_through_session

SITE, OTHER_SITE = 1, 2
NOW = utcnow()


class Person(SimpleNamespace):
    is_authenticated = True
    is_active = True

    def has_role(self, *names):
        return bool(set(self.roles) & set(names))


# ---- the rules, as tables -------------------------------------------------------------

@pytest.mark.parametrize(("roles", "sites", "site", "allowed"), [
    ({"supervisor"}, {SITE}, SITE, True),
    ({"supervisor"}, {OTHER_SITE}, SITE, False),  # a site they do not supervise
    ({"supervisor"}, set(), SITE, False),
    ({"nurse"}, {SITE}, SITE, False),  # a member, but not a supervisor
    ({"educator"}, {SITE}, SITE, False),
    ({"admin"}, set(), SITE, True),
    ({"nurse", "supervisor"}, {SITE}, SITE, True),
])
def test_who_manages_a_site_and_invites_nurses_into_it(roles, sites, site, allowed):
    user = Person(id=5, roles=roles)
    assert can_manage_site(user, site, sites) is allowed
    assert can_invite_nurse(user, site, sites) is allowed


def test_a_deactivated_or_anonymous_person_manages_no_site():
    assert not can_invite_nurse(Person(id=5, roles={"admin"}, is_active=False), SITE, {SITE})
    anonymous = SimpleNamespace(is_authenticated=False, is_active=False)
    assert not can_manage_site(anonymous, SITE, {SITE})


def fake_entry(state="submitted", nurse=10, site=SITE, entry_id=1):
    return SimpleNamespace(id=entry_id, nurse_id=nurse, supervisor_id=20, site_id=site,
                           state=state)


@pytest.mark.parametrize(("item", "preceptor_site", "refused"), [
    (fake_entry(), SITE, ""),
    (fake_entry(nurse=11), SITE, "is not yours"),
    (fake_entry(state="draft"), SITE, "submit it first"),
    (fake_entry(state="approved"), SITE, "submit it first"),
    (fake_entry(site=OTHER_SITE), SITE, "another site"),
])
def test_which_entries_a_nurse_may_ask_a_preceptor_to_sign(item, preceptor_site, refused):
    reason = preceptor_refusal(Person(id=10, roles={"nurse"}), item, preceptor_site)
    assert (refused in reason) if refused else reason == ""


@pytest.mark.parametrize(("link", "status"), [
    (None, "unknown"),
    (SimpleNamespace(token_hash=None, used_at=None, expires_at=None), "unknown"),  # pending
    (SimpleNamespace(token_hash="h", used_at=NOW, expires_at=NOW + timedelta(days=1)), "used"),
    (SimpleNamespace(token_hash="h", used_at=None, expires_at=NOW), "expired"),
    (SimpleNamespace(token_hash="h", used_at=None, expires_at=NOW - timedelta(days=1)),
     "expired"),
    (SimpleNamespace(token_hash="h", used_at=None, expires_at=NOW + timedelta(seconds=1)),
     "open"),
])
def test_what_a_link_opens(link, status):
    assert link_status(link, NOW) == status


@pytest.mark.parametrize(("bound", "site", "relation"), [
    ({1, 2}, SITE, "preceptor"),
    ({2}, SITE, "other"),  # a link for other entries
    ({1}, OTHER_SITE, "other"),  # the preceptor of another site
])
def test_a_link_signs_only_its_own_entries(bound, site, relation):
    assert preceptor_relation(frozenset(bound), site, fake_entry(entry_id=1)) == relation


# ---- through the pages ----------------------------------------------------------------

@pytest.fixture
def preceptor(world):
    found = Preceptor(site_id=world.site.id, full_name="Pat Preceptor", credentials="RN, CNS",
                      email="pat@example.org")
    db.session.add(found)
    db.session.commit()
    return found


@pytest.fixture
def mailbox(app, monkeypatch):
    sent = []
    monkeypatch.setattr("certprep.hours.preceptor_views.send_mail",
                        lambda to, subject, body: sent.append(SimpleNamespace(
                            to=to, subject=subject, body=body)))
    app.config["MAIL_SERVER"] = "smtp.example.org"
    return sent


def as_user(app, user):
    client = app.test_client()
    sign_in_through_session(client, user)
    return client


def ask(client, preceptor, entries, **kwargs):
    return post_form(client, "/hours/preceptors/ask", {
        "preceptor": str(preceptor.id), "entries": [str(e.id) for e in entries]}, **kwargs)


def token_in(mail) -> str:
    return mail.body.split("/preceptor/")[1].split()[0]


def sign(client, token, decisions, name="Pat Preceptor", attest="y"):
    data = {"typed_name": name, "attest": attest}
    for entry_id, (action, note) in decisions.items():
        data[f"decision_{entry_id}"] = action
        data[f"note_{entry_id}"] = note
    return post_form(client, f"/preceptor/{token}", data)


def test_a_supervisor_registers_a_preceptor_for_their_site_only(app, world):
    client = as_user(app, world.supervisor)
    response = post_form(client, "/hours/preceptors", {
        "site": str(world.site.id), "full_name": "Pat Preceptor", "credentials": "RN, CNS",
        "email": "Pat@Example.org"})
    assert response.status_code == 302
    found = db.session.scalar(select(Preceptor))
    assert (found.email, found.site_id, found.credentials) == (
        "pat@example.org", world.site.id, "RN, CNS")
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.subject_type == "preceptor")) == "preceptor.registered"
    page = post_form(client, "/hours/preceptors", {
        "site": str(world.other_site.id), "full_name": "Quinn Other",
        "email": "quinn@example.org"}).get_data(as_text=True)
    assert "Choose one of the sites you supervise." in page
    assert db.session.scalar(select(Preceptor).where(Preceptor.full_name == "Quinn Other")) \
        is None


def test_an_emailed_link_signs_its_entries_and_the_nurse_never_sees_it(
        app, world, make_entry, preceptor, mailbox):
    first, second = make_entry(minutes=60), make_entry(minutes=120)
    nurse = as_user(app, world.nurse)
    response = ask(nurse, preceptor, [first, second], follow_redirects=True)
    assert "Pat Preceptor, RN, CNS was emailed a link to sign 2 entries" in response.get_data(
        as_text=True)
    assert [m.to for m in mailbox] == ["pat@example.org"]
    token = token_in(mailbox[0])
    link = db.session.scalar(select(PreceptorLink))
    assert link.token_hash == token_hash(token) and link.entry_ids == {first.id, second.id}
    assert link.expires_at - link.issued_at == timedelta(days=14)
    for page in (response, nurse.get("/hours/"), nurse.get("/hours/preceptors/ask"),
                 nurse.get(f"/hours/{first.id}")):
        assert token not in page.get_data(as_text=True)

    preceptor_browser = app.test_client()  # no account, not signed in
    page = preceptor_browser.get(f"/preceptor/{token}").get_data(as_text=True)
    assert "Practice hours of Nadia Nurse" in page and str(escape(preceptors.ATTESTATION)) in page
    response = sign(preceptor_browser, token, {first.id: ("approve", ""),
                                               second.id: ("return", "Add the start time.")})
    assert response.status_code == 200 and "You reviewed 2 entries" in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert (first.state, second.state) == ("approved", "returned")
    assert (first.reviewer_name, first.reviewer_credentials, first.reviewed_by_id) == (
        "Pat Preceptor", "RN, CNS", None)
    assert first.signed_via_link and first.attestation == preceptors.ATTESTATION
    assert second.review_note == "Add the start time."
    approved = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "entry.approved", AuditEntry.subject_id == first.id))
    assert approved.after["via"] == "emailed_link"
    assert approved.after["typed_name"] == "Pat Preceptor"
    assert approved.after["attestation"] == preceptors.ATTESTATION
    entry_page = nurse.get(f"/hours/{first.id}").get_data(as_text=True)
    assert "one-time link emailed to them" in entry_page
    assert "Pat Preceptor (external preceptor, emailed link)" in entry_page  # the history

    # A second click after use says it was used, and opens nothing.
    again = preceptor_browser.get(f"/preceptor/{token}")
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    assert "Nadia Nurse" not in again.get_data(as_text=True)


def test_the_report_says_a_preceptor_signed_by_emailed_link(
        app, world, make_entry, preceptor, mailbox):
    item = make_entry(day=date.today() - timedelta(days=1))
    ask(as_user(app, world.nurse), preceptor, [item])
    sign(app.test_client(), token_in(mailbox[0]), {item.id: ("approve", "")})
    nurse = as_user(app, world.nurse)
    program_id = db.session.scalar(select(Program.id).where(Program.is_default))
    response = post_form(nurse, "/hours/reports", {"program": str(program_id)})
    assert response.mimetype == "application/pdf"
    issued = db.session.scalar(select(VerifiedReport))
    assert [e["via"] for e in issued.summary["entries"]] == ["emailed link"]
    plain = report.pdf(issued.summary, issued.code, "https://x/verify", compress=False)
    assert b"Pat Preceptor" in plain and b"emailed one-time" in plain  # a wrapped cell


def test_a_used_link_cannot_sign_again(app, world, make_entry, preceptor, mailbox):
    item = make_entry()
    ask(as_user(app, world.nurse), preceptor, [item])
    token = token_in(mailbox[0])
    browser = app.test_client()
    sign(browser, token, {item.id: ("return", "Which ward?")})
    db.session.expire_all()
    assert item.state == "returned"
    # The nurse resubmits; the old link still opens nothing and signs nothing.
    item.state = "submitted"
    db.session.commit()
    response = sign(browser, token, {item.id: ("approve", "")})
    assert response.status_code == 410 and "already used" in response.get_data(as_text=True)
    db.session.expire_all()
    assert item.state == "submitted"


def test_an_expired_link_opens_nothing(app, world, make_entry, preceptor, mailbox):
    item = make_entry()
    ask(as_user(app, world.nurse), preceptor, [item])
    link = db.session.scalar(select(PreceptorLink))
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = app.test_client().get(f"/preceptor/{token_in(mailbox[0])}")
    page = response.get_data(as_text=True)
    assert response.status_code == 410 and "expired" in page and "Nadia Nurse" not in page


def test_an_unknown_token_opens_nothing(app, world):
    response = app.test_client().get("/preceptor/not-a-token")
    assert response.status_code == 404 and "opens nothing" in response.get_data(as_text=True)


def test_a_link_for_entries_a_cannot_sign_b(app, world, make_entry, preceptor, mailbox):
    a, b = make_entry(minutes=60), make_entry(minutes=90)
    ask(as_user(app, world.nurse), preceptor, [a])
    token = token_in(mailbox[0])
    response = sign(app.test_client(), token, {a.id: ("approve", ""), b.id: ("approve", "")})
    assert response.status_code == 200
    db.session.expire_all()
    assert (a.state, b.state) == ("approved", "submitted")
    # The service refuses it too, whatever a form sends.
    other = make_entry(minutes=30)
    ask(as_user(app, world.nurse), preceptor, [other])
    link = db.session.scalar(select(PreceptorLink).order_by(PreceptorLink.id.desc()))
    outcome = preceptors.sign(link, {b.id: preceptors.Decision("approve")}, "Pat Preceptor",
                              now=utcnow())
    assert outcome.done == [] and "not one this link may sign" in outcome.refused[0]
    db.session.commit()
    db.session.expire_all()
    assert b.state == "submitted"


def test_the_name_and_the_attestation_are_required(app, world, make_entry, preceptor, mailbox):
    item = make_entry()
    ask(as_user(app, world.nurse), preceptor, [item])
    token = token_in(mailbox[0])
    browser = app.test_client()
    page = sign(browser, token, {item.id: ("return", "")}, name="", attest="").get_data(
        as_text=True)
    assert "Type your full name to sign." in page
    assert "Tick the box to confirm the attestation." in page
    assert "Say what the nurse should change" in page
    db.session.expire_all()
    assert item.state == "submitted" and db.session.scalar(select(PreceptorLink)).used_at is None


def test_exactly_one_reviewer_wins_between_the_queue_and_the_link(
        app, world, make_entry, preceptor, mailbox):
    item = make_entry()
    ask(as_user(app, world.nurse), preceptor, [item])
    token = token_in(mailbox[0])
    supervisor = as_user(app, world.supervisor)
    post_form(supervisor, "/hours/review", {"entry": [item.id], "action": "approve",
                                             "attest": "y"})
    page = sign(app.test_client(), token, {item.id: ("return", "Late?")}).get_data(as_text=True)
    assert "already reviewed by Sam Supervisor" in page
    db.session.expire_all()
    assert (item.state, item.reviewer_name, item.signed_via_link) == (
        "approved", "Sam Supervisor", False)
    assert len(db.session.scalars(select(AuditEntry).where(
        AuditEntry.subject_id == item.id,
        AuditEntry.action.in_(["entry.approved", "entry.returned"]))).all()) == 1


def test_without_mail_a_site_supervisor_passes_the_link_on(app, world, make_entry, preceptor):
    item = make_entry()
    nurse = as_user(app, world.nurse)
    page = ask(nurse, preceptor, [item], follow_redirects=True).get_data(as_text=True)
    assert "a supervisor of North Clinic will pass the link on" in page
    link = db.session.scalar(select(PreceptorLink))
    assert link.token_hash is None  # nothing the nurse could have seen
    assert post_form(nurse, f"/hours/preceptors/links/{link.id}/issue", {},
                     form_page="/hours/").status_code == 403
    other = as_user(app, world.other_supervisor)
    assert post_form(other, f"/hours/preceptors/links/{link.id}/issue", {},
                     form_page="/hours/preceptors").status_code == 404
    supervisor = as_user(app, world.supervisor)
    assert "Issue a link to pass on" in supervisor.get("/hours/preceptors").get_data(
        as_text=True)
    shown = post_form(supervisor, f"/hours/preceptors/links/{link.id}/issue", {},
                      form_page="/hours/preceptors").get_data(as_text=True)
    url = shown.split('id="one-time-link">')[1].split("<")[0]
    token = url.split("/preceptor/")[1]
    db.session.expire_all()
    assert link.token_hash == token_hash(token)
    assert token not in nurse.get("/hours/").get_data(as_text=True)
    sign(app.test_client(), token, {item.id: ("approve", "")})
    db.session.expire_all()
    assert item.state == "approved" and item.signed_via_link


def test_the_public_link_is_rate_limited(make_installed_app):
    app = make_installed_app(PRECEPTOR_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    statuses = [client.get(f"/preceptor/guess-{n}").status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]


# ---- supervisors invite nurses who have no account yet --------------------------------

def test_a_supervisor_invites_a_new_nurse_to_their_site(app, world):
    supervisor = as_user(app, world.supervisor)
    response = post_form(supervisor, "/hours/sites", {
        "site_id": str(world.site.id), "email": "Newcomer@Example.org",
        "full_name": "Nico Newcomer"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nico Newcomer is invited to North Clinic" in page
    nurse = User.by_email("newcomer@example.org")
    assert nurse.role_names == {"nurse"} and nurse.password_hash is None
    assert db.session.get(SiteMember, (world.site.id, nurse.id)) is not None
    link = page.split('id="one-time-link">')[1].split("<")[0]
    invite = db.session.scalar(select(OneTimeLink).where(OneTimeLink.user_id == nurse.id))
    assert invite.purpose == "invite" and invite.token_hash == token_hash(
        link.split("/invite/")[1])
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.invited"))
    assert (audit.actor_id, audit.subject_id, audit.after["site_id"]) == (
        world.supervisor.id, nurse.id, world.site.id)
    assert app.test_client().get(link.split("certprep.test")[-1]).status_code == 200


def test_with_mail_the_invite_is_emailed_not_shown(app, world, monkeypatch):
    sent = []
    monkeypatch.setattr("certprep.mail.send_mail",
                        lambda to, subject, body: sent.append((to, body)))
    app.config["MAIL_SERVER"] = "smtp.example.org"
    page = post_form(as_user(app, world.supervisor), "/hours/sites", {
        "site_id": str(world.site.id), "email": "mailed@example.org",
        "full_name": "Mo Mailed"}).get_data(as_text=True)
    assert [to for to, _ in sent] == ["mailed@example.org"]
    assert "/invite/" not in page and "emailed to mailed@example.org" in page


def test_a_supervisor_cannot_invite_into_a_site_they_do_not_supervise(app, world):
    supervisor = as_user(app, world.supervisor)
    response = post_form(supervisor, "/hours/sites", {
        "site_id": str(world.other_site.id), "email": "intruder@example.org",
        "full_name": "Ira Intruder"}, follow_redirects=True)
    assert "Choose one of the sites you supervise." in response.get_data(as_text=True)
    assert User.by_email("intruder@example.org") is None


def test_inviting_a_new_nurse_needs_their_name(app, world):
    page = post_form(as_user(app, world.supervisor), "/hours/sites", {
        "site_id": str(world.site.id), "email": "nameless@example.org"}).get_data(as_text=True)
    assert "full name to invite them" in page
    assert User.by_email("nameless@example.org") is None


def test_the_nurse_sees_only_submitted_entries_to_ask_about(app, world, make_entry, preceptor):
    draft = make_entry(state="draft")
    make_entry(minutes=30)  # a submitted one, so that the form is shown
    page = ask(as_user(app, world.nurse), preceptor, [draft]).get_data(as_text=True)
    assert "Choose entries from the list" in page
    assert db.session.scalar(select(PreceptorLink)) is None
    assert db.session.scalar(select(Entry.state).where(Entry.id == draft.id)) == "draft"
