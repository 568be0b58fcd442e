"""The audit log: who did what to which record, when, with the values before and after.

Append-only. Nothing in the app updates or deletes an entry, and the database refuses to:
a trigger raises on UPDATE or DELETE (PostgreSQL and SQLite), created by migration 0003
and, for tests that build tables with create_all(), by the DDL attached below.

The action is checked against ACTIONS here rather than by a CHECK constraint: adding an
action would otherwise rebuild the table on SQLite, and a rebuild drops its triggers.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import DDL, JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certprep.extensions import db
from certprep.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:  # org sits below auth: the relationship names User by string
    from certprep.auth.models import User

# action: what a person reads in the log
ACTIONS = {
    "user.invited": "Invited",
    "user.roles_changed": "Roles changed",
    "user.deactivated": "Deactivated",
    "user.reactivated": "Reactivated",
    "user.link_issued": "Invite or reset link issued",
    "user.signed_out_everywhere": "Signed out everywhere",
    "user.created": "Account created",
    "site.created": "Site created",
    "site.member_added": "Added to a site",
    "site.member_removed": "Removed from a site",
    "settings.changed": "Settings changed",
    "set.published": "Set published",
    "set.retired": "Set retired",
    "set.unpublished": "Set returned to draft",
    "site.opened": "Site opened or closed to self-registration",
    "program.created": "Program created",
    "program.changed": "Program changed",
    "program.enrolled": "Enrolled in a program",
    "program.unenrolled": "Left a program",
    "entry.created": "Hours logged",
    "entry.edited": "Hours edited",
    "entry.submitted": "Hours submitted for sign-off",
    "entry.withdrawn": "Hours withdrawn",
    "entry.approved": "Hours approved",
    "entry.returned": "Hours returned for information",
    "entry.rejected": "Hours rejected",
    "entry.amended": "Amendment of approved hours created",
    "entry.superseded": "Hours replaced by an approved amendment",
    "entry.reassigned": "Hours reassigned to another supervisor",
    "entry.imported": "Hours imported",
    "preceptor.registered": "External preceptor registered",
    "preceptor.requested": "Sign-off by an external preceptor requested",
    "preceptor.link_issued": "Preceptor's one-time link issued",
    "preceptor.link_used": "Preceptor's one-time link used",
}


class AuditEntry(db.Model):
    # Tests empty this table by dropping and re-creating it: a DELETE is refused.
    __table_args__: ClassVar[dict] = {"info": {"append_only": True}}

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None: the command line, or the system. RESTRICT: history keeps the people it names.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="RESTRICT"), index=True
    )
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship("User")

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @property
    def actor_label(self) -> str:
        """Who did it, in words: an account, an external preceptor through an emailed link,
        certprep itself, or the command line (the entries with no account)."""
        if self.actor is not None:
            return self.actor.email
        after = self.after or {}
        if after.get("via") == "emailed_link" or self.action == "preceptor.link_used":
            name = after.get("typed_name")
            return f"{name} (external preceptor, emailed link)" if name else (
                "external preceptor (emailed link)")
        if self.action == "entry.superseded":
            return "certprep (an approved amendment replaced it)"
        return "command line"


def record(
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the session; the caller commits it with the change it describes."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; add it to ACTIONS")
    actor_id = actor.id if actor is not None and getattr(actor, "is_authenticated", True) else None
    entry = AuditEntry(
        actor_id=actor_id, action=action, subject_type=subject_type, subject_id=subject_id,
        before=before, after=after,
    )
    db.session.add(entry)
    return entry


# The database's own guard. The statements are shared with migration 0003.
APPEND_ONLY_MESSAGE = "audit_entry is append-only"
POSTGRESQL_GUARD = (
    f"""
    CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: % refused', TG_OP;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
    """,
)
SQLITE_GUARD = tuple(
    f"""
    CREATE TRIGGER audit_entry_no_{operation.lower()}
    BEFORE {operation} ON audit_entry
    BEGIN
        SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: {operation} refused');
    END
    """
    for operation in ("UPDATE", "DELETE")
)

for _statement in POSTGRESQL_GUARD:
    event.listen(  # DDL formats its text with %: the message's own % is doubled
        AuditEntry.__table__, "after_create",
        DDL(_statement.replace("%", "%%")).execute_if(dialect="postgresql"),
    )
for _statement in SQLITE_GUARD:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
event.listen(
    AuditEntry.__table__, "after_drop",
    DDL("DROP FUNCTION IF EXISTS audit_entry_append_only()").execute_if(dialect="postgresql"),
)
