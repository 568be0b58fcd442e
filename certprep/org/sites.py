"""Creating sites and finding them by name: shared by the admin pages and the CLI."""

from __future__ import annotations

from sqlalchemy import select

from certprep.extensions import db
from certprep.org.models import Site

NAME_LENGTH = Site.__table__.c.name.type.length


class SiteError(ValueError):
    """A request about a site that cannot be carried out; the message says why."""


def create_site(name: str) -> Site:
    """Add a site to the session; the caller commits."""
    name = name.strip()
    if not name:
        raise SiteError("Give the site a name.")
    if len(name) > NAME_LENGTH:
        raise SiteError(f"Use at most {NAME_LENGTH} characters for a site's name.")
    if db.session.scalar(select(Site.id).where(Site.name == name)) is not None:
        raise SiteError(f"A site called {name} already exists.")
    site = Site(name=name)
    db.session.add(site)
    db.session.flush()
    return site


def sites_named(names) -> list[Site]:
    """The sites with these exact names; any unknown name is refused, naming it."""
    wanted = list(dict.fromkeys(name.strip() for name in names))
    found = {site.name: site for site in db.session.scalars(
        select(Site).where(Site.name.in_(wanted))
    )}
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise SiteError(
            f"No site is called {', '.join(unknown)}. Create it first with "
            f"`flask --app certprep sites create NAME` (names are exact)."
        )
    return [found[name] for name in wanted]
