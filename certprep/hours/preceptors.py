"""External preceptors and their one-time sign-off links: service functions that change
objects and record them in the audit log; the caller commits. The rules are the pure
predicates in hours/policy.py and the state table in hours/transitions.py."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from certprep.auth.models import normalise_email, token_hash
from certprep.extensions import db
from certprep.hours import transitions
from certprep.hours.entries import (
    Outcome,
    after_review,
    already_reviewed,
    claim_review,
)
from certprep.hours.models import Entry, Preceptor, PreceptorLink, PreceptorLinkEntry
from certprep.hours.policy import link_status, preceptor_refusal, preceptor_relation
from certprep.org.audit import record

ATTESTATION = (
    "I confirm that I supervised the practice described in these entries as the nurse's "
    "preceptor, that the dates, times and activities are accurate to the best of my "
    "knowledge, and that the name I typed below is my own. I sign through a one-time link "
    "emailed to me, without a certprep account."
)
DECISIONS = {"approve": "Approve", "return": "Return for information"}


class PreceptorRefused(ValueError):
    """A request the rules refuse; the message says why."""


def register(actor, site_id: int, full_name: str, credentials: str, email: str, *,
             now: datetime) -> Preceptor:
    email = normalise_email(email)
    if "@" not in email:
        raise PreceptorRefused(f"{email!r} is not an email address.")
    if db.session.scalar(select(Preceptor.id).where(Preceptor.site_id == site_id,
                                                    Preceptor.email == email)):
        raise PreceptorRefused(f"A preceptor with the email {email} is already registered "
                               "for this site.")
    preceptor = Preceptor(site_id=site_id, full_name=full_name.strip(),
                          credentials=credentials.strip(), email=email,
                          created_by_id=actor.id, created_at=now)
    db.session.add(preceptor)
    db.session.flush()
    record(actor, "preceptor.registered", "preceptor", preceptor.id, after={
        "site_id": site_id, "name": preceptor.full_name, "credentials": preceptor.credentials,
        "email": email})
    return preceptor


def request_signoff(nurse, preceptor: Preceptor, entries: list[Entry], *,
                    now: datetime) -> PreceptorLink:
    """A link request bound to exactly `entries`; its token is issued by issue()."""
    if not entries:
        raise PreceptorRefused("Choose at least one submitted entry.")
    for entry in entries:
        reason = preceptor_refusal(nurse, entry, preceptor.site_id)
        if reason:
            raise PreceptorRefused(reason)
    link = PreceptorLink(preceptor_id=preceptor.id, nurse_id=nurse.id, created_at=now,
                         entries=[PreceptorLinkEntry(entry_id=e.id) for e in entries])
    db.session.add(link)
    db.session.flush()
    record(nurse, "preceptor.requested", "preceptor_link", link.id, after={
        "preceptor_id": preceptor.id, "entries": sorted(e.id for e in entries)})
    return link


def issue(link: PreceptorLink, actor, *, now: datetime, days: int) -> str:
    """A new token for the link (an earlier one stops working); only its hash is kept."""
    token = secrets.token_urlsafe(32)
    link.token_hash = token_hash(token)
    link.issued_at, link.expires_at = now, now + timedelta(days=days)
    record(actor, "preceptor.link_issued", "preceptor_link", link.id,
           after={"expires_at": link.expires_at.isoformat()})
    return token


def withhold(link: PreceptorLink) -> None:
    """The mail failed: the token nobody received stops working; a supervisor issues anew."""
    link.token_hash, link.issued_at, link.expires_at = None, None, None


def find(token: str) -> PreceptorLink | None:
    return db.session.scalar(select(PreceptorLink).where(
        PreceptorLink.token_hash == token_hash(token)))


def entries_of(link: PreceptorLink) -> list[Entry]:
    return list(db.session.scalars(select(Entry).where(Entry.id.in_(link.entry_ids))
                                   .order_by(Entry.day, Entry.start, Entry.id)))


@dataclass(frozen=True)
class Decision:
    action: str  # approve or return
    note: str = ""


def sign(link: PreceptorLink, decisions: dict[int, Decision], typed_name: str, *,
         now: datetime) -> Outcome:
    """Use the link once: claim it with a conditional UPDATE (a second click loses), then
    approve or return each entry it is bound to through the queue's conditional update."""
    if link_status(link, now) != "open":
        raise PreceptorRefused(link_message(link, now))
    won = db.session.execute(
        update(PreceptorLink).where(PreceptorLink.id == link.id,
                                    PreceptorLink.used_at.is_(None),
                                    PreceptorLink.expires_at > now)
        .values(used_at=now, typed_name=typed_name.strip(), attestation=ATTESTATION)
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        db.session.refresh(link)
        raise PreceptorRefused(link_message(link, now))
    db.session.refresh(link)
    preceptor = link.preceptor
    bound = {item.entry_id: item for item in link.entries}
    found = {e.id: e for e in db.session.scalars(select(Entry).where(
        Entry.id.in_(list(decisions))))}
    done, refused = [], []
    for entry_id, decision in decisions.items():
        entry = found.get(entry_id)
        if entry is None or preceptor_relation(link.entry_ids, preceptor.site_id,
                                               entry) != "preceptor":
            refused.append(f"Entry {entry_id} is not one this link may sign.")
            continue
        step = transitions.move(entry.state, decision.action, "preceptor")
        if not step.allowed:
            refused.append(already_reviewed(entry))
            continue
        changes = {"reviewed_by_id": None, "reviewed_at": now,
                   "reviewer_name": typed_name.strip(),
                   "reviewer_credentials": preceptor.credentials,
                   "review_note": decision.note.strip(),
                   "attestation": ATTESTATION if decision.action == "approve" else "",
                   "signed_via_link": True}
        if not claim_review(entry_id, step.state, changes, Entry.site_id == preceptor.site_id):
            refused.append(already_reviewed(entry))
            continue
        bound[entry_id].decision = decision.action
        record(None, f"entry.{step.state}", "entry", entry_id, before={"state": "submitted"},
               after={"state": step.state, "note": decision.note.strip(),
                      "via": "emailed_link", "preceptor_link_id": link.id,
                      "preceptor_id": preceptor.id, "preceptor_email": preceptor.email,
                      "typed_name": typed_name.strip(),
                      "credentials": preceptor.credentials,
                      "attestation": changes["attestation"]})
        after_review(entry, decision.action)
        done.append(entry_id)
    record(None, "preceptor.link_used", "preceptor_link", link.id, after={
        "typed_name": typed_name.strip(), "signed": done, "refused": len(refused)})
    return Outcome(done, refused)


def link_message(link: PreceptorLink | None, now: datetime) -> str:
    status = link_status(link, now)
    if status == "used":
        return (f"This link was already used, on {link.used_at:%Y-%m-%d %H:%M} UTC. "
                "Each link works once: ask the nurse or the site's supervisor for a new one.")
    if status == "expired":
        return "This link has expired. Ask the nurse or the site's supervisor for a new one."
    if status == "open":
        return ""
    return "This link opens nothing: it is not one certprep issued, or it was replaced."
