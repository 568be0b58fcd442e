"""Command-line tools for operators and scripts: thin wrappers over tested functions."""

import sys

import click
from flask import Flask
from sqlalchemy import select

from certprep.admin.rules import check_keeps_an_admin
from certprep.auth import accounts
from certprep.auth.models import ROLES, User
from certprep.extensions import db

users = click.Group("users", help="Create and manage accounts.")


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
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email, name, roles, credentials, password_stdin):
    """Create an account; without --password-stdin it prints an invite link instead."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        user = accounts.create_user(
            email, name, set(roles), password=password, credentials=credentials
        )
        token = None if password else accounts.issue_link(user, "invite", hours=72)
        db.session.commit()
    except accounts.AccountError as error:
        db.session.rollback()
        _fail(str(error))
    click.echo(f"Created {user.email} ({', '.join(sorted(user.role_names))}).")
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
    user.set_roles(set(roles))
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
    user.active = False
    user.sign_out_everywhere()
    db.session.commit()
    click.echo(f"{user.email} is deactivated.")


def init_app(app: Flask) -> None:
    from certprep.bank.cli import bank
    from certprep.demo import demo_command
    from certprep.exams.cli import exams

    app.cli.add_command(users)
    app.cli.add_command(bank)
    app.cli.add_command(demo_command)
    app.cli.add_command(exams)
