"""Aiken reader: Moodle 4.5 behaviour, its exact error messages, and robustness."""

from __future__ import annotations

import pytest

from certprep.bank.formats import aiken
from certprep.bank.formats.records import Choice
from tests.bank.linearity import assert_linear

GOOD = """What is the chemical symbol for sodium?
A. So
B) Na
C. S
ANSWER: B
"""


def test_basic_question():
    result = aiken.parse(GOOD)
    assert result.format == "aiken" and result.errors == []
    (question,) = result.questions
    assert (question.kind, question.line, question.text) == (
        "single_choice",
        1,
        "What is the chemical symbol for sodium?",
    )
    assert question.text_format == "plain" and question.importable
    assert question.choices == [Choice("So", 0.0), Choice("Na", 1.0), Choice("S", 0.0)]
    assert question.name == "What is the chemical symbol for sodium?"


@pytest.mark.parametrize(
    ("text", "options", "correct"),
    [
        ("Q?\nA)No space\nB)Right\nANSWER: B", ["No space", "Right"], 1),
        ("Q?\nA.\tTab\nB. x\nANSWER:A", ["Tab", "x"], 0),  # no space after ANSWER:
        ("Q?\nA)  .\nB)  .\nANSWER:   B", [".", "."], 1),
        ("Q?\nC) first\nA) second\nANSWER: A", ["first", "second"], 0),  # index, not label
        ("  Q?  \n\tA) a \n  B) b\n ANSWER: B \n", ["a", "b"], 1),  # lines are trimmed
        ("Q?\n\n\nA) a\n\nB) b\n\nANSWER: A", ["a", "b"], 0),  # blank lines anywhere
        ("Q?\nA) a\nx\nB) b\nANSWER: A", None, None),  # 'x' is under 2 bytes: ignored
        ("Q?\nA) <b>&</b>\nB) b\nANSWER: A", ["<b>&</b>", "b"], 0),  # plain text, unescaped
        ("Q?\nA) a\nB) b\nANSWER: BOTH", ["a", "b"], 1),  # only the first letter counts
    ],
)
def test_option_and_answer_syntax(text, options, correct):
    result = aiken.parse(text)
    assert result.errors == []
    (question,) = result.questions
    if options is not None:
        assert [c.text for c in question.choices] == options
        assert [c.fraction for c in question.choices].index(1.0) == correct


def test_single_non_ascii_character_line_is_not_skipped():
    # PHP's strlen counts bytes, so "é" (2 bytes) is a question line.
    result = aiken.parse("é\nA) a\nB) b\nANSWER: A")
    assert [q.text for q in result.questions] == ["é"]


def test_one_byte_question_line_is_skipped():
    result = aiken.parse("Q\nA) a\nB) b\nANSWER: A")
    assert result.questions == []
    assert result.errors[0].message == "Question not started on line 2"


def test_lowercase_label_starts_a_new_question():
    result = aiken.parse("Q?\na) lower\nA) a\nB) b\nANSWER: A")
    assert [q.text for q in result.questions] == ["a) lower"]
    assert result.errors[0].message == (
        "Question not completed before next question start on line 2 (Q?)"
    )


def test_question_text_starting_like_an_option_is_misread():
    # The pitfall Moodle has: "I) Which..." is an option line.
    result = aiken.parse("I) Which is right?\nA) a\nB) b\nANSWER: A")
    assert result.questions == []
    assert result.errors[0].message == "Question not started on line 1"


AIKEN_ERRORS = """A question with too few answers
A) Only answer
ANSWER: A

A) Question not started

ANSWER: Question not started

A good question
A) Correct
B) Incorrect
ANSWER: A

A question started but not finished
A) Correct-ish
B) Incorrect-ish

A second good question
A)Incorrect (No space)
B)Correct (No space)
ANSWER: B"""


def test_moodle_error_fixture():
    result = aiken.parse(AIKEN_ERRORS)
    assert [e.message for e in result.errors] == [
        "Question must have at least 2 answers on line 3 (A question with too few answers)",
        "Question not started on line 5",
        "Question not started on line 7",
        "Question not completed before next question start on line 18 "
        "(A question started but not finished)",
    ]
    assert [e.line for e in result.errors] == [3, 5, 7, 18]
    assert [q.text for q in result.questions] == ["A good question", "A second good question"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Q?\nA) a\nB) b\nC) c\nD) d\nANSWER: E", 6,
         "ANSWER: E on line 6 names no option; the options are A-D"),
        ("Q?\nA) a\nB) b\nANSWER: b", 4,
         "ANSWER: b on line 4 names no option; the options are A-B"),
        ("Q?\nA) a\nB) b\nANSWER: ", 4, "ANSWER: on line 4 names no option; the options are A-B"),
        ("Q?\nA) a\nB) b\nANSWER: é", 4,
         "ANSWER: é on line 4 names no option; the options are A-B"),
        ("Q?\nA) a\nANSWER: A", 3, "Question must have at least 2 answers on line 3 (Q?)"),
        ("Q?\nANSWER: A", 2, "Question must have at least 2 answers on line 2 (Q?)"),
        ("ANSWER: A", 1, "Question not started on line 1"),
        ("\n\nB) b", 3, "Question not started on line 3"),
        ("Q1\nQ2\nA) a\nB) b\nANSWER: A", 2,
         "Question not completed before next question start on line 2 (Q1)"),
        ("Q?\nA) a\nB) b", 1,
         "Question not completed before the end of the file on line 1 (Q?); "
         "add its options and an ANSWER: line"),
    ],
)  # fmt: skip
def test_errors(text, line, message):
    result = aiken.parse(text)
    assert [(e.line, e.message) for e in result.errors] == [(line, message)]


def test_bad_question_does_not_stop_the_next():
    result = aiken.parse("Q1\nA) a\nB) b\nANSWER: Z\n\nQ2\nA) a\nB) b\nANSWER: A")
    assert [q.text for q in result.questions] == ["Q2"]
    assert [q.line for q in result.questions] == [6]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings(newline):
    result = aiken.parse(newline.join(["Q?", "A) a", "B) b", "ANSWER: Q"]))
    assert result.errors[0].line == 4


def test_long_text_gets_shortened_name():
    text = "word " * 40
    (question,) = aiken.parse(f"{text}\nA) a\nB) b\nANSWER: A").questions
    assert question.text == text.strip() and question.name.endswith("...")
    assert len(question.name) <= 83


def many_questions(n: int) -> str:
    return "\n".join(f"Question {i}?\nA) x\nB) y\nANSWER: B\n" for i in range(n))


def test_ten_thousand_questions_parse_linearly():
    assert len(aiken.parse(many_questions(10_000)).questions) == 10_000
    assert_linear(aiken.parse, many_questions, n=2_500)
