"""Moodle XML parser and writer: types, errors with lines, safety, files, round trips."""

from __future__ import annotations

import base64
import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certprep.bank.formats import grades, moodle_xml
from certprep.bank.formats.common import NOTHING_TO_IMPORT
from certprep.bank.formats.records import (
    KIND_LABELS,
    Choice,
    MatchPair,
    NumericAnswer,
    ParsedQuestion,
)
from tests.bank.linearity import assert_linear

FAST = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def quiz(*questions: str) -> str:
    """A <quiz> document around question elements."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


def question(qtype: str, body: str, name: str = "Q", text: str = "Stem?") -> str:
    """One <question> element with a name and text."""
    return (f'<question type="{qtype}"><name><text>{name}</text></name>'
            f'<questiontext format="html"><text>{text}</text></questiontext>{body}</question>')


def answer(text: str, fraction: str = "0", feedback: str = "", extra: str = "") -> str:
    """One <answer> element."""
    return (f'<answer fraction="{fraction}"><text>{text}</text>'
            f"<feedback><text>{feedback}</text></feedback>{extra}</answer>")


def only(text: str) -> ParsedQuestion:
    """Parse and return the single question, failing on errors.

    A question certprep cannot import leaves the file with nothing to import, which
    is the one error allowed then.
    """
    result = moodle_xml.parse(text)
    assert len(result.questions) == 1
    question = result.questions[0]
    expected = [] if question.importable else [NOTHING_TO_IMPORT]
    assert [e.message.split(":")[0] for e in result.errors] == expected, result.errors
    return question


# --------------------------------------------------------------------------- types

MULTI = answer("2", "50") + answer("3", "-100") + answer("4", "50")


@pytest.mark.parametrize(
    ("xml", "kind", "check"),
    [
        (question("multichoice", answer("a", "100", "yes") + answer("b")),
         "single_choice", lambda q: [c.fraction for c in q.choices] == [1.0, 0.0]
         and q.choices[0].feedback == "yes"),
        (question("multichoice", "<single>false</single>" + MULTI),
         "multiple_response", lambda q: [c.fraction for c in q.choices] == [0.5, -1.0, 0.5]),
        (question("multichoice", "<single>0</single>" + MULTI), "multiple_response", None),
        (question("multichoice", "<single></single>" + MULTI), "multiple_response", None),
        (question("multichoice", "<single>yes</single>" + answer("a", "100") + answer("b")),
         "single_choice", None),
        (question("multichoice", answer("a", "100") + answer("") + answer("b")),
         "single_choice", lambda q: len(q.choices) == 2),
        (question("truefalse", answer("true", "0", "no") + answer("false", "100", "right")),
         "true_false", lambda q: [(c.text, c.fraction, c.feedback) for c in q.choices]
         == [("True", 0.0, "no"), ("False", 1.0, "right")]),
        (question("truefalse", answer("false", "0") + answer("true", "100")),
         "true_false", lambda q: [c.fraction for c in q.choices] == [1.0, 0.0]),
        (question("truefalse", answer("vrai", "100") + answer("faux", "0")),
         "true_false", lambda q: q.choices[0].fraction == 1.0),
        (question("shortanswer", "<usecase>1</usecase>" + answer("Frog", "100")
                  + answer("Cat", "50") + answer("*", "0")),
         "short_answer", lambda q: q.case_sensitive
         and [(c.text, c.fraction) for c in q.choices]
         == [("Frog", 1.0), ("Cat", 0.5), ("*", 0.0)]),
        (question("shortanswer", answer("x", "100")), "short_answer",
         lambda q: not q.case_sensitive),
        (question("numerical", answer("3", "100", extra="<tolerance>2</tolerance>")
                  + answer("*", "0", "wrong")
                  + "<units><unit><multiplier>1</multiplier><unit_name>cm</unit_name></unit>"
                  "<unit><multiplier>10</multiplier><unit_name>mm</unit_name></unit></units>"),
         "numerical", lambda q: q.numeric == [NumericAnswer(3.0, 2.0, 1.0, ""),
                                              NumericAnswer(None, 0.0, 0.0, "wrong")]
         and q.unit == "cm"),
        (question("matching", '<subquestion format="html"><text>A</text><answer><text>1</text>'
                  '</answer></subquestion><subquestion><text>B</text><answer><text>2</text>'
                  '</answer></subquestion><subquestion><text></text><answer><text>3</text>'
                  "</answer></subquestion>"),
         "matching", lambda q: q.pairs == [MatchPair("A", "1", "html"), MatchPair("B", "2", "html"),
                                           MatchPair("", "3", "html")]),
        (question("match", "<subquestion><text>A</text><answer><text>1</text></answer>"
                  "</subquestion><subquestion><text>B</text><answer><text>2</text></answer>"
                  "</subquestion>"), "matching", None),
    ],
)
def test_gradable_types(xml: str, kind: str, check) -> None:
    q = only(quiz(xml))
    assert q.kind == kind
    assert q.importable
    if check is not None:
        assert check(q), q


@pytest.mark.parametrize(
    ("qtype", "kind"),
    [("essay", "essay"), ("description", "description"), ("cloze", "cloze"),
     ("multianswer", "cloze"), ("calculated", "other"), ("calculatedmulti", "other"),
     ("calculatedsimple", "other"), ("ddwtos", "other"), ("ddimageortext", "other"),
     ("ddmarker", "other"), ("gapselect", "other"), ("randomsamatch", "other"),
     ("someplugin", "other")],
)
def test_unsupported_types_are_skipped_with_a_reason(qtype: str, kind: str) -> None:
    q = only(quiz(question(qtype, "")))
    assert q.kind == kind
    assert q.skip_reason
    assert not q.importable
    if kind == "other":
        assert qtype in q.skip_reason


def test_common_fields() -> None:
    xml = quiz(
        '<question type="category"><category><text>$course$/top/Pain//Acute/Opioids'
        "</text></category></question>",
        '<question type="multichoice"><name><text><![CDATA[The <b>name</b>]]></text></name>'
        '<questiontext><text><![CDATA[<p>Stem</p>]]></text></questiontext>'
        '<generalfeedback format="markdown"><text>Because.</text></generalfeedback>'
        "<idnumber>pm-7</idnumber><tags><tag><text>a</text></tag><tag><text> b </text></tag>"
        "</tags>" + answer("x", "100") + answer("y") + "</question>",
    )
    result = moodle_xml.parse(xml)
    q = result.questions[0]
    assert result.categories == ["$course$/top/Pain//Acute/Opioids"]
    assert (q.name, q.text, q.text_format) == ("The name", "<p>Stem</p>", "html")
    assert (q.general_feedback, q.general_feedback_format) == ("Because.", "markdown")
    assert (q.external_id, q.tags, q.category, q.line) == ("pm-7", ["a", "b"],
                                                          "$course$/top/Pain//Acute/Opioids", 4)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("$course$/Sigma/Tau", "Sigma/Tau"), ("$module$/top/A", "A"), ("$system$/B", "B"),
     ("$cat3$/C / D", "C/D"), ("Plain", "Plain"), ("$course$/top", None), ("", None)],
)
def test_clean_category(raw: str, clean: str | None) -> None:
    assert moodle_xml.clean_category(raw) == clean


def test_formats_default_to_html_and_inherit() -> None:
    xml = quiz('<question type="multichoice"><name><text>n</text></name>'
               '<questiontext format="plain_text"><text>s</text></questiontext>'
               "<generalfeedback><text>g</text></generalfeedback>"
               + answer("a", "100") + '<answer fraction="0" format="html"><text>b</text>'
               '<feedback format="moodle_auto_format"><text>f</text></feedback></answer>'
               "</question>")
    q = only(xml)
    assert (q.text_format, q.general_feedback_format) == ("plain", "plain")
    assert q.choices[0].text_format == "plain"
    assert (q.choices[1].text_format, q.choices[1].feedback_format) == ("html", "moodle")
    assert only(quiz(question("essay", "").replace(' format="html"', ""))).text_format == "html"


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (answer("a", "33") + answer("b", "67"), "invalid grades 0.33, 0.67"),
        (answer("a", "abc") + answer("b"), 'fraction="abc"'),
        (answer("a", "1e999") + answer("b"), 'fraction="1e999"'),
        (answer("a", "100"), "at least 2"),
        (answer("a", "100") + answer("b", "0", extra='<file name="x.png">!!!</file>'),
         '<file name="x.png"> does not hold valid base64'),
        (answer("a", "100") + answer("b", "0", extra='<file name="x" encoding="hex">00</file>'),
         'encoding "hex"'),
    ],
)
def test_multichoice_errors_name_question_and_line(body: str, fragment: str) -> None:
    xml = quiz(question("truefalse", answer("true", "100") + answer("false")),
               "", question("multichoice", body, name="Broken one"))
    result = moodle_xml.parse(xml)
    assert len(result.questions) == 1
    [error] = result.errors
    assert error.line == 5
    assert '<question type="multichoice"> "Broken one"' in error.message
    assert fragment in error.message


@pytest.mark.parametrize(
    ("xml", "fragment"),
    [
        (question("truefalse", answer("true", "100")), "a 'true' and a 'false'"),
        (question("numerical", answer("three", "100")), '"three" is not a number'),
        (question("numerical", answer("3", "100", extra="<tolerance>-1</tolerance>")),
         "negative"),
        (question("shortanswer", ""), "at least one"),
        (question("matching", "<subquestion><text>A</text><answer><text>1</text></answer>"
                  "</subquestion>"), "at least 2"),
        (question("matching", "<subquestion><text>A</text></subquestion>"), "has no <answer>"),
        (question("multichoice", answer("a", "100") + answer("b"), text=""), "empty"),
        ('<question type="essay"><questiontext><text>x</text></questiontext></question>',
         "no <name>"),
    ],
)
def test_other_errors(xml: str, fragment: str) -> None:
    result = moodle_xml.parse(quiz(xml))
    assert result.questions == []
    assert [e.line for e in result.errors] == [3]
    assert fragment in result.errors[0].message


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (question("multichoice", "<single>true</single>" + answer("a", "100")
                  + answer("b", "100") + answer("c")),
         '2 options earn full credit ("a", "b"); mark exactly one as correct'),
        (question("multichoice", answer("a") + answer("b")), "no option earns full credit"),
        (question("multichoice", "<single>false</single>" + answer("a") + answer("b")),
         "no option is correct"),
        (question("multichoice", "<single>false</single>" + answer("a", "50")
                  + answer("b", "30") + answer("c")), "adds up to 80%"),
        (question("multichoice", "<single>false</single>" + answer("a", "50")
                  + answer("b", "50")), "every option is correct"),
        (question("truefalse", answer("true", "100") + answer("false", "100")),
         "either True or False is correct, not both"),
        (question("shortanswer", answer("cat", "50")), "full credit"),
        (question("numerical", answer("3", "50")), "a number with full credit"),
    ],
)
def test_questions_certprep_cannot_grade_are_skipped_with_the_fix(xml: str, reason: str) -> None:
    """Moodle imports these (with at most a warning); certprep skips them, the rest imports."""
    good = question("shortanswer", answer("x", "100"))
    result = moodle_xml.parse(quiz(good, xml))
    assert result.errors == []
    kept, skipped = result.questions
    assert kept.importable and not skipped.importable
    assert skipped.skip_reason.startswith(f"The {KIND_LABELS[skipped.kind]} question on line 4 "
                                          "cannot be graded: ")
    assert reason in skipped.skip_reason


def test_several_invalid_questions_each_get_an_error() -> None:
    bad = question("multichoice", answer("a", "33") + answer("b", "100"))
    good = question("shortanswer", answer("x", "100"))
    result = moodle_xml.parse(quiz(bad, good, bad))
    assert [e.line for e in result.errors] == [3, 5]
    assert len(result.questions) == 1


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "not well-formed"),
        ("<quiz><question>", 1, "not well-formed"),
        ("<quiz>\n<a>\n</b></quiz>", 3, "not well-formed"),
        ("<questestinterop/>", 1, "start with <quiz>"),
        ('<quiz xmlns="http://canvas.instructure.com/xsd/cccv1p0"/>', 1, "namespace"),
        ("<quiz></quiz>", 0, "no questions"),
    ],
)
def test_file_level_errors(text: str, line: int, fragment: str) -> None:
    result = moodle_xml.parse(text)
    assert result.questions == []
    [error] = result.errors
    assert (error.line, fragment in error.message) == (line, True), error


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="essay"><name><text>&lol9;</text></name></question></quiz>
"""


def external_entity(path: str) -> str:
    """An XXE file that would read `path` into the question name."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file://{path}">]>\n'
            '<quiz><question type="essay"><name><text>&xxe;</text></name></question></quiz>')


def test_billion_laughs_is_refused_with_one_clear_error() -> None:
    result = moodle_xml.parse(BOMB)
    assert result.questions == []
    [error] = result.errors
    assert "DTD" in error.message and "refused" in error.message
    assert error.line == 2


def test_external_entity_is_refused_and_nothing_is_read(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    result = moodle_xml.parse(external_entity(str(secret)))
    assert result.questions == []
    [error] = result.errors
    assert "DTD" in error.message
    assert "TOP-SECRET" not in repr(result)


def test_a_doctype_naming_only_an_external_dtd_is_read() -> None:
    text = quiz(question("shortanswer", answer("x", "100"))).replace(
        "<quiz>", '<!DOCTYPE quiz SYSTEM "quiz.dtd">\n<quiz>', 1)
    assert only(text).kind == "short_answer"


def test_undeclared_entity_is_an_xml_error() -> None:
    result = moodle_xml.parse(quiz(question("essay", "", name="&foo;")))
    assert result.questions == [] and "not well-formed" in result.errors[0].message


# --------------------------------------------------------------------------- files

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


def test_embedded_files_are_decoded_by_name() -> None:
    data = base64.b64encode(PNG).decode()
    wrapped = "\n".join(data[i:i + 20] for i in range(0, len(data), 20))
    xml = quiz('<question type="multichoice"><name><text>n</text></name>'
               '<questiontext format="html"><text>&lt;img src="@@PLUGINFILE@@/a.png"&gt;</text>'
               f'<file name="a.png" path="/" encoding="base64">{wrapped}</file></questiontext>'
               + answer("x", "100", extra=f'<file name="b.png" path="/sub/" encoding="base64">'
                                          f"{data}</file>")
               + answer("y") + "</question>")
    q = only(xml)
    assert q.files == {"a.png": PNG, "sub/b.png": PNG}


def test_legacy_image_becomes_a_file_and_an_img() -> None:
    data = base64.b64encode(PNG).decode()
    xml = quiz(question("multichoice", f"<image>m.png</image><image_base64>{data}</image_base64>"
                        + answer("x", "100") + answer("y")))
    q = only(xml)
    assert q.files == {"m.png": PNG}
    assert q.text.endswith('<img src="@@PLUGINFILE@@/m.png" />')


def test_skipped_questions_do_not_decode_files() -> None:
    xml = quiz(question("essay", "").replace("</questiontext>",
                                             '<file name="x">not base64!</file></questiontext>'))
    q = only(xml)
    assert q.files == {} and q.kind == "essay"


# --------------------------------------------------------------------------- round trips


def comparable(q: ParsedQuestion) -> dict:
    """A question as a dict without its line, with fractions rounded like Moodle."""
    data = dataclasses.asdict(dataclasses.replace(q, line=0))
    for part in data["choices"] + data["numeric"]:
        part["fraction"] = round(part["fraction"], 5)
    return data


def sample_questions() -> list[ParsedQuestion]:
    """One question of every gradable kind, with feedback, formats, tags and files."""
    return [
        ParsedQuestion(0, "single_choice", "<p>Which?</p>", "html", name="single",
                       external_id="s-1", category="Pain/Acute", tags=["x", "y"],
                       choices=[Choice("A & B", 1.0, "yes", "plain", "html"),
                                Choice("<b>C</b>", 0.0, "no ]]> really", "html", "html")],
                       general_feedback="Because", general_feedback_format="html",
                       files={"a.png": PNG, "img/b.png": b"\x00\x01"}),
        ParsedQuestion(0, "multiple_response", "Pick **two**", "markdown", name="multi",
                       category="Pain/Acute",
                       choices=[Choice("a", 1 / 3, "", "markdown", "markdown"),
                                Choice("b", 1 / 3, "", "markdown", "markdown"),
                                Choice("c", 1 / 3, "", "markdown", "markdown"),
                                Choice("d", -1 / 3, "", "markdown", "markdown")]),
        ParsedQuestion(0, "true_false", "Sky is blue", "plain", name="tf", category="Other",
                       choices=[Choice("True", 1.0, "right", "plain", "plain"),
                                Choice("False", 0.0, "wrong", "plain", "plain")]),
        ParsedQuestion(0, "short_answer", "Antagonist?", "moodle", name="sa",
                       category="Other", case_sensitive=True,
                       choices=[Choice("naloxone", 1.0, "", "plain", "moodle"),
                                Choice("nalox*", 0.5, "spelling", "plain", "moodle")]),
        ParsedQuestion(0, "numerical", "Dose?", "html", name="num", category="Other",
                       numeric=[NumericAnswer(4000.0, 0.0, 1.0, ""),
                                NumericAnswer(4000.0, 500.0, 0.5, "close"),
                                NumericAnswer(None, 0.0, 0.0, "no")], unit="mg"),
        ParsedQuestion(0, "matching", "Match", "html", name="match", category="Other",
                       pairs=[MatchPair("<p>A</p>", "1", "html"), MatchPair("B", "2", "plain"),
                              MatchPair("", "3", "html")]),
    ]


def test_round_trip_every_gradable_kind() -> None:
    original = sample_questions()
    result = moodle_xml.parse(moodle_xml.dump(original))
    assert result.errors == []
    assert result.categories == ["Pain/Acute", "Other"]
    assert [comparable(q) for q in result.questions] == [comparable(q) for q in original]


def test_dump_category_argument_overrides() -> None:
    result = moodle_xml.parse(moodle_xml.dump(sample_questions(), category="Imported"))
    assert result.categories == ["Imported"]
    assert {q.category for q in result.questions} == {"Imported"}


def test_dump_writes_scenario_above_stem_and_skips_ungradable() -> None:
    q = dataclasses.replace(sample_questions()[2], scenario="Case text.")
    other = ParsedQuestion(0, "cloze", "x", skip_reason="no")
    [back] = moodle_xml.parse(moodle_xml.dump([q, other])).questions
    assert back.text == "Case text.\n\nSky is blue"


def test_dump_invents_a_name_when_missing() -> None:
    q = dataclasses.replace(sample_questions()[2], name="")
    [back] = moodle_xml.parse(moodle_xml.dump([q])).questions
    assert back.name == "Sky is blue"


@pytest.mark.parametrize("fraction", [1.0, 0.9, 5 / 6, 0.8, 0.75, 0.7, 2 / 3, 0.6, 0.5, 0.4,
                                      1 / 3, 0.3, 0.25, 0.2, 1 / 6, 1 / 7, 0.125, 1 / 9, 0.1,
                                      0.05, 0.0, -0.5, -1 / 3])
def test_written_fractions_are_allowed_grades(fraction: float) -> None:
    written = float(moodle_xml.percent_text(fraction)) / 100
    assert grades.snap(written) is not None
    assert abs(written - fraction) < 1e-7


# --------------------------------------------------------------------------- properties


@FAST
@given(st.lists(st.sampled_from([
    question("multichoice", answer("a", "100") + answer("b")),
    question("multichoice", answer("a", "33") + answer("b")),
    question("truefalse", answer("true", "100") + answer("false")),
    question("essay", ""),
    question("numerical", answer("x", "100")),
    '<question type="category"><category><text>$course$/A</text></category></question>',
]), max_size=8))
def test_every_question_is_either_parsed_or_reported(parts: list[str]) -> None:
    result = moodle_xml.parse(quiz(*parts))
    questions = [p for p in parts if 'type="category"' not in p]
    errors = [e for e in result.errors if not e.message.startswith(NOTHING_TO_IMPORT)]
    assert len(result.questions) + len(errors) == len(questions)
    assert bool(result.errors) == (bool(errors) or not any(q.importable
                                                            for q in result.questions))


def test_parsing_is_roughly_linear() -> None:
    one = question("multichoice", answer("a", "100") + answer("b"))
    result = moodle_xml.parse(quiz(*([one] * 5000)))
    assert len(result.questions) == 5000 and not result.errors


@pytest.mark.parametrize("make", [
    pytest.param(lambda n: quiz(question("essay", "", name="<![CDATA[" + "<" * n + "]]>")),
                 id="name"),
    pytest.param(lambda n: quiz(question("multichoice", answer("a", "1" * n + "x") + answer("b"))),
                 id="fraction"),
    pytest.param(lambda n: quiz(question("essay", "<tags>" + "<tag><text>t</text></tag>" * (n // 20)
                                       + "</tags>")), id="tags"),
])
def test_adversarial_input_is_linear(make) -> None:
    assert_linear(moodle_xml.parse, make)
