"""What every page costs the database: a bounded number of statements, whatever the number
of users, sites or audit entries. The user and their roles load in one query."""

import pytest
from sqlalchemy.exc import DBAPIError

from certprep.auth.models import User
from certprep.extensions import db
from certprep.org.audit import record
from certprep.org.models import Site, SiteMember
from tests.conftest import ADMIN_EMAIL, counted_statements, sign_in_through_session


def add_people(make_user, count: int) -> None:
    site = Site(name=f"Site for {count}")
    db.session.add(site)
    for _ in range(count):
        person = make_user("nurse", "supervisor")
        db.session.add(SiteMember(site=site, user=person))
        record(None, "user.roles_changed", "user", person.id, after={"roles": ["nurse"]})
    db.session.commit()


def statements_for(app, client, path: str) -> int:
    client.get(path)  # the first request of a process also checks that an admin exists
    with counted_statements(db.engine) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


# page: the most statements it may run, the sign-in included
BUDGET = {
    "/": 4,  # the user with roles, two practice counts, the number of accounts
    "/account": 1,
    "/admin/users": 3,  # the user, the users, their roles
    "/admin/users/{nurse}": 5,  # the user; the person, their roles; their sites; all sites
    "/admin/sites": 2,
    "/admin/settings": 2,
    "/admin/audit": 3,  # the user, the count, one page of entries with their actors
    "/admin/users/invite": 2,
    "/healthz": 1,  # SELECT 1; the user is not loaded for it
}


@pytest.mark.parametrize("page", sorted(BUDGET))
def test_a_page_runs_a_bounded_number_of_statements(app, make_user, page):
    admin = User.by_email(ADMIN_EMAIL)
    nurse = make_user("nurse")
    client = app.test_client()
    sign_in_through_session(client, admin)
    path = page.format(nurse=nurse.id)
    add_people(make_user, 2)
    few = statements_for(app, client, path)
    add_people(make_user, 25)
    many = statements_for(app, client, path)
    assert few == many, f"{path}: {few} statements with 4 people, {many} with 29"
    assert many <= BUDGET[page], f"{path}: {many} statements"


def test_a_signed_in_nurse_is_loaded_in_one_query(app, make_user):
    nurse = make_user("nurse", "supervisor")
    client = app.test_client()
    sign_in_through_session(client, nurse)
    assert statements_for(app, client, "/account") == 1


def test_healthz_tries_again_once_when_a_pooled_connection_was_closed(app, monkeypatch):
    calls = []
    execute = db.session.execute

    def closed_once(statement, *args, **kwargs):
        calls.append(statement)
        if len(calls) == 1:
            raise DBAPIError("SELECT 1", {}, Exception("server closed the connection"),
                             connection_invalidated=True)
        return execute(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "execute", closed_once)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and len(calls) == 2
