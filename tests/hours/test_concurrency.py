"""Two tabs (or two reviewers) acting on one entry at once: exactly one wins, every time.

Runs on SQLite by default and on PostgreSQL under `make test-postgres`, where the two
requests truly overlap: each is one conditional UPDATE on the state.
"""

import threading

from sqlalchemy import func, select

from certprep.auth.models import User
from certprep.extensions import db
from certprep.hours import entries
from certprep.hours.models import Entry
from certprep.org.audit import AuditEntry
from certprep.timeutil import utcnow

TRIES = 100


def act(app, supervisor_id, entry_id, action, barrier, results):
    with app.app_context():
        actor = db.session.get(User, supervisor_id)
        entries.site_ids_of(actor)  # the connection is open before the race starts
        barrier.wait(10)
        outcome = entries.review([entry_id], action, actor, note="two tabs", now=utcnow())
        db.session.commit()
        results.append((action, outcome))
        db.session.remove()


def test_exactly_one_of_two_simultaneous_reviews_wins(app, world, make_entry):
    for _ in range(TRIES):
        entry = make_entry()
        barrier, results = threading.Barrier(2), []
        threads = [threading.Thread(target=act, args=(app, world.supervisor.id, entry.id,
                                                      action, barrier, results))
                   for action in ("approve", "reject")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert len(results) == 2
        winners = [action for action, outcome in results if outcome.done == [entry.id]]
        losers = [outcome for _, outcome in results if not outcome.done]
        assert len(winners) == 1 and len(losers) == 1
        assert "already reviewed by Sam Supervisor at" in losers[0].refused[0]
        db.session.expire_all()
        state = db.session.get(Entry, entry.id).state
        assert state == {"approve": "approved", "reject": "rejected"}[winners[0]]
        reviews = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.subject_id == entry.id,
            AuditEntry.action.in_(("entry.approved", "entry.rejected"))))
        assert reviews == 1
    assert db.engine.dialect.name in ("sqlite", "postgresql")
