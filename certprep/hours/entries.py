"""Service functions for entries: they change objects and record them in the audit log;
the caller commits. The rules themselves are the pure modules checks.py and transitions.py."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select, update

from certprep.auth.models import User, UserRole
from certprep.extensions import db
from certprep.hours import checks, transitions
from certprep.hours.models import Entry
from certprep.hours.policy import relation
from certprep.org.audit import record
from certprep.org.models import Setting, Site, SiteMember

# States whose entries still take up time on their day (for the 24-hour cap and overlaps).
OCCUPYING = ("draft", "submitted", "approved", "returned")

ATTESTATION = (
    "I confirm that I supervised the practice described in the selected entries, that the "
    "dates, times and activities are accurate to the best of my knowledge, and that I am "
    "entitled to sign them off."
)


class EntryRefused(ValueError):
    """A change the rules refuse; the message says why."""


def site_ids_of(user) -> set[int]:
    return set(db.session.scalars(select(SiteMember.site_id).where(
        SiteMember.user_id == user.id)))


def sites_of(user) -> list[Site]:
    return list(db.session.scalars(select(Site).join(SiteMember).where(
        SiteMember.user_id == user.id).order_by(Site.name)))


def supervisors_by_site(site_ids) -> dict[int, list[User]]:
    """The active supervisors of each site, in one query."""
    found: dict[int, list[User]] = {site_id: [] for site_id in site_ids}
    rows = db.session.execute(
        select(SiteMember.site_id, User).join(User, User.id == SiteMember.user_id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(SiteMember.site_id.in_(list(site_ids)), UserRole.name == "supervisor",
               User.active.is_(True))
        .order_by(User.full_name))
    for site_id, user in rows:
        found[site_id].append(user)
    return found


def others_on_day(nurse_id: int, day: date, *exclude: int | None) -> list[checks.Other]:
    query = select(Entry.start, Entry.end, Entry.minutes).where(
        Entry.nurse_id == nurse_id, Entry.day == day, Entry.state.in_(OCCUPYING))
    ids = [i for i in exclude if i is not None]
    if ids:
        query = query.where(Entry.id.not_in(ids))
    return [checks.Other(*row) for row in db.session.execute(query)]


def late_limit_days() -> int:
    return checks.late_limit_from(Setting.get("late_entry_days"))


@dataclass(frozen=True)
class Draft:
    """What a nurse typed: the checked values plus notes."""

    values: checks.Values
    notes: str = ""


def validate(nurse, draft: Draft, *, today: date, entry: Entry | None = None,
             amends: Entry | None = None, extra: list[checks.Other] = ()) -> dict[str, str]:
    values = draft.values
    others = (others_on_day(nurse.id, values.day, entry and entry.id, amends and amends.id)
              if values.day else [])
    site_ids = site_ids_of(nurse)
    supervisors = supervisors_by_site([values.site_id]) if values.site_id in site_ids else {}
    supervisor_ids = {u.id for u in supervisors.get(values.site_id, [])} - {nurse.id}
    return checks.check(values, today=today, others=[*others, *extra], site_ids=site_ids,
                        supervisor_ids=supervisor_ids, late_limit_days=late_limit_days())


def _apply_values(entry: Entry, draft: Draft) -> None:
    values = draft.values
    minutes, _ = checks.minutes_of(values)
    entry.day, entry.start, entry.end, entry.minutes = values.day, values.start, values.end, minutes
    entry.site_id, entry.supervisor_id = values.site_id, values.supervisor_id
    entry.category, entry.encounters = values.category, values.encounters or 0
    entry.late_reason = values.late_reason.strip()
    entry.notes = draft.notes.strip()


def create(nurse, draft: Draft, *, now: datetime, submit: bool, amends: Entry | None = None,
           action: str = "entry.created") -> Entry:
    """A new entry (already validated), as a draft or submitted; an amendment if `amends`."""
    entry = Entry(nurse_id=nurse.id, state="draft", amends_id=amends and amends.id,
                  created_at=now, updated_at=now)
    _apply_values(entry, draft)
    db.session.add(entry)
    db.session.flush()
    if amends is not None:
        if not transitions.move(amends.state, "amend", relation(nurse, amends)).allowed:
            raise EntryRefused("Only your own approved entries can be amended.")
        record(nurse, "entry.amended", "entry", amends.id, after={"amendment_id": entry.id})
    record(nurse, action, "entry", entry.id, after=entry.snapshot())
    if submit:
        change_state(entry, "submit", nurse, now=now)
    return entry


def edit(entry: Entry, draft: Draft, actor, *, now: datetime, submit: bool) -> None:
    rel = relation(actor, entry)
    step = transitions.move(entry.state, "edit", rel)
    if not step.allowed:
        raise EntryRefused(step.reason)
    before = entry.snapshot()
    _apply_values(entry, draft)
    entry.updated_at = now
    record(actor, "entry.edited", "entry", entry.id, before=before, after=entry.snapshot())
    if submit:
        change_state(entry, "submit", actor, now=now)


def change_state(entry: Entry, action: str, actor, *, now: datetime) -> None:
    """Submit or withdraw: the nurse's own moves (reviews go through review())."""
    step = transitions.move(entry.state, action, relation(actor, entry))
    if not step.allowed:
        raise EntryRefused(step.reason)
    before = {"state": entry.state}
    entry.state = step.state
    if action == "submit":
        entry.submitted_at = now
        entry.review_note = entry.review_note if before["state"] == "returned" else ""
    record(actor, f"entry.{action}ted" if action == "submit" else f"entry.{action}n",
           "entry", entry.id, before=before, after={"state": entry.state})


def reassign(entry: Entry, supervisor: User, actor, *, site_supervisor_ids: set[int]) -> None:
    step = transitions.move(entry.state, "reassign", relation(actor, entry))
    if not step.allowed:
        raise EntryRefused(step.reason)
    if supervisor.id not in site_supervisor_ids or supervisor.id == entry.nurse_id:
        raise EntryRefused(f"{supervisor.full_name} is not a supervisor at this entry's site.")
    before = {"supervisor_id": entry.supervisor_id}
    entry.supervisor_id = supervisor.id
    record(actor, "entry.reassigned", "entry", entry.id, before=before,
           after={"supervisor_id": supervisor.id})


REVIEW_STATES = {"approve": "approved", "return": "returned", "reject": "rejected"}


@dataclass(frozen=True)
class Outcome:
    done: list[int]
    refused: list[str]  # one message per entry not changed, saying why


def review(entry_ids: list[int], action: str, actor, *, note: str, now: datetime,
           attestation: str = ATTESTATION) -> Outcome:
    """Approve, return or reject entries. Each is one conditional UPDATE on its state, so of
    two reviewers acting at once exactly one changes it; the other is told who was first."""
    new_state = REVIEW_STATES[action]
    my_sites = site_ids_of(actor)
    entries = {e.id: e for e in db.session.scalars(
        select(Entry).where(Entry.id.in_(entry_ids)))}
    done, refused = [], []
    for entry_id in dict.fromkeys(entry_ids):
        entry = entries.get(entry_id)
        if entry is None:
            refused.append(f"Entry {entry_id} does not exist.")
            continue
        if relation(actor, entry, my_sites) != "signer":
            refused.append(f"Entry {entry_id} is not yours to review: it names another "
                           "supervisor, or it is your own.")
            continue
        changes = {"reviewed_by_id": actor.id, "reviewed_at": now,
                   "reviewer_name": actor.full_name, "review_note": note.strip(),
                   "reviewer_credentials": actor.credentials,
                   "attestation": attestation if action == "approve" else "",
                   "signed_via_link": False}
        if not claim_review(entry_id, new_state, changes, Entry.supervisor_id == actor.id):
            refused.append(already_reviewed(entry))
            continue
        record(actor, f"entry.{new_state}", "entry", entry_id, before={"state": "submitted"},
               after={"state": new_state, "note": note.strip(),
                      "credentials": actor.credentials,
                      "attestation": changes["attestation"]})
        after_review(entry, action)
        done.append(entry_id)
    return Outcome(done, refused)


def claim_review(entry_id: int, new_state: str, changes: dict, *conditions) -> bool:
    """The one conditional UPDATE on the state by which every review (the supervisor's queue,
    a preceptor's link) wins or loses: of two reviewers at once exactly one changes it."""
    return bool(db.session.execute(
        update(Entry).where(Entry.id == entry_id, Entry.state == "submitted", *conditions)
        .values(state=new_state, **changes).execution_options(synchronize_session=False)
    ).rowcount)


def already_reviewed(entry: Entry) -> str:
    """Why a review lost: who was first and when, or the state the entry is in."""
    db.session.refresh(entry)
    if entry.reviewed_at:
        who = entry.reviewer_name or "someone"
        return (f"Entry {entry.id} was already reviewed by {who} at "
                f"{entry.reviewed_at:%Y-%m-%d %H:%M} UTC.")
    return f"Entry {entry.id} is {entry.state_label.lower()}, not waiting for sign-off."


def after_review(entry: Entry, action: str) -> None:
    """Reload the entry the UPDATE changed; an approved amendment supersedes its original."""
    db.session.refresh(entry)
    if action == "approve" and entry.amends_id is not None:
        original = db.session.get(Entry, entry.amends_id)
        if original.state == "approved":
            original.state = "superseded"
            record(None, "entry.superseded", "entry", original.id,
                   before={"state": "approved"},
                   after={"state": "superseded", "by": entry.id})


def with_values(draft: Draft, **changes) -> Draft:
    return replace(draft, values=replace(draft.values, **changes))
