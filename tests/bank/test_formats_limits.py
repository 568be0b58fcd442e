"""Values longer than their database columns are parse errors, in every format that has them.

Before, a native set.id over 80 characters (or a title over 200, a subdomain over 120)
parsed, previewed, and failed only at confirm, with a 500 on PostgreSQL.
"""

from __future__ import annotations

import base64

import pytest

from certprep.bank import formats
from certprep.bank.formats.records import LIMITS
from certprep.bank.models import Media, Question, QuestionSet, QuestionVersion

COLUMNS = {
    "set_id": QuestionSet.slug,
    "set_title": QuestionSet.title,
    "external_id": Question.external_id,
    "domain": QuestionVersion.domain,
    "subdomain": QuestionVersion.subdomain,
    "difficulty": QuestionVersion.difficulty,
    "file_name": Media.name,
}


def test_the_limits_are_the_column_lengths() -> None:
    assert {key: LIMITS[key] for key in COLUMNS} == {
        key: column.type.length for key, column in COLUMNS.items()}
    assert set(LIMITS) - set(COLUMNS) == {"tag"}  # tags live in the version's JSON


def native(set_id: str = "s", title: str = "S", qid: str = "q-1", subdomain: str = "Tools",
           tag: str = "t") -> str:
    return (f"format: certprep-native/1\nset:\n  id: {set_id}\n  title: {title}\nquestions:\n"
            f"  - id: {qid}\n    type: true_false\n    subdomain: {subdomain}\n"
            f"    tags: [{tag}]\n    stem: S\n    answer: true\n")


def csv(qid: str = "q-1", subdomain: str = "", tags: str = "") -> str:
    return ("id,type,domain,subdomain,difficulty,tags,stem,option_a,option_b,option_c,option_d,"
            "option_e,option_f,correct,tolerance,unit,rationale,references\n"
            f"{qid},true_false,,{subdomain},,{tags},S,,,,,,,true,,,,\n")


def moodle(idnumber: str = "", tag: str = "t", file_name: str = "a.png") -> str:
    data = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    return ('<quiz>\n<question type="truefalse"><name><text>n</text></name><questiontext>'
            f'<text>S</text><file name="{file_name}" encoding="base64">{data}</file>'
            f"</questiontext><idnumber>{idnumber}</idnumber><tags><tag><text>{tag}</text></tag>"
            '</tags><answer fraction="100"><text>true</text></answer><answer fraction="0">'
            "<text>false</text></answer></question></quiz>")


def qti(ident: str) -> str:
    return (f'<questestinterop>\n<item ident="{ident}"><presentation><material><mattext>S'
            '</mattext></material><response_lid ident="r"><render_choice><response_label '
            'ident="a"><material><mattext>A</mattext></material></response_label>'
            '<response_label ident="b"><material><mattext>B</mattext></material>'
            "</response_label></render_choice></response_lid></presentation><resprocessing>"
            '<respcondition><conditionvar><varequal respident="r">a</varequal></conditionvar>'
            "<setvar>1</setvar></respcondition></resprocessing></item></questestinterop>")


def gift(comment: str) -> str:
    return f"// {comment}\nQ {{T}}\n"


LONG = {key: "x" * (limit + 1) for key, limit in LIMITS.items()}
CASES = [
    ("native", native(set_id=LONG["set_id"]), 2, "set: id is 81 characters long; the limit is 80"),
    ("native", native(title=LONG["set_title"]), 2, "title is 201 characters long; the limit "
                                                   "is 200"),
    ("native", native(qid=LONG["external_id"]), 6, "id is 121 characters long; the limit is 120"),
    ("native", native(subdomain=LONG["subdomain"]), 6, "subdomain is 121 characters long; the "
                                                       "limit is 120"),
    ("native", native(tag=LONG["tag"]), 6, "tag is 101 characters long; the limit is 100"),
    ("csv", csv(qid="x" * 121), 2, "id is 121 characters long; the limit is 120"),
    ("csv", csv(subdomain=LONG["subdomain"]), 2, "subdomain is 121 characters long"),
    ("csv", csv(tags=LONG["tag"]), 2, "tag is 101 characters long"),
    ("gift", gift(f"[id:{LONG['external_id']}]"), 2, "id is 121 characters long"),
    ("gift", gift(f"[tag:{LONG['tag']}]"), 2, "tag is 101 characters long"),
    ("moodle-xml", moodle(idnumber=LONG["external_id"]), 2, "id is 121 characters long"),
    ("moodle-xml", moodle(tag=LONG["tag"]), 2, "tag is 101 characters long"),
    ("moodle-xml", moodle(file_name=LONG["file_name"]), 2, "embedded file name is 201 "
                                                          "characters long; the limit is 200"),
    ("qti", qti(LONG["external_id"]), 2, "id is 121 characters long; the limit is 120"),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), CASES,
                         ids=[f"{c[0]}-{c[3].split(' is ')[0]}" for c in CASES])
def test_an_over_long_value_is_an_error_naming_field_line_and_limit(name, text, line, message):
    result = formats.parse(text, name)
    [error] = result.errors  # so nothing of the file is imported
    assert (error.line, message in error.message) == (line, True), error


@pytest.mark.parametrize("name", ["native", "csv", "gift", "moodle-xml", "qti"])
def test_values_at_the_limit_are_accepted(name) -> None:
    at = {key: "x" * limit for key, limit in LIMITS.items()}
    text = {
        "native": native(set_id=at["set_id"], title=at["set_title"], qid=at["external_id"],
                         subdomain=at["subdomain"], tag=at["tag"]),
        "csv": csv(qid=at["external_id"], subdomain=at["subdomain"], tags=at["tag"]),
        "gift": gift(f"[id:{at['external_id']}] [tag:{at['tag']}]"),
        "moodle-xml": moodle(idnumber=at["external_id"], tag=at["tag"],
                             file_name=at["file_name"]),
        "qti": qti(at["external_id"]),
    }[name]
    result = formats.parse(text, name)
    assert result.errors == [] and result.questions[0].importable
