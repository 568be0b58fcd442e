"""Problems nurses report with a question ("the key looks wrong"), which educators resolve.

It lives with the bank because it is about a question and its version, and the bank's
question page lists a question's open reports; nurses file them from a practice test.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from certprep.bank.models import one_of
from certprep.extensions import db
from certprep.timeutil import UTCDateTime, utcnow

REPORT_REASONS = ("key_wrong", "unclear", "outdated", "other")
REPORT_REASON_LABELS = {
    "key_wrong": "The key looks wrong", "unclear": "The question is unclear",
    "outdated": "The content is outdated", "other": "Something else",
}
REPORT_STATES = ("open", "resolved")


class QuestionReport(db.Model):
    """A problem a nurse reported with a question; educators resolve it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"),
                                             index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("question_version.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="RESTRICT"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint(one_of("reason", REPORT_REASONS), name="known_reason"),
        CheckConstraint(one_of("state", REPORT_STATES), name="known_state"),
    )
