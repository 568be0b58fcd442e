"""Spaced repetition with FSRS: which answered questions come back, and when.

Pure: the caller passes `now`, the stored card state and the nurse's settings; nothing
reads the clock or the database. Every answered question is a card. Outcomes map to FSRS
ratings (README, "Spaced repetition"):

- wrong (or omitted in a submitted test): Again
- right, but the nurse marked "I guessed", or took more than twice their median time: Hard
- right: Good
- right in under half their median time: Easy

Card states are stored as FSRS's own dict (`Card.to_dict()`), so the fsrs package can
read back what it wrote. There are no intra-day learning steps: a question bank is
reviewed in sessions on days, not minutes apart.

An exam date aims the reviews at it: a card whose next review FSRS would put on or after
the exam is brought forward to a day in the second half of the time left, spread by card
so that the daily load stays even instead of piling up the day before.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from fsrs import Card, Rating, Scheduler

DEFAULT_RETENTION = 0.90
RETENTION_RANGE = (0.70, 0.97)  # the range Anki offers; outside it the workload runs away
SLOW_FACTOR = 2.0  # right but this many times slower than the nurse's median: Hard
FAST_FACTOR = 0.5  # right in this share of the median or less: Easy


def rating_for(correct: bool, *, guessed: bool = False, seconds: float | None = None,
               median_seconds: float | None = None) -> Rating:
    if not correct:
        return Rating.Again
    if guessed:
        return Rating.Hard
    if seconds is not None and median_seconds:
        if seconds > SLOW_FACTOR * median_seconds:
            return Rating.Hard
        if seconds <= FAST_FACTOR * median_seconds:
            return Rating.Easy
    return Rating.Good


def _scheduler(desired_retention: float) -> Scheduler:
    low, high = RETENTION_RANGE
    if not low <= desired_retention <= high:
        raise ValueError(f"desired retention must be between {low} and {high}")
    return Scheduler(desired_retention=desired_retention, learning_steps=(),
                     relearning_steps=(), enable_fuzzing=False)


def new_card(card_id: int, now: datetime) -> dict:
    return Card(card_id=card_id, due=now).to_dict()


def review(state: dict | None, rating: Rating, now: datetime, *, card_id: int,
           desired_retention: float = DEFAULT_RETENTION,
           exam_date: date | None = None) -> tuple[dict, datetime]:
    """The card after this review, and when it is next due."""
    now = now.astimezone(UTC)  # fsrs wants datetime.UTC itself, not an equal zone
    card = Card.from_dict(state) if state else Card(card_id=card_id, due=now)
    card, _ = _scheduler(desired_retention).review_card(card, rating, now)
    card.due = aim_at_exam(card.due, now, exam_date, card_id)
    return card.to_dict(), card.due


def aim_at_exam(due: datetime, now: datetime, exam_date: date | None, card_id: int) -> datetime:
    """`due`, or a day before the exam when `due` would fall on or after it."""
    if exam_date is None or due.date() < exam_date:
        return due
    days_left = (exam_date - now.date()).days
    if days_left <= 1:
        return now  # the exam is tomorrow or past: review now
    first = max(1, math.ceil(days_left / 2))
    last = days_left - 1
    offset = first + card_id % (last - first + 1)
    return now + timedelta(days=offset)


def due_date(state: dict) -> datetime:
    return Card.from_dict(state).due


def is_due(state: dict, now: datetime) -> bool:
    return due_date(state) <= now


def forecast(states: Iterable[dict], now: datetime, *, desired_retention: float,
             exam_date: date | None = None, days: int = 30) -> list[int]:
    """Reviews per day over the next `days` days, if every review went as planned (Good).

    Cards already due count on day 0. Shown before a nurse changes the desired retention,
    so they see the workload that a higher retention costs.
    """
    scheduler = _scheduler(desired_retention)
    end = now + timedelta(days=days)
    load = [0] * days
    for state in states:
        card = Card.from_dict(state)
        if card.last_review is not None:
            # Re-plan the next review under this retention from the card's own memory.
            card.due = card.last_review + timedelta(
                days=scheduler._next_interval(stability=card.stability))
        when = max(card.due, now)
        card_id = card.card_id
        while when < end:
            load[(when - now).days] += 1
            card, _ = scheduler.review_card(card, Rating.Good, when)
            next_due = aim_at_exam(card.due, when, exam_date, card_id)
            if next_due <= when:  # past the exam: nothing more to plan
                break
            when = next_due
    return load
