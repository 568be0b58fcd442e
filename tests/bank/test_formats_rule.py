"""The one rule for a gradable question, and the finishing step every format goes through."""

from __future__ import annotations

import pytest

from certprep.bank import formats
from certprep.bank.formats.common import NOTHING_TO_IMPORT
from certprep.bank.formats.records import (
    Choice,
    MatchPair,
    NumericAnswer,
    ParsedQuestion,
    gradable_problems,
)


def choices(kind: str, *fractions: float, texts: str = "abcdef") -> ParsedQuestion:
    """A choice question with one option per fraction."""
    return ParsedQuestion(1, kind, "Stem?", choices=[Choice(t, f) for t, f in
                                                     zip(texts, fractions, strict=False)])


def true_false(true: float, false: float) -> ParsedQuestion:
    return ParsedQuestion(1, "true_false", "Stem?",
                          choices=[Choice("True", true), Choice("False", false)])


def numerical(*answers: NumericAnswer) -> ParsedQuestion:
    return ParsedQuestion(1, "numerical", "Stem?", numeric=list(answers))


def matching(*pairs: tuple[str, str]) -> ParsedQuestion:
    return ParsedQuestion(1, "matching", "Stem?", pairs=[MatchPair(p, a) for p, a in pairs])


def short(*answers: tuple[str, float]) -> ParsedQuestion:
    return ParsedQuestion(1, "short_answer", "Stem?", choices=[Choice(t, f) for t, f in answers])


@pytest.mark.parametrize(
    "question",
    [
        choices("single_choice", 1, 0, 0),
        choices("single_choice", 1, 0.5, -0.5),  # partial credit beside the one right answer
        choices("multiple_response", 0.5, 0.5, -1),
        choices("multiple_response", 1 / 3, 1 / 3, 1 / 3, 0),
        choices("multiple_response", 0.3333333, 0.3333333, 0.3333333, -1),  # GIFT's 33.33333%
        choices("multiple_response", 1, -0.5, -0.5),  # Moodle's "tricky" case: one right
        true_false(0, 1),
        numerical(NumericAnswer(4000, 0)),
        numerical(NumericAnswer(2, 0.5, 0.5), NumericAnswer(3, 0, 1), NumericAnswer(None, 0, 0)),
        short(("naloxone", 1), ("narcan", 0.5)),
        matching(("A", "1"), ("B", "2"), ("", "3")),
    ],
    ids=lambda q: q.kind,
)
def test_gradable_questions_have_no_problems(question: ParsedQuestion) -> None:
    assert gradable_problems(question) == []


@pytest.mark.parametrize(
    ("question", "problem"),
    [
        (choices("single_choice", 1, 1, 0), '2 options earn full credit ("a", "b")'),
        (choices("single_choice", 0.5, 0, 0), "no option earns full credit"),
        (choices("single_choice", 1), "give at least two options"),
        (choices("single_choice", 1, 0, texts=["a", " "]), "option 2 has no text"),
        (choices("single_choice", 1, 2), "option 2 earns 2 of the mark"),
        (choices("multiple_response", 0, 0, 0), "no option is correct"),
        (choices("multiple_response", 0.5, 0.5), "every option is correct"),
        (choices("multiple_response", 0.5, 0.3, 0), "adds up to 80%"),
        (choices("multiple_response", 1, 1, 0), "adds up to 200%"),
        (true_false(1, 1), "either True or False is correct, not both or neither"),
        (true_false(0, 0), "either True or False is correct, not both or neither"),
        (ParsedQuestion(1, "true_false", "S", choices=[Choice("Yes", 1), Choice("No", 0)]),
         "the two options True and False"),
        (numerical(), "give the answer: a number with full credit"),
        (numerical(NumericAnswer(None, 0, 1)), "give the answer: a number with full credit"),
        (numerical(NumericAnswer(3, 0, 0.5)), "give the answer: a number with full credit"),
        (numerical(NumericAnswer(3, -1)), "answer 1 needs a tolerance of zero or more"),
        (numerical(NumericAnswer(float("inf"), 0)), "answer 1 is not a finite number"),
        (short(("cat", 0.5)), "give at least one accepted answer full credit"),
        (short(("", 1), ("dog", 1)), "answer 1 has no text"),
        (matching(("A", "1")), "give at least two prompts"),
        (matching(("A", "1"), ("", "2")), "give at least two prompts"),
        (matching(("A", "1"), ("B", "")), "pair 2 has no answer"),
        (ParsedQuestion(1, "single_choice", " ", choices=[Choice("a", 1), Choice("b", 0)]),
         "write the question text"),
    ],
)
def test_each_problem_says_what_to_change(question: ParsedQuestion, problem: str) -> None:
    assert any(problem in found for found in gradable_problems(question)), \
        gradable_problems(question)


@pytest.mark.parametrize("kind", ["essay", "description", "cloze", "other"])
def test_kinds_certprep_does_not_grade_are_not_checked(kind: str) -> None:
    assert gradable_problems(ParsedQuestion(1, kind, "")) == []


# --------------------------------------------------------------------------- the cases

@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        # Moodle reads {~a ~b} as multiple response with no correct option ...
        ("Q? {~a ~b}", "multiple_response", "no option is correct"),
        # ... and {=a =b ~c} as single choice with two correct options.
        ("Q? {=a =b ~c}", "single_choice", '2 options earn full credit ("a", "b")'),
    ],
)
def test_gift_questions_moodle_imports_but_nobody_could_grade(text, kind, reason) -> None:
    result = formats.parse(f"Good? {{=yes ~no}}\n\n{text}\n", "gift")
    assert result.errors == []
    good, bad = result.questions
    assert good.importable and (bad.kind, bad.importable) == (kind, False)
    assert bad.skip_reason.startswith(f"The {kind.replace('_', '-')} question on line 3 "
                                      "cannot be graded: ")
    assert reason in bad.skip_reason


# --------------------------------------------------------------------------- finishing step

ONE_OF_EACH = {
    "gift": "Q{0}? {{=yes ~no}}\n",
    "aiken": "Q{0}?\nA) yes\nB) no\nANSWER: A\n",
    "moodle-xml": '<quiz><question type="multichoice"><name><text>n</text></name>'
                  "<questiontext><text>Q{0}?</text></questiontext>"
                  '<answer fraction="100"><text>yes</text></answer>'
                  '<answer fraction="0"><text>no</text></answer></question></quiz>',
    "qti": '<questestinterop><item ident="i1"><presentation><material><mattext>Q{0}?'
           '</mattext></material><response_lid ident="r"><render_choice>'
           '<response_label ident="a"><material><mattext>yes</mattext></material>'
           '</response_label><response_label ident="b"><material><mattext>no</mattext>'
           "</material></response_label></render_choice></response_lid></presentation>"
           '<resprocessing><respcondition><conditionvar><varequal respident="r">a</varequal>'
           '</conditionvar><setvar action="Set">100</setvar></respcondition></resprocessing>'
           "</item></questestinterop>",
    "csv": "id,type,domain,subdomain,difficulty,tags,stem,option_a,option_b,option_c,option_d,"
           "option_e,option_f,correct,tolerance,unit,rationale,references\n"
           "q-1,single_choice,,,,,Q{0}?,yes,no,,,,,A,,,,\n",
    "native": "format: certprep-native/1\nset: {{id: s, title: S}}\nquestions:\n"
              "  - id: q-1\n    type: single_choice\n    stem: \"Q{0}?\"\n"
              "    options: [{{text: 'yes', correct: true}}, {{text: 'no'}}]\n",
}
QUESTION_LINE = {"gift": 1, "aiken": 1, "moodle-xml": 1, "qti": 1, "csv": 2, "native": 4}


@pytest.mark.parametrize("name", formats.FORMATS)
def test_a_well_formed_question_imports_in_every_format(name: str) -> None:
    result = formats.parse(ONE_OF_EACH[name].format(""), name)
    assert result.errors == []
    [question] = result.questions
    assert question.importable and question.text == "Q?"


# The escape each format has for a NUL (or another control character) in text, if any.
CONTROL = {"gift": "\0", "aiken": "\0", "csv": "\0", "native": "\\0", "moodle-xml": None,
           "qti": None}


@pytest.mark.parametrize("name", [n for n in formats.FORMATS if CONTROL[n]])
@pytest.mark.parametrize("character", ["\0", "\x07", "\x1b"])
def test_control_characters_in_text_are_refused_with_the_line(name, character) -> None:
    escape = {"\0": CONTROL[name], "\x07": "\\a" if name == "native" else "\x07",
              "\x1b": "\\e" if name == "native" else "\x1b"}[character]
    result = formats.parse(ONE_OF_EACH[name].format(escape), name)
    assert result.questions == []
    [error] = result.errors
    assert error.line == QUESTION_LINE[name]
    assert f"U+{ord(character):04X}" in error.message
    assert "cannot be stored; delete it" in error.message


@pytest.mark.parametrize("name", ["moodle-xml", "qti"])
def test_xml_cannot_carry_a_nul_at_all(name: str) -> None:
    for text in (ONE_OF_EACH[name].format("\0"), ONE_OF_EACH[name].format("&#0;")):
        result = formats.parse(text, name)
        assert result.questions == [] and "not well-formed" in result.errors[0].message


@pytest.mark.parametrize("name", formats.FORMATS)
@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff"])
def test_an_empty_file_is_refused_in_every_format(name: str, text: str) -> None:
    result = formats.parse(text, name)
    assert result.questions == []
    assert result.errors, f"{name} accepted an empty file"
    assert not result.ok


ONLY_UNGRADABLE = {
    "gift": "Describe pain. {}\n\nThis is information only.\n",
    "moodle-xml": '<quiz><question type="ddwtos"><name><text>n</text></name>'
                  "<questiontext><text>Drag</text></questiontext></question>"
                  '<question type="essay"><name><text>e</text></name>'
                  "<questiontext><text>Describe</text></questiontext></question></quiz>",
    "qti": '<questestinterop><item ident="e"><itemmetadata><qtimetadata><qtimetadatafield>'
           "<fieldlabel>question_type</fieldlabel><fieldentry>essay_question</fieldentry>"
           "</qtimetadatafield></qtimetadata></itemmetadata><presentation><material>"
           "<mattext>Describe</mattext></material></presentation></item></questestinterop>",
}


@pytest.mark.parametrize("name", list(ONLY_UNGRADABLE))
def test_a_file_with_only_questions_certprep_cannot_grade_is_refused(name: str) -> None:
    result = formats.parse(ONLY_UNGRADABLE[name], name)
    assert result.questions and not any(q.importable for q in result.questions)
    [error] = result.errors
    assert error.message.startswith(f"{NOTHING_TO_IMPORT}: line ")
    for question in result.questions:  # every skip reason is listed, with its line
        assert f"line {question.line} (" in error.message
        assert question.skip_reason.rstrip(".") in error.message


def test_the_refusal_lists_ten_reasons_and_counts_the_rest() -> None:
    result = formats.parse("\n\n".join(f"Essay {n}. {{}}" for n in range(25)), "gift")
    [error] = result.errors
    assert error.message.count("(essay)") == 10
    assert error.message.endswith("and 15 more, listed as skipped.")
