"""The main menu: the pages each role reaches, as links built once per set of roles.

Every signed-in page shows the menu twice (phone and wide layouts); rendering it from a
template cost a dozen URL builds and role checks per page, so its HTML is kept per set
of roles instead. The sign-out form, which carries the session's CSRF token, stays in
base.html.
"""

from __future__ import annotations

from flask import current_app, request, url_for
from markupsafe import Markup

# (endpoint, label, roles that see it; None: everyone signed in), in menu order.
MENU = (
    ("dashboard.index", "Dashboard", None),
    ("exams.index", "Practice", ("nurse",)),
    ("hours.index", "My hours", ("nurse",)),
    ("hours.review", "Review hours", ("supervisor",)),
    ("hours.sites", "Site members", ("supervisor", "admin")),
    ("preceptors.manage", "Preceptors", ("supervisor", "admin")),
    ("bank.sets", "Question bank", ("educator", "admin")),
    ("exams.reports", "Reports", ("educator", "admin")),
    ("admin.users", "Users", ("admin",)),
    ("admin.sites", "Sites", ("admin",)),
    ("hours.program_list", "Programs", ("admin",)),
    ("admin.settings", "Settings", ("admin",)),
    ("admin.audit", "Audit log", ("admin",)),
    ("auth.account", "Account", None),
)


def entries_for(roles: frozenset[str]) -> list[tuple[str, str]]:
    """(endpoint, label) of each menu entry these roles see."""
    return [(endpoint, label) for endpoint, label, allowed in MENU
            if allowed is None or roles.intersection(allowed)]


def menu_links(roles: frozenset[str]) -> Markup:
    """The menu's list items for these roles; built on first use under this URL root."""
    cache = current_app.extensions.setdefault("certprep.menu", {})
    key = (request.script_root, roles)
    links = cache.get(key)
    if links is None:
        links = Markup("").join(
            Markup('<li><a href="{}">{}</a></li>').format(url_for(endpoint), label)
            for endpoint, label in entries_for(roles))
        cache[key] = links
    return links
