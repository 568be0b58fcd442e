"""Practice attempts and what they remember: items with the exact version shown, review
cards, private notes, problem reports, blueprints and each nurse's exam settings.

History is never rewritten: an attempt item points at the question version it showed with
`ondelete="RESTRICT"`, so a version that an answer points at cannot be deleted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certprep.bank.models import one_of
from certprep.extensions import db
from certprep.timeutil import UTCDateTime, utcnow

MODES = ("tutor", "timed", "simulation")
MODE_LABELS = {"tutor": "Tutor", "timed": "Timed", "simulation": "Exam simulation"}
POOLS = ("all", "unused", "incorrect", "flagged", "omitted", "due")
POOL_LABELS = {
    "all": "All questions", "unused": "Not yet seen", "incorrect": "Answered wrongly",
    "flagged": "Flagged by me", "omitted": "Left unanswered", "due": "Due for review",
}
ATTEMPT_STATES = ("in_progress", "submitted")


class ExamBlueprint(db.Model):
    """How a simulation is drawn: scored items per domain, pretest items, time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    domain_items: Mapped[dict] = mapped_column(JSON)  # {domain key: scored items}
    pretest_items: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int]
    target_percent: Mapped[int] = mapped_column(default=70)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("pretest_items >= 0", name="pretest_not_negative"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("target_percent BETWEEN 1 AND 100", name="target_percent_range"),
    )

    @property
    def scored_items(self) -> int:
        return sum(self.domain_items.values())


class Attempt(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    mode: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12), default="in_progress")
    blueprint_id: Mapped[int | None] = mapped_column(
        ForeignKey("exam_blueprint.id", ondelete="RESTRICT"))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)  # what the builder was asked
    notes: Mapped[list] = mapped_column(JSON, default=list)  # where assembly fell short
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: untimed
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expired: Mapped[bool] = mapped_column(default=False)  # submitted by the clock
    item_count: Mapped[int] = mapped_column(default=0)
    scored_count: Mapped[int] = mapped_column(default=0)
    correct_count: Mapped[int | None] = mapped_column()  # scored items right, once submitted

    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position"
    )

    __table_args__ = (
        CheckConstraint(one_of("mode", MODES), name="known_mode"),
        CheckConstraint(one_of("state", ATTEMPT_STATES), name="known_state"),
        Index("ix_attempt_user_started", "user_id", "started_at"),
    )

    @property
    def timed(self) -> bool:
        return self.deadline is not None

    @property
    def submitted(self) -> bool:
        return self.state == "submitted"


class AttemptItem(db.Model):
    """One question of an attempt: the version shown, the order shown, and the answer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="RESTRICT"))
    position: Mapped[int]  # 1-based, as in the URL
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"),
                                             index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("question_version.id", ondelete="RESTRICT"), index=True)
    domain: Mapped[str | None] = mapped_column(String(20))
    subdomain: Mapped[str | None] = mapped_column(String(120))
    scored: Mapped[bool] = mapped_column(default=True)  # False: an unscored pretest item
    order: Mapped[list] = mapped_column(JSON, default=list)  # stored option indexes, as shown
    # None is SQL NULL, not JSON null: "answered" in queries (response IS NOT NULL) and in
    # Python (response is not None) must agree when a nurse clears an answer.
    response: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    correct: Mapped[bool | None] = mapped_column()  # None until graded
    credit: Mapped[float | None] = mapped_column()
    right_parts: Mapped[int | None] = mapped_column()
    parts: Mapped[int | None] = mapped_column()
    seconds: Mapped[int] = mapped_column(default=0)  # time on this question, by the server
    viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when last opened
    flagged: Mapped[bool] = mapped_column(default=False)
    guessed: Mapped[bool] = mapped_column(default=False)
    struck: Mapped[list] = mapped_column(JSON, default=list)  # stored option indexes

    attempt: Mapped[Attempt] = relationship(back_populates="items")

    __table_args__ = (
        UniqueConstraint("attempt_id", "position", name="uq_attempt_item_position"),
        Index("ix_attempt_item_attempt_question", "attempt_id", "question_id"),
    )

    @property
    def answered(self) -> bool:
        return self.response is not None


class ReviewCard(db.Model):
    """A question a nurse has answered, scheduled by FSRS (`exams/scheduling.py`)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"),
                                             primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    reviews: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)
    last_reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_review_card_user_due", "user_id", "due"),)


class QuestionNote(db.Model):
    """A nurse's private note on a question, shown in review and when it comes back."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"),
                                             primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ExamSettings(db.Model):
    """A nurse's study settings, and the extra time an educator or admin grants them."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    desired_retention: Mapped[float] = mapped_column(default=0.90)
    exam_date: Mapped[date | None] = mapped_column()
    hide_timer: Mapped[bool] = mapped_column(default=False)
    time_factor: Mapped[float] = mapped_column(default=1.0)  # 1.5: half as much time again

    __table_args__ = (
        CheckConstraint("desired_retention BETWEEN 0.70 AND 0.97", name="retention_range"),
        CheckConstraint("time_factor BETWEEN 1.0 AND 3.0", name="time_factor_range"),
    )
