"""Attempts as services: build one, record answers, enforce the clock, submit and schedule.

Functions change objects in the session and leave the commit to the caller (the view or
the CLI). `now` is always passed in, so the clock can be moved in tests.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from certprep.bank.formats.records import ParsedQuestion
from certprep.bank.models import Question, QuestionVersion
from certprep.bank.versions import to_record
from certprep.exams import assemble, blueprints, scheduling, scoring
from certprep.exams.models import (
    Attempt,
    AttemptItem,
    ExamBlueprint,
    ExamSettings,
    ReviewCard,
)
from certprep.exams.pool import visible_versions
from certprep.extensions import db

RECENT_SIMULATIONS = 3  # their questions are avoided while unseen ones exist
MAX_COUNT = 200


class AttemptClosed(Exception):
    """The attempt was submitted (by the nurse or by the clock); the message says when."""


@dataclass(frozen=True)
class Filters:
    set_ids: tuple[int, ...] = ()
    domains: tuple[str, ...] = ()
    subdomains: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    difficulties: tuple[str, ...] = ()


def settings_for(user_id: int) -> ExamSettings:
    settings = db.session.get(ExamSettings, user_id)
    if settings is None:
        settings = ExamSettings(user_id=user_id, desired_retention=0.90, time_factor=1.0,
                                hide_timer=False)
        db.session.add(settings)
    return settings


def default_blueprint() -> ExamBlueprint:
    """The blueprint simulations follow: the first one, the 2014 outline unless edited."""
    blueprint = db.session.scalar(select(ExamBlueprint).order_by(ExamBlueprint.id).limit(1))
    return blueprint or blueprints.ensure_default()


# Choosing questions ------------------------------------------------------------------


def candidates(user_id: int, filters: Filters, pool: str, now: datetime
               ) -> list[assemble.Candidate]:
    """What nurses may practise, narrowed by the builder's filters and the chosen pool."""
    statement = visible_versions()
    if filters.set_ids:
        statement = statement.where(Question.set_id.in_(filters.set_ids))
    if filters.domains:
        statement = statement.where(QuestionVersion.domain.in_(filters.domains))
    if filters.subdomains:
        statement = statement.where(QuestionVersion.subdomain.in_(filters.subdomains))
    if filters.difficulties:
        statement = statement.where(QuestionVersion.difficulty.in_(filters.difficulties))
    rows = db.session.execute(statement).all()
    wanted_tags = set(filters.tags)
    found = []
    for question_id, version in rows:
        if wanted_tags and not wanted_tags & set(version.content.get("tags") or []):
            continue
        found.append(assemble.Candidate(
            question_id=question_id, version_id=version.id, kind=version.kind,
            domain=version.domain, subdomain=version.subdomain,
            options=_option_count(version),
        ))
    if pool == "all":
        return found
    keep = pool_question_ids(user_id, pool, now)
    return [c for c in found if c.question_id in keep]


def _option_count(version: QuestionVersion) -> int:
    if version.kind == "matching":
        return len(answer_texts(version.content.get("pairs") or []))
    if version.kind in ("numerical", "short_answer"):
        return 0
    return len(version.content.get("choices") or [])


def answer_texts(pairs: list[dict]) -> list[str]:
    """A matching question's distinct answers (distractors included), in stored order."""
    seen: dict[str, None] = {}
    for pair in pairs:
        seen.setdefault(pair["answer"], None)
    return list(seen)


def pool_question_ids(user_id: int, pool: str, now: datetime) -> set[int]:
    """Question ids in a history-based pool: unused, incorrect, flagged, omitted or due."""
    if pool == "due":
        return set(db.session.scalars(select(ReviewCard.question_id).where(
            ReviewCard.user_id == user_id, ReviewCard.due <= now)))
    latest = latest_items(user_id)
    if pool == "unused":
        seen = set(latest)
        return set(db.session.scalars(visible_versions().with_only_columns(Question.id))) - seen
    if pool == "incorrect":
        return {q for q, item in latest.items() if item.correct is False and item.answered}
    if pool == "flagged":
        return {q for q, item in latest.items() if item.flagged}
    if pool == "omitted":
        return {q for q, item in latest.items() if not item.answered and item.graded}
    raise ValueError(f"unknown pool {pool}")


@dataclass(frozen=True)
class Seen:
    correct: bool | None
    answered: bool
    flagged: bool
    graded: bool  # the attempt was submitted, or the item answered in tutor mode


def latest_items(user_id: int) -> dict[int, Seen]:
    """The nurse's latest encounter with each question they have seen."""
    rows = db.session.execute(
        select(AttemptItem.question_id, AttemptItem.correct, AttemptItem.response.is_not(None),
               AttemptItem.flagged, Attempt.state)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.user_id == user_id)
        .order_by(Attempt.started_at, AttemptItem.position)
    ).all()
    return {
        question_id: Seen(correct, bool(answered), flagged,
                          state == "submitted" or correct is not None)
        for question_id, correct, answered, flagged, state in rows
    }


def latest_answers(user_id: int) -> list[tuple[str | None, bool]]:
    """(domain, correct) of the nurse's most recent graded answer on each question."""
    rows = db.session.execute(
        select(AttemptItem.question_id, AttemptItem.domain, AttemptItem.correct)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.user_id == user_id, AttemptItem.correct.is_not(None),
               AttemptItem.response.is_not(None))
        .order_by(AttemptItem.answered_at)
    ).all()
    latest = {question_id: (domain, bool(correct)) for question_id, domain, correct in rows}
    return list(latest.values())


def recent_simulation_questions(user_id: int) -> set[int]:
    recent = select(Attempt.id).where(
        Attempt.user_id == user_id, Attempt.mode == "simulation"
    ).order_by(Attempt.started_at.desc()).limit(RECENT_SIMULATIONS).subquery()
    return set(db.session.scalars(
        select(AttemptItem.question_id).where(AttemptItem.attempt_id.in_(select(recent.c.id)))))


# Starting --------------------------------------------------------------------------


def start(user_id: int, mode: str, plan: assemble.Plan, *, now: datetime,
          seconds_per_question: int, settings: dict, rng: random.Random,
          blueprint: ExamBlueprint | None = None) -> Attempt:
    """An attempt with its items, options shuffled and the order kept."""
    study = settings_for(user_id)
    factor = study.time_factor
    settings = {**settings, "hide_timer": study.hide_timer, "time_factor": factor}
    attempt = Attempt(user_id=user_id, mode=mode, settings=settings, notes=list(plan.notes),
                      started_at=now, state="in_progress",
                      blueprint_id=blueprint.id if blueprint else None)
    if mode == "timed":
        attempt.deadline = now + timedelta(
            seconds=round(len(plan.items) * seconds_per_question * factor))
    elif mode == "simulation" and blueprint is not None:
        attempt.deadline = now + timedelta(seconds=round(blueprint.minutes * 60 * factor))
    for position, (candidate, scored) in enumerate(plan.items, 1):
        attempt.items.append(AttemptItem(
            position=position, question_id=candidate.question_id,
            version_id=candidate.version_id, domain=candidate.domain,
            subdomain=candidate.subdomain, scored=scored,
            order=assemble.shown_order(candidate, rng), struck=[], flagged=False,
            guessed=False, seconds=0,
        ))
    attempt.item_count = len(plan.items)
    attempt.scored_count = sum(1 for _, scored in plan.items if scored)
    db.session.add(attempt)
    return attempt


# Answering -------------------------------------------------------------------------


def check_open(attempt: Attempt, now: datetime) -> None:
    """Submit an attempt whose time has run out; refuse changes to a closed one."""
    if not attempt.submitted and attempt.deadline is not None and now >= attempt.deadline:
        submit(attempt, attempt.deadline, expired=True)
    if attempt.submitted and attempt.expired:
        raise AttemptClosed(
            f"Time ran out at {attempt.deadline:%H:%M} UTC, so the test was submitted with the "
            "answers given before then; later answers are not saved.")
    if attempt.submitted:
        raise AttemptClosed(f"This test was submitted at {attempt.submitted_at:%H:%M} UTC; "
                            "its answers can no longer change.")


def seconds_spent(item: AttemptItem, now: datetime, opened_at: datetime | None) -> int:
    """The time since the page was opened, or since this item was last saved from it
    (autosave posts several times from one page), at most 30 minutes: a nurse who left the
    tab open overnight did not think for ten hours. `viewed_at` is the last save, which is
    also where a resumed attempt picks up."""
    if opened_at is None:
        return 0
    start = max(t for t in (opened_at, item.viewed_at) if t is not None)
    return int(min(max((now - start).total_seconds(), 0), 1800))


def resume_position(items: list[AttemptItem]) -> int:
    """Where a nurse picks up: after the item saved last, or on it if it has no answer."""
    saved = [item for item in items if item.viewed_at is not None]
    if not saved:
        return 1
    last = max(saved, key=lambda item: item.viewed_at)
    return last.position + 1 if last.answered and last.position < len(items) else last.position


def answer_changes(item: AttemptItem, response: scoring.Response | None, now: datetime, *,
                   version: QuestionVersion, flagged: bool, guessed: bool, struck: list[int],
                   opened_at: datetime | None = None) -> dict:
    """The columns an answer changes on its item, by name: the answer (in stored indexes),
    the marks and the time; in tutor mode the grade as well. Reads the item, changes
    nothing."""
    changes = {"seconds": item.seconds + seconds_spent(item, now, opened_at), "viewed_at": now,
               "flagged": flagged, "guessed": guessed, "struck": sorted(set(struck))}
    tutor = item.attempt.mode == "tutor"
    if tutor and item.correct is not None:
        return changes  # the rationale has been shown: the answer stands
    if response is not None:
        kept = None if response.empty else response_to_json(response)
        changes.update(response=kept, answered_at=now if kept else None)
    if tutor and changes.get("response", item.response) is not None:
        grade = scoring.grade(to_record(version),
                              response_from_json(changes.get("response", item.response)))
        changes.update(correct=grade.correct, credit=grade.credit,
                       right_parts=grade.right_parts, parts=grade.parts)
    return changes


# Built once: an answer is the request nurses send most. The SET clause is the changes'
# names; the item in the session is then told its new values as loaded ones, so the
# unit of work, which cost more than the rest of the save, has nothing to flush.
_ITEMS = AttemptItem.__table__
SAVE_ITEM = update(_ITEMS).where(_ITEMS.c.id == bindparam("item_id"))


def record(item: AttemptItem, response: scoring.Response | None, now: datetime, *,
           version: QuestionVersion, flagged: bool, guessed: bool, struck: list[int],
           opened_at: datetime | None = None) -> None:
    """Save an answer to its item with one UPDATE; the caller commits."""
    changes = answer_changes(item, response, now, version=version, flagged=flagged,
                             guessed=guessed, struck=struck, opened_at=opened_at)
    db.session.execute(SAVE_ITEM, {"item_id": item.id, **changes})
    for name, value in changes.items():
        set_committed_value(item, name, value)


def response_to_json(response: scoring.Response) -> dict:
    return {"choices": sorted(response.choices), "text": response.text,
            "matches": [[index, answer] for index, answer in response.matches]}


def response_from_json(data: dict | None) -> scoring.Response:
    if not data:
        return scoring.Response()
    return scoring.Response(
        choices=frozenset(int(i) for i in data.get("choices", [])),
        text=str(data.get("text", "")),
        matches=tuple((int(i), str(a)) for i, a in data.get("matches", [])),
    )


def grade_item(item: AttemptItem, question: ParsedQuestion) -> scoring.Grade:
    result = scoring.grade(question, response_from_json(item.response))
    item.correct, item.credit = result.correct, result.credit
    item.right_parts, item.parts = result.right_parts, result.parts
    return result


# Submitting ------------------------------------------------------------------------


def submit(attempt: Attempt, now: datetime, *, expired: bool = False) -> None:
    """Grade every item, close the attempt and schedule each question for review."""
    if attempt.submitted:
        return
    versions = {v.id: v for v in db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.id.in_([i.version_id
                                                               for i in attempt.items])))}
    for item in attempt.items:
        grade_item(item, to_record(versions[item.version_id]))
    attempt.correct_count = sum(1 for i in attempt.items if i.scored and i.correct)
    attempt.state, attempt.submitted_at, attempt.expired = "submitted", now, expired
    schedule_reviews(attempt, now)


def median_seconds(user_id: int) -> float | None:
    times = db.session.scalars(
        select(AttemptItem.seconds).join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.user_id == user_id, AttemptItem.response.is_not(None),
               AttemptItem.seconds > 0)
        .order_by(AttemptItem.answered_at.desc()).limit(500)
    ).all()
    return statistics.median(times) if times else None


def schedule_reviews(attempt: Attempt, now: datetime) -> None:
    settings = settings_for(attempt.user_id)
    median = median_seconds(attempt.user_id)
    cards = {c.question_id: c for c in db.session.scalars(select(ReviewCard).where(
        ReviewCard.user_id == attempt.user_id,
        ReviewCard.question_id.in_([i.question_id for i in attempt.items])))}
    for item in attempt.items:
        rating = scheduling.rating_for(bool(item.correct), guessed=item.guessed,
                                       seconds=item.seconds or None, median_seconds=median)
        card = cards.get(item.question_id)
        state, due = scheduling.review(
            card.state if card else None, rating, now, card_id=item.question_id,
            desired_retention=settings.desired_retention, exam_date=settings.exam_date)
        if card is None:
            card = ReviewCard(user_id=attempt.user_id, question_id=item.question_id,
                              reviews=0, lapses=0)
            db.session.add(card)
            cards[item.question_id] = card
        card.state, card.due, card.last_reviewed_at = state, due, now
        card.reviews += 1
        card.lapses += rating == scheduling.Rating.Again


def due_count(user_id: int, now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(ReviewCard).where(
        ReviewCard.user_id == user_id, ReviewCard.due <= now)) or 0


def portable(user_id: int) -> list[dict]:
    """A nurse's attempts as JSON-able values, for the export of their own data: what each
    question was (its id and version), what they answered and how it was graded."""
    history = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.started_at)
        .options(selectinload(Attempt.items))).all()
    return [{
        "id": attempt.id, "mode": attempt.mode, "state": attempt.state,
        "started_at": attempt.started_at.isoformat(),
        "submitted_at": attempt.submitted_at and attempt.submitted_at.isoformat(),
        "scored": attempt.scored_count, "correct": attempt.correct_count,
        "items": [{"position": i.position, "question": i.question_id, "version": i.version_id,
                   "scored": i.scored, "response": i.response, "correct": i.correct,
                   "seconds": i.seconds, "flagged": i.flagged} for i in attempt.items],
    } for attempt in history]
