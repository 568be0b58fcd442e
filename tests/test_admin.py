"""Administrators invite people, grant roles, manage sites and settings."""

import re

import pytest
from sqlalchemy import select

from certprep.auth.models import User
from certprep.extensions import db
from certprep.org.models import Setting, Site, SiteMember
from tests.conftest import ADMIN_EMAIL, login, post_form

NEW_PASSWORD = "quiet-harbour-93"


def sign_in_admin(client):
    assert login(client, ADMIN_EMAIL).status_code == 302


def test_invite_shows_a_one_time_link_that_creates_the_account(app, client):
    sign_in_admin(client)
    db.session.add(Site(name="East Clinic"))
    db.session.commit()
    site = db.session.scalar(select(Site))
    response = post_form(client, "/admin/users/invite", {
        "email": "Pat.Lee@Example.org", "full_name": "Pat Lee",
        "roles": ["supervisor", "educator"], "site_id": str(site.id),
    })
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = re.search(r'id="one-time-link">([^<]+)<', page).group(1)
    assert "/invite/" in link
    invitee = User.by_email("pat.lee@example.org")
    assert invitee.role_names == {"supervisor", "educator"}
    assert invitee.password_hash is None
    assert db.session.get(SiteMember, (site.id, invitee.id)) is not None

    other = app.test_client()
    path = link.split("certprep.test", 1)[1]
    response = post_form(other, path, {
        "full_name": "Pat Lee", "credentials": "RN-BC", "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert login(app.test_client(), "pat.lee@example.org", NEW_PASSWORD).status_code == 302


def test_invite_needs_a_role_and_a_new_email(client):
    sign_in_admin(client)
    page = post_form(client, "/admin/users/invite", {
        "email": "x@example.org", "full_name": "X", "site_id": "0",
    }).get_data(as_text=True)
    assert "Choose at least one role." in page
    page = post_form(client, "/admin/users/invite", {
        "email": ADMIN_EMAIL, "full_name": "X", "roles": ["nurse"], "site_id": "0",
    }).get_data(as_text=True)
    assert "already exists" in page


def test_admin_grants_and_removes_roles(client, make_user):
    sign_in_admin(client)
    nurse = make_user("nurse")
    response = post_form(client, f"/admin/users/{nurse.id}/roles",
                         {"roles": ["nurse", "supervisor"]}, form_page=f"/admin/users/{nurse.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, nurse.id).role_names == {"nurse", "supervisor"}


def test_the_last_admin_cannot_be_removed_or_deactivated(client):
    sign_in_admin(client)
    admin = User.by_email(ADMIN_EMAIL)
    page = f"/admin/users/{admin.id}"
    changes = ((f"{page}/roles", {"roles": ["nurse"]}), (f"{page}/active", {"active": "0"}))
    for path, data in changes:
        response = post_form(client, path, data, form_page=page, follow_redirects=True)
        assert "last active administrator" in response.get_data(as_text=True)
    db.session.expire_all()
    admin = db.session.get(User, admin.id)
    assert admin.role_names == {"admin"} and admin.active


def test_reactivation(client, make_user):
    sign_in_admin(client)
    nurse = make_user("nurse", active=False)
    post_form(client, f"/admin/users/{nurse.id}/active", {"active": "1"},
              form_page=f"/admin/users/{nurse.id}")
    db.session.expire_all()
    assert db.session.get(User, nurse.id).active


def test_reset_link_for_a_user(client, make_user):
    sign_in_admin(client)
    nurse = make_user("nurse")
    response = post_form(client, f"/admin/users/{nurse.id}/reset-link", {},
                         form_page=f"/admin/users/{nurse.id}")
    assert response.status_code == 200
    assert "/reset/" in response.get_data(as_text=True)


def test_sites_and_membership(client, make_user):
    sign_in_admin(client)
    response = post_form(client, "/admin/sites", {"name": "West Pain Clinic"})
    assert response.status_code == 302
    assert "already exists" in post_form(client, "/admin/sites", {"name": "West Pain Clinic"}
                                         ).get_data(as_text=True)
    site = db.session.scalar(select(Site))
    supervisor = make_user("supervisor")
    post_form(client, f"/admin/users/{supervisor.id}/sites", {"site_id": str(site.id)},
              form_page=f"/admin/users/{supervisor.id}")
    assert db.session.get(SiteMember, (site.id, supervisor.id)) is not None
    assert "West Pain Clinic" in client.get(f"/admin/users/{supervisor.id}").get_data(
        as_text=True
    )
    post_form(client, f"/admin/users/{supervisor.id}/sites/{site.id}/remove", {},
              form_page=f"/admin/users/{supervisor.id}")
    db.session.expire_all()
    assert db.session.get(SiteMember, (site.id, supervisor.id)) is None


def test_settings_switch_self_registration(client):
    sign_in_admin(client)
    post_form(client, "/admin/settings", {})  # unchecked box: off
    assert Setting.get("self_registration") == "off"
    post_form(client, "/admin/settings", {"self_registration": "y"})
    db.session.expire_all()
    assert Setting.get("self_registration") == "on"


def test_user_search(client, make_user):
    sign_in_admin(client)
    make_user("nurse", name="Morgan Blake")
    make_user("nurse", name="Taylor Quinn")
    page = client.get("/admin/users?q=morgan").get_data(as_text=True)
    assert "Morgan Blake" in page and "Taylor Quinn" not in page


def test_navigation_follows_roles(client, login_as):
    login_as("nurse")
    page = client.get("/").get_data(as_text=True)
    assert "Users</a>" not in page and "Question bank</a>" not in page


# State changes come from a validated form, never from a field's absence ----------


def test_a_post_without_the_active_field_changes_nothing(client, make_user):
    sign_in_admin(client)
    nurse = make_user("nurse")
    page = f"/admin/users/{nurse.id}"
    response = post_form(client, f"{page}/active", {}, form_page=page, follow_redirects=True)
    assert "Say whether the account is active." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, nurse.id).active


def test_a_roles_form_with_no_role_is_refused(client, make_user):
    sign_in_admin(client)
    nurse = make_user("nurse", "supervisor")
    page = f"/admin/users/{nurse.id}"
    response = post_form(client, f"{page}/roles", {}, form_page=page, follow_redirects=True)
    assert "Roles: Choose at least one role." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, nurse.id).role_names == {"nurse", "supervisor"}


def test_a_role_outside_the_list_is_refused(client, make_user):
    sign_in_admin(client)
    nurse = make_user("nurse")
    page = f"/admin/users/{nurse.id}"
    response = post_form(client, f"{page}/roles", {"roles": ["surgeon"]}, form_page=page,
                         follow_redirects=True)
    assert "not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, nurse.id).role_names == {"nurse"}


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/admin/sites", {"name": "S" * 121}, "Use at most 120 characters."),
        ("/admin/users/invite", {"email": "a@example.org", "full_name": "N" * 121,
                                 "roles": ["nurse"], "site_id": "0"},
         "Use at most 120 characters."),
    ],
)
def test_over_long_fields_are_refused_with_the_limit(client, path, data, message):
    sign_in_admin(client)
    response = post_form(client, path, data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
