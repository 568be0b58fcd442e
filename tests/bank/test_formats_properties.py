"""The property every format's parser must have, checked with hypothesis.

For any text at all, and for text built from the pieces its format is made of,
parse() returns a ParseResult and never raises; every error names a line (0 for
the whole file) and says something; and every question it would let the importer
store passes the one gradability rule, holds only storable text and fits the
database's columns. A result without errors always has something to import.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certprep.bank import formats
from certprep.bank.formats import csv_format, native
from certprep.bank.formats.records import KINDS, LIMITS, gradable_problems

PROPERTY = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
# Any code point, lone surrogates included: a str can hold them even if UTF-8 cannot.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=400)

_XML = ["<", ">", "/", "=", '"', "'", " ", "&", ";", "!", "?", "[", "]", "-", "\n", "\t",
        "<![CDATA[", "]]>", "<!DOCTYPE q SYSTEM 'q.dtd'>", "<!DOCTYPE q [", "&amp;", "&#0;"]
# The pieces each format is made of; joined at random they reach the parsers' corners.
PIECES = {
    "gift": ["{", "}", "~", "=", "#", "####", "::", ":", "\\", "\\n", "%", "%50%", "%-", "->",
             "..", "[html]", "[", "]", "//", "$CATEGORY:", "\n", "\n\n", " ", "\t", "T", "TRUE",
             "a", "0", "1.5", "*", "[id:x]", "[tag:y]", "_____", "\r", "\u00a0", "\ufdd0",
             "\0"],
    "aiken": ["A) ", "B.", "Z)", "a)", "ANSWER:", "ANSWER: A", "ANSWER: E", " ", "\n", "\r\n",
              "x", "é", "Question?", "\t", "\x0b", "\u00a0", "\0"],
    "moodle-xml": [*_XML, "<quiz>", "</quiz>", '<question type="multichoice">', "</question>",
                   '<question type="truefalse">', '<question type="essay">', "<name>",
                   "<text>", "</text>", '<answer fraction="100">', '<answer fraction="50">',
                   "</answer>", "<questiontext>", "<single>false</single>", "<file name='x'>"],
    "qti": [*_XML, "<questestinterop>", "<item ident='i'>", "</item>", "<presentation>",
            "<material><mattext>", "</mattext></material>", "<response_lid ident='r'>",
            "<response_label ident='a'>", "</response_label>", "<flow_mat>", "</flow_mat>",
            "<respcondition><conditionvar>", "<varequal respident='r'>a</varequal>",
            "<setvar action='Set'>", "SCORE.max", "100", "</setvar>", "<other/>",
            "<decvar varname='SCORE' maxvalue='10'/>", "<mat_formattedtext>"],
    "csv": [",".join(csv_format.HEADER) + "\n", ",", ";", '"', "\n", "single_choice",
            "multiple_response", "true_false", "numerical", "short_answer", "A", "A;B",
            "true", "1", "1,5", "-1", "x", "q-1", " ", "\0"],
    "native": [f"format: {native.FORMAT_TAG}\nset: {{id: s, title: S}}\nquestions:\n",
               "  - id: q\n", "    type: single_choice\n", "    type: numerical\n",
               "    stem: S\n", "    options: [{text: a, correct: true}, {text: b}]\n",
               "    answer: 1\n", "    answers: [{value: 1, fraction: 0.5}]\n", ":", "-",
               "[", "]", "{", "}", "&a", "*a", "'", '"', "\\0", "\n", " ", "#", "?", ","],
}
# Whole questions, gradable or not, so that whole files come up often.
PIECES["gift"] += ["Q? {~a ~b}\n\n", "Q? {=a ~b}\n\n", "Q? {=a =b ~c}\n\n", "Q? {}\n\n",
                   "Q? {~%50%a ~%50%b}\n\n", "Q? {#1:0}\n\n", "Q? {=a->1 =b->2}\n\n"]
PIECES["aiken"] += ["Q?\nA) a\nB) b\nANSWER: A\n", "Q?\nA)\nB) b\nANSWER: A\n"]
_ANSWERS = ['<answer fraction="100"><text>a</text></answer>',
            '<answer fraction="0"><text>b</text></answer>']
PIECES["moodle-xml"] += [
    f'<question type="multichoice"><name><text>n</text></name><questiontext><text>Q'
    f"</text></questiontext>{answers}</question>"
    for answers in ("".join(_ANSWERS), _ANSWERS[0] * 2, _ANSWERS[1] * 2,
                    "<single>false</single>" + _ANSWERS[0] * 2)]
PIECES["qti"] += [
    "<item ident='i'><presentation><material><mattext>Q</mattext></material>"
    "<response_lid ident='r'><render_choice><response_label ident='a'><flow_mat><material>"
    "<mattext>A</mattext></material></flow_mat></response_label><response_label ident='b'>"
    f"<material><mattext>{text}</mattext></material></response_label></render_choice>"
    "</response_lid></presentation><resprocessing><respcondition><conditionvar><varequal "
    f"respident='r'>a</varequal></conditionvar><setvar>{score}</setvar></respcondition>"
    "</resprocessing></item>" for text in ("B", "") for score in ("100", "SCORE.max", "0")]
PIECES["csv"] += [f"q-{n},single_choice,,,,,S,a,b,,,,,{correct},,,,\n"
                  for n, correct in enumerate(("A", "A;B", "C", ""))]
PIECES["native"] += ["  - {id: a, type: single_choice, stem: S, options: [{text: a, correct: "
                     "true}, {text: b, correct: true}]}\n",
                     "  - {id: b, type: true_false, stem: S, answer: true}\n"]
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


# The envelope of a file, so that pieces often land in a document the parser reads on.
ENVELOPES = {
    "gift": ("", ""), "aiken": ("", ""),
    "moodle-xml": ("<quiz>", "</quiz>"), "qti": ("<questestinterop>", "</questestinterop>"),
    "csv": (",".join(csv_format.HEADER) + "\n", ""),
    "native": (f"format: {native.FORMAT_TAG}\nset: {{id: s, title: S}}\nquestions:\n", ""),
}  # fmt: skip


def texts(name: str) -> st.SearchStrategy[str]:
    """Any text, or text made of the format's own pieces, bare or in its envelope."""
    head, tail = ENVELOPES[name]
    pieces = st.lists(st.sampled_from(PIECES[name]), max_size=50).map("".join)
    return st.one_of(ANY_TEXT, pieces, pieces.map(lambda text: head + text + tail))


def stored_texts(question) -> list[str]:
    """Every text of a question the importer would store."""
    values = [question.text, question.name, question.general_feedback, question.scenario,
              question.unit, question.external_id or "", question.category or "",
              question.subdomain or "", *question.tags, *question.references,
              *question.files]
    for choice in question.choices:
        values += [choice.text, choice.feedback]
    for pair in question.pairs:
        values += [pair.prompt, pair.answer]
    return values + [answer.feedback for answer in question.numeric]


def test_every_format_is_checked() -> None:
    assert set(PIECES) == set(formats.FORMATS)


@pytest.mark.parametrize("name", formats.FORMATS)
@PROPERTY
@given(data=st.data())
def test_parse_never_raises_and_keeps_the_rules(name: str, data) -> None:
    text = data.draw(texts(name), label="text")
    result = formats.parse(text, format=name)
    assert result.format == name
    assert all(isinstance(e.line, int) and e.line >= 0 and e.message for e in result.errors)
    assert all(q.line >= 1 and q.kind in KINDS for q in result.questions)
    importable = [q for q in result.questions if q.importable]
    if result.ok:
        assert importable, "a result without errors must have something to import"
    for question in importable:
        assert gradable_problems(question) == []
        assert not any(_UNSTORABLE.search(value) for value in stored_texts(question))
        assert len(question.external_id or "") <= LIMITS["external_id"]
        assert len(question.subdomain or "") <= LIMITS["subdomain"]
        assert all(len(tag) <= LIMITS["tag"] for tag in question.tags)
    if name in ("native", "csv"):  # certprep's own formats refuse, never skip
        assert all(q.importable for q in result.questions)
