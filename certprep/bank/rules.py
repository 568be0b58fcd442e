"""Who may do what with a question set or an upload: pure predicates, no database, no request.

`relation` is the person's tie to the set: "own" (they uploaded it), "co-editor" (its owner
or an admin added them), or "other". Views look the relation up once (`views.relation_to`)
and call these; every educator may view and export published sets, drafts and retired sets
are for their owner, co-editors and admins, and only those may change a set.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from certprep.bank.models import PUBLISHED, PendingUpload, QuestionSet, SetEditor

RELATIONS = ("own", "co-editor", "other")
EDITING_RELATIONS = ("own", "co-editor")
BANK_ROLES = ("educator", "admin")


def can_edit_set(user, question_set: QuestionSet, relation: str) -> bool:
    """Edit its questions, publish, unpublish, retire, or update it by upload."""
    if user.has_role("admin"):
        return True
    return user.has_role("educator") and relation in EDITING_RELATIONS


def can_view_set(user, question_set: QuestionSet, relation: str) -> bool:
    """See the set's pages and download it."""
    if not user.has_role(*BANK_ROLES):
        return False
    return question_set.status == PUBLISHED or can_edit_set(user, question_set, relation)


can_export_set = can_view_set


def can_manage_editors(user, question_set: QuestionSet, relation: str) -> bool:
    """Add and remove co-editors: the owner and admins, not co-editors themselves."""
    return user.has_role("admin") or (user.has_role("educator") and relation == "own")


def can_see_media(user, question_set: QuestionSet, relation: str, *, live: bool) -> bool:
    """An image shown by a live question (see models.live_question_conditions) is for every
    signed-in person; any other image only for those who may view its set."""
    return live or can_view_set(user, question_set, relation)


def can_use_upload(user, pending: PendingUpload) -> bool:
    """Preview, confirm or cancel an upload: only the person who uploaded it."""
    return pending.owner_id == user.id


def viewable_sets(user) -> ColumnElement[bool]:
    """can_view_set as a query condition, for lists (a test holds the two to the same table)."""
    if user.has_role("admin"):
        return true()
    return or_(
        QuestionSet.status == PUBLISHED,
        QuestionSet.owner_id == user.id,
        QuestionSet.editors.any(SetEditor.user_id == user.id),
    )
