"""Certification programs, enrolments, practice-hour entries and the nurse's RN details."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certprep.auth.models import User
from certprep.extensions import db
from certprep.hours.vocab import CATEGORIES, MAX_MINUTES_PER_DAY, MINUTES_STEP, STATES, in_list
from certprep.org.models import Site
from certprep.timeutil import UTCDateTime, utcnow

CHECK_RULES_LABEL = "Check the certifying body's current rules."


class Program(db.Model):
    """A certification's requirements as data: presets are editable, figures may change."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    certifying_body: Mapped[str] = mapped_column(String(160))
    practice_hours: Mapped[int]
    window_years: Mapped[int]
    ce_hours: Mapped[int] = mapped_column(default=0)
    ce_window_years: Mapped[int]
    # Category keys that count; empty means every category counts.
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    blueprint: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # read by the exams issue
    target_score: Mapped[int | None]
    requires_rn_licence: Mapped[bool] = mapped_column(default=True)
    rn_practice_years: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(500), default=CHECK_RULES_LABEL)
    is_default: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        CheckConstraint("practice_hours >= 0", name="practice_hours_not_negative"),
        CheckConstraint("window_years BETWEEN 1 AND 20", name="window_years_range"),
        CheckConstraint("ce_hours >= 0", name="ce_hours_not_negative"),
        CheckConstraint("ce_window_years BETWEEN 1 AND 20", name="ce_window_years_range"),
        CheckConstraint("rn_practice_years >= 0", name="rn_practice_years_not_negative"),
    )


class Enrolment(db.Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    target_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    program: Mapped[Program] = relationship(lazy="joined")


class SiteProgram(db.Model):
    """A site's default program, for its nurses who enrolled in none."""

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"),
                                         primary_key=True)
    default_program_id: Mapped[int | None] = mapped_column(
        ForeignKey("program.id", ondelete="SET NULL"))

    site: Mapped[Site] = relationship()
    default_program: Mapped[Program | None] = relationship()


class NurseProfile(db.Model):
    """The non-hour requirements: RN licence and RN practice."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    licence_number: Mapped[str] = mapped_column(String(60), default="")
    licence_region: Mapped[str] = mapped_column(String(60), default="")
    licence_expires: Mapped[date | None]
    practice_start: Mapped[date | None]
    full_time: Mapped[bool] = mapped_column(default=True)


class Entry(db.Model):
    """One stretch of supervised practice. Approved entries are locked: a correction is a
    new entry that `amends` it and needs its own sign-off."""

    id: Mapped[int] = mapped_column(primary_key=True)
    nurse_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"),
                                               index=True)
    day: Mapped[date]
    start: Mapped[time | None]
    end: Mapped[time | None]
    minutes: Mapped[int]
    category: Mapped[str] = mapped_column(String(20))
    encounters: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    late_reason: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # NO ACTION, not RESTRICT: still refused, but checked at the end of the statement, so a
    # statement that removes an entry with its amendments (emptying a test table) works.
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="NO ACTION"),
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The review: who, when, their credentials then, the attestation they confirmed.
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                  ondelete="RESTRICT"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_name: Mapped[str] = mapped_column(String(200), default="")
    reviewer_credentials: Mapped[str] = mapped_column(String(60), default="")
    attestation: Mapped[str] = mapped_column(Text, default="")
    review_note: Mapped[str] = mapped_column(String(1000), default="")
    # Set when the review came from an external preceptor through an emailed one-time link.
    # (Which link and preceptor: PreceptorLinkEntry.decision names this entry.)
    signed_via_link: Mapped[bool] = mapped_column(default=False)

    nurse: Mapped[User] = relationship(foreign_keys=[nurse_id])
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    site: Mapped[Site] = relationship()
    amends: Mapped[Entry | None] = relationship(remote_side=[id])

    __table_args__ = (
        CheckConstraint(in_list("state", STATES), name="known_state"),
        CheckConstraint(in_list("category", CATEGORIES), name="known_category"),
        CheckConstraint(
            f"minutes > 0 AND minutes <= {MAX_MINUTES_PER_DAY} AND minutes % {MINUTES_STEP} = 0",
            name="quarter_hours_in_a_day",
        ),
        CheckConstraint("encounters >= 0", name="encounters_not_negative"),
        CheckConstraint("supervisor_id <> nurse_id", name="not_own_supervisor"),
        Index("ix_entry_nurse_day", "nurse_id", "day"),
        Index("ix_entry_queue", "supervisor_id", "state", "submitted_at"),
    )

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.category]

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    def snapshot(self) -> dict[str, Any]:
        """The values the audit log keeps before and after a change."""
        return {
            "day": self.day.isoformat(), "start": _hhmm(self.start), "end": _hhmm(self.end),
            "minutes": self.minutes, "site_id": self.site_id,
            "supervisor_id": self.supervisor_id, "category": self.category,
            "encounters": self.encounters, "notes": self.notes,
            "late_reason": self.late_reason, "state": self.state,
        }


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


class Preceptor(db.Model):
    """An external preceptor of a site: signs entries through an emailed one-time link,
    without a certprep account. Registered by an admin or a supervisor of the site."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    credentials: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(254))  # stored lower-case
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()

    __table_args__ = (UniqueConstraint("site_id", "email", name="one_preceptor_per_email"),)

    @property
    def display_name(self) -> str:
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name


class PreceptorLink(db.Model):
    """A nurse's request for sign-off by a preceptor: bound to exactly its entries, opened by
    a one-time link of which only the hash is kept. No hash yet: the link waits for a site
    supervisor or an admin to issue it (no mail configured, or the mail failed)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    preceptor_id: Mapped[int] = mapped_column(ForeignKey("preceptor.id", ondelete="RESTRICT"),
                                              index=True)
    nurse_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the preceptor confirmed when they used it.
    typed_name: Mapped[str] = mapped_column(String(120), default="")
    attestation: Mapped[str] = mapped_column(Text, default="")

    preceptor: Mapped[Preceptor] = relationship(lazy="joined")
    nurse: Mapped[User] = relationship()
    entries: Mapped[list[PreceptorLinkEntry]] = relationship(
        back_populates="link", cascade="all, delete-orphan", lazy="selectin")

    @property
    def entry_ids(self) -> frozenset[int]:
        return frozenset(item.entry_id for item in self.entries)


class PreceptorLinkEntry(db.Model):
    """One entry a preceptor link may sign, and no other."""

    link_id: Mapped[int] = mapped_column(ForeignKey("preceptor_link.id", ondelete="RESTRICT"),
                                         primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="RESTRICT"),
                                          primary_key=True, index=True)
    # What the preceptor decided through this link: "" until then, or when another
    # reviewer was first.
    decision: Mapped[str] = mapped_column(String(10), default="")

    link: Mapped[PreceptorLink] = relationship(back_populates="entries")

    __table_args__ = (
        CheckConstraint("decision IN ('', 'approve', 'return')", name="known_decision"),
    )


class CEActivity(db.Model):
    """A continuing-education activity; the certificate is kept in the database so that
    several app servers share it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    day: Mapped[date]
    contact_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    accreditation: Mapped[str] = mapped_column(String(100), default="")
    certificate: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    certificate_type: Mapped[str] = mapped_column(String(40), default="")
    certificate_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("contact_hours > 0 AND contact_hours <= 1000", name="contact_hours_range"),
    )


class VerifiedReport(db.Model):
    """An issued "verified practice hours report": the summary a verifier is shown, and the
    code derived from it with the app's secret (hours/report.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    nurse_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"),
                                          index=True)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)  # carries its schema number
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
