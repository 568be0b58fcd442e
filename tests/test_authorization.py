"""Who may open what: every route x every role, built from the app's own URL map.

A new route without a row here fails test_every_route_is_in_the_table.
"""

import pytest

from certprep import create_app
from certprep.admin.models import Site, SiteMember
from certprep.extensions import db
from tests.conftest import csrf_from, login

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
}


def test_every_route_is_in_the_table():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - TABLE.keys() == set(), "add these routes to TABLE"
    assert TABLE.keys() - endpoints == set(), "these rows name routes that no longer exist"


@pytest.fixture
def target(app, make_user):
    """The things URLs point at: a nurse to manage and a site she belongs to."""
    nurse = make_user("nurse", email="target@example.com")
    site = Site(name="North Clinic")
    db.session.add_all([site, SiteMember(site=site, user=nurse)])
    db.session.commit()
    return {"user_id": nurse.id, "site_id": site.id, "token": "not-a-real-token",
            "filename": "app.css"}


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
        user = make_user(role)
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
