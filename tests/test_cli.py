"""The `flask users ...` and `flask demo` commands."""

import pytest
from sqlalchemy import func, select

from certprep.auth.models import User
from certprep.extensions import db
from certprep.org.audit import AuditEntry
from certprep.org.models import Site, SiteMember
from tests.conftest import ADMIN_EMAIL, login

GOOD = "steady-lantern-47\n"


def test_users_create_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(args=[
        "users", "create", "Chris@Example.org", "--name", "Chris Doe",
        "--role", "supervisor", "--role", "educator", "--password-stdin",
    ], input=GOOD)
    assert result.exit_code == 0, result.output
    user = User.by_email("chris@example.org")
    assert user.role_names == {"supervisor", "educator"}
    assert login(app.test_client(), "chris@example.org").status_code == 302


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "create", ADMIN_EMAIL, "--name", "Dup", "--role", "nurse",
          "--password-stdin"], GOOD, "already exists"),
        (["users", "create", "a@example.org", "--name", "A", "--role", "surgeon",
          "--password-stdin"], GOOD, "Unknown role surgeon"),
        (["users", "create", "a@example.org", "--name", "A", "--role", "nurse",
          "--password-stdin"], "password1\n", "at least 10 characters"),
        (["users", "set-roles", "nobody@example.org", "--role", "nurse"], "", "No account"),
        (["users", "deactivate", ADMIN_EMAIL], "", "last active administrator"),
        (["users", "create", "a@example.org", "--name", "A", "--role", "nurse",
          "--site", "North Clinic", "--site", "Nowhere", "--password-stdin"], GOOD,
         "No site is called Nowhere"),
        (["users", "create", "a@example.org", "--name", "A", "--role", "nurse",
          "--site", "north clinic", "--password-stdin"], GOOD, "No site is called north clinic"),
        (["sites", "create", "North Clinic"], "", "A site called North Clinic already exists"),
        (["sites", "create", "  "], "", "Give the site a name"),
        (["sites", "create", "N" * 121], "", "at most 120 characters"),
    ],
)
def test_cli_refuses_with_a_clear_message(runner, args, stdin, message):
    db.session.add(Site(name="North Clinic"))
    db.session.commit()
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == 1
    assert message in result.output
    db.session.expire_all()
    assert User.by_email("a@example.org") is None  # a refusal leaves nothing half-made
    assert db.session.scalar(select(func.count()).select_from(Site)) == 1


def test_sites_create_then_users_join_them(runner):
    for name in ("North Clinic", "South Clinic"):
        result = runner.invoke(args=["sites", "create", name])
        assert result.exit_code == 0 and f"Created site {name}." in result.output
    result = runner.invoke(args=[
        "users", "create", "sam@example.org", "--name", "Sam Okafor", "--role", "nurse",
        "--site", "North Clinic", "--site", "South Clinic", "--password-stdin",
    ], input=GOOD)
    assert result.exit_code == 0, result.output
    assert "member of North Clinic, South Clinic" in result.output
    sam = User.by_email("sam@example.org")
    member_of = db.session.scalars(
        select(Site.name).join(SiteMember).where(SiteMember.user_id == sam.id).order_by(Site.name)
    ).all()
    assert member_of == ["North Clinic", "South Clinic"]
    listing = runner.invoke(args=["sites", "list"]).output
    assert "North Clinic\t1" in listing and "South Clinic\t1" in listing
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["site.created", "site.created", "user.created"]


def test_users_list_set_roles_and_deactivate(runner, make_user):
    nurse = make_user("nurse", email="n@example.org")
    assert runner.invoke(args=["users", "set-roles", "n@example.org", "--role", "nurse",
                               "--role", "supervisor"]).exit_code == 0
    result = runner.invoke(args=["users", "deactivate", "N@example.org"])
    assert result.exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "n@example.org\tnurse,supervisor\tdeactivated" in listing
    db.session.expire_all()
    assert not db.session.get(User, nurse.id).active


def test_users_create_without_password_prints_an_invite(runner):
    result = runner.invoke(args=["users", "create", "i@example.org", "--name", "I",
                                 "--role", "nurse"])
    assert result.exit_code == 0 and "/invite/" in result.output


def test_demo_refuses_a_database_with_real_users(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "real accounts" in result.output


def test_demo_loads_every_role(empty_app):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    roles = set().union(*(u.role_names for u in db.session.scalars(db.select(User))))
    assert roles == {"admin", "supervisor", "educator", "nurse"}
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent on demo data
