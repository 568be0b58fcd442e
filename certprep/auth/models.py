"""Accounts, their roles and the one-time links that set a password."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certprep.extensions import db
from certprep.timeutil import UTCDateTime, utcnow

# The one list of roles: forms, the CHECK constraint, the CLI and templates read it.
ROLE_LABELS = {
    "nurse": "Nurse",
    "supervisor": "Supervisor",
    "educator": "Educator",
    "admin": "Administrator",
}
ROLES = tuple(ROLE_LABELS)


def token_hash(token: str) -> str:
    """Only hashes of tokens are stored: a copy of the database opens no session or link."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    full_name: Mapped[str] = mapped_column(String(120))
    credentials: Mapped[str] = mapped_column(String(60), default="")
    # None until an invite is accepted.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The token of the device this request came from, set when a session starts or loads.
    device_token = None  # not a column

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember cookie: the device's token."""
        if self.device_token is None:
            raise RuntimeError("sign in through certprep.auth.sessions.start_session")
        return self.device_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(role.name for role in self.roles)

    def has_role(self, *names: str) -> bool:
        return bool(self.role_names.intersection(names))

    def set_roles(self, names: set[str]) -> None:
        unknown = set(names) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown role: {', '.join(sorted(unknown))}")
        self.roles = [r for r in self.roles if r.name in names] + [
            UserRole(name=name) for name in sorted(set(names) - self.role_names)
        ]

    @property
    def display_name(self) -> str:
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(select(cls).where(cls.email == normalise_email(email)))


class UserRole(db.Model):
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (
        CheckConstraint(f"name IN ({', '.join(repr(r) for r in ROLES)})", name="known_role"),
    )


class UserSession(db.Model):
    """One signed-in device. Signing out deletes its row, so a copied cookie stops working."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class OneTimeLink(db.Model):
    """An invite or password-reset link: only its hash is stored, and it works once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("purpose IN ('invite', 'reset')", name="known_purpose"),
    )

    @staticmethod
    def hash(token: str) -> str:
        return token_hash(token)
