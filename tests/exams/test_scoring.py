"""Grading every gradable kind, as a nurse and a reviewer would check it."""

import pytest

from certprep.bank.formats import native
from certprep.exams.scoring import GRADABLE_KINDS, Response, grade, parse_number

HEADER = """format: certprep-native/1
set: {id: s, title: S}
questions:
"""
COMMON = """    domain: interventions
    subdomain: Opioid pharmacology
    difficulty: medium
    rationale: Because.
    references: [Label 2024]
"""


def question(body: str):
    result = native.parse(HEADER + body + COMMON)
    assert result.errors == [], result.errors
    return result.questions[0]


SINGLE = question("""  - id: q
    type: single_choice
    stem: Which?
    options:
      - {text: Naloxone, feedback: Wrong.}
      - {text: Morphine, correct: true, feedback: Right.}
      - {text: Fentanyl, feedback: Wrong too.}
""")
MULTIPLE = question("""  - id: q
    type: multiple_response
    stem: Which two?
    options:
      - {text: A, correct: true, feedback: a}
      - {text: B, correct: true, feedback: b}
      - {text: C, feedback: c}
      - {text: D, feedback: d}
""")
TRUE_FALSE = question("""  - id: q
    type: true_false
    stem: Is it?
    answer: false
    feedback_false: Yes, false.
""")
NUMERICAL = question("""  - id: q
    type: numerical
    stem: How many mg?
    answer: 1.67
    tolerance: 0.01
    unit: mL/h
""")
SHORT = question("""  - id: q
    type: short_answer
    stem: Name the scale.
    answers:
      - {text: PAINAD, feedback: Right.}
      - {text: "Pain Assessment in Advanced Dementia*"}
      - {text: FLACC, fraction: 0, feedback: That scale is for children.}
""")
MATCHING = question("""  - id: q
    type: matching
    stem: Match.
    pairs:
      - {prompt: POSS 3, answer: Stop the opioid and stimulate}
      - {prompt: POSS 2, answer: Acceptable}
    distractors: [Give more]
""")


def test_every_bank_kind_has_a_grader():
    assert set(GRADABLE_KINDS) == {"single_choice", "multiple_response", "true_false",
                                   "numerical", "short_answer", "matching"}


@pytest.mark.parametrize(("q", "response", "correct"), [
    (SINGLE, Response(choices=frozenset({1})), True),
    (SINGLE, Response(choices=frozenset({0})), False),
    (SINGLE, Response(choices=frozenset({0, 1})), False),  # a forged double pick
    (TRUE_FALSE, Response(choices=frozenset({1})), True),
    (TRUE_FALSE, Response(choices=frozenset({0})), False),
    (MULTIPLE, Response(choices=frozenset({0, 1})), True),
    (MULTIPLE, Response(choices=frozenset({0})), False),
    (MULTIPLE, Response(choices=frozenset({0, 1, 2})), False),
    (NUMERICAL, Response(text="1.67"), True),
    (NUMERICAL, Response(text="1,66"), True),
    (NUMERICAL, Response(text=" 1.68 "), True),
    (NUMERICAL, Response(text="1.65"), False),
    (NUMERICAL, Response(text="about two"), False),
    (SHORT, Response(text="painad"), True),
    (SHORT, Response(text="Pain Assessment in  Advanced Dementia scale"), True),
    (SHORT, Response(text="FLACC"), False),
    (SHORT, Response(text="CPOT"), False),
    (MATCHING, Response(matches=((0, "Stop the opioid and stimulate"), (1, "Acceptable"))),
     True),
    (MATCHING, Response(matches=((0, "Give more"), (1, "Acceptable"))), False),
])
def test_right_and_wrong(q, response, correct):
    result = grade(q, response)
    assert result.answered and result.correct is correct


def test_a_response_naming_no_existing_option_counts_as_omitted():
    result = grade(SINGLE, Response(choices=frozenset({9})))
    assert not result.answered and not result.correct


def test_nothing_chosen_is_omitted_not_wrong_only():
    for q in (SINGLE, MULTIPLE, TRUE_FALSE, NUMERICAL, SHORT, MATCHING):
        result = grade(q, Response())
        assert not result.answered and not result.correct


def test_multiple_response_is_all_or_nothing_but_review_counts_right_options():
    result = grade(MULTIPLE, Response(choices=frozenset({0, 2})))
    assert not result.correct and (result.right_parts, result.parts) == (2, 4)
    assert result.feedback == ("a", "c")


def test_matching_review_counts_right_pairs():
    result = grade(MATCHING, Response(matches=((0, "Stop the opioid and stimulate"),)))
    assert not result.correct and (result.right_parts, result.parts) == (1, 2)


def test_the_chosen_options_feedback_comes_back_for_review():
    assert grade(SINGLE, Response(choices=frozenset({2}))).feedback == ("Wrong too.",)
    assert grade(SHORT, Response(text="flacc")).feedback == ("That scale is for children.",)


@pytest.mark.parametrize(("typed", "value"), [
    ("120", 120.0), ("1.5", 1.5), ("1,5", 1.5), ("1,200", 1200.0), ("-2", -2.0),
    (".5", 0.5), ("1e3", 1000.0), ("", None), ("12 mg", None), ("inf", None), ("1.2.3", None),
])
def test_numbers_as_nurses_type_them(typed, value):
    assert parse_number(typed) == value
