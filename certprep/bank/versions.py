"""A question's stored versions: content as stored, its hash, back to a record, and the
revision of a published set that waits until an educator publishes it.

Grading, review, export and the edit form read versions through here; none of them needs
the importer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable

from sqlalchemy import func, select, update

from certprep.bank.formats.records import Choice, MatchPair, NumericAnswer, ParsedQuestion
from certprep.bank.models import PUBLISHED, Question, QuestionSet, QuestionVersion
from certprep.bank.richtext import excerpt, plain_text
from certprep.extensions import db

# The shape of stored content. 1: rows written before the number was stored (no "schema"
# key); 2: carries "schema", and last_reviewed and review_by. Reading never breaks on an
# older row: UPGRADES step it forward, unknown keys are ignored, missing keys take defaults.
CONTENT_SCHEMA = 2
UPGRADES: dict[int, Callable[[dict], dict]] = {
    1: lambda content: content,  # 2 only added fields; their defaults fill them in
}
TITLE_LENGTH = 80
PREVIEW_LENGTH = 110
NOT_CONTENT = ("line", "files", "skip_reason", "domain", "subdomain", "difficulty", "kind")


def content_of(question: ParsedQuestion) -> dict:
    """The stored form of a question: the record without its position or raw files."""
    content = dataclasses.asdict(question)
    for key in NOT_CONTENT:
        content.pop(key)
    content["schema"] = CONTENT_SCHEMA
    return content


def content_hash(kind: str, meta: tuple, content: dict) -> str:
    """The same for the same question whatever schema number it was stored under."""
    canonical = json.dumps(
        [kind, meta, {k: v for k, v in content.items() if k != "schema"}],
        sort_keys=True, ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def upgraded(content: dict) -> dict:
    """Stored content brought to the current schema, step by step."""
    content = dict(content)
    schema = content.pop("schema", 1)
    while schema < CONTENT_SCHEMA:
        content = UPGRADES[schema](content)
        schema += 1
    return content


def build(cls, data: dict, **fixed):
    """A record from stored keys: unknown ones ignored, missing required ones left empty."""
    values = {}
    for field in dataclasses.fields(cls):
        if field.name in fixed:
            continue
        if field.name in data:
            values[field.name] = data[field.name]
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            values[field.name] = None if "None" in str(field.type) else ""
    return cls(**values, **fixed)


def to_record(version: QuestionVersion) -> ParsedQuestion:
    """A stored version back as a record, for export, the edit form and the pages."""
    content = upgraded(version.content)
    content["choices"] = [build(Choice, c) for c in content.get("choices") or []]
    content["numeric"] = [build(NumericAnswer, n) for n in content.get("numeric") or []]
    content["pairs"] = [build(MatchPair, p) for p in content.get("pairs") or []]
    for key in ("tags", "references"):
        content[key] = content.get(key) or []
    return build(
        ParsedQuestion, content, line=0, kind=version.kind, domain=version.domain,
        subdomain=version.subdomain, difficulty=version.difficulty,
    )


def _words(text: str) -> str:
    return " ".join(re.sub(r"<[^>]*>", " ", text).split())


def has_own_name(content: dict) -> bool:
    """Whether the question's name was written for it (GIFT ::title::, Moodle's name), not
    made from its stem by the parser, nor a copy of its id (native and CSV files)."""
    name = _words(content.get("name") or "")
    made = name.removesuffix("...").rstrip()
    return bool(name) and name not in ("Question", content.get("external_id")) \
        and not _words(content.get("text") or "").startswith(made)


def title_and_preview(content: dict) -> tuple[str, str]:
    """Plain text for lists: the question's own name (or the stem's start), and the stem."""
    stem = plain_text(content.get("text") or "", content.get("text_format") or "plain")
    name = _words(content.get("name") or "") if has_own_name(content) else ""
    return excerpt(name or stem, TITLE_LENGTH) or "(no text)", excerpt(stem, PREVIEW_LENGTH)


def next_number(question: Question):
    """1 for a new question; otherwise computed by the database as the row is inserted, so
    two writers cannot both take the same number unnoticed (the unique constraint fails)."""
    if question.id is None:
        return 1
    return (
        select(func.coalesce(func.max(QuestionVersion.number), 0) + 1)
        .where(QuestionVersion.question_id == question.id)
        .scalar_subquery()
    )


def save_content(
    question: Question, kind: str, meta: tuple, content: dict, *,
    user_id: int | None, note: str, live: bool, media=(), digest: str = "",
    title: str = "", preview: str = "",
) -> bool:
    """Record new content; True when anything changed. The importer passes the digest,
    title and preview it worked out before writing; otherwise they are computed here.

    In a set nurses cannot see, the new version is current at once. In a published set
    (`live`) it waits as the question's draft until the revision is published; content equal
    to what nurses already see only drops the waiting draft.
    """
    digest = digest or content_hash(kind, meta, content)
    working = question.draft or question.current
    if working is not None and working.content_hash == digest:
        return False
    if live and question.current is not None and question.current.content_hash == digest:
        question.draft = None
        return True
    if not title:
        title, preview = title_and_preview(content)
    version = QuestionVersion(
        question=question, number=next_number(question), kind=kind, domain=meta[0],
        subdomain=meta[1], difficulty=meta[2], title=title, preview=preview, content=content,
        content_hash=digest, created_by_id=user_id, note=note[:200], media=list(media),
    )
    if live:
        question.draft = version
    else:
        question.current, question.draft = version, None
    return True


def set_retired(question: Question, retired: bool, *, live: bool) -> bool:
    """Retire or restore; in a published set the change waits for the revision. True when
    that changes anything."""
    if question.will_be_retired == retired:
        return False
    if live and question.current is not None:
        question.pending_retired = None if question.retired == retired else retired
    else:
        question.retired, question.pending_retired = retired, None
    return True


def revision_counts(set_id: int) -> dict[str, int]:
    """What waits to be published, and how many questions nurses will see afterwards."""
    waiting = Question.draft_version_id.is_not(None)
    shown = func.coalesce(Question.draft_version_id, Question.current_version_id).is_not(None)
    stays = func.coalesce(Question.pending_retired, Question.retired).is_(False)
    row = db.session.execute(
        select(
            func.count().filter(waiting, Question.current_version_id.is_(None), stays),
            func.count().filter(waiting, Question.current_version_id.is_not(None), stays),
            func.count().filter(Question.pending_retired.is_(True)),
            func.count().filter(Question.pending_retired.is_(False)),
            func.count().filter(shown, stays),
            func.count().filter(Question.current_version_id.is_not(None),
                                Question.retired.is_(False)),
        ).where(Question.set_id == set_id)
    ).one()
    counts = dict(zip(("added", "changed", "retiring", "restoring", "after", "now"), row,
                      strict=True))
    counts["waiting"] = counts["added"] + counts["changed"] + counts["retiring"] \
        + counts["restoring"]
    return counts


def apply_revision(question_set: QuestionSet) -> None:
    """Make every waiting change what nurses see (two UPDATEs, whatever the set's size)."""
    db.session.flush()
    for statement in (
        update(Question)
        .where(Question.set_id == question_set.id, Question.draft_version_id.is_not(None))
        .values(current_version_id=Question.draft_version_id, draft_version_id=None),
        update(Question)
        .where(Question.set_id == question_set.id, Question.pending_retired.is_not(None))
        .values(retired=Question.pending_retired, pending_retired=None),
    ):
        db.session.execute(statement, execution_options={"synchronize_session": False})
    db.session.expire_all()


def change_status(question_set: QuestionSet, status: str) -> None:
    """Publish, unpublish or retire a set.

    Every transition applies the waiting revision: publishing shows it to nurses, and a set
    that leaves `published` has no audience the revision must wait for. So only a published
    set ever has waiting changes.
    """
    apply_revision(question_set)
    question_set.status = status


def is_live(question_set: QuestionSet) -> bool:
    """Whether nurses see the set now, so that changes to it must wait for a revision."""
    return question_set.status == PUBLISHED
