"""Who may do what with exam objects: pure predicates of (user, object), tested as a table."""

from __future__ import annotations

from certprep.auth.models import User
from certprep.bank.reports import QuestionReport
from certprep.exams.models import Attempt

REPORT_HANDLERS = ("educator", "admin")
ACCOMMODATION_SETTERS = ("educator", "admin")


def can_take_attempt(user: User, attempt: Attempt) -> bool:
    """Only the nurse who started an attempt answers, submits or reviews it."""
    return attempt.user_id == user.id


def can_resolve_report(user: User, report: QuestionReport) -> bool:
    """Educators and admins resolve reports; nobody resolves their own."""
    return user.has_role(*REPORT_HANDLERS) and report.user_id != user.id


def can_set_time_factor(user: User, nurse: User) -> bool:
    """Extra time is an accommodation granted by someone else, never by oneself."""
    return user.has_role(*ACCOMMODATION_SETTERS) and nurse.id != user.id
