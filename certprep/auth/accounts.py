"""Creating accounts and issuing one-time links: shared by the views, the admin and the CLI."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import exists, select

from certprep.auth.models import ROLES, OneTimeLink, User, UserRole, normalise_email
from certprep.auth.passwords import hash_password, password_problem
from certprep.auth.sessions import sign_out_everywhere
from certprep.extensions import db
from certprep.timeutil import utcnow


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


def check_roles(roles) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(
            f"Unknown role {', '.join(sorted(unknown))}; choose from {', '.join(ROLES)}."
        )


def create_user(
    email: str,
    full_name: str,
    roles: set[str] | list[str],
    *,
    password: str | None = None,
    credentials: str = "",
    is_demo: bool = False,
) -> User:
    """Add a user to the session; the caller commits. Without a password, an invite must follow."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError(f"{email!r} is not an email address.")
    check_roles(roles)
    if User.by_email(email) is not None:
        raise AccountError(f"An account with the email {email} already exists.")
    if password is not None:
        problem = password_problem(password, email=email, full_name=full_name)
        if problem:
            raise AccountError(problem)
    user = User(
        email=email,
        full_name=full_name.strip(),
        credentials=credentials.strip(),
        password_hash=hash_password(password) if password is not None else None,
        is_demo=is_demo,
    )
    user.set_roles(set(roles))
    db.session.add(user)
    return user


def set_password(user: User, password: str) -> None:
    problem = password_problem(password, email=user.email, full_name=user.full_name)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    sign_out_everywhere(user)


def admin_exists() -> bool:
    return db.session.scalar(select(exists().where(UserRole.name == "admin"))) or False


def issue_link(user: User, purpose: str, *, hours: int, created_by: User | None = None) -> str:
    """A new one-time link token; earlier unused links of the same purpose stop working."""
    if user.id is None:
        db.session.flush()
    now = utcnow()
    for link in db.session.scalars(
        select(OneTimeLink).where(
            OneTimeLink.user_id == user.id,
            OneTimeLink.purpose == purpose,
            OneTimeLink.used_at.is_(None),
        )
    ):
        link.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(
        OneTimeLink(
            purpose=purpose,
            token_hash=OneTimeLink.hash(token),
            user=user,
            created_by_id=created_by.id if created_by else None,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token


def find_link(token: str, purpose: str) -> OneTimeLink | None:
    """The link this token opens, if it is unused and has not expired."""
    link = db.session.scalar(
        select(OneTimeLink).where(
            OneTimeLink.token_hash == OneTimeLink.hash(token), OneTimeLink.purpose == purpose
        )
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    if not link.user.active:
        return None
    return link
