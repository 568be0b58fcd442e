"""The hours list (with its eligibility panel) and the queue cost the same number of
statements with 10 entries as with 1,000."""

from datetime import date, time, timedelta

import pytest

from certprep.extensions import db
from certprep.hours.models import Entry
from certprep.timeutil import utcnow
from tests.conftest import counted_statements, sign_in_through_session

STATES = ("approved", "submitted", "returned", "draft")


def add_entries(world, count):
    start = date.today() - timedelta(days=count)
    db.session.add_all(
        Entry(nurse_id=world.nurse.id, site_id=world.site.id, supervisor_id=world.supervisor.id,
              day=start + timedelta(days=number), start=time(8), end=time(9), minutes=60,
              category="direct_care", state=STATES[number % len(STATES)],
              submitted_at=utcnow())
        for number in range(count))
    db.session.commit()


def statements(client, path):
    client.get(path)
    with counted_statements(db.engine) as seen:
        response = client.get(path)
    assert response.status_code == 200
    return len(seen)


@pytest.mark.parametrize(("path", "who", "budget"), [
    # user, entries, programs (enrolled, site default, default), the aggregate queries of
    # hours and of CE, the RN details, the nurse's sites
    ("/hours/", "nurse", 9),
    ("/hours/review", "supervisor", 4),  # user, sites, the queue, the nurse filter
])
def test_hours_pages_cost_the_same_with_10_and_1000_entries(app, world, path, who, budget):
    client = app.test_client()
    sign_in_through_session(client, getattr(world, who))
    add_entries(world, 10)
    few = statements(client, path)
    add_entries(world, 990)
    many = statements(client, path)
    assert few == many <= budget, (few, many)
