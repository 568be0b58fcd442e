"""Clinics (sites) and their members, and settings an administrator changes at run time."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import ForeignKey, String, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certprep.extensions import db
from certprep.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:  # org sits below auth: the relationship names User by string
    from certprep.auth.models import User


class Site(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Nurses registering themselves may choose the sites an admin opened.
    open_for_registration: Mapped[bool] = mapped_column(default=False, server_default=false())

    members: Mapped[list[SiteMember]] = relationship(
        back_populates="site", cascade="all, delete-orphan"
    )


class SiteMember(db.Model):
    site_id: Mapped[int] = mapped_column(
        ForeignKey("site.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    site: Mapped[Site] = relationship(back_populates="members")
    user: Mapped[User] = relationship("User")


class Setting(db.Model):
    """A switch an admin flips in the browser; defaults live in DEFAULTS."""

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))

    # late_entry_days: entries older than this need a late-entry reason (hours).
    DEFAULTS: ClassVar[dict[str, str]] = {"self_registration": "on", "late_entry_days": "30"}

    @classmethod
    def get(cls, key: str) -> str:
        value = db.session.scalar(select(cls.value).where(cls.key == key))
        return value if value is not None else cls.DEFAULTS[key]

    @classmethod
    def put(cls, key: str, value: str) -> None:
        if key not in cls.DEFAULTS:
            raise KeyError(key)
        setting = db.session.get(cls, key) or cls(key=key)
        setting.value = value
        db.session.add(setting)
