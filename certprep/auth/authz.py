"""Authorization in one place: every view declares who may reach it with these decorators."""

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
