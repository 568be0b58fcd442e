"""GIFT reader and writer that behave like Moodle 4.5's GIFT importer and exporter.

The reader splits the text into blocks at blank lines and turns each block into
one ParsedQuestion (or a category switch). It follows Moodle's algorithm, quirks
included, and reports problems as ParseError records instead of raising.
See /work/shared/conformance/FORMATS.md section 1 for the rules implemented here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import grades
from .common import (
    DESCRIPTION_SKIP,
    ESSAY_SKIP,
    NUMBER,
    PHP_SPACE,
    Invalid,
    default_name,
    reader,
    slug,
)
from .records import (
    LIMITS,
    TEXT_FORMATS,
    Choice,
    MatchPair,
    NumericAnswer,
    ParsedQuestion,
    ParseError,
    ParseResult,
)

_PHP_SPACE = PHP_SPACE

# Escaped control characters are hidden behind Unicode noncharacters while the
# block is parsed, so that e.g. "\{" is never taken for the answer block.
# (Noncharacters never occur in real files; Moodle's "&&058;" markers have the
# same kind of collision.)
_PLACEHOLDERS = {
    ":": "\ufdd0",
    "#": "\ufdd1",
    "=": "\ufdd2",
    "{": "\ufdd3",
    "}": "\ufdd4",
    "~": "\ufdd5",
    "n": "\ufdd6",
}
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")
_RESTORE = str.maketrans(
    {mark: ("\n" if char == "n" else char) for char, mark in _PLACEHOLDERS.items()}
)

# Moodle's weight syntax: "%50%", "%-33.33333%", "%100%" (1-2 digits, then more).
_WEIGHT_RE = re.compile(r"%(-*)([0-9]{1,2}\.?[0-9]*)%")
# PHP's is_numeric() accepts a decimal number with white space around it.
_NUMBER_SPACE = " \t\n\r\v\f"
_TAG_RE = re.compile(r"<[^>]*>")
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAGS_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")
_CATEGORY = "$CATEGORY:"

__all__ = ["DESCRIPTION_SKIP", "ESSAY_SKIP", "default_name", "dump", "parse"]


def _error(line: int, message: str) -> Invalid:
    """A problem in one block; it becomes a ParseError and the block is dropped."""
    return Invalid(message, line)


# ---------------------------------------------------------------------------
# Small text helpers
# ---------------------------------------------------------------------------


def _trim(text: str) -> str:
    """Strip the characters PHP's trim() strips."""
    return text.strip(_PHP_SPACE)


def _unescape(text: str) -> str:
    """Turn placeholders back into the characters they stand for."""
    return text.translate(_RESTORE)


def _with_format(raw: str, default: str) -> tuple[str, str]:
    """Split an optional leading [format] off a part; return (text, format)."""
    if raw.startswith("["):
        end = raw.find("]")
        if end > 0 and raw[1:end] in TEXT_FORMATS:
            return _trim(_unescape(raw[end + 1 :])), raw[1:end]
    # An unknown [xyz] prefix stays in the text, as in Moodle.
    return _trim(_unescape(raw)), default


def _with_feedback(raw: str, default: str) -> tuple[str, str, str, str]:
    """Split "text#feedback" at the first '#'; return text, format, feedback, format."""
    head, sep, tail = raw.partition("#")
    text, text_format = _with_format(_trim(head), default)
    feedback, feedback_format = _with_format(_trim(tail), default) if sep else ("", default)
    return text, text_format, feedback, feedback_format


def _clean_name(raw: str) -> str:
    """Tidy a ::title:: like Moodle's clean_question_name (tags stripped, trimmed)."""
    return _trim(_TAG_RE.sub("", _unescape(raw)))


def _skip_space(text: str, pos: int) -> int:
    """Offset of the first non-space character at or after pos."""
    while pos < len(text) and text[pos] in _PHP_SPACE:
        pos += 1
    return pos


def _is_number(text: str) -> bool:
    """Whether PHP's is_numeric() would accept the text."""
    return NUMBER.fullmatch(text.strip(_NUMBER_SPACE)) is not None


# ---------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------


@dataclass
class _Block:
    """One blank-line separated chunk, comments removed and escapes hidden."""

    text: str
    first_line: int  # physical line of text[0]
    comments: str
    newlines: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Index the newlines once so line lookups stay O(log n)."""
        self.newlines = [i for i, char in enumerate(self.text) if char == "\n"]

    def line_at(self, offset: int) -> int:
        """Physical line number of a character offset in the block text."""
        return self.first_line + bisect_left(self.newlines, offset)


def _raw_blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """Yield runs of non-blank trimmed lines with their 1-based line numbers."""
    run: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = _trim(line)
        if line:
            run.append((number, line))
        elif run:
            yield run
            run = []
    if run:
        yield run


def _make_block(run: list[tuple[int, str]]) -> _Block | None:
    """Join a run of lines like Moodle: comment lines become ' ', then trim and escape."""
    comments = [line for _, line in run if line.startswith("//")]
    joined = "\n".join(" " if line.startswith("//") else line for _, line in run)
    body = joined.lstrip(_PHP_SPACE)
    first_line = run[0][0] + joined.count("\n", 0, len(joined) - len(body))
    body = body.rstrip(_PHP_SPACE)
    if not body:
        return None
    # "\\" must become "\" before the other escapes are looked at; one
    # left-to-right pass does both, exactly like Moodle's three replacements.
    body = _ESCAPE_RE.sub(lambda m: "\\" if m[1] == "\\" else _PLACEHOLDERS[m[1]], body)
    return _Block(body, first_line, "\n".join(comments))


def _id_and_tags(comments: str) -> tuple[str | None, list[str]]:
    """Read [id:..] (first wins) and every [tag:..] out of the comment lines."""
    found = _ID_RE.search(comments)
    idnumber = _trim(found[1].replace("\\]", "]")) if found else None
    tags = [_trim(tag.replace("\\]", "]")) for tag in _TAGS_RE.findall(comments)]
    return idnumber or None, [tag for tag in tags if tag]


# ---------------------------------------------------------------------------
# Answer lists
# ---------------------------------------------------------------------------


def _segments(
    block: _Block, start: int, end: int, pattern: re.Pattern[str], keep: str = ""
) -> list[tuple[int, str]]:
    """Split text[start:end] at separators; a separator in `keep` starts the next part.

    Returns (offset of the trimmed part, trimmed part). Like Moodle, an empty
    first part is dropped, but later empty parts are kept.
    """
    parts: list[tuple[int, str]] = []
    begin = start
    for match in pattern.finditer(block.text, start, end):
        parts.append((begin, block.text[begin : match.start()]))
        begin = match.start() + (0 if match[0] in keep else 1)
    parts.append((begin, block.text[begin:end]))
    trimmed = [(off + len(raw) - len(raw.lstrip(_PHP_SPACE)), _trim(raw)) for off, raw in parts]
    if trimmed and trimmed[0][1] == "":
        trimmed.pop(0)
    return trimmed


_MC_SPLIT = re.compile(r"[~=]")
_EQ_SPLIT = re.compile(r"=")


def _weight(part: str, line: int) -> tuple[float | None, str]:
    """Read a leading %n% weight; return (fraction or None if absent, rest of the part)."""
    match = _WEIGHT_RE.match(part)
    if match is None:
        return None, part
    if len(match[1]) > 1:
        raise _error(
            line,
            f"The weight {match[0]} on line {line} has more than one minus sign; "
            f"write it as %-{match[2]}%.",
        )
    value = float(match[2]) / 100
    return (-value if match[1] else value), part[match.end() :]


def _checked_grade(fraction: float, line: int, refused: list[ParseError]) -> float:
    """Snap a fraction to Moodle's allowed grade list, or note the nearest choices.

    A refused grade is noted and reading goes on, so every bad grade of a question
    is reported at once.
    """
    grade = grades.snap(fraction)
    if grade is not None:
        return grade
    nearest = [f"{grades.as_percent(g)}%" for g in grades.nearest(fraction)]
    refused.append(ParseError(
        line,
        f"The grade {grades.as_percent(fraction)}% on line {line} is not one Moodle allows; "
        f"change it to {' or '.join(nearest)} (the nearest allowed grades).",
    ))
    return fraction


# ---------------------------------------------------------------------------
# One question
# ---------------------------------------------------------------------------


@dataclass
class _Parts:
    """The pieces of a question block located before its type is known."""

    block: _Block
    question: ParsedQuestion
    answers: str  # trimmed answer text, general feedback removed
    answers_at: int  # offset of `answers` in block.text
    closed: bool  # False for a description (no braces)
    title: str = ""  # the ::title::, when the block has one
    refused: list[ParseError] = field(default_factory=list)  # grades Moodle would refuse


def _locate(block: _Block) -> _Parts:
    """Find the title, the {answers} and the general feedback; build the base question."""
    text, pos, name = block.text, 0, ""
    if text.startswith("::"):
        pos = 2
        end = text.find("::", 2)
        if end != -1:
            name = _clean_name(text[2:end])
            pos = _skip_space(text, end + 2)
    opening, closing = text.find("{", pos), text.find("}", pos)
    if opening == -1 and closing == -1:
        return _Parts(block, _question(block, text[pos:], name), "", pos, closed=False,
                      title=name)
    _check_braces(block, opening, closing)
    # Text after the block (even ".") makes it a missing-word question.
    blank = "" if text.endswith("}") else "_____"
    question = _question(block, text[pos:opening] + blank + text[closing + 1 :], name)
    end = closing
    separator = text.rfind("####", opening + 1, closing)
    if separator != -1:
        raw = text[separator + 4 : closing]
        question.general_feedback, question.general_feedback_format = _with_format(
            _trim(raw), question.text_format
        )
        end = separator
    raw = text[opening + 1 : end]
    at = opening + 1 + len(raw) - len(raw.lstrip(_PHP_SPACE))
    return _Parts(block, question, _trim(raw), at, closed=True, title=name)


def _check_braces(block: _Block, opening: int, closing: int) -> None:
    """Reject a block with only one brace, or with '}' before '{'."""
    if opening == -1 or closing == -1:
        found, missing = ("{", "}") if closing == -1 else ("}", "{")
        line = block.line_at(opening if closing == -1 else closing)
        raise _error(
            line,
            f"The question on line {line} has '{found}' but no '{missing}' around its answers; "
            "add the missing brace, or write a literal brace as \\{ or \\}.",
        )
    if closing < opening:
        line = block.line_at(closing)
        raise _error(
            line,
            f"The '}}' on line {line} comes before the answers' '{{'; "
            "write a literal brace in the question text as \\{ or \\}.",
        )


def _question(block: _Block, raw_text: str, name: str) -> ParsedQuestion:
    """Build the common part of a question from its text, title and comments."""
    text, text_format = _with_format(raw_text, "moodle")
    idnumber, tags = _id_and_tags(block.comments)
    return ParsedQuestion(
        line=block.first_line,  # the first line that is not a comment
        kind="",
        text=text,
        text_format=text_format,
        name=name or default_name(text),
        external_id=idnumber,
        tags=tags,
        general_feedback_format=text_format,
    )


def _detect(parts: _Parts) -> str:
    """Moodle's type detection, in its exact order."""
    answers = parts.answers
    if not parts.closed:
        return "description"
    if answers == "":
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "multichoice"
    if "=" in answers and "->" in answers:
        return "match"
    hash_at = answers.find("#")
    check = _trim(answers[:hash_at]) if hash_at > 0 else answers
    return "truefalse" if check in _TRUE_FALSE else "shortanswer"


def _read_choices(parts: _Parts) -> None:
    """Multiple choice: '=' options are right (weights ignored), '~' options may carry %n%."""
    question, block = parts.question, parts.block
    end = parts.answers_at + len(parts.answers)
    # Moodle decides single/multiple on any '=' at all, then splits on it too.
    single = "=" in parts.answers
    question.kind = "single_choice" if single else "multiple_response"
    # Moodle turns every '=' into '~=' and splits at '~', so '=' stays on its option.
    for offset, part in _segments(block, parts.answers_at, end, _MC_SPLIT, keep="="):
        line = block.line_at(offset)
        if part.startswith("="):
            fraction, rest = 1.0, part[1:]
        else:
            weight, rest = _weight(part, line)
            fraction = _checked_grade(weight, line, parts.refused) if weight is not None else 0.0
        text, text_format, feedback, feedback_format = _with_feedback(rest, question.text_format)
        # Moodle skips options whose text is empty when it saves the question.
        if text:
            question.choices.append(Choice(text, fraction, feedback, text_format, feedback_format))
    if len(question.choices) < 2:
        line = block.line_at(parts.answers_at)
        raise _error(
            line,
            f"The multiple-choice question on line {line} has fewer than 2 options; "
            "give at least two, e.g. {=right ~wrong}.",
        )


def _read_short_answers(parts: _Parts) -> None:
    """Short answer: '=' answers, 100% unless a %n% weight is given."""
    question, block = parts.question, parts.block
    question.kind = "short_answer"
    end = parts.answers_at + len(parts.answers)
    for offset, part in _segments(block, parts.answers_at, end, _EQ_SPLIT):
        line = block.line_at(offset)
        weight, rest = _weight(part, line)
        fraction = _checked_grade(weight, line, parts.refused) if weight is not None else 1.0
        text, text_format, feedback, feedback_format = _with_feedback(rest, question.text_format)
        if text:
            question.choices.append(Choice(text, fraction, feedback, text_format, feedback_format))
    if not question.choices:
        line = block.line_at(parts.answers_at)
        raise _error(
            line,
            f"The short-answer question on line {line} has no accepted answer; "
            "write at least one, e.g. {=Paris}.",
        )


def _read_true_false(parts: _Parts) -> None:
    """True/false: {T#wrong-answer feedback#right-answer feedback}."""
    question = parts.question
    question.kind = "true_false"
    bits = [*parts.answers.split("#", 2), "", ""]
    answer, _ = _with_format(_trim(bits[0]), question.text_format)
    wrong, wrong_format = _with_format(_trim(bits[1]), question.text_format)
    right, right_format = _with_format(_trim(bits[2]), question.text_format)
    is_true = answer in ("T", "TRUE")
    true_fb = (right, right_format) if is_true else (wrong, wrong_format)
    false_fb = (wrong, wrong_format) if is_true else (right, right_format)
    question.choices = [
        Choice("True", 1.0 if is_true else 0.0, true_fb[0], "plain", true_fb[1]),
        Choice("False", 0.0 if is_true else 1.0, false_fb[0], "plain", false_fb[1]),
    ]


def _read_matching(parts: _Parts) -> None:
    """Matching: '=prompt -> answer' entries; an empty prompt is a distractor."""
    question, block = parts.question, parts.block
    question.kind = "matching"
    end = parts.answers_at + len(parts.answers)
    entries = _segments(block, parts.answers_at, end, _EQ_SPLIT)
    if len(entries) < 2:
        line = block.line_at(parts.answers_at)
        raise _error(
            line,
            f"The matching question on line {line} needs at least 2 entries; "
            "write them as =prompt -> answer.",
        )
    for offset, entry in entries:
        arrow = entry.find("->")
        if arrow == -1:
            line = block.line_at(offset)
            raise _error(
                line,
                f"The matching entry '{_unescape(entry)}' on line {line} has no '->'; "
                "write it as =prompt -> answer.",
            )
        prompt, prompt_format = _with_format(entry[:arrow], question.text_format)
        answer = _trim(_unescape(entry[arrow + 2 :]))
        if prompt or answer:
            question.pairs.append(MatchPair(prompt, answer, prompt_format))


def _read_numerical(parts: _Parts) -> None:
    """Numerical: {#value}, {#value:tolerance}, {#min..max}, several =answers, ~#catch-all."""
    question, block = parts.question, parts.block
    question.kind = "numerical"
    start = parts.answers_at + 1  # skip the '#'
    end = parts.answers_at + len(parts.answers)
    tilde = block.text.find("~", start, end)
    for offset, part in _segments(block, start, end if tilde == -1 else tilde, _EQ_SPLIT):
        line = block.line_at(offset)
        weight, rest = _weight(part, line)
        fraction = _checked_grade(weight, line, parts.refused) if weight is not None else 1.0
        text, _, feedback, _ = _with_feedback(rest, question.text_format)
        value, tolerance = _number_and_tolerance(text, line)
        question.numeric.append(NumericAnswer(value, tolerance, fraction, feedback))
    if not question.numeric:
        line = block.line_at(parts.answers_at)
        raise _error(
            line,
            f"The numerical question on line {line} has no answer; "
            "write it as {#value}, {#value:tolerance} or {#min..max}.",
        )
    if tilde != -1:
        # Everything from the first '~' on is feedback for any other number.
        _, _, feedback, _ = _with_feedback(block.text[tilde:end], question.text_format)
        question.numeric.append(NumericAnswer(None, 0.0, 0.0, feedback))


def _number_and_tolerance(text: str, line: int) -> tuple[float | None, float]:
    """Read 'min..max', 'value:tolerance', 'value' or '*'."""
    dots, colon = text.find(".."), text.find(":")
    if dots > 0:
        low, high = _trim(text[:dots]), _trim(text[dots + 2 :])
        if _is_number(low) and _is_number(high):
            middle = (float(low) + float(high)) / 2
            return middle, float(high) - middle
    elif colon > 0:
        value, tolerance = _trim(text[:colon]), _trim(text[colon + 1 :])
        if (value == "*" or _is_number(value)) and _is_number(tolerance):
            return (None if value == "*" else float(value)), float(tolerance)
    elif text == "*" or _is_number(text):
        return (None if text == "*" else float(text)), 0.0
    raise _error(
        line,
        f"The numerical answer '{text}' on line {line} is not a number; write a number, "
        "value:tolerance, min..max, or * for any other answer.",
    )


_READERS = {
    "multichoice": _read_choices,
    "shortanswer": _read_short_answers,
    "truefalse": _read_true_false,
    "match": _read_matching,
    "numerical": _read_numerical,
}


def _read_question(block: _Block) -> _Parts:
    """Read one non-category block into its parts and question, or raise Invalid."""
    parts = _locate(block)
    moodle_type = _detect(parts)
    question = parts.question
    if moodle_type == "description":
        question.kind, question.skip_reason = "description", DESCRIPTION_SKIP
    elif moodle_type == "essay":
        question.kind, question.skip_reason = "essay", ESSAY_SKIP
    else:
        _READERS[moodle_type](parts)
    return parts


def _read_category(block: _Block) -> str:
    """Everything after '$CATEGORY:' in the block is the path (Moodle keeps it raw)."""
    path = _trim(_unescape(block.text[len(_CATEGORY) :]))
    if not path:
        line = block.first_line
        raise _error(
            line,
            f"The $CATEGORY: on line {line} names no category; "
            "write a path after it, e.g. $CATEGORY: $course$/top/Chemistry.",
        )
    return path


@reader("gift", strict=False)
def parse(text: str) -> ParseResult:
    """Parse GIFT text into questions, category paths and errors (never raises)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    result = ParseResult(format="gift")
    category: str | None = None
    titled: list[tuple[ParsedQuestion, str]] = []
    for run in _raw_blocks(text):
        block = _make_block(run)
        if block is None:
            continue  # only comments
        try:
            if block.text.startswith(_CATEGORY):
                category = _read_category(block)
                if category not in result.categories:
                    result.categories.append(category)
                continue
            parts = _read_question(block)
        except Invalid as exc:
            result.errors.append(ParseError(exc.line or block.first_line, exc.message))
            continue
        if parts.refused:
            result.errors += parts.refused
            continue
        question = parts.question
        question.category = category
        result.questions.append(question)
        if parts.title and question.external_id is None:
            titled.append((question, parts.title))
    _ids_from_titles(titled, {q.external_id for q in result.questions if q.external_id})
    return result


def _ids_from_titles(titled: list[tuple[ParsedQuestion, str]], taken: set[str]) -> None:
    """A ::title:: without an [id:] becomes the question's id, unique within the file.

    So a stem edited in the educator's file and uploaded again is a new version of
    the same question; an [id:...] comment, when there is one, still wins.
    """
    limit = LIMITS["external_id"]
    tried: dict[str, int] = {}  # the last number tried for each base: linear for many repeats
    for question, title in titled:
        base = slug(title)
        if not base:
            continue  # a title of symbols only: the importer makes an id from the text
        number = tried.get(base, 1)
        candidate = base if number == 1 else f"{base[: limit - len(str(number)) - 1]}-{number}"
        while candidate in taken:
            number += 1
            candidate = f"{base[: limit - len(str(number)) - 1]}-{number}"
        tried[base] = number
        taken.add(candidate)
        question.external_id = candidate


# ---------------------------------------------------------------------------
# Writer
# ---------------------------------------------------------------------------

_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "#": "\\#",
        "=": "\\=",
        "~": "\\~",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)


def _escape(text: str) -> str:
    """Escape GIFT's control characters and newlines like Moodle's exporter."""
    return text.translate(_ESCAPES)


def _starts_with_format(text: str) -> bool:
    """Whether the text itself begins with something the reader would take as [format]."""
    end = text.find("]")
    return text.startswith("[") and text[1:end] in TEXT_FORMATS


def _part(text: str, text_format: str, default: str, line_start: bool = False) -> str:
    """Write a text with a [format] prefix when the reader would not infer its format."""
    escaped = _escape(text)
    needs_prefix = (
        text_format != default
        or _starts_with_format(text)
        # A line whose text starts with // would be read as a comment.
        or (line_start and escaped.startswith("//"))
    )
    if needs_prefix and text_format in TEXT_FORMATS:
        return f"[{text_format}]{escaped}"
    return escaped


def _weighted(sign: str, fraction: float, default: float, rendered: str) -> str:
    """Prefix an answer with its weight unless the reader would assume it anyway."""
    if fraction != default or _WEIGHT_RE.match(rendered):
        return f"{sign}%{grades.as_percent(fraction)}%{rendered}"
    return f"{sign}{rendered}"


def _feedback(text: str, text_format: str, default: str) -> str:
    """'#feedback', or nothing when there is no feedback to write."""
    rendered = _part(text, text_format, default)
    return f"#{rendered}" if rendered else ""


def _general_feedback(question: ParsedQuestion, default: str) -> str:
    """The '####general feedback' line inside the braces, if any."""
    rendered = _part(question.general_feedback, question.general_feedback_format, default)
    return f"\t####{rendered}\n" if rendered else ""


def _metadata(question: ParsedQuestion) -> str:
    """A '// [id:..] [tag:..]' comment line, or nothing."""

    def clean(value: str) -> str:
        # Values cannot hold control characters or span lines; ']' is escaped.
        return _CONTROL_RE.sub(" ", value).replace("]", "\\]")

    items = [f"[id:{clean(question.external_id)}]"] if question.external_id else []
    items += [f"[tag:{clean(tag)}]" for tag in question.tags if tag.strip()]
    return f"// {' '.join(items)}\n" if items else ""


def _head(question: ParsedQuestion) -> str:
    """'::name::' and the question text with its format."""
    name = f"::{_escape(question.name)}::" if question.name else ""
    return name + _part(question.text, question.text_format, "moodle", line_start=not name)


def _question_format(question: ParsedQuestion) -> str:
    """The format other parts default to when read back."""
    return question.text_format if question.text_format in TEXT_FORMATS else "moodle"


def _write_choices(question: ParsedQuestion, default: str) -> str:
    """Option lines for single or multiple choice."""
    single = question.kind == "single_choice"
    # Without any '~' the reader would not see a multiple-choice question, so
    # when every option is right the last one is written as ~%100%.
    all_right = single and all(choice.fraction == 1 for choice in question.choices)
    lines = []
    for number, choice in enumerate(question.choices, start=1):
        rendered = _part(choice.text, choice.text_format, default)
        last_of_all_right = all_right and number == len(question.choices) > 1
        if single and choice.fraction == 1 and not last_of_all_right:
            option = f"={rendered}"  # after '=' the reader takes no weight
        else:
            option = _weighted("~", choice.fraction, 0.0, rendered)
        lines.append(f"\t{option}{_feedback(choice.feedback, choice.feedback_format, default)}\n")
    return "".join(lines)


def _write_short_answers(question: ParsedQuestion, default: str) -> str:
    """Answer lines for short answer."""
    lines = []
    for choice in question.choices:
        text = _part(choice.text, choice.text_format, default)
        rendered = _weighted("=", choice.fraction, 1.0, text)
        lines.append(f"\t{rendered}{_feedback(choice.feedback, choice.feedback_format, default)}\n")
    return "".join(lines)


def _number(value: float) -> str:
    """A float the reader parses back to the same value."""
    return repr(float(value))


def _write_numeric(question: ParsedQuestion, default: str) -> str:
    """Answer lines for numerical ('#' first, then =value:tolerance lines)."""
    lines = ["#\n"]
    for answer in question.numeric:
        if answer.value is None:
            body = "*"
        elif answer.tolerance:
            body = f"{_number(answer.value)}:{_number(answer.tolerance)}"
        else:
            body = _number(answer.value)
        rendered = _weighted("=", answer.fraction, 1.0, body)
        lines.append(f"\t{rendered}{_feedback(answer.feedback, default, default)}\n")
    return "".join(lines)


def _write_pairs(question: ParsedQuestion, default: str) -> str:
    """'=prompt -> answer' lines for matching."""
    lines = []
    for pair in question.pairs:
        prompt = _part(pair.prompt, pair.prompt_format, default)
        lines.append(f"\t={prompt} -> {_escape(pair.answer)}\n")
    return "".join(lines)


def _write_true_false(question: ParsedQuestion, default: str) -> str:
    """'TRUE#wrong#right' (the first feedback is for a wrong answer)."""
    by_text = {choice.text.lower(): choice for choice in question.choices}
    true, false = by_text.get("true", Choice("True")), by_text.get("false", Choice("False"))
    right, wrong = (true, false) if true.fraction > false.fraction else (false, true)
    head = "TRUE" if right is true else "FALSE"
    wrong_fb = _part(wrong.feedback, wrong.feedback_format, default)
    right_fb = _part(right.feedback, right.feedback_format, default)
    if right_fb:
        return f"{head}#{wrong_fb}#{right_fb}"
    return f"{head}#{wrong_fb}" if wrong_fb else head


_WRITERS = {
    "single_choice": _write_choices,
    "multiple_response": _write_choices,
    "short_answer": _write_short_answers,
    "numerical": _write_numeric,
    "matching": _write_pairs,
}


def _write_question(question: ParsedQuestion) -> str:
    """One question as a GIFT block (ending in a newline), or '' if GIFT cannot hold it."""
    default = _question_format(question)
    head = _metadata(question) + _head(question)
    kind = question.kind
    if kind == "description":
        return f"{head}\n" if question.text or question.name else ""
    if kind == "essay":
        general = _part(question.general_feedback, question.general_feedback_format, default)
        return f"{head}{{{'####' + general if general else ''}}}\n"
    if kind == "true_false":
        general = _part(question.general_feedback, question.general_feedback_format, default)
        body = _write_true_false(question, default) + (f"####{general}" if general else "")
        return f"{head}{{{body}}}\n"
    if kind in _WRITERS:
        body = _WRITERS[kind](question, default) + _general_feedback(question, default)
        return f"{head}{{\n{body}}}\n"
    return f"// certprep: a {kind} question cannot be written as GIFT; it was left out.\n"


def _write_category(path: str) -> str:
    """A '$CATEGORY:' block; only backslashes need escaping for the reader."""
    path = path.replace("\\", "\\\\").replace("\n", " ")
    return f"$CATEGORY: {path}\n"


def dump(questions: list[ParsedQuestion]) -> str:
    """Write questions as GIFT, with a $CATEGORY: block whenever the category changes."""
    chunks: list[str] = []
    category: str | None = None
    for question in questions:
        if question.category is not None and question.category != category:
            chunks.append(_write_category(question.category))
            category = question.category
        written = _write_question(question)
        if written:
            chunks.append(written)
    return "\n".join(chunks)
