"""A question set written back out as native YAML, GIFT or Moodle XML.

What is written reads back to the same questions (tests/bank/test_export_round_trip.py):
the kinds, texts, answers, fractions and feedback, and whatever else the format carries.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certprep.bank.formats import gift, moodle_xml, native
from certprep.bank.formats.common import storable
from certprep.bank.formats.records import ParsedQuestion
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
    # Text no file and no database can hold (a NUL from older data) is dropped, so the
    # export is well-formed and imports again.
    records = [storable(record) for record in current_records(question_set)]
    if export_format == "native":
        return native.dump(records, question_set.slug, question_set.title,
                           question_set.description)
    if export_format == "gift":
        return gift.dump([scenario_in_text(record) for record in records])
    if export_format == "moodle-xml":
        return moodle_xml.dump(records)  # it writes the scenario above the stem itself
    raise ValueError(f"unknown export format {export_format!r}; use one of "
                     f"{', '.join(EXPORT_FORMATS)}")


def scenario_in_text(record: ParsedQuestion) -> ParsedQuestion:
    """GIFT has no shared case text: the scenario goes above the stem, as in Moodle XML."""
    if not record.scenario.strip():
        return record
    return dataclasses.replace(record, text=f"{record.scenario.strip()}\n\n{record.text}",
                               scenario="", case_id=None)
