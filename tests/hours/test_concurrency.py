"""Two tabs (or two reviewers) acting on one entry at once: exactly one wins, every time.

Runs on SQLite by default and on PostgreSQL under `make test-postgres`, where the two
requests truly overlap: each is one conditional UPDATE on the state.
"""

import threading

from sqlalchemy import func, select

from certprep.auth.models import User
from certprep.extensions import db
from certprep.hours import entries, preceptors
from certprep.hours.models import Entry, Preceptor, PreceptorLink
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


def _link_for(world, entry):
    preceptor = db.session.scalar(select(Preceptor)) or Preceptor(
        site_id=world.site.id, full_name="Pat Preceptor", email="pat@example.org")
    db.session.add(preceptor)
    db.session.flush()
    link = preceptors.request_signoff(world.nurse, preceptor, [entry], now=utcnow())
    preceptors.issue(link, world.nurse, now=utcnow(), days=14)
    db.session.commit()
    return link.id


def sign_by_link(app, link_id, entry_id, action, barrier, results):
    with app.app_context():
        link = db.session.get(PreceptorLink, link_id)
        barrier.wait(10)
        try:
            outcome = preceptors.sign(link, {entry_id: preceptors.Decision(action, "why?")},
                                      "Pat Preceptor", now=utcnow())
        except preceptors.PreceptorRefused as refused:
            db.session.rollback()
            results.append(("link", entries.Outcome([], [str(refused)])))
        else:
            db.session.commit()
            results.append(("link", outcome))
        db.session.remove()


def race(*threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


def test_exactly_one_of_the_queue_and_a_preceptor_link_wins(app, world, make_entry):
    for _ in range(TRIES):
        entry = make_entry()
        link_id = _link_for(world, entry)
        barrier, results = threading.Barrier(2), []
        race(threading.Thread(target=act, args=(app, world.supervisor.id, entry.id, "approve",
                                                barrier, results)),
             threading.Thread(target=sign_by_link, args=(app, link_id, entry.id, "return",
                                                         barrier, results)))
        assert len(results) == 2
        winners = [who for who, outcome in results if outcome.done == [entry.id]]
        assert len(winners) == 1
        loser = next(outcome for _, outcome in results if not outcome.done)
        assert "already reviewed by" in loser.refused[0]
        db.session.expire_all()
        state = db.session.get(Entry, entry.id).state
        assert state == {"approve": "approved", "link": "returned"}[winners[0]]
        reviews = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.subject_id == entry.id,
            AuditEntry.action.in_(("entry.approved", "entry.returned"))))
        assert reviews == 1


def test_two_clicks_on_one_link_at_once_use_it_once(app, world, make_entry):
    for _ in range(TRIES):
        entry = make_entry()
        link_id = _link_for(world, entry)
        barrier, results = threading.Barrier(2), []
        race(*(threading.Thread(target=sign_by_link, args=(app, link_id, entry.id, "approve",
                                                           barrier, results))
               for _ in range(2)))
        done = [outcome for _, outcome in results if outcome.done]
        refused = [outcome for _, outcome in results if not outcome.done]
        assert len(done) == 1 and len(refused) == 1
        assert "already used" in refused[0].refused[0]
        used = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "preceptor.link_used", AuditEntry.subject_id == link_id))
        assert used == 1
