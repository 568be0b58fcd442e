"""An optional, clearly fake data set so that a visitor can try every role."""

import click
from sqlalchemy import select

from certprep.auth import accounts
from certprep.auth.models import User
from certprep.extensions import db
from certprep.org.models import Site, SiteMember

DEMO_PASSWORD = "try-certprep-2026"  # noqa: S105 - published on purpose, demo accounts only
DEMO_DOMAIN = "demo.certprep.invalid"

# Invented people: no resemblance to real persons is intended.
PEOPLE = [
    ("admin", "Demo Administrator", "RN, MSN", {"admin"}),
    ("supervisor", "Demo Supervisor", "RN-BC, DNP", {"supervisor"}),
    ("educator", "Demo Educator", "RN, MSN, CNE", {"educator", "supervisor"}),
    ("nurse1", "Demo Nurse One", "RN, BSN", {"nurse"}),
    ("nurse2", "Demo Nurse Two", "RN", {"nurse"}),
    ("nurse3", "Demo Nurse Three", "RN, BSN", {"nurse"}),
]


class DemoRefused(RuntimeError):
    pass


def load_demo() -> list[User]:
    """Create the demo site and accounts; refuse on a database with real accounts."""
    real = db.session.scalar(select(User).where(User.is_demo.is_(False)).limit(1))
    if real is not None:
        raise DemoRefused(
            "This database already holds real accounts; the demo data set is only for an "
            "empty database or one that holds demo data alone."
        )
    site = db.session.scalar(select(Site).where(Site.name == "Demo Pain Clinic")) or Site(
        name="Demo Pain Clinic"
    )
    db.session.add(site)
    created = []
    for local, name, credentials, roles in PEOPLE:
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.by_email(email)
        if user is None:
            user = accounts.create_user(
                email, name, roles, password=DEMO_PASSWORD, credentials=credentials,
                is_demo=True,
            )
            db.session.add(SiteMember(site=site, user=user))
            created.append(user)
    return created


@click.command("demo")
def demo_command():
    """Load the demo site and accounts (every role) into an empty database."""
    try:
        created = load_demo()
    except DemoRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Demo data loaded: {len(created)} new accounts at Demo Pain Clinic.")
    click.echo(f"Sign in as admin@{DEMO_DOMAIN}, supervisor@, educator@ or nurse1@ "
               f"with the password {DEMO_PASSWORD}")
