"""Object rules for entries: pure predicates that views call, never an inline `if`.

Each takes the user and plain facts about the entry (its nurse, supervisor and site) and
the sites the user belongs to, so the tables in tests/hours/test_policy.py need no database.
"""

from __future__ import annotations

from certprep.hours.transitions import move


def relation(user, entry, user_site_ids=frozenset()) -> str:
    """How `user` stands to `entry`: owner, signer, admin or other (see transitions.py)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "other"
    if entry.nurse_id == user.id:
        return "owner"  # before signer: nobody signs their own entry
    if (entry.supervisor_id == user.id and user.has_role("supervisor")
            and entry.site_id in user_site_ids):
        return "signer"
    if user.has_role("admin"):
        return "admin"
    return "other"


def can_view(user, entry, user_site_ids=frozenset()) -> bool:
    return relation(user, entry, user_site_ids) in ("owner", "signer", "admin")


def can_edit(user, entry, user_site_ids=frozenset()) -> bool:
    return move(entry.state, "edit", relation(user, entry, user_site_ids)).allowed


def can_sign(user, entry, user_site_ids=frozenset()) -> bool:
    """A supervisor of the entry's site whom the entry names, never its own nurse."""
    return relation(user, entry, user_site_ids) == "signer"


def can_reassign(user, entry, user_site_ids=frozenset()) -> bool:
    return move(entry.state, "reassign", relation(user, entry, user_site_ids)).allowed
