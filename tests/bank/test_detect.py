"""Format detection and the parse() entry point that dispatches on it."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certprep.bank import formats
from certprep.bank.formats import csv_format

FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
# Any code point, lone surrogates included: a str can hold them even if UTF-8 cannot.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=400)

MOODLE = '<?xml version="1.0"?>\n<!-- exported -->\n<quiz>\n</quiz>\n'
QTI = ('<?xml version="1.0"?>\n<questestinterop xmlns="http://www.imsglobal.org/xsd/'
       'ims_qtiasiv1p2"><assessment/></questestinterop>')
NATIVE = "# a set\nformat: certprep-native/1\nset:\n  id: a\n  title: A\nquestions: []\n"
AIKEN = "What is 2 + 2?\nA. 3\nB) 4\nC. 5\nANSWER: B\n"
GIFT = "::Q1:: 2 + 2 = ? {=4 ~3 ~5}\n"


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        (MOODLE, None, "moodle-xml"),
        (MOODLE, "quiz.qti", "moodle-xml"),
        ("\ufeff  " + MOODLE, None, "moodle-xml"),
        ('<moodle:quiz xmlns:moodle="x"/>', None, "moodle-xml"),
        (QTI, None, "qti"),
        (QTI, "export.xml", "qti"),
        ('<item ident="x"/>', None, "qti"),
        ("<!-- <quiz> --><objectbank/>", None, "qti"),
        ("<assessmentItem/>", None, "qti"),
        ("<manifest/>", None, "moodle-xml"),
        ("<manifest/>", "package.qti", "qti"),
        (NATIVE, None, "native"),
        (NATIVE, "bank.txt", "native"),
        ('{"format": "certprep-native/1", "set": {}}', None, "native"),
        ("format: 'certprep-native/1'\n", None, "native"),
        ("title: no format key\n", "set.yaml", "native"),
        (csv_format.TEMPLATE, None, "csv"),
        (csv_format.TEMPLATE.replace(",", ";"), None, "csv"),
        ("ID,Type,Stem,Correct,Extra\n", None, "csv"),
        ("a,b,c\n1,2,3\n", "x.csv", "csv"),
        (AIKEN, None, "aiken"),
        (AIKEN, "questions.txt", "aiken"),
        (GIFT, None, "gift"),
        (GIFT, "q.txt", "gift"),
        (AIKEN + "\n" + GIFT, None, "gift"),
        (AIKEN + "\n" + GIFT, "x.aiken", "aiken"),
        ("", None, "gift"),
        ("", "empty.aiken", "aiken"),
        ("", "empty.csv", "csv"),
        ("", "empty.yml", "native"),
        ("plain words\n", "notes.gift", "gift"),
    ],
)
def test_detect(text: str, filename: str | None, expected: str) -> None:
    assert formats.detect(text, filename) == expected


def test_format_names() -> None:
    assert formats.FORMATS == ("native", "gift", "aiken", "moodle-xml", "qti", "csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [(MOODLE, "moodle-xml"), (QTI, "qti"), (NATIVE, "native"), (csv_format.TEMPLATE, "csv")],
)
def test_parse_dispatches_on_detection(text: str, expected: str) -> None:
    assert formats.parse(text).format == expected


def test_parse_with_explicit_format() -> None:
    result = formats.parse(csv_format.TEMPLATE, format="csv")
    assert result.ok and len(result.questions) == 5
    assert formats.parse(csv_format.TEMPLATE, format="native").format == "native"


def test_parse_rejects_an_unknown_format_name() -> None:
    with pytest.raises(ValueError, match="unknown question format"):
        formats.parse("x", format="docx")


def needs(module: str):
    """Skip until a sibling format module exists."""
    missing = importlib.util.find_spec(f"certprep.bank.formats.{module}") is None
    return pytest.mark.skipif(missing, reason=f"certprep.bank.formats.{module} not written yet")


@needs("aiken")
def test_parse_dispatches_to_aiken() -> None:
    result = formats.parse(AIKEN)
    assert result.format == "aiken"
    assert [q.kind for q in result.questions] == ["single_choice"]


@needs("gift")
def test_parse_dispatches_to_gift() -> None:
    result = formats.parse(GIFT, filename="q.gift")
    assert result.format == "gift"
    assert [q.kind for q in result.questions] == ["single_choice"]


@FAST
@given(ANY_TEXT, st.sampled_from([None, "a.xml", "a.csv", "a.yaml", "a.txt", "a"]))
def test_detect_always_names_a_format(text: str, filename: str | None) -> None:
    assert formats.detect(text, filename) in formats.FORMATS


@FAST
@given(ANY_TEXT)
def test_parse_auto_never_raises(text: str) -> None:
    result = formats.parse(text)
    assert result.format in formats.FORMATS
    assert all(e.line >= 0 for e in result.errors)
