"""What every format reader shares: numbers, names, skip reasons, safe XML, the finishing step.

The readers never import one another; what two of them need lives here, in one
wording. `reader()` wraps each module's parse function in the one finishing step
every format goes through: text the database cannot store, the length limits
(records.LIMITS), the gradability rule (records.gradable_problems), and the refusal
of a file from which nothing can be imported.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser

from .records import (
    GRADABLE,
    KIND_LABELS,
    LIMITS,
    ParsedQuestion,
    ParseError,
    ParseResult,
    gradable_problems,
)

# PHP's trim() strips exactly these; Python's strip() would also eat NBSP and other
# Unicode spaces that Moodle keeps.
PHP_SPACE = " \t\n\r\0\x0b"

# A decimal number, written so that no input makes the regex backtrack more than linearly.
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class Invalid(Exception):
    """Content a format does not allow; the message says what to change.

    `line` is set when the reader knows a more precise line than the question's.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def php_trim(text: str) -> str:
    """Strip the characters PHP's trim() strips."""
    return text.strip(PHP_SPACE)


def decimal(text: str) -> float | None:
    """The value of a finite decimal number, or None for anything else ('1e999' too)."""
    if NUMBER.fullmatch(text) is None:
        return None
    value = float(text)
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- names and ids

_TAG = re.compile(r"<[^<>]*>")  # "[^<>]" keeps it linear on "<<<<..."


def default_name(text: str, limit: int = 80) -> str:
    """A question name from its text, as Moodle makes one: no tags, about 80 characters."""
    plain = " ".join(_TAG.sub(" ", text).split())
    if len(plain) <= limit:
        return plain or "Question"
    cut = plain.rfind(" ", 0, limit)
    return plain[: cut if cut > 0 else limit] + "..."


def slug(text: str, limit: int = LIMITS["external_id"]) -> str:
    """A stable id from a title: lower case, accents dropped, other runs of symbols as '-'."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text)
                     if not unicodedata.combining(c)).casefold()
    words = "".join(c if c.isalnum() else " " for c in folded).split()
    return "-".join(words)[:limit].strip("-")


# --------------------------------------------------------------------------- skip reasons

ESSAY_SKIP = ("Essay questions need a person to mark them; certprep marks answers "
              "automatically, so it leaves them out.")
DESCRIPTION_SKIP = "A description is information, not a question: there is nothing to answer."
CLOZE_SKIP = "Cloze (embedded-answer) questions are not supported by certprep."


def not_supported(what: str) -> str:
    """The reason for skipping a kind of question certprep does not read, e.g. 'ddwtos'."""
    return f"{what} questions are not supported by certprep."


def needs_marking(what: str) -> str:
    """The reason for skipping a kind of question only a person can mark."""
    return f"{what} questions need a person to mark them; certprep marks answers automatically."


# --------------------------------------------------------------------------- safe XML


class XmlElement(ET.Element):
    """An ElementTree element that also knows the line of its start tag."""

    line = 0


class _Parser(DefusedXMLParser):
    """defusedxml that allows a DOCTYPE naming only an external DTD, and never reads it.

    ILIAS, OLAT, R/exams and Chamilo write <!DOCTYPE questestinterop SYSTEM "...dtd">
    into every QTI 1.2 file. Such a line defines nothing, and expat does not fetch
    external DTDs; an internal subset ([...]), where entity bombs and external
    entities are declared, is still refused, as is every entity declaration.
    """

    def defused_start_doctype_decl(self, name, sysid, pubid, has_internal_subset):
        """Installed by forbid_dtd=True; refuses only a DOCTYPE with an internal subset."""
        if has_internal_subset:
            raise DTDForbidden(name, sysid, pubid)


def read_xml(text: str) -> tuple[XmlElement | None, ParseError | None]:
    """Parse untrusted XML, refusing internal DTD subsets and entities; never raises."""
    parser: _Parser | None = None

    def factory(tag: str, attrs: dict[str, str]) -> XmlElement:
        """Called by expat's start-tag handler, so the current line is the tag's."""
        element = XmlElement(tag, attrs)
        element.line = parser.parser.CurrentLineNumber  # the start tag being read
        return element

    builder = ET.TreeBuilder(element_factory=factory)
    parser = _Parser(target=builder, forbid_dtd=True, forbid_entities=True,
                     forbid_external=True)
    try:
        parser.feed(text)
        return parser.close(), None
    except DTDForbidden:
        return None, ParseError(_expat_line(parser), (
            "The file declares a DTD with an internal subset (<!DOCTYPE ... [ ... ]>). "
            "Internal DTDs and entities are refused because they can expand without limit "
            "or read other files; remove the [...] part of the DOCTYPE and any &name; "
            "entities and import again."))
    except DefusedXmlException as exc:
        return None, ParseError(_expat_line(parser), (
            f"The file uses XML entities or external references ({type(exc).__name__}), "
            "which are refused for safety; remove them and import again."))
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        return None, ParseError(line, f"The file is not well-formed XML: {exc}. "
                                      "Fix the markup at that line and import again.")
    except (UnicodeError, ValueError) as exc:  # e.g. lone surrogates in the text
        return None, ParseError(0, f"The file could not be read as XML: {exc}.")


def _expat_line(parser: DefusedXMLParser) -> int:
    """The line expat had reached when it stopped, or 0 if it cannot say."""
    try:
        return int(parser.parser.CurrentLineNumber)
    except (AttributeError, TypeError, ValueError):
        return 0


def local_name(tag: object) -> str:
    """The tag without its {namespace}; '' for comments and processing instructions."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def child(element: ET.Element | None, name: str) -> ET.Element | None:
    """The first child with this local name (Moodle uses the first duplicate)."""
    if element is None:
        return None
    for item in element:
        if local_name(item.tag) == name:
            return item
    return None


def children(element: ET.Element | None, name: str) -> list[ET.Element]:
    """All children with this local name, in document order."""
    if element is None:
        return []
    return [item for item in element if local_name(item.tag) == name]


def element_text(element: ET.Element | None) -> str:
    """The trimmed text directly inside an element ('' when absent)."""
    return "" if element is None else (element.text or "").strip()


# --------------------------------------------------------------------------- finishing

# C0 control characters other than tab, line feed and carriage return, and lone
# surrogates: PostgreSQL cannot store NUL, XML 1.0 cannot carry any of them.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# Characters XML 1.0 cannot carry at all, escaped or not.
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def storable(value):
    """A copy of a record (question, choice, list, text) without unstorable characters.

    Parsing refuses them, but a writer must not pass on what older data may hold.
    """
    if isinstance(value, str):
        return _UNSTORABLE.sub("", value)
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, dict):  # embedded files: clean names, bytes untouched
        return {storable(name): data for name, data in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{field.name: storable(getattr(value, field.name))
                                             for field in dataclasses.fields(value)})
    return value


# What a question looks like, for the message about a file that holds none.
_EXAMPLES = {
    "gift": "write each question as its text and its answers in braces, e.g. "
            "What is 2 + 2? {=4 ~3 ~5}, with a blank line between questions",
    "aiken": "write each question on one line, then its options (A. ..., B. ...) and a line "
             "ANSWER: B",
    "moodle-xml": 'put <question type="..."> elements inside <quiz>',
    "qti": "a QTI 1.2 file holds <item> elements inside <questestinterop>",
    "csv": "add one row per question below the header",
    "native": "list them under questions: (see question_bank/README.md)",
}
_LISTED = 10  # skip reasons quoted in the message about a file with nothing to import
NOTHING_TO_IMPORT = "No question in this file can be imported"


def reader(format_name: str, *, strict: bool) -> Callable:
    """Decorate a format's parse(text) so its result goes through the finishing step.

    `strict` formats (certprep's own) turn a question that cannot be graded into an
    error; the others, whose files Moodle or Canvas would import, skip it with the
    reason, so the rest of the file still imports.
    """

    def wrap(read: Callable[[str], ParseResult]) -> Callable[[str], ParseResult]:
        @functools.wraps(read)
        def parse(text: str) -> ParseResult:
            # A byte-order mark is not text (decode_upload drops it too; callers may not).
            return finish(read(text.removeprefix("\ufeff")), format_name, strict=strict)

        return parse

    return wrap


def finish(result: ParseResult, format_name: str, *, strict: bool) -> ParseResult:
    """Apply the rules every format shares; see reader()."""
    kept: list[ParsedQuestion] = []
    for question in result.questions:
        problem = _unstorable(question)
        if problem is None and question.kind in GRADABLE and question.skip_reason is None:
            problem = _ungradable(question)
            if problem is not None and not strict:
                question.skip_reason, problem = problem, None
        if problem is None:
            kept.append(question)
        else:
            result.errors.append(ParseError(question.line, problem))
    result.questions = kept
    result.errors += _set_problems(result)
    if not result.errors and not any(q.importable for q in kept):
        result.errors.append(ParseError(0, nothing_to_import(kept, format_name)))
    result.errors.sort(key=lambda error: error.line)
    return result


def _label(question: ParsedQuestion) -> str:
    """'The single-choice question "pm-001" on line 12'."""
    ident = f' "{question.external_id[:60]}"' if question.external_id else ""
    return f"The {KIND_LABELS.get(question.kind, question.kind)} question{ident} on line " \
           f"{question.line}"


def _ungradable(question: ParsedQuestion) -> str | None:
    """The skip reason or error for a question the one rule refuses, or None."""
    problems = gradable_problems(question)
    if not problems:
        return None
    return f"{_label(question)} cannot be graded: {'; '.join(problems)}."


def _fields(question: ParsedQuestion) -> Iterator[tuple[str, str]]:
    """(what, text) of every text a question stores, named as a message would."""
    yield "text", question.text
    yield "name", question.name
    yield "general feedback", question.general_feedback
    yield "scenario", question.scenario
    yield "unit", question.unit
    for what, value in (("id", question.external_id), ("category", question.category),
                        ("case", question.case_id), ("domain", question.domain),
                        ("subdomain", question.subdomain),
                        ("difficulty", question.difficulty)):
        if value:
            yield what, value
    for number, choice in enumerate(question.choices, start=1):
        yield f"option {number}", choice.text
        yield f"option {number} feedback", choice.feedback
    for number, answer in enumerate(question.numeric, start=1):
        yield f"answer {number} feedback", answer.feedback
    for number, pair in enumerate(question.pairs, start=1):
        yield f"pair {number} prompt", pair.prompt
        yield f"pair {number} answer", pair.answer
    for tag in question.tags:
        yield "tag", tag
    for reference in question.references:
        yield "reference", reference
    for name in question.files:
        yield "file name", name


_C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
    "ESC", "FS", "GS", "RS", "US",
)  # fmt: skip


def _character(found: str) -> str:
    """'U+0000 (NUL)' for a message."""
    code = ord(found)
    name = _C0_NAMES[code] if code < 32 else "a lone surrogate, not a character"
    return f"U+{code:04X} ({name})"


def _unstorable(question: ParsedQuestion) -> str | None:
    """Why a question cannot be stored as it is (a control character, an over-long value)."""
    # One search over all the texts (line feeds are storable); fields only to name a find.
    if _UNSTORABLE.search("\n".join(text for _, text in _fields(question))):
        for what, text in _fields(question):
            found = _UNSTORABLE.search(text)
            if found:
                return (f"{_label(question)}: its {what} holds the character "
                        f"{_character(found[0])}, which cannot be stored; delete it.")
    checks = [("external_id", "id", question.external_id), ("domain", "domain", question.domain),
              ("subdomain", "subdomain", question.subdomain),
              ("difficulty", "difficulty", question.difficulty),
              *(("tag", "tag", tag) for tag in question.tags),
              *(("file_name", "embedded file name", name) for name in question.files)]
    for key, what, value in checks:
        if value and len(value) > LIMITS[key]:
            return (f"{_label(question)}: its {what} is {len(value)} characters long; the "
                    f"limit is {LIMITS[key]}, so shorten it.")
    return None


def _set_problems(result: ParseResult) -> list[ParseError]:
    """Control characters in the set's own fields and its category paths."""
    problems = []
    texts = [(f"set {key}", value) for key, value in result.set_info.items()]
    texts += [("category", path) for path in result.categories]
    for what, text in texts:
        found = _UNSTORABLE.search(text)
        if found:
            problems.append(ParseError(0, (
                f"The {what} '{text[:60]}' holds the character {_character(found[0])}, which "
                "cannot be stored; delete it.")))
    return problems


def nothing_to_import(questions: list[ParsedQuestion], format_name: str) -> str:
    """The error for a file (or package) with no question certprep can import, and why."""
    if not questions:
        example = _EXAMPLES.get(format_name, "")
        return (f"{NOTHING_TO_IMPORT}: it holds no questions"
                + (f" ({example})." if example else "."))
    listed = [_skipped(question) for question in questions[:_LISTED]]
    more = len(questions) - _LISTED
    tail = f"; and {more} more, listed as skipped" if more > 0 else ""
    return f"{NOTHING_TO_IMPORT}: " + "; ".join(listed) + tail + "."


def _skipped(question: ParsedQuestion) -> str:
    """One skipped question for that message: its line, kind and reason."""
    reason = (question.skip_reason or "").rstrip(".")
    if f"on line {question.line}" in reason:
        return reason  # the gradability rule's reasons name the line already
    return f"line {question.line} ({KIND_LABELS.get(question.kind, question.kind)}): {reason}"
