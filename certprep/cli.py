"""Command-line tools for operators and scripts: thin wrappers over tested functions."""

import sys

import click
from flask import Flask
from sqlalchemy import func, select

from certprep.admin.rules import check_keeps_an_admin
from certprep.auth import accounts
from certprep.auth.models import ROLES, User
from certprep.auth.sessions import sign_out_everywhere
from certprep.bank.cli import bank
from certprep.demo import demo_command
from certprep.exams.cli import exams
from certprep.extensions import db
from certprep.org.audit import record
from certprep.org.models import Site, SiteMember
from certprep.org.sites import SiteError, create_site, sites_named

users = click.Group("users", help="Create and manage accounts.")
sites_group = click.Group("sites", help="Create and list sites (clinics).")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _find(email: str) -> User:
    user = User.by_email(email)
    if user is None:
        _fail(f"No account has the email {email}.")
    return user


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, required=True, help=f"One of {', '.join(ROLES)}.")
@click.option("--credentials", default="", help='Professional credentials, e.g. "RN, BSN".')
@click.option("--site", "site_names", multiple=True, help="A site to join (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email, name, roles, credentials, site_names, password_stdin):
    """Create an account; without --password-stdin it prints an invite link instead."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        sites = sites_named(site_names)
        user = accounts.create_user(
            email, name, set(roles), password=password, credentials=credentials
        )
        db.session.add_all(SiteMember(site=site, user=user) for site in sites)
        token = None if password else accounts.issue_link(user, "invite", hours=72)
        db.session.flush()
        record(None, "user.created" if password else "user.invited", "user", user.id,
               after={"email": user.email, "roles": sorted(user.role_names),
                      "sites": [site.name for site in sites]})
        db.session.commit()
    except (accounts.AccountError, SiteError) as error:
        db.session.rollback()
        _fail(str(error))
    joined = f", member of {', '.join(site.name for site in sites)}" if sites else ""
    click.echo(f"Created {user.email} ({', '.join(sorted(user.role_names))}){joined}.")
    if token:
        click.echo(f"Invite path (valid 72 hours): /invite/{token}")


@users.command("list")
def list_command():
    """One line per account: email, roles, state."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{','.join(sorted(user.role_names))}\t{state}\t{user.full_name}")


@users.command("set-roles")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, help=f"One of {', '.join(ROLES)}.")
def set_roles_command(email, roles):
    """Replace an account's roles."""
    user = _find(email)
    try:
        accounts.check_roles(roles)
        check_keeps_an_admin(user, roles=set(roles))
    except accounts.AccountError as error:
        _fail(str(error))
    before = sorted(user.role_names)
    user.set_roles(set(roles))
    record(None, "user.roles_changed", "user", user.id,
           before={"roles": before}, after={"roles": sorted(roles)})
    db.session.commit()
    click.echo(f"{user.email} now has: {', '.join(sorted(user.role_names))}.")


@users.command("deactivate")
@click.argument("email")
def deactivate_command(email):
    """Deactivate an account and end its sessions."""
    user = _find(email)
    try:
        check_keeps_an_admin(user, active=False)
    except accounts.AccountError as error:
        _fail(str(error))
    record(None, "user.deactivated", "user", user.id,
           before={"active": user.active}, after={"active": False})
    user.active = False
    sign_out_everywhere(user)
    db.session.commit()
    click.echo(f"{user.email} is deactivated.")


@sites_group.command("create")
@click.argument("name")
def create_site_command(name):
    """Create a site (a clinic) that accounts can join."""
    try:
        site = create_site(name)
    except SiteError as error:
        _fail(str(error))
    record(None, "site.created", "site", site.id, after={"name": site.name})
    db.session.commit()
    click.echo(f"Created site {site.name}.")


@sites_group.command("list")
def list_sites_command():
    """One line per site: name and number of members."""
    rows = db.session.execute(
        select(Site.name, func.count(SiteMember.user_id))
        .outerjoin(SiteMember).group_by(Site.id).order_by(Site.name)
    )
    for name, members in rows:
        click.echo(f"{name}\t{members}")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(sites_group)
    app.cli.add_command(bank)
    app.cli.add_command(demo_command)
    app.cli.add_command(exams)
