"""Question sets, questions and their versions, embedded media, and uploads awaiting review.

A question's content lives in versions: editing or re-importing adds a version, and exam
attempts keep pointing at the version they showed. Nothing that history points at is ever
deleted: sets and questions are retired, versions and images stay (the foreign keys say
RESTRICT, and no relationship cascades a delete).

In a published set, `Question.current` is what nurses see. A change made while the set is
published (an edit, an upload) waits in `Question.draft` and `Question.pending_retired` until
the educator publishes the revision; in a draft or retired set, changes apply at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from certprep.extensions import db
from certprep.timeutil import UTCDateTime, utcnow

# The one list of set states: forms, the CHECK constraint and templates read it.
SET_STATUSES = ("draft", "published", "retired")
DRAFT, PUBLISHED, RETIRED = SET_STATUSES


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's SQL: the column holds one of these values."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class QuestionSet(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=DRAFT, index=True)
    source_format: Mapped[str] = mapped_column(String(20))
    # The uploader. Sets loaded from the command line have none: only admins change those.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # passive_deletes="all": the ORM never deletes or orphans questions with their set;
    # the database refuses to delete a set that has any.
    questions: Mapped[list[Question]] = relationship(
        back_populates="question_set", order_by="Question.position", passive_deletes="all"
    )
    editors: Mapped[list[SetEditor]] = relationship(
        back_populates="question_set", cascade="all, delete-orphan"
    )
    owner = relationship("User", foreign_keys=[owner_id])

    # Filled by list queries that ask for them (with_expression), None otherwise.
    question_count: Mapped[int | None] = query_expression()
    waiting_count: Mapped[int | None] = query_expression()

    __table_args__ = (CheckConstraint(one_of("status", SET_STATUSES), name="known_status"),)


class SetEditor(db.Model):
    """A co-editor: may change the set as its owner does. The owner or an admin adds them."""

    set_id: Mapped[int] = mapped_column(
        ForeignKey("question_set.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question_set: Mapped[QuestionSet] = relationship(back_populates="editors")
    user = relationship("User")


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("question_set.id", ondelete="RESTRICT"))
    external_id: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)
    # What nurses see (None: a question added to a published set, not yet published).
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, ondelete="SET NULL")
    )
    # A version waiting to be published with the set's next revision.
    draft_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, ondelete="SET NULL")
    )
    # A retirement (True) or a restoration (False) waiting for the next revision.
    pending_retired: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question_set: Mapped[QuestionSet] = relationship(back_populates="questions")
    # post_update: the row is inserted first and pointed at its version afterwards, so a
    # whole file of new questions and versions is written in one flush.
    current: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    draft: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[draft_version_id], post_update=True
    )
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question",
        foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.number",
        passive_deletes="all",
    )

    __table_args__ = (
        Index("uq_question_set_external", "set_id", "external_id", unique=True),
    )

    @property
    def working(self) -> QuestionVersion | None:
        """The version educators work on: the waiting one, else what nurses see."""
        return self.draft or self.current

    @property
    def will_be_retired(self) -> bool:
        return self.retired if self.pending_retired is None else self.pending_retired


def live_question_conditions() -> tuple:
    """What nurses may see: the current version of an unretired question in a published set.

    The one definition; the practice pool and the media view both use it (join QuestionSet).
    """
    return (
        QuestionSet.status == PUBLISHED,
        Question.retired.is_(False),
        Question.current_version_id.is_not(None),
    )


# Which images a version shows: a nurse may fetch an image only through a live question.
version_media = Table(
    "version_media",
    db.metadata,
    Column("version_id", ForeignKey("question_version.id", ondelete="CASCADE"),
           primary_key=True),
    Column("media_id", ForeignKey("media.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class QuestionVersion(db.Model):
    """One immutable state of a question. `content` is the parsed record, HTML sanitised,
    with a schema number (see versions.py); title and preview are plain text for lists."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    domain: Mapped[str | None] = mapped_column(String(20), index=True)
    subdomain: Mapped[str | None] = mapped_column(String(120))
    difficulty: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200), default="")  # its name, or the stem's start
    preview: Mapped[str] = mapped_column(String(200), default="")  # the stem as plain text
    content: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(200), default="")

    question: Mapped[Question] = relationship(
        back_populates="versions", foreign_keys=[question_id]
    )
    media: Mapped[list[Media]] = relationship(secondary=version_media)

    __table_args__ = (UniqueConstraint("question_id", "number"),)


class Media(db.Model):
    """An image that came embedded in a question file, served from the app.

    Named by its SHA-256 (`<hash>.png`), so the bytes behind a name never change: a
    re-import with a new picture adds an image, and old versions keep the one they showed.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("question_set.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (UniqueConstraint("set_id", "name"),)


class PendingUpload(db.Model):
    """An uploaded file shown in preview; confirming imports it, cancelling deletes it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
