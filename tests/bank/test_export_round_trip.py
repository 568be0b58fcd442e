"""Every export imports again, to the same questions, whatever format the set came from.

A set is imported from a file of each format, exported as native YAML, GIFT and Moodle
XML, and the export parsed again: the kinds, ids, texts, answer keys, fractions and
feedback are those stored, and so is whatever else the target format carries. (Before,
a native export of a set from GIFT did not import: domain and rationale were missing.)
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from defusedxml import minidom
from sqlalchemy import select

from certprep.bank import formats
from certprep.bank.exporter import EXPORT_FORMATS, current_records, export_set
from certprep.bank.formats import csv_format
from certprep.bank.importer import import_result
from certprep.bank.models import Question, QuestionVersion
from certprep.extensions import db
from tests.conftest import DATA

BANK = Path(__file__).resolve().parents[2] / "question_bank"
SOURCES = {
    "gift": DATA / "every_kind.gift",
    "gift-sample": DATA / "sample.gift",
    "aiken": DATA / "sample.aiken.txt",
    "moodle-xml": DATA / "every_kind.moodle.xml",
    "moodle-xml-sample": DATA / "sample.moodle.xml",
    "qti-canvas": DATA / "sample.qti.xml",
    "qti-blackboard": DATA / "sample.blackboard.xml",
    "qti-brightspace": DATA / "sample.brightspace.xml",
    "qti-ilias": DATA / "sample.ilias.xml",
    "csv": None,  # the template on the upload page
    "native": DATA / "every_kind.yaml",
    "native-bank": BANK / "assessment-monitoring.yaml",
}


def imported_set(source: str):
    """The set a source file becomes, committed."""
    path = SOURCES[source]
    text = csv_format.TEMPLATE if path is None else path.read_text(encoding="utf-8")
    result = formats.parse(text, filename=None if path is None else path.name)
    assert result.errors == []
    info = result.set_info
    report = import_result(result, title=info.get("title") or source, slug=info.get("id"),
                           description=info.get("description", ""))
    db.session.commit()
    return report.question_set


def essentials(question, target: str) -> dict:
    """What an export to `target` must keep of a question."""
    text = question.text
    if question.scenario and target != "native":  # no shared case text: above the stem
        text = f"{question.scenario.strip()}\n\n{text}"
    kept = {
        "kind": question.kind,
        "id": question.external_id,
        "text": text,
        "choices": [(c.text, round(c.fraction, 6), c.feedback) for c in question.choices],
        "numeric": [(n.value, n.tolerance, round(n.fraction, 6), n.feedback)
                    for n in question.numeric],
        "pairs": [(p.prompt, p.answer) for p in question.pairs],
        "rationale": question.general_feedback,
        "tags": question.tags,
    }
    if target != "gift":  # GIFT cannot say either
        kept |= {"case_sensitive": question.case_sensitive, "unit": question.unit}
    if target == "native":
        kept |= {field: getattr(question, field) for field in (
            "scenario", "domain", "subdomain", "difficulty", "references", "last_reviewed",
            "review_by")}
    else:
        kept["name"] = question.name
    return kept


@pytest.mark.parametrize("target", list(EXPORT_FORMATS))
@pytest.mark.parametrize("source", list(SOURCES))
def test_an_export_imports_again_to_the_same_questions(app, source: str, target: str) -> None:
    question_set = imported_set(source)
    stored = current_records(question_set)
    assert stored
    again = formats.parse(export_set(question_set, target), format=target)
    assert again.errors == []
    assert all(question.importable for question in again.questions)
    assert [essentials(q, target) for q in again.questions] == [
        essentials(q, target) for q in stored]


@pytest.mark.parametrize("target", list(EXPORT_FORMATS))
@pytest.mark.parametrize("source", ["gift", "moodle-xml", "native", "qti-brightspace"])
def test_importing_an_export_into_its_set_keeps_every_question(app, source, target) -> None:
    """The ids survive, so no question is retired and none is added."""
    question_set = imported_set(source)
    report = import_result(formats.parse(export_set(question_set, target), format=target),
                           title=question_set.title, slug=question_set.slug)
    assert (report.added, report.retired) == (0, 0)
    if source == target:  # and a set exported in its own format comes back unchanged
        assert report.changed == 0


def test_a_stored_nul_never_makes_an_export_unreadable(app) -> None:
    """Parsing refuses NUL now, but versions stored before may hold one."""
    question_set = imported_set("moodle-xml")
    version = db.session.scalar(select(QuestionVersion).join(
        Question, Question.current_version_id == QuestionVersion.id).where(
        Question.external_id == "x-tf"))
    content = dict(version.content)
    content["text"] = "Naloxone\x00 can wear off\x0b before a long-acting opioid does."
    content["choices"] = [dict(c, feedback=c["feedback"] + "\x1b") for c in content["choices"]]
    version.content = content
    db.session.commit()
    for target in EXPORT_FORMATS:
        text = export_set(question_set, target)
        assert "\x00" not in text and "\x0b" not in text and "\x1b" not in text
        if target == "moodle-xml":
            minidom.parseString(text.encode())  # well-formed XML
        again = formats.parse(text, format=target)
        assert again.errors == [], target
        tf = next(q for q in again.questions if q.kind == "true_false")
        assert tf.text == "Naloxone can wear off before a long-acting opioid does."


def test_moodle_xml_writes_no_character_xml_cannot_carry() -> None:
    from certprep.bank.formats import moodle_xml
    from certprep.bank.formats.records import Choice, ParsedQuestion

    question = ParsedQuestion(0, "true_false", "A\x00B\ufffeC <b>]]\x00></b>", "html",
                              name="N\x01", choices=[Choice("True", 1.0, "x\x02"),
                                                     Choice("False", 0.0)])
    text = moodle_xml.dump([dataclasses.replace(question, files={"a\x03.png": b"x"})])
    minidom.parseString(text.encode())
    [again] = moodle_xml.parse(text).questions
    assert (again.text, again.name) == ("ABC <b>]]></b>", "N")
