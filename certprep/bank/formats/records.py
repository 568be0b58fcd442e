"""Plain records every question parser returns: no database, no request.

Each parser takes text and returns a ParseResult. The importer turns
ParsedQuestion records into models; the exporters turn models back into text.
Fractions are the share of the mark an answer earns (1.0 = fully correct,
negative values are penalties), as Moodle stores them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# The keys of `by_type` in the CLI contract, in display order.
KINDS = (
    "single_choice",
    "multiple_response",
    "true_false",
    "numerical",
    "short_answer",
    "matching",
    "essay",
    "description",
    "cloze",
    "other",
)
GRADABLE = frozenset(KINDS[:6])
# How messages name each kind.
KIND_LABELS = {
    "single_choice": "single-choice",
    "multiple_response": "multiple-response",
    "true_false": "true/false",
    "numerical": "numerical",
    "short_answer": "short-answer",
    "matching": "matching",
    "essay": "essay",
    "description": "description",
    "cloze": "cloze",
    "other": "unsupported",
}

# The longest value each stored field may hold, in characters. The columns in
# certprep/bank/models.py have these lengths (tests/bank/test_formats_limits.py checks);
# "tag" has no column of its own (tags live in the version's JSON) but is a short label.
LIMITS = {
    "set_id": 80,  # QuestionSet.slug
    "set_title": 200,  # QuestionSet.title
    "external_id": 120,  # Question.external_id
    "domain": 20,  # QuestionVersion.domain
    "subdomain": 120,  # QuestionVersion.subdomain
    "difficulty": 10,  # QuestionVersion.difficulty
    "file_name": 200,  # Media.name
    "tag": 100,
}

# Text formats a question part may be written in.
TEXT_FORMATS = ("html", "markdown", "plain", "moodle")


@dataclass
class Choice:
    """An option of a choice question, an accepted short answer, or True/False."""

    text: str
    fraction: float = 0.0
    feedback: str = ""
    text_format: str = "plain"
    feedback_format: str = "plain"


@dataclass
class NumericAnswer:
    value: float | None  # None means "*": any other number
    tolerance: float = 0.0
    fraction: float = 1.0
    feedback: str = ""


@dataclass
class MatchPair:
    prompt: str  # empty prompt: an extra answer that is a distractor
    answer: str
    prompt_format: str = "plain"


@dataclass
class ParsedQuestion:
    line: int  # 1-based line where the question starts (XML: the element's line)
    kind: str  # one of KINDS
    text: str
    text_format: str = "plain"
    name: str = ""
    external_id: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)  # single/multiple, true/false, short answer
    numeric: list[NumericAnswer] = field(default_factory=list)
    pairs: list[MatchPair] = field(default_factory=list)
    general_feedback: str = ""  # the rationale
    general_feedback_format: str = "plain"
    case_sensitive: bool = False  # short answer only
    unit: str = ""  # numerical only, shown after the input
    # Fields the native format and CSV carry; other formats leave them empty.
    scenario: str = ""  # shared case text shown above the stem
    case_id: str | None = None
    domain: str | None = None
    subdomain: str | None = None
    difficulty: str | None = None
    references: list[str] = field(default_factory=list)
    last_reviewed: str | None = None  # ISO dates: when the content was last checked
    review_by: str | None = None  # and when it is due to be checked again
    files: dict[str, bytes] = field(default_factory=dict)  # embedded media by file name
    skip_reason: str | None = None  # set for recognised but unsupported kinds

    @property
    def importable(self) -> bool:
        return self.kind in GRADABLE and self.skip_reason is None


# A grade within this of 100% is full credit (Moodle writes 1/3 as 33.33333%).
_FULL = 1 - 1e-5


def gradable_problems(question: ParsedQuestion) -> list[str]:
    """What stops a question from being graded, each saying what to change; [] when none.

    The one rule every format keeps to: a parser reads what a file says, and this
    decides whether certprep can mark it. Only the six gradable kinds are checked.
    """
    if question.kind not in _RULES:
        return []
    problems = [] if question.text.strip() else ["write the question text"]
    return problems + _RULES[question.kind](question)


def _quoted(choices: list[Choice]) -> str:
    """Option texts for a message, shortened: '"a", "b"'."""
    return ", ".join(f'"{c.text[:40]}"' for c in choices)


def _percent(value: float) -> str:
    """A fraction as a percentage for messages: 0.5 -> '50'."""
    return f"{value * 100:.5f}".rstrip("0").rstrip(".")


def _option_problems(question: ParsedQuestion, what: str) -> list[str]:
    """Empty texts and credits out of range, shared by every kind with options."""
    problems = []
    for number, choice in enumerate(question.choices, start=1):
        if not choice.text.strip():
            problems.append(f"{what} {number} has no text; write it or remove the {what}")
        if not (math.isfinite(choice.fraction) and -1 <= choice.fraction <= 1):
            problems.append(f"{what} {number} earns {choice.fraction!r} of the mark; "
                            "give it between -100% and 100%")
    return problems


def _single_choice(question: ParsedQuestion) -> list[str]:
    """Two or more options, exactly one of them worth full credit."""
    problems = _option_problems(question, "option")
    if len(question.choices) < 2:
        return [*problems, "give at least two options"]
    full = [c for c in question.choices if c.fraction >= _FULL]
    if not full:
        problems.append("no option earns full credit; mark exactly one option as the "
                        "correct one (100%)")
    elif len(full) > 1:
        problems.append(f"{len(full)} options earn full credit ({_quoted(full)}); mark exactly "
                        "one as correct, or make it a multiple-response question")
    return problems


def _multiple_response(question: ParsedQuestion) -> list[str]:
    """Some correct and some incorrect options; the correct ones' credit adds up to 100%."""
    problems = _option_problems(question, "option")
    if len(question.choices) < 2:
        return [*problems, "give at least two options"]
    right = [c.fraction for c in question.choices if c.fraction > 0]
    if not right:
        return [*problems, "no option is correct; give the correct options credit that "
                           "adds up to 100%"]
    if len(right) == len(question.choices):
        problems.append("every option is correct; add at least one incorrect option (0% "
                        "or a penalty)")
    total = sum(right)
    if abs(total - 1) > max(1e-4, 1e-5 * len(right)):
        problems.append(f"the correct options' credit adds up to {_percent(total)}%; change "
                        "it to add up to 100%")
    return problems


def _true_false(question: ParsedQuestion) -> list[str]:
    """The options True and False, one of them the answer."""
    labels = [c.text.strip().lower() for c in question.choices]
    if labels != ["true", "false"]:
        return ["a true/false question has the two options True and False"]
    full = [c for c in question.choices if c.fraction >= _FULL]
    if len(full) != 1 or any(0 < c.fraction < _FULL for c in question.choices):
        return ["give the answer: either True or False is correct, not both or neither"]
    return []


def _numerical(question: ParsedQuestion) -> list[str]:
    """A number with full credit and a tolerance of zero or more."""
    problems = []
    for number, answer in enumerate(question.numeric, start=1):
        if answer.value is not None and not math.isfinite(answer.value):
            problems.append(f"answer {number} is not a finite number")
        if not (math.isfinite(answer.tolerance) and answer.tolerance >= 0):
            problems.append(f"answer {number} needs a tolerance of zero or more")
        if not (math.isfinite(answer.fraction) and -1 <= answer.fraction <= 1):
            problems.append(f"answer {number} earns {answer.fraction!r} of the mark; give it "
                            "between -100% and 100%")
    if not any(a.value is not None and a.fraction >= _FULL for a in question.numeric):
        problems.append("give the answer: a number with full credit (and its tolerance)")
    return problems


def _short_answer(question: ParsedQuestion) -> list[str]:
    """At least one accepted answer worth full credit."""
    problems = _option_problems(question, "answer")
    if not any(c.fraction >= _FULL for c in question.choices):
        problems.append("give at least one accepted answer full credit (100%)")
    return problems


def _matching(question: ParsedQuestion) -> list[str]:
    """Two or more prompts, each with an answer; extra answers are not empty."""
    problems = []
    prompts = [pair for pair in question.pairs if pair.prompt.strip()]
    for number, pair in enumerate(question.pairs, start=1):
        if not pair.answer.strip():
            problems.append(f"pair {number} has no answer; write one or remove the pair")
    if len(prompts) < 2:
        problems.append("give at least two prompts, each with its answer")
    return problems


_RULES = {
    "single_choice": _single_choice,
    "multiple_response": _multiple_response,
    "true_false": _true_false,
    "numerical": _numerical,
    "short_answer": _short_answer,
    "matching": _matching,
}


@dataclass
class ParseError:
    line: int  # 1-based; 0 when the error concerns the whole file
    message: str  # says what is wrong and what to change


@dataclass
class ParseResult:
    format: str  # native, gift, aiken, moodle-xml, qti, csv
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # in order of first appearance
    # The set a native file declares: {"id", "title", "description"}; empty for others.
    set_info: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class NotUtf8(ValueError):
    """Raised by decode_upload when the bytes are not UTF-8."""


def decode_upload(data: bytes) -> str:
    """UTF-8 text without a BOM, line endings normalised to \\n."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(
            "The file is not UTF-8 text. Save it again as UTF-8 "
            f"(the first bad byte is at offset {exc.start})."
        ) from exc
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")
