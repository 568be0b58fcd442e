"""A question set written back out as native YAML, GIFT or Moodle XML."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certprep.bank.formats import gift, moodle_xml, native
from certprep.bank.models import Question, QuestionSet
from certprep.bank.versions import to_record
from certprep.extensions import db

EXPORT_FORMATS = {
    "native": ("yaml", "application/yaml"),
    "gift": ("gift.txt", "text/plain"),
    "moodle-xml": ("xml", "application/xml"),
}


def current_records(question_set: QuestionSet, include_retired: bool = False):
    statement = (
        select(Question)
        .where(Question.set_id == question_set.id)
        .options(selectinload(Question.current))
        .order_by(Question.position, Question.id)
    )
    if not include_retired:
        statement = statement.where(Question.retired.is_(False))
    return [to_record(q.current) for q in db.session.scalars(statement) if q.current]


def export_set(question_set: QuestionSet, export_format: str) -> str:
    records = current_records(question_set)
    if export_format == "native":
        return native.dump(records, question_set.slug, question_set.title,
                           question_set.description)
    if export_format == "gift":
        return gift.dump(records)
    if export_format == "moodle-xml":
        return moodle_xml.dump(records)
    raise ValueError(f"unknown export format {export_format!r}; use one of "
                     f"{', '.join(EXPORT_FORMATS)}")
