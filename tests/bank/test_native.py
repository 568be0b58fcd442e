"""certprep-native/1: the README example, validation with lines, safety, round trips."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certprep.bank.formats import native
from certprep.bank.formats.records import Choice, MatchPair, NumericAnswer, ParsedQuestion
from tests.bank.linearity import assert_linear

FAST = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
README = Path(__file__).resolve().parents[2] / "question_bank" / "README.md"

HEAD = """format: certprep-native/1
set:
  id: demo
  title: Demo set
cases:
  knee:
    scenario: |
      Day one after a knee replacement.
questions:
"""
COMMON = """    domain: assessment
    subdomain: Assessment tools
    difficulty: easy
    stem: What?
    rationale: Because.
    references: [Ref 2024]
"""


def doc(*questions: str) -> str:
    """A native document with the given question blocks (already indented)."""
    return HEAD + "".join(questions)


def q(qid: str, qtype: str, body: str, common: str = COMMON) -> str:
    """One question block: id, type, common keys and the type's keys."""
    return f"  - id: {qid}\n    type: {qtype}\n{common}{body}"


OPTIONS = """    options:
      - text: A
        correct: true
        feedback: Yes
      - text: B
      - text: C
"""


def only(text: str) -> ParsedQuestion:
    """Parse and return the single question, failing on errors."""
    result = native.parse(text)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def test_readme_example_parses() -> None:
    if not README.exists():
        pytest.skip(f"{README} is not present")
    example = re.search(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    result = native.parse(example.group(1))
    assert result.errors == []
    first, second = result.questions
    assert (first.kind, first.case_id, first.domain, first.difficulty) == (
        "single_choice", "knee-day1", "assessment", "medium")
    assert first.scenario.startswith("An adult is on the first day")
    assert [c.fraction for c in first.choices] == [1.0, 0.0, 0.0, 0.0]
    assert first.tags == ["sedation", "opioids"] and first.references
    assert (second.numeric, second.unit) == ([NumericAnswer(4000.0, 0.0)], "mg")
    assert result.categories == ["example"] and first.category == "example"
    assert result.set_info == {"id": "example", "title": "Example set", "description": ""}


@pytest.mark.parametrize(
    ("qtype", "body", "check"),
    [
        ("single_choice", OPTIONS, lambda x: [c.fraction for c in x.choices] == [1.0, 0.0, 0.0]
         and x.choices[0].feedback == "Yes"),
        ("multiple_response", OPTIONS.replace("- text: B", "- text: B\n        correct: true"),
         lambda x: [c.fraction for c in x.choices] == [0.5, 0.5, -0.5]),
        ("multiple_response",
         OPTIONS.replace("- text: B", "- text: B\n        correct: true").replace(
             "- text: C", "- text: C\n        correct: true") + "      - text: D\n",
         lambda x: [round(c.fraction, 6) for c in x.choices] == [0.333333] * 3 + [-0.333333]),
        ("true_false", "    answer: false\n    feedback_true: No\n    feedback_false: Yes\n",
         lambda x: [(c.text, c.fraction, c.feedback) for c in x.choices]
         == [("True", 0.0, "No"), ("False", 1.0, "Yes")]),
        ("numerical", "    answer: 2.5\n    tolerance: 0.5\n    unit: mL\n",
         lambda x: x.numeric == [NumericAnswer(2.5, 0.5)] and x.unit == "mL"),
        ("numerical", "    answers:\n      - {value: 10, fraction: 1}\n"
                      "      - {value: 12, tolerance: 1, fraction: 0.5, feedback: Close}\n"
                      "      - {value: '*', fraction: 0, feedback: No}\n",
         lambda x: x.numeric == [NumericAnswer(10.0), NumericAnswer(12.0, 1.0, 0.5, "Close"),
                                 NumericAnswer(None, 0.0, 0.0, "No")]),
        ("short_answer", "    case_sensitive: true\n    answers:\n      - text: naloxone\n"
                         "      - {text: narcan, fraction: 0.5, feedback: Brand}\n",
         lambda x: x.case_sensitive and [(c.text, c.fraction) for c in x.choices]
         == [("naloxone", 1.0), ("narcan", 0.5)]),
        ("matching", "    pairs:\n      - {prompt: A, answer: '1'}\n"
                     "      - {prompt: B, answer: '2'}\n    distractors: ['3']\n",
         lambda x: x.pairs == [MatchPair("A", "1"), MatchPair("B", "2"), MatchPair("", "3")]),
    ],
)
def test_types(qtype: str, body: str, check) -> None:
    x = only(doc(q("x-1", qtype, body)))
    assert x.kind == qtype and x.importable
    assert (x.text_format, x.general_feedback_format) == ("markdown", "markdown")
    assert (x.external_id, x.name, x.line) == ("x-1", "x-1", 10)
    assert check(x), x


@pytest.mark.parametrize(
    ("qtype", "options", "fractions"),
    [
        ("multiple_response", "[{text: a, correct: true}, {text: b}]", [1.0, -1.0]),
        ("multiple_response", "[{text: a, fraction: 0.5}, {text: b, fraction: 0.5}, "
                              "{text: c, fraction: -1}]", [0.5, 0.5, -1.0]),
        ("multiple_response", "[{text: a, correct: true}, {text: b, correct: true}, "
                              "{text: c, fraction: 0}]", [0.5, 0.5, 0.0]),
        ("single_choice", "[{text: a, correct: true}, {text: b, fraction: 0.5}, {text: c}]",
         [1.0, 0.5, 0.0]),
    ],
)
def test_options_may_carry_their_own_fraction(qtype: str, options: str, fractions) -> None:
    x = only(doc(q("x-1", qtype, f"    options: {options}\n")))
    assert [c.fraction for c in x.choices] == fractions


@pytest.mark.parametrize("fractions", [
    [0.5, -1.0, 0.5, 0.0],  # GIFT's ~%50%a ~%-100%b ~%50%c ~d
    [1.0, -0.5, -0.5],  # one right answer, penalties for the others
    [0.3333333, 0.3333333, 0.3333333, -1.0],  # Moodle's rounded thirds, kept exactly
    [0.25, 0.25, 0.25, 0.25, -0.1, -0.1, -0.1],  # Canvas's multiple_answer weights
])
def test_weights_from_other_formats_survive_a_native_round_trip(fractions) -> None:
    original = ParsedQuestion(0, "multiple_response", "Pick", "markdown", name="m-1",
                              external_id="m-1", general_feedback_format="markdown",
                              choices=[Choice(f"o{n}", f) for n, f in enumerate(fractions)])
    [again] = native.parse(native.dump([original], "s", "S")).questions
    assert [c.fraction for c in again.choices] == fractions


def test_case_resolves_to_scenario() -> None:
    x = only(doc(q("x-1", "single_choice", OPTIONS + "    case: knee\n")))
    assert (x.case_id, x.scenario) == ("knee", "Day one after a knee replacement.")


@pytest.mark.parametrize(
    ("block", "fragment"),
    [
        (q("x-2", "single_choice", OPTIONS + "    colour: red\n"), 'unknown key "colour"'),
        (q("x-2", "true_false", "    answer: true\n    options: []\n"), 'unknown key "options"'),
        (q("x-2", "essay", ""), "type must be one of"),
        (q("x-2", "single_choice", OPTIONS, common=COMMON.replace("    stem: What?\n", "")),
         "missing required key stem"),
        (q("12", "single_choice", OPTIONS), "id must be text, not 12 (put it in quotes)"),
        (q("''", "single_choice", OPTIONS), "id is empty"),
        (q("x-2", "single_choice", OPTIONS, common=COMMON.replace("assessment", "pharmacy")),
         "domain must be one of"),
        (q("x-2", "single_choice", OPTIONS, common=COMMON.replace("easy", "simple")),
         "difficulty must be one of"),
        (q("x-2", "single_choice", OPTIONS, common=COMMON.replace("[Ref 2024]", "[1]")),
         "references must be a list of texts"),
        (q("x-2", "single_choice", OPTIONS, common=COMMON.replace("What?", "''")),
         "stem is empty"),
        (q("x-2", "single_choice", OPTIONS, common=COMMON.replace("What?", "12")),
         "stem must be text, not 12 (put it in quotes)"),
        (q("x-2", "single_choice",
           OPTIONS.replace("- text: B", "- text: B\n        correct: true")),
         '2 options earn full credit ("A", "B"); mark exactly one as correct'),
        (q("x-2", "single_choice", OPTIONS.replace("        correct: true\n", "")),
         "no option earns full credit"),
        (q("x-2", "multiple_response", OPTIONS.replace("correct: true", "fraction: 0.5")),
         "adds up to 50%"),
        (q("x-2", "single_choice", OPTIONS.replace("correct: true",
                                                   "correct: true\n        fraction: 1")),
         "option 1: give correct or fraction, not both"),
        (q("x-2", "single_choice", OPTIONS.replace("correct: true", "fraction: 2")),
         "option 1 fraction must be between -1 and 1"),
        (q("x-2", "single_choice", "    options:\n      - text: A\n        correct: true\n"),
         "options needs at least 2"),
        (q("x-2", "single_choice", OPTIONS.replace("correct: true", "correct: 'yes'")),
         "option 1: correct must be true or false"),
        (q("x-2", "single_choice", OPTIONS.replace("- text: C", "- feedback: C")),
         "option 3 has no text"),
        (q("x-2", "single_choice", OPTIONS.replace("text: B", "text: 1.5")),
         "text must be text, not 1.5"),
        (q("x-2", "true_false", "    answer: 'true'\n"), "answer must be true or false"),
        (q("x-2", "numerical", "    unit: mg\n"), "give either answer or answers"),
        (q("x-2", "numerical", "    answer: lots\n"), "answer must be a number"),
        (q("x-2", "numerical", "    answer: .inf\n"), "must be a finite number"),
        (q("x-2", "numerical", f"    answer: {'9' * 4000}\n"), "(found a very large number)"),
        (q("x-2", "numerical", "    answer: 1\n    tolerance: -1\n"), "must not be negative"),
        (q("x-2", "numerical", "    answers: [{value: 1, fraction: 0.5}]\n"),
         "give the answer: a number with full credit"),
        (q("x-2", "short_answer", "    answers: [{text: a, fraction: 0.5}]\n"),
         "give at least one accepted answer full credit"),
        (q("x-2", "numerical", "    answers: [{value: 1, fraction: 2}]\n"),
         "between -1 and 1"),
        (q("x-2", "numerical", "    answers: [{value: 1}]\n    tolerance: 1\n"),
         "put tolerance inside each answer"),
        (q("x-2", "short_answer", "    answers: [naloxone]\n"), "list of mappings"),
        (q("x-2", "short_answer", "    answers: [{text: a, weight: 1}]\n"), 'unknown key "weight"'),
        (q("x-2", "matching", "    pairs: [{prompt: A, answer: '1'}]\n"), "at least 2"),
        (q("x-2", "matching", "    pairs: [{prompt: A, answer: '1'}, {prompt: B}]\n"),
         "pair 2 answer is missing"),
        (q("x-2", "single_choice", OPTIONS + "    case: hip\n"), 'case "hip" is not defined'),
        (q("x-1", "single_choice", OPTIONS), "already used on line 10"),
        ("  - just text\n", "each question must be a mapping"),
    ],
)
def test_question_errors_name_the_question_line(block: str, fragment: str) -> None:
    result = native.parse(doc(q("x-1", "single_choice", OPTIONS), block))
    assert len(result.questions) == 1
    [error] = result.errors
    assert error.line == 10 + COMMON.count("\n") + OPTIONS.count("\n") + 2
    assert fragment in error.message


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "must be a YAML mapping"),
        ("- a\n- b\n", 1, "must be a YAML mapping"),
        ("format: certprep-native/2\nset: {id: a, title: t}\nquestions: []\n", 1,
         "format: certprep-native/1"),
        ("format: certprep-native/1\nset: {id: a}\nquestions: []\n", 2, "set: title is missing"),
        ("format: certprep-native/1\nset: {id: A B, title: t}\nquestions: []\n", 2, "set: id"),
        ("format: certprep-native/1\nset: {id: a, title: t, owner: x}\nquestions: []\n", 2,
         'unknown key "owner"'),
        ("format: certprep-native/1\nset: {id: a, title: t}\nquestions: []\n", 3,
         "at least one question"),
        ("format: certprep-native/1\nset: {id: a, title: t}\nbank: x\nquestions: []\n", 3,
         'Unknown top-level key "bank"'),
        ("format: certprep-native/1\nset: {id: a, title: t}\ncases: {k: {text: x}}\n", 3,
         'unknown key "text" in case k'),
        ("format: certprep-native/1\nset:\n  id: a\n  title: [t\n", 5, "YAML error on line 5"),
        ("a: 1\nb: " + "9" * 5000 + "\n", 2, "too many digits"),
        ("a: 1\n---\nb: 2\n", 2, "single document"),
        ("a: &x [1, 2]\nb: *x\n", 2, "aliases"),
        ("format: certprep-native/1\nformat: certprep-native/1\nset: {id: a, title: t}\n"
         "questions: []\n", 2, 'key "format" appears twice'),
        ("a: 1\n\x07\n", 2, "not valid YAML"),
    ],
)
def test_file_level_errors(text: str, line: int, fragment: str) -> None:
    result = native.parse(text)
    assert result.questions == []
    matching = [e for e in result.errors if fragment in e.message]
    assert matching, result.errors
    assert matching[0].line == line


def test_billion_laughs_is_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(8))
    result = native.parse(bomb)
    assert result.questions == []
    assert "aliases" in result.errors[0].message


def test_huge_values_are_never_repeated_into_messages() -> None:
    text = doc(q("x-1", "single_choice", OPTIONS, common=COMMON.replace(
        "What?", "[" + ", ".join(["x"] * 10000) + "]")))
    [error] = native.parse(text).errors
    assert len(error.message) < 300


# --------------------------------------------------------------------------- dump


def sample_questions() -> list[ParsedQuestion]:
    """One question of every type, as the native parser would return them."""
    common = dict(text_format="markdown", general_feedback="Because.\nTwo lines.",
                  general_feedback_format="markdown", domain="interventions",
                  subdomain="Opioid pharmacology", difficulty="hard", references=["R1", "R2"],
                  category="demo")
    return [
        ParsedQuestion(0, "single_choice", "Which?\n\n| a | b |\n|---|---|", name="s-1",
                       external_id="s-1", tags=["x"], scenario="Shared case.", case_id="c1",
                       last_reviewed="2026-01-15", review_by="2027-01-15",
                       choices=[Choice("A", 1.0, "Yes: because"), Choice("B", 0.0, "")],
                       **common),
        ParsedQuestion(0, "multiple_response", "Pick", name="m-1", external_id="m-1",
                       scenario="Shared case.", case_id="c1",
                       choices=[Choice("a", 1 / 3), Choice("b", 1 / 3), Choice("c", 1 / 3),
                                Choice("d", -1 / 3, "no")], **common),
        ParsedQuestion(0, "true_false", "True?", name="t-1", external_id="t-1",
                       choices=[Choice("True", 0.0, "Wrong"), Choice("False", 1.0, "")],
                       **common),
        ParsedQuestion(0, "numerical", "Dose?", name="n-1", external_id="n-1", unit="mg",
                       numeric=[NumericAnswer(4000.0, 0.0, 1.0)], **common),
        ParsedQuestion(0, "numerical", "Range?", name="n-2", external_id="n-2",
                       numeric=[NumericAnswer(1.5, 0.25, 1.0, "ok"),
                                NumericAnswer(None, 0.0, 0.0, "no")], **common),
        ParsedQuestion(0, "short_answer", "Name?", name="a-1", external_id="a-1",
                       case_sensitive=True, scenario="Another case.", case_id="c2",
                       choices=[Choice("naloxone", 1.0), Choice("nalox*", 0.5, "spell")],
                       **common),
        ParsedQuestion(0, "matching", "Match", name="p-1", external_id="p-1",
                       pairs=[MatchPair("A", "1"), MatchPair("B", "2"), MatchPair("", "3")],
                       **common),
    ]


def comparable(x: ParsedQuestion) -> dict:
    """A question as a dict without its line."""
    return dataclasses.asdict(dataclasses.replace(x, line=0))


def test_round_trip_every_type_with_cases_regrouped() -> None:
    original = sample_questions()
    text = native.dump(original, "demo", "Demo", "A description.")
    document = yaml.safe_load(text)
    first = document["questions"][0]
    assert (str(first["last_reviewed"]), str(first["review_by"])) == ("2026-01-15", "2027-01-15")
    assert document["cases"] == {"c1": {"scenario": "Shared case."},
                                 "c2": {"scenario": "Another case."}}
    assert document["set"] == {"id": "demo", "title": "Demo", "description": "A description."}
    result = native.parse(text)
    assert result.errors == []
    assert result.set_info == {"id": "demo", "title": "Demo", "description": "A description."}
    assert [comparable(x) for x in result.questions] == [comparable(x) for x in original]


def test_dump_is_block_style_and_readable() -> None:
    text = native.dump(sample_questions()[:1], "demo", "Demo")
    assert "{" not in text
    assert "  stem: |-\n      Which?\n\n      | a | b |" in text.replace("    stem", "  stem")
    assert "\n  - id: s-1\n" in text


def test_dump_invents_ids_and_cases_and_leaves_missing_keys_out() -> None:
    moodle = ParsedQuestion(0, "true_false", "<p>Sky</p>", "html", name="Sky Q!",
                            external_id="Moodle ID 7", scenario="Case.",
                            choices=[Choice("True", 1.0), Choice("False", 0.0)])
    other = dataclasses.replace(moodle, external_id=None, name="", scenario="Other case.")
    essay = ParsedQuestion(0, "essay", "Write", skip_reason="no")
    text = native.dump([moodle, other, essay], "import", "Imported")
    document = yaml.safe_load(text)
    assert [x["id"] for x in document["questions"]] == ["Moodle ID 7", "p-sky-p"]
    assert document["cases"] == {"case": {"scenario": "Case."},
                                 "case-2": {"scenario": "Other case."}}
    assert "domain" not in document["questions"][0]
    # What other formats do not carry is optional here (bank lint requires it of the bank).
    again = native.parse(text)
    assert again.errors == []
    assert [(x.kind, x.text, x.domain, x.general_feedback)
            for x in again.questions] == [("true_false", "<p>Sky</p>", None, "")] * 2


def test_dump_keeps_distinct_scenarios_under_one_case_id_apart() -> None:
    first = sample_questions()[0]
    second = dataclasses.replace(first, external_id="s-2", scenario="Different text.")
    document = yaml.safe_load(native.dump([first, second], "demo", "Demo"))
    assert document["cases"] == {"c1": {"scenario": "Shared case."},
                                 "c1-2": {"scenario": "Different text."}}


# --------------------------------------------------------------------------- properties


@FAST
@given(st.dictionaries(st.sampled_from(["id", "type", "domain", "options", "answer", "pairs",
                                        "answers", "stem", "tags", "case", "references"]),
                       st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                                    lambda inner: st.lists(inner, max_size=3)
                                    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                                    max_leaves=8)))
def test_arbitrary_question_mappings_never_raise(question: dict) -> None:
    text = yaml.safe_dump({"format": native.FORMAT_TAG, "set": {"id": "a", "title": "t"},
                           "questions": [question]})
    result = native.parse(text)
    assert len(result.questions) + len(result.errors) >= 1


@pytest.mark.parametrize("word", ["Yes", "No", "on", "off", "y", "n"])
def test_yes_and_no_stay_text(word: str) -> None:
    x = only(doc(q("x-1", "single_choice", OPTIONS.replace("feedback: Yes", f"feedback: {word}"))))
    assert x.choices[0].feedback == word


@pytest.mark.parametrize("make", [
    pytest.param(lambda n: doc(q("x-1", "numerical", f"    answer: {'1' * n}x\n")), id="number"),
    pytest.param(lambda n: doc(*[q(f"x-{i}", "single_choice", OPTIONS) for i in range(n // 200)]),
                 id="questions"),
])
def test_adversarial_input_is_linear(make) -> None:
    assert_linear(native.parse, make)


BANK_FILES = sorted((README.parent).glob("*.yaml"))


@pytest.mark.parametrize("path", BANK_FILES, ids=[p.name for p in BANK_FILES])
def test_shipped_bank_round_trips(path: Path) -> None:
    result = native.parse(path.read_text(encoding="utf-8"))
    assert result.errors == []
    info = result.set_info
    # The parser takes any id (exports from other systems keep theirs); the bank's are slugs.
    assert all(re.fullmatch(r"[a-z0-9-]+", x.external_id) for x in result.questions)
    again = native.parse(native.dump(result.questions, info["id"], info["title"],
                                     info["description"]))
    assert again.errors == [] and again.set_info == info
    assert [comparable(x) for x in again.questions] == [comparable(x) for x in result.questions]
