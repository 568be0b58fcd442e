"""What the hours pages read: each a bounded number of queries whatever the history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from certprep.auth.models import User
from certprep.exams import attempts as exam_attempts
from certprep.extensions import db
from certprep.hours import rules
from certprep.hours.models import CEActivity, Entry, NurseProfile, Program
from certprep.hours.programs import programs_for
from certprep.org.audit import AuditEntry
from certprep.org.models import SiteMember


def entries_of(nurse_id: int, limit: int | None = 200) -> list[Entry]:
    """The nurse's latest entries with their site and supervisor, in one query."""
    return list(db.session.scalars(
        select(Entry).where(Entry.nurse_id == nurse_id)
        .options(joinedload(Entry.site), joinedload(Entry.supervisor).lazyload(User.roles))
        .order_by(Entry.day.desc(), Entry.start.desc(), Entry.id.desc()).limit(limit)))


def day_totals(nurse_id: int, since: date) -> list[rules.DayTotal]:
    """The one aggregate query behind eligibility: minutes by day, state and category."""
    rows = db.session.execute(
        select(Entry.day, Entry.state, Entry.category, func.sum(Entry.minutes))
        .where(Entry.nurse_id == nurse_id, Entry.day >= since,
               Entry.state.in_(("approved", "submitted")))
        .group_by(Entry.day, Entry.state, Entry.category))
    return [rules.DayTotal(day, state, int(minutes), category)
            for day, state, category, minutes in rows]


def requirement(program: Program) -> rules.Requirement:
    return rules.Requirement(
        name=program.name, practice_hours=program.practice_hours,
        window_years=program.window_years, ce_hours=program.ce_hours,
        ce_window_years=program.ce_window_years,
        requires_rn_licence=program.requires_rn_licence,
        rn_practice_years=program.rn_practice_years,
        categories=tuple(program.categories or ()))


def profile_of(user_id: int) -> rules.Profile:
    found = db.session.get(NurseProfile, user_id)
    if found is None:
        return rules.Profile()
    return rules.Profile(licence_number=found.licence_number,
                         licence_expires=found.licence_expires,
                         practice_start=found.practice_start, full_time=found.full_time)


def eligibility_for(user: User, program: Program, on: date) -> rules.Eligibility:
    return panels(user, on=on, only=[program])[0][1]


def panels(user: User, *, on: date, only: list[Program] | None = None):
    """(program, eligibility) for each program the nurse tracks, from one aggregate query."""
    tracked = only if only is not None else programs_for(user)
    if not tracked:
        return []
    longest = max(max(p.window_years, p.ce_window_years) for p in tracked)
    totals = day_totals(user.id, rules.years_before(on, longest))
    ce = ce_hours(user.id, rules.years_before(on, longest))
    profile = profile_of(user.id)
    return [(p, rules.eligibility(totals, ce, requirement(p), on=on, profile=profile))
            for p in tracked]


def ce_hours(user_id: int, since: date) -> list[tuple[date, float]]:
    """CE contact hours by day, in one aggregate query."""
    rows = db.session.execute(
        select(CEActivity.day, func.sum(CEActivity.contact_hours))
        .where(CEActivity.user_id == user_id, CEActivity.day >= since)
        .group_by(CEActivity.day))
    return [(day, float(hours)) for day, hours in rows]


def queue(supervisor_id: int, site_ids: set[int], *, nurse_id: int | None = None,
          start: date | None = None, end: date | None = None) -> list[Entry]:
    """Submitted entries of the supervisor's sites that name them, oldest first."""
    query = (select(Entry).where(Entry.supervisor_id == supervisor_id,
                                 Entry.state == "submitted", Entry.site_id.in_(site_ids),
                                 Entry.nurse_id != supervisor_id)
             .options(joinedload(Entry.nurse).lazyload(User.roles), joinedload(Entry.site))
             .order_by(Entry.submitted_at, Entry.day, Entry.id).limit(500))
    if nurse_id:
        query = query.where(Entry.nurse_id == nurse_id)
    if start:
        query = query.where(Entry.day >= start)
    if end:
        query = query.where(Entry.day <= end)
    return list(db.session.scalars(query))


def queue_nurses(supervisor_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.id.in_(
            select(Entry.nurse_id).where(Entry.supervisor_id == supervisor_id,
                                         Entry.state == "submitted")))
        .options(lazyload(User.roles)).order_by(User.full_name)))


def members_of(site_ids: list[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = {site_id: [] for site_id in site_ids}
    rows = db.session.execute(
        select(SiteMember.site_id, User).join(User, User.id == SiteMember.user_id)
        .where(SiteMember.site_id.in_(site_ids)).order_by(User.full_name))
    for site_id, user in rows:
        found[site_id].append(user)
    return found


def approved_in(nurse_id: int, program: Program, start: date, end: date) -> list[Entry]:
    """The approved entries a report lists, with their sites, in one query."""
    query = (select(Entry).where(Entry.nurse_id == nurse_id, Entry.state == "approved",
                                 Entry.day >= start, Entry.day <= end)
             .options(joinedload(Entry.site)).order_by(Entry.day, Entry.start, Entry.id))
    if program.categories:
        query = query.where(Entry.category.in_(program.categories))
    return list(db.session.scalars(query))


def portable(user: User) -> dict:
    """The nurse's own data as JSON-able values: entries, CE, their audit trail, attempts."""
    mine = entries_of(user.id, limit=None)
    ce = db.session.scalars(select(CEActivity).where(CEActivity.user_id == user.id)
                            .order_by(CEActivity.day)).all()
    trail = db.session.scalars(select(AuditEntry).where(
        AuditEntry.subject_type == "entry",
        AuditEntry.subject_id.in_([e.id for e in mine])).order_by(AuditEntry.id)).all()
    return {
        "schema": 1,
        "nurse": {"email": user.email, "name": user.full_name, "credentials": user.credentials},
        "entries": [{"id": e.id, **e.snapshot(), "site": e.site.name,
                     "supervisor": e.supervisor.email, "amends": e.amends_id,
                     "reviewed_by": e.reviewer_name, "reviewer_credentials":
                     e.reviewer_credentials, "reviewed_at": e.reviewed_at and
                     e.reviewed_at.isoformat(), "review_note": e.review_note,
                     "attestation": e.attestation,
                     "signed_via_emailed_link": e.signed_via_link} for e in mine],
        "ce": [{"title": a.title, "provider": a.provider, "date": a.day.isoformat(),
                "contact_hours": float(a.contact_hours), "accreditation": a.accreditation,
                "certificate": a.certificate_type or None} for a in ce],
        "audit": [{"at": a.at.isoformat(), "action": a.action, "entry": a.subject_id,
                   "actor": a.actor_id, "before": a.before, "after": a.after} for a in trail],
        "attempts": exam_attempts.portable(user.id),
    }
