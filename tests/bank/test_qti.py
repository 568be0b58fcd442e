"""QTI 1.2 parser: kinds from structure, correctness from respconditions, errors, safety."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certprep.bank.formats import qti
from certprep.bank.formats.common import NOTHING_TO_IMPORT
from certprep.bank.formats.records import MatchPair, NumericAnswer, ParsedQuestion
from tests.bank.linearity import assert_linear
from tests.conftest import DATA

FAST = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"


def document(*items: str, title: str = "Quiz") -> str:
    """A Canvas-style questestinterop/assessment/section around items."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop xmlns="{NS}">\n'
            f'<assessment ident="a1" title="{title}"><section ident="root_section">\n'
            + "\n".join(items) + "\n</section></assessment></questestinterop>\n")


def meta(question_type: str) -> str:
    """Canvas itemmetadata naming a question_type."""
    return ("<itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>question_type"
            f"</fieldlabel><fieldentry>{question_type}</fieldentry></qtimetadatafield>"
            "</qtimetadata></itemmetadata>")


def mat(text: str, texttype: str = "text/plain") -> str:
    """A material with one mattext."""
    return f'<material><mattext texttype="{texttype}">{text}</mattext></material>'


def lid(ident: str, labels: dict[str, str], cardinality: str = "Single", prompt: str = "") -> str:
    """A response_lid with its labels."""
    options = "".join(f'<response_label ident="{k}">{mat(v)}</response_label>'
                      for k, v in labels.items())
    return (f'<response_lid ident="{ident}" rcardinality="{cardinality}">'
            f"{mat(prompt) if prompt else ''}<render_choice>{options}</render_choice>"
            "</response_lid>")


def cond(test: str, score: str | None = None, action: str = "Set", feedback: str = "") -> str:
    """A respcondition with a test, an optional score and feedback."""
    setvar = f'<setvar action="{action}" varname="SCORE">{score}</setvar>' if score else ""
    shown = f'<displayfeedback linkrefid="{feedback}"/>' if feedback else ""
    return f"<respcondition><conditionvar>{test}</conditionvar>{setvar}{shown}</respcondition>"


def eq(value: str, respident: str = "r1") -> str:
    """A varequal test."""
    return f'<varequal respident="{respident}">{value}</varequal>'


def item(response: str, conditions: str, extra: str = "", ident: str = "i1",
         stem: str = "&lt;p&gt;Stem&lt;/p&gt;") -> str:
    """An item with a stem, one response block and its resprocessing."""
    return (f'<item ident="{ident}" title="T {ident}">{extra}<presentation>'
            f'{mat(stem, "text/html")}{response}</presentation>'
            f"<resprocessing>{conditions}</resprocessing></item>")


def only(text: str) -> ParsedQuestion:
    """Parse and return the single question, failing on errors.

    A question certprep cannot import leaves the file with nothing to import, which
    is the one error allowed then.
    """
    result = qti.parse(text)
    assert len(result.questions) == 1
    question = result.questions[0]
    expected = [] if question.importable else [NOTHING_TO_IMPORT]
    assert [e.message.split(":")[0] for e in result.errors] == expected, result.errors
    return question


ABC = {"a": "Alpha", "b": "Beta", "c": "Gamma"}


@pytest.mark.parametrize(
    ("xml", "kind", "fractions"),
    [
        (item(lid("r1", ABC), cond(eq("a"), "0", "Add") + cond(eq("b"), "10")),
         "single_choice", [0.0, 1.0, 0.0]),
        (item(lid("r1", ABC), cond(eq("c"), "100")), "single_choice", [0.0, 0.0, 1.0]),
        (item(lid("r1", {"t": "True", "f": "False"}), cond(eq("f"), "100")),
         "true_false", [0.0, 1.0]),
        (item(lid("r1", {"f": "false", "t": "TRUE"}), cond(eq("t"), "100")),
         "true_false", [1.0, 0.0]),
        (item(lid("r1", {"t": "True", "f": "False", "s": "Sometimes"}), cond(eq("t"), "100"),
              extra=meta("true_false_question")), "single_choice", [1.0, 0.0, 0.0]),
        (item(lid("r1", ABC, "Multiple"),
              cond(eq("a"), "50", "Add") + cond(eq("b"), "-25", "Add")
              + cond(eq("c"), "50", "Add")),
         "multiple_response", [0.5, -0.25, 0.5]),
        (item(lid("r1", ABC, "Multiple"),
              cond(f"<and>{eq('a')}<not>{eq('b')}</not>{eq('c')}</and>", "100")),
         "multiple_response", [0.5, -0.5, 0.5]),
    ],
)
def test_choice_items(xml: str, kind: str, fractions: list[float]) -> None:
    q = only(document(xml))
    assert q.kind == kind
    assert [round(c.fraction, 6) for c in q.choices] == fractions
    assert q.importable


def test_common_fields_and_feedback() -> None:
    feedback = ('<itemfeedback ident="general_fb"><flow_mat>'
                + mat("&lt;p&gt;General&lt;/p&gt;", "text/html") + "</flow_mat></itemfeedback>"
                '<itemfeedback ident="b_fb"><flow_mat>' + mat("Beta is right")
                + "</flow_mat></itemfeedback>")
    xml = item(lid("r1", ABC), cond("<other/>", feedback="general_fb")
               + cond(eq("b"), feedback="b_fb") + cond(eq("b"), "100", feedback="correct_fb"),
               extra=meta("multiple_choice_question"))
    result = qti.parse(document(xml.replace("</resprocessing>", "</resprocessing>" + feedback),
                                title="My quiz"))
    q = result.questions[0]
    assert (q.name, q.external_id, q.text, q.text_format) == ("T i1", "i1", "<p>Stem</p>", "html")
    assert (q.general_feedback, q.general_feedback_format) == ("<p>General</p>", "html")
    assert [c.feedback for c in q.choices] == ["", "Beta is right", ""]
    assert result.categories == ["My quiz"] and q.category == "My quiz"
    assert q.line == 4


def test_matching_with_distractor() -> None:
    labels = {"1": "One", "2": "Two", "3": "Three"}
    xml = item(lid("q1", labels, prompt="Uno") + lid("q2", labels, prompt="Dos"),
               cond(eq("1", "q1"), "50", "Add") + cond(eq("2", "q2"), "50", "Add"),
               extra=meta("matching_question") + meta("multiple_answers_question"))
    q = only(document(xml))
    assert q.kind == "matching"
    assert q.pairs == [MatchPair("Uno", "One"), MatchPair("Dos", "Two"), MatchPair("", "Three")]


NUMERIC = ('<response_str ident="r1"><render_fib fibtype="Decimal"><response_label ident="x"/>'
           "</render_fib></response_str>")
TEXT = ('<response_str ident="r1"><render_fib><response_label ident="x"/></render_fib>'
        "</response_str>")


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (item(NUMERIC, cond(f"<or>{eq('5')}<and><vargte respident='r1'>4</vargte>"
                            "<varlte respident='r1'>6</varlte></and></or>", "100")),
         [NumericAnswer(5.0, 1.0, 1.0)]),
        (item(NUMERIC, cond("<vargte respident='r1'>1</vargte><varlte respident='r1'>3</varlte>",
                            "100") + cond(eq("7"), "50")),
         [NumericAnswer(2.0, 1.0, 1.0), NumericAnswer(7.0, 0.0, 0.5)]),
        (item('<response_num ident="r1"><render_fib/></response_num>', cond(eq("12"), "100")),
         [NumericAnswer(12.0, 0.0, 1.0)]),
        (item(TEXT, cond(eq("42"), "100"), extra=meta("numerical_question")),
         [NumericAnswer(42.0, 0.0, 1.0)]),
    ],
)
def test_numerical_items(xml: str, expected: list[NumericAnswer]) -> None:
    q = only(document(xml))
    assert (q.kind, q.numeric) == ("numerical", expected)


def test_short_answer_item() -> None:
    q = only(document(item(TEXT, cond(eq("naloxone") + eq("Narcan"), "100"),
                           extra=meta("short_answer_question"))))
    assert q.kind == "short_answer"
    assert [(c.text, c.fraction) for c in q.choices] == [("naloxone", 1.0), ("Narcan", 1.0)]
    assert not q.case_sensitive


@pytest.mark.parametrize(
    ("xml", "kind"),
    [
        (item(TEXT, cond("<other/>")), "essay"),
        (item(TEXT, "", extra=meta("essay_question")), "essay"),
        (item(lid("r1", ABC), cond(eq("a"), "100"), extra=meta("multiple_dropdowns_question")),
         "cloze"),
        (item(TEXT, "", extra=meta("fill_in_multiple_blanks_question")), "cloze"),
        (item(TEXT, "", extra=meta("text_only_question")), "description"),
        (item(TEXT, "", extra=meta("file_upload_question")), "other"),
        (item("<response_xy ident='r1'/>", ""), "other"),
    ],
)
def test_unsupported_items_are_skipped(xml: str, kind: str) -> None:
    q = only(document(xml))
    assert (q.kind, q.importable) == (kind, False)
    assert q.skip_reason


@pytest.mark.parametrize(
    "wrap",
    [
        lambda i: i.replace("<item ", f'<item xmlns="{NS}" ', 1),
        lambda i: f'<questestinterop><objectbank ident="b">{i}</objectbank></questestinterop>',
        lambda i: f"<questestinterop>{i}</questestinterop>",
        lambda i: f"<questestinterop><assessment><section><section>{i}</section></section>"
                  "</assessment></questestinterop>",
    ],
)
def test_containers(wrap) -> None:
    q = only(wrap(item(lid("r1", ABC), cond(eq("a"), "1"))))
    assert q.kind == "single_choice"


@pytest.mark.parametrize(
    ("xml", "fragment"),
    [
        (item(lid("r1", {"a": "A"}), cond(eq("a"), "1")), "at least 2"),
        (item(lid("q1", ABC, prompt="p") + lid("q2", ABC, prompt="p"), cond(eq("a", "q1"), "1")),
         'response_lid ident="q2"'),
        (item(NUMERIC, cond(eq("many"), "100")), '"many" is not a number'),
        (item(NUMERIC, cond(eq("1e999"), "100")), '"1e999" is not a number'),
        (item(NUMERIC, cond("<vargte respident='r1'>1</vargte>", "100")), "one bound"),
        (item(lid("r1", ABC), cond(eq("a"), "1"), stem=""), "empty"),
        ('<item ident="i1"><resprocessing/></item>', "no <presentation>"),
        (item(lid("r1", ABC, "Multiple"), cond(f"<and>{eq('a')}{eq('z')}</and>", "100")),
         "unknown label z"),
    ],
)
def test_item_errors_name_item_and_line(xml: str, fragment: str) -> None:
    good = item(lid("r1", ABC), cond(eq("a"), "1"), ident="ok")
    result = qti.parse(document(good, xml))
    assert len(result.questions) == 1
    [error] = result.errors
    assert error.line == 5
    assert '<item ident="i1">' in error.message
    assert fragment in error.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<assessmentItem xmlns='http://www.imsglobal.org/xsd/imsqti_v2p1'/>", "QTI 2.x"),
        ("<quiz/>", "starts with <questestinterop>"),
        ("<questestinterop/>", "holds <item> elements inside <questestinterop>"),
        ("<questestinterop>", "not well-formed"),
    ],
)
def test_file_level_errors(text: str, fragment: str) -> None:
    result = qti.parse(text)
    assert result.questions == []
    assert fragment in result.errors[0].message


def test_xml_bomb_and_external_entity_are_refused(tmp_path) -> None:
    secret = tmp_path / "s.txt"
    secret.write_text("TOP-SECRET")
    bomb = ('<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            "<questestinterop>&c;</questestinterop>")
    xxe = (f'<!DOCTYPE q [<!ENTITY x SYSTEM "file://{secret}">]>'
           "<questestinterop>&x;</questestinterop>")
    for text in (bomb, xxe):
        result = qti.parse(text)
        assert result.questions == []
        [error] = result.errors
        assert "DTD" in error.message
        assert "TOP-SECRET" not in repr(result)


def test_raw_xhtml_in_mattext_is_kept_as_html() -> None:
    stem = '<div class="x"><strong>Bold</strong> &amp; <!-- c -->more</div>'
    q = only(document(item(lid("r1", ABC), cond(eq("a"), "1"), stem=stem)))
    assert q.text == '<div class="x"><strong>Bold</strong> &amp; more</div>'
    assert q.text_format == "html"


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    deep = "<and>" * 5000 + eq("a") + "</and>" * 5000
    markup = "<b>" * 5000 + "x" + "</b>" * 5000
    q = only(document(item(lid("r1", ABC), cond(deep, "1"), stem=markup)))
    assert q.choices[0].fraction == 1.0


@FAST
@given(st.lists(st.sampled_from([
    item(lid("r1", ABC), cond(eq("a"), "1")),
    item(lid("r1", ABC), cond(eq("a"), "0")),
    item(TEXT, cond("<other/>")),
    item(NUMERIC, cond(eq("x"), "1")),
    item(lid("r1", ABC, "Multiple"), cond(eq("a"), "1", "Add") + cond(eq("b"), "1", "Add")),
]), min_size=1, max_size=6))
def test_every_item_is_either_parsed_or_reported(items: list[str]) -> None:
    result = qti.parse(document(*items))
    errors = [e for e in result.errors if not e.message.startswith(NOTHING_TO_IMPORT)]
    assert len(result.questions) + len(errors) == len(items)


@pytest.mark.parametrize("make", [
    pytest.param(lambda n: document(item("".join(lid(f"q{i}", {f"a{i}": "x"}, prompt="p")
                                                for i in range(n // 200)),
                                        "".join(cond(eq(f"a{i}", f"q{i}"), "1", "Add")
                                                for i in range(n // 200)))), id="prompts"),
    pytest.param(lambda n: document(item(NUMERIC, cond(eq("1" * n + "x"), "100"))), id="number"),
])
def test_adversarial_input_is_linear(make) -> None:
    assert_linear(qti.parse, make)


# --------------------------------------------------------------------------- other systems


def test_blackboard_9_pool_reads_text_scores_and_feedback() -> None:
    """Option text in <flow_mat><material><mat_extension><mat_formattedtext>; scores SCORE.max."""
    result = qti.parse((DATA / "sample.blackboard.xml").read_text(encoding="utf-8"))
    assert result.errors == [] and result.categories == ["Opioid safety pool"]
    single, multiple = result.questions
    assert (single.kind, single.text_format) == ("single_choice", "html")
    assert single.text.startswith("<p>Which finding usually comes before")
    assert [(c.text, c.fraction) for c in single.choices] == [
        ("Increasing sedation", 1.0), ("Pinpoint pupils", 0.0), ("Itching", 0.0)]
    assert single.choices[1].feedback == "Miosis occurs at ordinary doses."
    assert single.choices[0].feedback == ""  # "correct" is the item's, not an option's
    assert multiple.kind == "multiple_response"  # the <and>/<not> combination
    assert [(c.text, c.fraction) for c in multiple.choices] == [
        ("Constipation", 0.5), ("Hypertension", -0.5), ("Nausea", 0.5)]
    assert all(q.importable for q in result.questions)


def test_brightspace_library_reads_option_text_inside_flow_mat() -> None:
    result = qti.parse((DATA / "sample.brightspace.xml").read_text(encoding="utf-8"))
    assert result.errors == []
    [question] = result.questions
    assert question.importable
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("<p>Naloxone</p>", 1.0), ("<p>Naltrexone</p>", 0.0), ("<p>Flumazenil</p>", 0.0),
        ("<p>Methadone</p>", 0.0)]
    assert question.choices[1].feedback == "<p>Naltrexone is oral and long-acting.</p>"


def flow_mat_lid(labels: dict[str, str]) -> str:
    """A response_lid whose option texts sit in <flow_mat>, as Brightspace writes them."""
    options = "".join(f'<response_label ident="{k}"><flow_mat>{mat(v)}</flow_mat>'
                      "</response_label>" for k, v in labels.items())
    return f'<response_lid ident="r1"><render_choice>{options}</render_choice></response_lid>'


def test_blank_options_are_never_gradable() -> None:
    """Before <flow_mat> was read, four blank options imported, two of them 'correct'."""
    xml = item(flow_mat_lid({"a": "", "b": "", "c": "Gamma", "d": "Delta"}),
               cond(eq("a"), "100") + cond(eq("c"), "100"))
    [question] = qti.parse(document(xml)).questions
    assert not question.importable
    assert "option 1 has no text" in question.skip_reason
    assert "option 2 has no text" in question.skip_reason


@pytest.mark.parametrize(
    ("setvar", "decvar", "fractions"),
    [
        ("SCORE.max", '<decvar varname="SCORE" maxvalue="10"/>', [1.0, 0.0, 0.0]),
        ("SCORE.max", '<decvar varname="SCORE"/>', [1.0, 0.0, 0.0]),  # no maxvalue: full marks
        ("SCORE.max", "", [1.0, 0.0, 0.0]),
        ("score.max", '<decvar varname="Score" maxvalue="4"/>', [1.0, 0.0, 0.0]),
    ],
)
def test_score_max_means_full_marks(setvar: str, decvar: str, fractions: list[float]) -> None:
    scoring = (f"<outcomes>{decvar}</outcomes>" + '<respcondition><conditionvar>'
               f'{eq("a")}</conditionvar><setvar variablename="SCORE" action="Set">{setvar}'
               "</setvar></respcondition>")
    q = only(document(item(lid("r1", ABC), scoring)))
    assert [c.fraction for c in q.choices] == fractions and q.importable


def test_a_score_that_cannot_be_read_is_named_as_the_cause() -> None:
    scoring = ('<respcondition><conditionvar>' + eq("a") + "</conditionvar>"
               '<setvar action="Set">FULL</setvar></respcondition>')
    result = qti.parse(document(item(lid("r1", ABC), scoring)))
    [error] = result.errors
    assert 'sets the score to "FULL", which is neither a number nor' in error.message


def test_setvars_of_other_variables_are_not_scores() -> None:
    scoring = ('<respcondition><conditionvar>' + eq("b") + "</conditionvar>"
               '<setvar variablename="attempts" action="Set">5</setvar>'
               '<setvar variablename="SCORE" action="Set">1</setvar></respcondition>'
               '<respcondition><conditionvar>' + eq("a") + "</conditionvar>"
               '<setvar variablename="attempts" action="Set">9</setvar></respcondition>')
    q = only(document(item(lid("r1", ABC), scoring)))
    assert [c.fraction for c in q.choices] == [0.0, 1.0, 0.0]


def test_no_positive_score_is_skipped_with_the_fix() -> None:
    good = item(lid("r1", ABC), cond(eq("a"), "1"), ident="ok")
    result = qti.parse(document(good, item(lid("r1", ABC), cond(eq("a"), "0"))))
    assert result.errors == []
    kept, skipped = result.questions
    assert kept.importable and not skipped.importable
    assert "on line 5 cannot be graded: no option earns full credit" in skipped.skip_reason


# --------------------------------------------------------------------------- DOCTYPE


def test_a_doctype_naming_only_an_external_dtd_is_accepted() -> None:
    """ILIAS, OLAT, R/exams and Chamilo write this line into every QTI 1.2 file."""
    result = qti.parse((DATA / "sample.ilias.xml").read_text(encoding="utf-8"))
    assert result.errors == []
    [question] = result.questions
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("Gate control theory", 1.0), ("Specificity theory", 0.0)]


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE questestinterop SYSTEM "ims_qtiasiv1p2p1.dtd">',
    '<!DOCTYPE questestinterop PUBLIC "-//IMS//DTD QTI 1.2//EN" "http://x.invalid/q.dtd">',
])
def test_external_dtds_are_named_but_never_read(tmp_path, doctype) -> None:
    """A DTD that would define &secret; is neither fetched nor read from disk."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY secret SYSTEM "file://{secret}">')
    text = doctype.replace("ims_qtiasiv1p2p1.dtd", str(dtd)) + document(
        item(lid("r1", ABC), cond(eq("a"), "1"), stem="&secret;")).split("\n", 1)[1]
    result = qti.parse(text)
    assert "TOP-SECRET" not in repr(result)
    assert result.questions == [] and "not well-formed" in result.errors[0].message


@pytest.mark.parametrize("subset", [
    "[]",  # even an empty internal subset
    '[<!ELEMENT questestinterop ANY>]',
    '[<!ENTITY a "x">]',
])
def test_an_internal_subset_is_refused(subset: str) -> None:
    text = f'<!DOCTYPE questestinterop SYSTEM "q.dtd" {subset}>' + document(
        item(lid("r1", ABC), cond(eq("a"), "1"))).split("\n", 1)[1]
    result = qti.parse(text)
    assert result.questions == []
    [error] = result.errors
    assert "internal subset" in error.message and error.line == 1
