"""Plain records every question parser returns: no database, no request.

Each parser takes text and returns a ParseResult. The importer turns
ParsedQuestion records into models; the exporters turn models back into text.
Fractions are the share of the mark an answer earns (1.0 = fully correct,
negative values are penalties), as Moodle stores them.
"""

from __future__ import annotations

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
