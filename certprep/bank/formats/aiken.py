"""Aiken reader that behaves like Moodle 4.5's Aiken importer.

An Aiken question is one line of text, then option lines ("A) text" or
"A. text"), then "ANSWER: X". Moodle's error messages are reproduced word for
word; see /work/shared/conformance/FORMATS.md section 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .common import PHP_SPACE as _PHP_SPACE
from .common import default_name, reader
from .records import Choice, ParsedQuestion, ParseError, ParseResult

# One uppercase letter, ')' or '.', and an optional space: "A)Text" counts too.
_OPTION_RE = re.compile(r"[A-Z][).][ \t]?")
_ANSWER = "ANSWER:"


@dataclass
class _Pending:
    """A question whose ANSWER: line has not been read yet."""

    line: int
    text: str
    options: list[str] = field(default_factory=list)


def _too_short(line: str) -> bool:
    """Moodle skips lines under 2 bytes (PHP strlen counts UTF-8 bytes)."""
    return len(line.encode("utf-8", "surrogatepass")) < 2


def _letter_range(count: int) -> str:
    """'A-D' for four options."""
    return f"A-{chr(ord('A') + count - 1)}"


def _finish(pending: _Pending, line: str, number: int) -> ParsedQuestion | ParseError:
    """Close a question at its ANSWER: line: a question, or the error that drops it."""
    if len(pending.options) < 2:
        return ParseError(
            number, f"Question must have at least 2 answers on line {number} ({pending.text})"
        )
    letter = line[len(_ANSWER) :].strip(_PHP_SPACE)[:1]
    index = ord(letter) - ord("A") if letter else -1
    if not 0 <= index < len(pending.options):
        # Moodle would import such a question with no correct option at all.
        shown = f"ANSWER: {letter}" if letter else "ANSWER:"
        return ParseError(
            number,
            f"{shown} on line {number} names no option; "
            f"the options are {_letter_range(len(pending.options))}",
        )
    choices = [Choice(text, 1.0 if i == index else 0.0) for i, text in enumerate(pending.options)]
    return ParsedQuestion(
        line=pending.line,
        kind="single_choice",
        text=pending.text,
        text_format="plain",
        name=default_name(pending.text),
        choices=choices,
    )


@reader("aiken", strict=False)
def parse(text: str) -> ParseResult:
    """Parse Aiken text into single-choice questions and Moodle's errors (never raises)."""
    result = ParseResult(format="aiken")
    pending: _Pending | None = None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(_PHP_SPACE)
        if _too_short(line):
            continue
        is_option = _OPTION_RE.match(line) is not None
        if is_option or line.startswith(_ANSWER):
            if pending is None:
                result.errors.append(ParseError(number, f"Question not started on line {number}"))
            elif is_option:
                pending.options.append(line[2:].strip(_PHP_SPACE))
            else:
                outcome = _finish(pending, line, number)
                if isinstance(outcome, ParseError):
                    result.errors.append(outcome)
                else:
                    result.questions.append(outcome)
                pending = None
            continue
        if pending is not None:
            result.errors.append(
                ParseError(
                    number,
                    f"Question not completed before next question start on line {number} "
                    f"({pending.text})",
                )
            )
        pending = _Pending(number, line)
    if pending is not None:
        # Moodle drops an unfinished last question silently; say so instead.
        result.errors.append(
            ParseError(
                pending.line,
                f"Question not completed before the end of the file on line {pending.line} "
                f"({pending.text}); add its options and an ANSWER: line",
            )
        )
    return result
