"""Fixtures for the hours tests: a site with a nurse and a supervisor, and an entry factory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from certprep.auth.models import User
from certprep.extensions import db
from certprep.hours.models import Entry
from certprep.hours.programs import install_presets
from certprep.org.models import Site, SiteMember
from certprep.timeutil import utcnow


@dataclass
class World:
    site: Site
    other_site: Site
    nurse: User
    supervisor: User
    other_supervisor: User


@pytest.fixture
def world(app, make_user) -> World:
    site, other = Site(name="North Clinic"), Site(name="South Clinic")
    db.session.add_all([site, other])
    nurse = make_user("nurse", name="Nadia Nurse", email="nurse@example.com")
    supervisor = make_user("supervisor", name="Sam Supervisor", email="sup@example.com")
    supervisor.credentials = "RN, MSN"
    other_sup = make_user("supervisor", name="Olu Other", email="other@example.com")
    db.session.add_all([SiteMember(site=site, user=nurse), SiteMember(site=site, user=supervisor),
                        SiteMember(site=other, user=other_sup)])
    install_presets()
    db.session.commit()
    return World(site, other, nurse, supervisor, other_sup)


@pytest.fixture
def make_entry(world):
    def make(day=None, minutes=60, state="submitted", start=None, end=None, nurse=None,
             supervisor=None, category="direct_care", **kwargs):
        entry = Entry(nurse_id=(nurse or world.nurse).id, site_id=world.site.id,
                      supervisor_id=(supervisor or world.supervisor).id,
                      day=day or date.today(), minutes=minutes, state=state, start=start,
                      end=end, category=category,
                      submitted_at=utcnow() if state == "submitted" else None, **kwargs)
        db.session.add(entry)
        db.session.commit()
        return entry

    return make


def t(text: str) -> time:
    return time.fromisoformat(text)
