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


def can_amend(user, entry, user_site_ids=frozenset()) -> bool:
    """Only the nurse corrects an approved entry, and only by an amendment."""
    return move(entry.state, "amend", relation(user, entry, user_site_ids)).allowed


def can_sign(user, entry, user_site_ids=frozenset()) -> bool:
    """A supervisor of the entry's site whom the entry names, never its own nurse."""
    return relation(user, entry, user_site_ids) == "signer"


def can_reassign(user, entry, user_site_ids=frozenset()) -> bool:
    return move(entry.state, "reassign", relation(user, entry, user_site_ids)).allowed


def can_manage_site(user, site_id, user_site_ids=frozenset()) -> bool:
    """Register a site's external preceptors and pass on their links: an admin, or a
    supervisor who is a member of that site."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.has_role("admin"):
        return True
    return user.has_role("supervisor") and site_id in user_site_ids


def can_invite_nurse(user, site_id, user_site_ids=frozenset()) -> bool:
    """Invite a nurse who has no account yet into a site: a supervisor of that site (or an
    admin); never into a site the supervisor does not supervise."""
    return can_manage_site(user, site_id, user_site_ids)


def preceptor_refusal(user, entry, preceptor_site_id) -> str:
    """Why `user` may not ask the preceptor of `preceptor_site_id` to sign `entry`; "" if
    they may: their own submitted entry, at the preceptor's site."""
    if relation(user, entry) != "owner":
        return f"Entry {entry.id} is not yours."
    if entry.state != "submitted":
        return f"Entry {entry.id} is not waiting for sign-off: submit it first."
    if entry.site_id != preceptor_site_id:
        return f"Entry {entry.id} is at another site than this preceptor's."
    return ""


def link_status(link, now) -> str:
    """What a preceptor link opens: "open", or why not ("unknown", "pending", "used",
    "expired"). Plain attributes: token_hash, used_at, expires_at."""
    if link is None or link.token_hash is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.expires_at is None or link.expires_at <= now:
        return "expired"
    return "open"


def preceptor_relation(link_entry_ids, preceptor_site_id, entry) -> str:
    """How a preceptor holding a link stands to `entry`: "preceptor" only for the entries
    the link is bound to, at the preceptor's site; "other" for every other entry."""
    if entry.id in link_entry_ids and entry.site_id == preceptor_site_id:
        return "preceptor"
    return "other"
