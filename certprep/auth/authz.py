"""Authorization in one place: every view declares who may reach it with one of these.

`public`, `signed_in` or `role_required(...)`: exactly one per view, read by a test. Rules
about objects (who may edit this set, see this attempt) are pure predicates that views call.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles: str):
    """Anonymous users go to the login page; signed-in users without one of `roles` get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def public(view):
    """Marks a view that anyone may open; the authorization test reads the mark."""
    view.is_public = True
    return view


def signed_in(view):
    """Any signed-in person may open this view; anonymous users go to the login page."""
    wrapped = login_required(view)
    wrapped.any_signed_in = True
    return wrapped


DECLARATIONS = ("allowed_roles", "is_public", "any_signed_in")


def declarations(view) -> list[str]:
    """The authorization marks a view carries; a test requires exactly one per view."""
    return [mark for mark in DECLARATIONS if hasattr(view, mark)]


def can_administer(user) -> bool:
    """Account and site management: administrators only."""
    return user.is_authenticated and user.has_role("admin")
