"""Editing one question: content as GIFT text, metadata as fields, a new version on save."""

from __future__ import annotations

import dataclasses
import json

from certprep.bank.formats import gift
from certprep.bank.formats.records import ParsedQuestion
from certprep.bank.importer import sanitised
from certprep.bank.models import Question
from certprep.bank.versions import content_of, has_own_name, is_live, save_content


def fill_form(form, record: ParsedQuestion, content: dict) -> None:
    """The form for a stored version; a name the parser made from the stem stays out of the
    GIFT text, so that it follows the stem when the stem is edited."""
    name = record.name if has_own_name(content) else ""
    form.source.data = gift.dump([dataclasses.replace(record, category=None, tags=[],
                                                      external_id=None, name=name)]).strip()
    form.scenario.data = record.scenario
    form.domain.data = record.domain or ""
    form.subdomain.data = record.subdomain or ""
    form.difficulty.data = record.difficulty or ""
    form.tags.data = ", ".join(record.tags)
    form.references.data = "\n".join(record.references)


def from_form(form) -> tuple[ParsedQuestion | None, list[str]]:
    """The edited question, or messages naming the line of the GIFT text to fix."""
    result = gift.parse(form.source.data.replace("\r\n", "\n"))
    errors = [f"Line {e.line}: {e.message}" for e in result.errors]
    gradable = [q for q in result.questions if q.importable]
    if not errors and len(result.questions) != 1:
        errors.append(f"Write exactly one question (found {len(result.questions)}); a blank "
                      "line separates questions in GIFT, so remove blank lines.")
    elif not errors and not gradable:
        kind = result.questions[0].kind
        errors.append(f"This reads as a {kind.replace('_', ' ')}, which cannot be graded; "
                      "give the answers in braces, e.g. {=right ~wrong}.")
    if errors:
        return None, errors
    question = gradable[0]
    question.scenario = (form.scenario.data or "").strip()
    question.domain = form.domain.data or None
    question.subdomain = (form.subdomain.data or "").strip() or None
    question.difficulty = form.difficulty.data or None
    question.tags = [t.strip() for t in (form.tags.data or "").split(",") if t.strip()]
    question.references = [r.strip() for r in (form.references.data or "").splitlines()
                           if r.strip()]
    return question, []


def save_edit(question: Question, edited: ParsedQuestion, user_id: int, note: str) -> bool:
    """Add a version when the content differs from the working one; True when it did.

    In a published set the new version waits for the set's next revision."""
    working = question.working
    edited = sanitised(edited, {})
    edited.external_id = question.external_id
    edited.case_id = working.content.get("case_id") if edited.scenario else None
    edited.category = working.content.get("category")
    old = working.content
    own = has_own_name({"name": edited.name, "text": edited.text,
                        "external_id": question.external_id})
    if not own and edited.text == old.get("text"):
        edited.name = old.get("name") or edited.name  # same stem: the name it had stays
    meta = (edited.domain, edited.subdomain, edited.difficulty)
    content = content_of(edited)
    stored = json.dumps(content)
    return save_content(question, edited.kind, meta, content, user_id=user_id,
                        note=note or "edited", live=is_live(question.question_set),
                        media=[m for m in working.media if m.name in stored])
