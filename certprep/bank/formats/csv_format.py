"""certprep's CSV question format: parse(text) -> ParseResult, plus a template.

There is no CSV standard for questions, so certprep documents its own. The
first line is this header (any column order; names are case-insensitive):

    id,type,domain,subdomain,difficulty,tags,stem,option_a,option_b,option_c,
    option_d,option_e,option_f,correct,tolerance,unit,rationale,references

* type: single_choice, multiple_response, true_false, numerical or short_answer.
* correct: option letters for choice types ("B", or "A;C" for several),
  "true"/"false", a number, or the accepted answers separated by ";".
* tolerance and unit: numerical rows only. tags and references: ";"-separated.
* domain (foundations, assessment, interventions, education) and difficulty
  (easy, medium, hard) are optional but checked when given.

The delimiter is "," or ";" (European spreadsheets), sniffed from the header.
Cells may be quoted and span lines; errors give the physical line a row
starts on. Stems and rationales are Markdown, as in the native format.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from certprep.bank.outline import DIFFICULTIES, DOMAIN_KEYS

from .common import Invalid, decimal, reader
from .records import Choice, NumericAnswer, ParsedQuestion, ParseError, ParseResult

FORMAT = "csv"

HEADER = (
    "id", "type", "domain", "subdomain", "difficulty", "tags", "stem",
    "option_a", "option_b", "option_c", "option_d", "option_e", "option_f",
    "correct", "tolerance", "unit", "rationale", "references",
)  # fmt: skip
TYPES = ("single_choice", "multiple_response", "true_false", "numerical", "short_answer")
LETTERS = "ABCDEF"
_OPTIONS = tuple(f"option_{letter.lower()}" for letter in LETTERS)
_ID = re.compile(r"[a-z0-9-]+")
_EXPECTED = "Expected header: " + ",".join(HEADER)


@reader(FORMAT, strict=True)
def parse(text: str) -> ParseResult:
    """Read certprep CSV into records; errors give the line each row starts on."""
    result = ParseResult(format=FORMAT)
    text = text.removeprefix("\ufeff")  # Excel writes a byte-order mark
    if not text.strip():
        result.errors.append(ParseError(1, f"The file is empty. {_EXPECTED}"))
        return result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text),
                        strict=True)
    lines = _Lines()
    try:
        _read(reader, lines, result)
    except csv.Error as exc:
        # The csv module cannot resume after a quoting error, so reading stops here.
        result.errors.append(ParseError(lines.previous + 1, (
            f"The CSV is malformed here ({exc}). Check that every quoted cell ends "
            'with a quote and that quotes inside cells are doubled ("").')))
    if not result.questions and not result.errors:
        result.errors.append(ParseError(1, "The file has a header but no question rows."))
    return result


def sniff_delimiter(text: str) -> str:
    """';' when the first line has more semicolons than commas, else ','."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


class _Lines:
    """The last physical line read before the current row (rows may span lines)."""

    previous = 0


def _read(reader, lines: _Lines, result: ParseResult) -> None:
    """Check the header, then turn each non-blank row into a question."""
    header = next(reader, None)
    columns = [cell.strip().lower() for cell in header or []]
    if not _check_header(columns, result):
        return
    seen: dict[str, int] = {}
    lines.previous = reader.line_num
    for row in reader:
        start, lines.previous = lines.previous + 1, reader.line_num
        if any(cell.strip() for cell in row):
            _read_row(row, columns, start, seen, result)


def _check_header(columns: list[str], result: ParseResult) -> bool:
    """Every expected column once, no others; one error on line 1 otherwise."""
    unknown = [c for c in columns if c not in HEADER]
    missing = [c for c in HEADER if c not in columns]
    counts = Counter(columns)
    repeated = sorted(c for c, n in counts.items() if n > 1 and c in HEADER)
    problems = []
    if unknown:
        problems.append("unknown column " + ", ".join(f'"{c}"' for c in unknown))
    if missing:
        problems.append("missing column " + ", ".join(f'"{c}"' for c in missing))
    if repeated:
        problems.append("repeated column " + ", ".join(f'"{c}"' for c in repeated))
    if problems:
        result.errors.append(ParseError(1, f"Header: {'; '.join(problems)}. {_EXPECTED}"))
    return not problems


def _read_row(row: list[str], columns: list[str], line: int, seen: dict[str, int],
              result: ParseResult) -> None:
    """Parse one data row; add the question or one error on the row's line."""
    if len(row) != len(columns):
        result.errors.append(ParseError(line, (
            f"This row has {len(row)} cells but the header has {len(columns)}; check for "
            "a missing delimiter or an unquoted cell that contains one.")))
        return
    cells = {name: value.strip() for name, value in zip(columns, row, strict=True)}
    label = f'Row "{cells["id"]}"' if cells["id"] else "Row"
    try:
        question = _question(cells, line)
        if question.external_id in seen:
            raise Invalid(f"id {question.external_id} is already used on line "
                           f"{seen[question.external_id]}")
    except Invalid as exc:
        result.errors.append(ParseError(line, f"{label}: {exc}"))
        return
    if question.external_id:
        seen[question.external_id] = line
    result.questions.append(question)


def _question(cells: dict[str, str], line: int) -> ParsedQuestion:
    """Build the record for one row."""
    kind = cells["type"].lower()
    if kind not in TYPES:
        raise Invalid(f'type "{cells["type"]}" is not one of {", ".join(TYPES)}')
    if not cells["stem"]:
        raise Invalid("stem is empty")
    if cells["id"] and not _ID.fullmatch(cells["id"]):
        raise Invalid(f'id "{cells["id"]}" may use only a-z, 0-9 and "-"')
    question = ParsedQuestion(
        line=line, kind=kind, text=cells["stem"], text_format="markdown", name=cells["id"],
        external_id=cells["id"] or None, tags=split_list(cells["tags"]),
        general_feedback=cells["rationale"], general_feedback_format="markdown",
        domain=_choice_of(cells, "domain", DOMAIN_KEYS),
        subdomain=cells["subdomain"] or None,
        difficulty=_choice_of(cells, "difficulty", DIFFICULTIES),
        references=split_list(cells["references"]))
    _check_unused(cells, kind)
    _READERS[kind](cells, question)
    return question


def split_list(cell: str) -> list[str]:
    """A ';'-separated cell as a list of trimmed, non-empty values."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def _choice_of(cells: dict[str, str], column: str, allowed: tuple[str, ...]) -> str | None:
    """An optional cell that must be one of a fixed list when given."""
    value = cells[column].lower()
    if value and value not in allowed:
        raise Invalid(f'{column} "{cells[column]}" is not one of {", ".join(allowed)}')
    return value or None


def _check_unused(cells: dict[str, str], kind: str) -> None:
    """Cells a type does not use must be empty, so a shifted column is caught."""
    unused = [] if kind in ("single_choice", "multiple_response") else list(_OPTIONS)
    if kind != "numerical":
        unused += ["tolerance", "unit"]
    filled = [column for column in unused if cells[column]]
    if filled:
        raise Invalid(f"a {kind} row leaves {', '.join(filled)} empty")
    if not cells["correct"]:
        raise Invalid("correct is empty")


def _options(cells: dict[str, str]) -> list[tuple[str, str]]:
    """(letter, text) of the filled options, which must have no gaps."""
    filled = [(letter, cells[column]) for letter, column in zip(LETTERS, _OPTIONS, strict=True)]
    last = max((i for i, (_, text) in enumerate(filled) if text), default=-1)
    gaps = [f"option_{letter.lower()}" for letter, text in filled[:last] if not text]
    if gaps:
        raise Invalid(f"{gaps[0]} is empty but a later option is filled; fill options in order")
    return filled[: last + 1]


def _letters(cell: str) -> list[str]:
    """Correct letters such as 'B' or 'A;C' (commas and spaces also separate)."""
    letters = [part.upper() for part in re.split(r"[;,\s]+", cell) if part]
    bad = [part for part in letters if part not in LETTERS]
    if bad:
        raise Invalid(f'correct "{cell}" must be option letters such as B or A;C')
    if len(set(letters)) != len(letters):
        raise Invalid(f'correct "{cell}" names a letter twice')
    return letters


def _read_choices(cells: dict[str, str], question: ParsedQuestion) -> None:
    """single_choice (one letter) or multiple_response (letters, some options left out)."""
    options = _options(cells)
    if len(options) < 2:
        raise Invalid("fill at least option_a and option_b")
    letters = _letters(cells["correct"])
    empty = [letter for letter in letters if letter not in {opt for opt, _ in options}]
    if empty:
        raise Invalid(f"correct names option_{empty[0].lower()}, which is empty")
    share = 1.0 if question.kind == "single_choice" else 1 / len(letters)
    wrong = 0.0 if question.kind == "single_choice" else -share
    question.choices = [Choice(text, share if letter in letters else wrong)
                        for letter, text in options]


def _read_true_false(cells: dict[str, str], question: ParsedQuestion) -> None:
    """true_false: correct is true or false."""
    answer = cells["correct"].lower()
    if answer not in ("true", "false"):
        raise Invalid(f'correct "{cells["correct"]}" must be true or false')
    question.choices = [Choice("True", float(answer == "true")),
                        Choice("False", float(answer == "false"))]


def number(cell: str, column: str) -> float:
    """A decimal number; a lone decimal comma (European spreadsheets) is accepted."""
    raw = cell.replace(",", ".") if cell.count(",") == 1 and "." not in cell else cell
    value = decimal(raw)
    if value is None:
        raise Invalid(f'{column} "{cell[:40]}" is not a number')
    return value


def _read_numerical(cells: dict[str, str], question: ParsedQuestion) -> None:
    """numerical: correct is the value; tolerance (default 0) and unit are optional."""
    tolerance = number(cells["tolerance"], "tolerance") if cells["tolerance"] else 0.0
    if tolerance < 0:
        raise Invalid("tolerance must not be negative")
    question.numeric = [NumericAnswer(number(cells["correct"], "correct"), tolerance)]
    question.unit = cells["unit"]


def _read_short_answer(cells: dict[str, str], question: ParsedQuestion) -> None:
    """short_answer: the accepted answers, separated by ';' (case is ignored)."""
    question.choices = [Choice(text, 1.0) for text in split_list(cells["correct"])]
    if not question.choices:
        raise Invalid("correct holds no accepted answer")


_READERS = {
    "single_choice": _read_choices,
    "multiple_response": _read_choices,
    "true_false": _read_true_false,
    "numerical": _read_numerical,
    "short_answer": _read_short_answer,
}


def _template() -> str:
    """A small valid file: the header and one row per type."""
    rows = [
        ("pm-001", "single_choice", "assessment", "Assessment tools", "easy", "tools;dementia",
         "Which scale was designed for adults with advanced dementia who cannot self-report "
         "pain?", "PAINAD", "FLACC", "Numeric rating scale", "", "", "", "A", "", "",
         "PAINAD scores observed breathing, vocalisation, facial expression, body language "
         "and consolability.",
         "Warden V, Hurley AC, Volicer L. Development and psychometric evaluation of the "
         "PAINAD scale. J Am Med Dir Assoc. 2003, 4(1), 9-15."),
        ("pm-002", "multiple_response", "interventions", "Adverse effects", "medium", "opioids",
         "Which are common adverse effects of opioids? Select all that apply.",
         "Constipation", "Nausea", "Hypertension", "Pruritus", "", "", "A;B;D", "", "",
         "Constipation, nausea and itching are common; opioids tend to lower blood pressure.",
         "CDC Clinical Practice Guideline for Prescribing Opioids for Pain, 2022."),
        ("pm-003", "true_false", "foundations", "Addiction, tolerance and dependence", "easy",
         "", "Physical dependence on an opioid is the same as addiction.", "", "", "", "", "",
         "", "false", "", "",
         "Dependence is an expected adaptation shown by withdrawal; addiction is a "
         "behavioural disease.",
         "SAMHSA. TIP 63: Medications for Opioid Use Disorder. 2021."),
        ("pm-004", "numerical", "interventions", "Non-opioid analgesics", "easy", "",
         "An adult takes 1,000 mg of acetaminophen every 6 hours. How many milligrams is "
         "that in 24 hours?", "", "", "", "", "", "", "4000", "0", "mg",
         "4 doses x 1,000 mg = 4,000 mg.",
         "Acetaminophen prescribing information (FDA-approved labeling)."),
        ("pm-005", "short_answer", "assessment", "Sedation and respiratory monitoring",
         "medium", "naloxone",
         "Name the opioid antagonist used to reverse opioid-induced respiratory depression.",
         "", "", "", "", "", "", "naloxone;Narcan", "", "",
         "Naloxone competes with opioids at the mu receptor.",
         "Naloxone hydrochloride prescribing information (FDA-approved labeling)."),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


TEMPLATE: str = _template()
