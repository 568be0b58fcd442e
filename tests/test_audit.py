"""The audit log: what administrators change is recorded, and no one can rewrite it."""

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from certprep.auth.models import User
from certprep.extensions import db
from certprep.org.audit import AuditEntry, record
from certprep.org.models import Site
from tests.conftest import ADMIN_EMAIL, login, post_form


def entries() -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_record_adds_an_entry_the_caller_commits(app):
    admin = User.by_email(ADMIN_EMAIL)
    record(admin, "user.roles_changed", "user", admin.id,
           before={"roles": ["nurse"]}, after={"roles": ["admin"]})
    db.session.commit()
    (entry,) = entries()
    assert (entry.actor_id, entry.action, entry.subject_type, entry.subject_id) == (
        admin.id, "user.roles_changed", "user", admin.id,
    )
    assert entry.before == {"roles": ["nurse"]} and entry.after == {"roles": ["admin"]}
    assert entry.at is not None


def test_record_refuses_an_action_it_does_not_know(app):
    with pytest.raises(ValueError, match=r"unknown audit action 'user\.renamed'"):
        record(None, "user.renamed", "user", 1)


@pytest.mark.parametrize("statement", [
    update(AuditEntry).values(action="user.reactivated"),
    delete(AuditEntry),
    text("UPDATE audit_entry SET after = NULL"),
    text("DELETE FROM audit_entry"),
])
def test_the_database_refuses_to_change_or_delete_an_entry(app, statement):
    record(None, "site.created", "site", 1, after={"name": "North"})
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(statement)
        db.session.flush()
    db.session.rollback()
    assert [entry.after for entry in entries()] == [{"name": "North"}]


def test_the_orm_cannot_edit_an_entry_either(app):
    entry = record(None, "site.created", "site", 1)
    db.session.commit()
    entry.action = "site.member_added"
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert entries()[0].action == "site.created"


# What the admin pages record ------------------------------------------------------


@pytest.fixture
def admin_client(client):
    assert login(client, ADMIN_EMAIL).status_code == 302
    return client


@pytest.mark.parametrize(
    ("action_path", "data", "make_roles", "action", "before", "after"),
    [
        ("roles", {"roles": ["nurse", "supervisor"]}, ("nurse",), "user.roles_changed",
         {"roles": ["nurse"]}, {"roles": ["nurse", "supervisor"]}),
        ("active", {"active": "0"}, ("nurse",), "user.deactivated",
         {"active": True}, {"active": False}),
        ("reset-link", {}, ("nurse",), "user.link_issued", None, {"purpose": "reset"}),
        ("sign-out", {}, ("nurse",), "user.signed_out_everywhere", None, None),
    ],
)
def test_admin_changes_to_an_account_are_recorded(
    admin_client, make_user, action_path, data, make_roles, action, before, after
):
    person = make_user(*make_roles)
    page = f"/admin/users/{person.id}"
    post_form(admin_client, f"{page}/{action_path}", data, form_page=page)
    (entry,) = entries()
    assert entry.actor.email == ADMIN_EMAIL
    assert (entry.action, entry.subject_type, entry.subject_id) == (action, "user", person.id)
    assert (entry.before, entry.after) == (before, after)


def test_reactivation_is_recorded(admin_client, make_user):
    person = make_user("nurse", active=False)
    page = f"/admin/users/{person.id}"
    post_form(admin_client, f"{page}/active", {"active": "1"}, form_page=page)
    assert [(e.action, e.after) for e in entries()] == [("user.reactivated", {"active": True})]


def test_a_refused_change_records_nothing(admin_client):
    admin = User.by_email(ADMIN_EMAIL)
    page = f"/admin/users/{admin.id}"
    post_form(admin_client, f"{page}/active", {"active": "0"}, form_page=page)  # last admin
    assert entries() == []


def test_an_invite_is_recorded(admin_client):
    post_form(admin_client, "/admin/users/invite", {
        "email": "pat@example.org", "full_name": "Pat Lee", "roles": ["nurse"], "site_id": "0",
    })
    (entry,) = entries()
    invitee = User.by_email("pat@example.org")
    assert (entry.action, entry.subject_id) == ("user.invited", invitee.id)
    assert entry.after == {"email": "pat@example.org", "roles": ["nurse"], "site_id": None}


def test_the_audit_page_filters_by_actor_and_action(admin_client, make_user):
    nurse = make_user("nurse")
    admin = User.by_email(ADMIN_EMAIL)
    record(admin, "user.deactivated", "user", nurse.id)
    record(None, "user.roles_changed", "user", nurse.id)
    db.session.commit()
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Deactivated" in page and "Roles changed" in page and "command line" in page
    page = admin_client.get("/admin/audit?action=user.roles_changed").get_data(as_text=True)
    assert "Roles changed" in page and "<td>Deactivated</td>" not in page
    page = admin_client.get("/admin/audit?actor=admin@").get_data(as_text=True)
    assert "<td>Deactivated</td>" in page and "Roles changed</td>" not in page


def test_the_audit_page_is_paginated(admin_client):
    for number in range(51):
        record(None, "site.created", "site", number + 1)
    db.session.commit()
    first = admin_client.get("/admin/audit?action=site.created").get_data(as_text=True)
    assert first.count("<td>Site created</td>") == 50 and "Page 1 of 2" in first
    second = admin_client.get("/admin/audit?action=site.created&page=2").get_data(as_text=True)
    assert second.count("<td>Site created</td>") == 1


@pytest.mark.parametrize("query", ["page=0", "page=99999999999999999999", "page=x",
                                   "action=user.renamed", "subject_id=-1"])
def test_bad_audit_filters_are_explained_not_a_500(admin_client, query):
    response = admin_client.get(f"/admin/audit?{query}", follow_redirects=True)
    assert response.status_code == 200
    assert 'class="flash flash-error"' in response.get_data(as_text=True)


def test_site_creation_is_recorded(admin_client):
    post_form(admin_client, "/admin/sites", {"name": "West Clinic"})
    site = db.session.scalar(select(Site))
    assert [(e.action, e.subject_id, e.after) for e in entries()] == [
        ("site.created", site.id, {"name": "West Clinic"})
    ]


@pytest.mark.parametrize(("action", "after", "label"), [
    ("entry.approved", {"via": "emailed_link", "typed_name": "Pat Preceptor"},
     "Pat Preceptor (external preceptor, emailed link)"),
    ("preceptor.link_used", {"typed_name": "Pat Preceptor"},
     "Pat Preceptor (external preceptor, emailed link)"),
    ("entry.superseded", {"state": "superseded"}, "certprep (an approved amendment replaced it)"),
    ("site.created", {"name": "North"}, "command line"),
])
def test_entries_without_an_account_say_who_acted(action, after, label):
    assert AuditEntry(action=action, subject_type="x", after=after).actor_label == label
