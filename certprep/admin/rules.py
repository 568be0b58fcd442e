"""Rules that keep an installation manageable whatever an administrator clicks."""

from sqlalchemy import func, select

from certprep.auth.accounts import AccountError
from certprep.auth.models import User, UserRole
from certprep.extensions import db


def active_admin_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(UserRole)
        .join(User)
        .where(UserRole.name == "admin", User.active.is_(True))
    )


def check_keeps_an_admin(user: User, *, roles: set[str] | None = None, active: bool = True):
    """Refuse a change that would leave nobody able to administer the site."""
    losing_admin = user.active and "admin" in user.role_names and (
        not active or (roles is not None and "admin" not in roles)
    )
    if losing_admin and active_admin_count() <= 1:
        raise AccountError(
            "This is the last active administrator. Make someone else an administrator first."
        )
