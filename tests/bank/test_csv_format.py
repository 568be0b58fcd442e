"""certprep CSV: header, delimiter sniffing, physical line numbers, row rules, template."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certprep.bank.formats import csv_format
from certprep.bank.formats.records import NumericAnswer
from tests.bank.linearity import assert_linear

FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
HEADER = ("id,type,domain,subdomain,difficulty,tags,stem,option_a,option_b,option_c,option_d,"
          "option_e,option_f,correct,tolerance,unit,rationale,references")


def row(**cells: str) -> dict[str, str]:
    """A full row with defaults for a valid single_choice question."""
    base = dict.fromkeys(csv_format.HEADER, "")
    base.update(id="q-1", type="single_choice", stem="Stem?", option_a="A", option_b="B",
                correct="A", rationale="Why.", references="Ref")
    base.update(cells)
    return base


def table(*rows: dict[str, str], delimiter: str = ",") -> str:
    """CSV text with the header and the given rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_format.HEADER, delimiter=delimiter,
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_header_constant_matches_the_documented_header() -> None:
    assert ",".join(csv_format.HEADER) == HEADER


def test_template_is_valid_with_one_row_per_type() -> None:
    result = csv_format.parse(csv_format.TEMPLATE)
    assert result.errors == []
    assert result.format == "csv"
    assert [q.kind for q in result.questions] == list(csv_format.TYPES)
    assert csv_format.TEMPLATE.splitlines()[0] == HEADER
    assert all(q.references and q.domain and q.difficulty for q in result.questions)


def test_template_values() -> None:
    single, multiple, true_false, numerical, short = csv_format.parse(csv_format.TEMPLATE).questions
    assert [c.fraction for c in single.choices] == [1.0, 0.0, 0.0]
    assert [round(c.fraction, 4) for c in multiple.choices] == [0.3333, 0.3333, -0.3333, 0.3333]
    assert [(c.text, c.fraction) for c in true_false.choices] == [("True", 0.0), ("False", 1.0)]
    assert (numerical.numeric, numerical.unit) == ([NumericAnswer(4000.0, 0.0)], "mg")
    assert [c.text for c in short.choices] == ["naloxone", "Narcan"]
    assert single.tags == ["tools", "dementia"]
    assert (single.text_format, single.general_feedback_format) == ("markdown", "markdown")
    assert (single.external_id, single.name, single.line) == ("pm-001", "pm-001", 2)


@pytest.mark.parametrize(
    ("cells", "check"),
    [
        ({"correct": "b"}, lambda q: [c.fraction for c in q.choices] == [0.0, 1.0]),
        ({"type": "multiple_response", "correct": "A"},
         lambda q: [c.fraction for c in q.choices] == [1.0, -1.0]),
        ({"type": "multiple_response", "option_c": "C", "correct": "A; C"},
         lambda q: [c.fraction for c in q.choices] == [0.5, -0.5, 0.5]),
        ({"type": "multiple_response", "option_c": "C", "option_d": "D", "correct": "A,B C"},
         lambda q: [round(c.fraction, 3) for c in q.choices] == [0.333, 0.333, 0.333, -0.333]),
        ({"type": "true_false", "option_a": "", "option_b": "", "correct": "TRUE"},
         lambda q: [c.fraction for c in q.choices] == [1.0, 0.0]),
        ({"type": "numerical", "option_a": "", "option_b": "", "correct": "2,5",
          "tolerance": "0.5", "unit": "mL"},
         lambda q: q.numeric == [NumericAnswer(2.5, 0.5)] and q.unit == "mL"),
        ({"type": "short_answer", "option_a": "", "option_b": "", "correct": "a; b ;"},
         lambda q: [c.text for c in q.choices] == ["a", "b"] and not q.case_sensitive),
        ({"id": "", "domain": "Assessment", "difficulty": "HARD", "subdomain": "Tools"},
         lambda q: (q.external_id, q.domain, q.difficulty, q.subdomain)
         == (None, "assessment", "hard", "Tools")),
        ({"references": "One; Two", "tags": ";x;;y"},
         lambda q: q.references == ["One", "Two"] and q.tags == ["x", "y"]),
        ({"option_f": "F", "option_c": "C", "option_d": "D", "option_e": "E", "correct": "F"},
         lambda q: len(q.choices) == 6 and q.choices[5].fraction == 1.0),
    ],
)
def test_valid_rows(cells: dict[str, str], check) -> None:
    result = csv_format.parse(table(row(**cells)))
    assert result.errors == []
    assert check(result.questions[0]), result.questions[0]


@pytest.mark.parametrize(
    ("cells", "fragment"),
    [
        ({"type": "essay"}, 'type "essay" is not one of'),
        ({"stem": ""}, "stem is empty"),
        ({"id": "Q 1"}, 'id "Q 1" may use only'),
        ({"domain": "pharmacy"}, 'domain "pharmacy" is not one of'),
        ({"difficulty": "tricky"}, 'difficulty "tricky"'),
        ({"correct": ""}, "correct is empty"),
        ({"correct": "A;B"}, '2 options earn full credit ("A", "B"); mark exactly one'),
        ({"type": "multiple_response", "correct": "A;B"}, "add at least one incorrect option"),
        ({"correct": "G"}, "option letters"),
        ({"correct": "A;a"}, "names a letter twice"),
        ({"correct": "C"}, "option_c, which is empty"),
        ({"option_b": ""}, "fill at least option_a and option_b"),
        ({"option_b": "", "option_c": "C"}, "option_b is empty but a later option"),
        ({"type": "true_false", "option_a": "", "option_b": "", "correct": "yes"},
         "must be true or false"),
        ({"type": "true_false", "correct": "true"}, "leaves option_a, option_b empty"),
        ({"type": "numerical", "option_a": "", "option_b": "", "correct": "ten"},
         'correct "ten" is not a number'),
        ({"type": "numerical", "option_a": "", "option_b": "", "correct": "1",
          "tolerance": "-1"}, "tolerance must not be negative"),
        ({"type": "numerical", "option_a": "", "option_b": "", "correct": "1e999"},
         'correct "1e999" is not a number'),
        ({"tolerance": "1"}, "leaves tolerance empty"),
        ({"type": "short_answer", "option_a": "", "option_b": "", "correct": " ; "},
         "no accepted answer"),
    ],
)
def test_invalid_rows_give_one_error_on_their_line(cells: dict[str, str], fragment: str) -> None:
    result = csv_format.parse(table(row(id="ok-1"), row(**cells)))
    assert len(result.questions) == 1
    [error] = result.errors
    assert error.line == 3
    assert fragment in error.message


def test_duplicate_ids() -> None:
    result = csv_format.parse(table(row(), row()))
    assert [(e.line, "already used on line 2" in e.message) for e in result.errors] == [(3, True)]


def test_semicolon_delimiter_is_sniffed() -> None:
    text = table(row(stem="Comma, inside", references="A, 2003"), delimiter=";")
    assert text.splitlines()[0].count(";") == 17
    result = csv_format.parse(text)
    assert result.errors == []
    assert result.questions[0].text == "Comma, inside"


def test_line_numbers_follow_multi_line_cells() -> None:
    text = table(row(id="a", stem="line one\nline two\nline three"), row(id="b"),
                 row(id="c", rationale="x\n\ny"), row(id="d", correct="Z"))
    result = csv_format.parse(text)
    assert [q.line for q in result.questions] == [2, 5, 6]
    assert [e.line for e in result.errors] == [9]
    assert result.questions[0].text == "line one\nline two\nline three"


def test_blank_lines_are_skipped_but_counted() -> None:
    text = table(row(id="a")) + "\n,,,,,,,,,,,,,,,,,\n" + table(row(id="b")).split("\n", 1)[1]
    result = csv_format.parse(text)
    assert [q.line for q in result.questions] == [2, 5]


def test_crlf_and_bom() -> None:
    text = "\ufeff" + table(row(id="a"), row(id="b")).replace("\n", "\r\n")
    result = csv_format.parse(text)
    assert result.errors == []
    assert [q.line for q in result.questions] == [2, 3]


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        (HEADER.replace("stem", "question"), 'unknown column "question"; missing column "stem"'),
        (HEADER.replace(",unit", ""), 'missing column "unit"'),
        (HEADER + ",extra", 'unknown column "extra"'),
        (HEADER + ",stem", 'repeated column "stem"'),
    ],
)
def test_header_errors_are_on_line_one_and_list_the_header(header: str, fragment: str) -> None:
    result = csv_format.parse(header + "\n" + table(row()).split("\n", 1)[1])
    assert result.questions == []
    [error] = result.errors
    assert error.line == 1
    assert fragment in error.message
    assert HEADER in error.message


def test_header_is_case_insensitive_and_order_free() -> None:
    columns = list(reversed(csv_format.HEADER))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    out.write(",".join(c.upper() for c in columns) + "\n")
    writer.writerow(row())
    assert csv_format.parse(out.getvalue()).errors == []


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "empty"),
        ("  \n", 1, "empty"),
        (HEADER + "\n", 1, "no question rows"),
        (HEADER + '\nq-1,single_choice,,,,,"unterminated\nmore\n', 2, "malformed"),
        (HEADER + '\nq-1,single_choice,,,,,"bad"quote,A,B,,,,,A,,,,\n', 2, "malformed"),
        (HEADER + "\nq-1,single_choice,too,few\n", 2, "4 cells but the header has 18"),
    ],
)
def test_file_level_errors(text: str, line: int, fragment: str) -> None:
    result = csv_format.parse(text)
    assert result.questions == []
    [error] = result.errors
    assert (error.line, fragment in error.message) == (line, True), error


CELLS = st.text(alphabet=st.sampled_from(list('ab,;"\n \t1.-ABCDEFtruefalse')), max_size=12)


@FAST
@given(st.lists(st.lists(CELLS, min_size=1, max_size=20), max_size=5))
def test_arbitrary_rows_never_raise(rows: list[list[str]]) -> None:
    text = HEADER + "\n" + "\n".join(",".join(cells) for cells in rows)
    result = csv_format.parse(text)
    lines = text.count("\n") + 1
    assert all(1 <= e.line <= lines for e in result.errors)
    assert all(1 <= q.line <= lines for q in result.questions)


@pytest.mark.parametrize("make", [
    pytest.param(lambda n: table(row(type="numerical", option_a="", option_b="",
                                      correct="1" * n + "x")), id="number"),
    pytest.param(lambda n: ",".join(["stem"] * (n // 5)) + "\n", id="header"),
    pytest.param(lambda n: table(*[row(id=f"q-{i}") for i in range(n // 100)]), id="rows"),
])
def test_adversarial_input_is_linear(make) -> None:
    assert_linear(csv_format.parse, make)
