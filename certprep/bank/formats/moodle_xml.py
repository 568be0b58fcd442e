"""Moodle XML questions: parse(text) -> ParseResult and dump(questions) -> str.

Pure functions: text in, records out. The XML is untrusted, so it is read with
common.read_xml (defusedxml; internal DTDs and entities, where entity bombs and
external entities live, are refused with one ParseError). Every element remembers
the line of its start tag, so errors can point at the <question> they concern.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from . import grades
from .common import (
    CLOZE_SKIP,
    DESCRIPTION_SKIP,
    ESSAY_SKIP,
    XML_ILLEGAL,
    Invalid,
    XmlElement,
    child,
    children,
    decimal,
    element_text,
    local_name,
    not_supported,
    read_xml,
    reader,
)
from .records import (
    Choice,
    MatchPair,
    NumericAnswer,
    ParsedQuestion,
    ParseError,
    ParseResult,
)

FORMAT = "moodle-xml"


# Moodle's text format names and ours (records.TEXT_FORMATS).
_FORMAT_IN = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
    "wiki_like": "moodle",  # Moodle has long rendered wiki text as its own auto-format
}
_FORMAT_OUT = {"html": "html", "moodle": "moodle_auto_format", "plain": "plain_text",
               "markdown": "markdown"}

_SKIPPED = {
    "essay": ("essay", ESSAY_SKIP),
    "description": ("description", DESCRIPTION_SKIP),
    "cloze": ("cloze", CLOZE_SKIP),
    "multianswer": ("cloze", CLOZE_SKIP),
}

_TAGS = re.compile(r"<[^<>]*>")  # "[^<>]" keeps it linear on "<<<<..."
_CONTEXT = re.compile(r"\A\$(?:course|module|system|cat\d+)\$/?")
_SEPARATOR = re.compile(r"(?<!/)/(?!/)")  # a single "/"; "//" is a literal slash


# --------------------------------------------------------------------------- parsing


@reader(FORMAT, strict=False)
def parse(text: str) -> ParseResult:
    """Read a Moodle XML <quiz> into records; errors name the <question> and its line."""
    result = ParseResult(format=FORMAT)
    root, error = read_xml(text)
    if error is not None:
        result.errors.append(error)
        return result
    if not _check_root(root, result):
        return result
    category: str | None = None
    for element in children(root, "question"):
        qtype = element.get("type", "").strip().lower()
        if qtype == "category":
            category = _category(element)
            if category:
                result.categories.append(category)
            continue
        _read_question(element, qtype, category, result)
    result.categories = list(dict.fromkeys(result.categories))  # first appearance, linear
    return result


def _check_root(root: XmlElement, result: ParseResult) -> bool:
    """Moodle XML has a namespace-free <quiz> root; say what was found instead."""
    if root.tag == "quiz":
        return True
    if local_name(root.tag) == "quiz":
        message = ("The root <quiz> element is in a namespace, so this is not Moodle XML "
                   "(Canvas's assessment_meta.xml holds quiz settings; import the QTI "
                   "file that holds the questions).")
    else:
        message = (f"The root element is <{local_name(root.tag)}>, but Moodle XML files "
                   "start with <quiz>.")
    result.errors.append(ParseError(root.line, message))
    return False


def clean_category(raw: str) -> str | None:
    """For importers: a path without Moodle's context token and 'top' (None: the top).

    parse() keeps category paths as written, like the GIFT reader, so every
    format reports the same thing and the importer normalises in one place.
    """
    path = _CONTEXT.sub("", raw.strip())
    segments = [part.strip() for part in _SEPARATOR.split(path)]
    segments = [part for part in segments if part]
    if segments and segments[0] == "top":
        segments = segments[1:]  # Moodle's root category, present in exports
    return "/".join(segments) or None


def _category(element: XmlElement) -> str | None:
    """The path of a category switch, as written (None when empty)."""
    holder = child(element, "category")
    return element_text(child(holder, "text")) or element_text(holder) or None


def _read_question(element: XmlElement, qtype: str, category: str | None,
                   result: ParseResult) -> None:
    """Parse one <question>; add it to the result, or add one error naming it."""
    name = _question_name(element)
    try:
        if not name:
            raise Invalid("it has no <name><text>; Moodle needs a name for every question")
        question = _question(element, qtype, name, category)
    except Invalid as exc:
        label = f' "{name[:80]}"' if name else ""
        result.errors.append(ParseError(
            element.line, f'<question type="{qtype}">{label}: {exc}'))
        return
    result.questions.append(question)


def _question_name(element: ET.Element) -> str:
    """The question name with HTML tags stripped, as Moodle stores it."""
    raw = element_text(child(child(element, "name"), "text"))
    return _TAGS.sub("", raw).strip()


def _question(element: XmlElement, qtype: str, name: str, category: str | None
              ) -> ParsedQuestion:
    """Build the record for one question of any type."""
    skipped = _SKIPPED.get(qtype)
    gradable = qtype in _READERS
    files: dict[str, bytes] | None = {} if gradable else None
    text, text_format = text_field(child(element, "questiontext"), "html", files)
    text = _legacy_image(element, text, files)
    feedback, feedback_format = text_field(child(element, "generalfeedback"), text_format,
                                           files)
    question = ParsedQuestion(
        line=element.line, kind="other", text=text, text_format=text_format, name=name,
        external_id=element_text(child(element, "idnumber")) or None, category=category,
        tags=_tags(element), general_feedback=feedback,
        general_feedback_format=feedback_format, files=files or {})
    if gradable:
        if not text:
            raise Invalid("its <questiontext> is empty")
        _READERS[qtype](element, question, files)
    elif skipped:
        question.kind, question.skip_reason = skipped
    else:
        question.skip_reason = not_supported(f'Moodle "{qtype}"')
    return question


def text_field(field: ET.Element | None, default_format: str,
               files: dict[str, bytes] | None) -> tuple[str, str]:
    """(text, format) of a Moodle text field, collecting its embedded <file>s."""
    if field is None:
        return "", default_format
    raw_format = field.get("format")
    text_format = default_format if raw_format is None else _FORMAT_IN.get(
        raw_format.strip().lower(), "moodle")  # Moodle treats unknown names as auto-format
    holder = child(field, "text")
    text = element_text(holder) if holder is not None else element_text(field)
    if files is not None:
        for item in children(field, "file"):
            _add_file(item, files)
    return text, text_format


def _add_file(element: ET.Element, files: dict[str, bytes]) -> None:
    """Decode one <file encoding="base64"> into files; bad data is an error."""
    name = element.get("name", "").strip()
    if not name:
        raise Invalid("a <file> element has no name attribute")
    encoding = element.get("encoding", "base64").strip().lower()
    if encoding != "base64":
        raise Invalid(f'<file name="{name}"> uses encoding "{encoding}"; only base64 '
                       "is supported")
    key = _file_key(element.get("path", "/"), name)
    files[key] = _decode(element.text, f'<file name="{name}">')


def _file_key(path: str, name: str) -> str:
    """The name a text refers to after @@PLUGINFILE@@/ (path '/' is the default)."""
    folder = path.strip().strip("/")
    return f"{folder}/{name}" if folder else name


def _decode(data: str | None, where: str) -> bytes:
    """Strict base64 decoding; whitespace and line breaks are allowed."""
    compact = "".join((data or "").split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid(f"{where} does not hold valid base64 data ({exc})") from None


def _legacy_image(element: ET.Element, text: str, files: dict[str, bytes] | None) -> str:
    """Moodle 1.9 <image>/<image_base64>: keep the file and show it after the text."""
    name = element_text(child(element, "image"))
    data = child(element, "image_base64")
    if files is None or not name or data is None or not element_text(data):
        return text
    files[name] = _decode(data.text, f"<image_base64> for {name}")
    return f'{text}<img src="@@PLUGINFILE@@/{escape(name)}" />'


def _tags(element: ET.Element) -> list[str]:
    """The question's <tags><tag><text> values, trimmed, without empties."""
    tags: dict[str, None] = {}  # a dict keeps order and drops repeats in linear time
    for tag in children(child(element, "tags"), "tag"):
        value = element_text(child(tag, "text")) or element_text(tag)
        if value:
            tags[value] = None
    return list(tags)


# --------------------------------------------------------------------------- answers


def _percent(answer: ET.Element) -> float:
    """The fraction attribute as a percentage (Moodle's default is 0)."""
    raw = answer.get("fraction", "0").strip() or "0"
    value = decimal(raw)
    if value is None:
        raise Invalid(f'<answer fraction="{raw[:40]}"> is not a number; use a percentage '
                      "such as 100, 50 or -33.33333")
    return value


def _fractions(answers: list[ET.Element]) -> list[float]:
    """The answers' fractions, checked against Moodle's list in one message."""
    fractions = [_percent(answer) / 100 for answer in answers]
    bad = [f for f in fractions if grades.snap(f) is None]
    if bad:
        shown = ", ".join(f"{f:.2f}".rstrip("0").rstrip(".") for f in bad)
        allowed = grades.allowed_percentages()
        raise Invalid(f"invalid grades {shown}: an <answer fraction> must be one of "
                       f"{allowed} percent, or one of their negatives")
    return fractions


def _choices(element: ET.Element, question: ParsedQuestion, files: dict[str, bytes],
             text_format: str | None = None) -> list[Choice]:
    """Non-empty <answer>s as Choices (Moodle drops empty answers when saving)."""
    answers = children(element, "answer")
    fractions = _fractions(answers)
    choices = []
    for answer, fraction in zip(answers, fractions, strict=True):
        text, answer_format = text_field(answer, question.text_format, files)
        if not text:
            continue
        feedback, feedback_format = text_field(child(answer, "feedback"),
                                               question.text_format, files)
        choices.append(Choice(text, fraction, feedback, text_format or answer_format,
                              feedback_format))
    return choices


def _single(element: ET.Element) -> bool:
    """Moodle's <single>: absent means single; false, 0 or empty mean multiple."""
    holder = child(element, "single")
    if holder is None:
        return True
    return element_text(holder).lower() not in ("false", "0", "")


def _multichoice(element: ET.Element, question: ParsedQuestion,
                 files: dict[str, bytes]) -> None:
    """multichoice: single_choice or multiple_response."""
    question.choices = _choices(element, question, files)
    if len(question.choices) < 2:
        raise Invalid("a multichoice question needs at least 2 non-empty <answer>s")
    question.kind = "single_choice" if _single(element) else "multiple_response"


def _truefalse(element: ET.Element, question: ParsedQuestion,
               files: dict[str, bytes]) -> None:
    """truefalse: two Choices, True then False, one of them correct."""
    answers = children(element, "answer")
    if len(answers) < 2:
        raise Invalid("a truefalse question needs a 'true' and a 'false' <answer>")
    texts = [text_field(a, "plain", None)[0].lower() for a in answers[:2]]
    if texts == ["false", "true"]:
        answers = [answers[1], answers[0]]
    # Otherwise (also for old localised exports) the first answer is "true", as in Moodle.
    parts = []
    for label, answer in zip(("True", "False"), answers, strict=False):
        correct = _percent(answer) > 0
        feedback, feedback_format = text_field(child(answer, "feedback"),
                                               question.text_format, files)
        parts.append(Choice(label, 1.0 if correct else 0.0, feedback, "plain", feedback_format))
    question.kind, question.choices = "true_false", parts


def _shortanswer(element: ET.Element, question: ParsedQuestion,
                 files: dict[str, bytes]) -> None:
    """shortanswer: accepted answers with fractions; <usecase> sets case sensitivity."""
    question.choices = _choices(element, question, files, text_format="plain")
    if not question.choices:
        raise Invalid("a shortanswer question needs at least one non-empty <answer>")
    question.case_sensitive = element_text(child(element, "usecase")).lower() in ("1", "true")
    question.kind = "short_answer"


def _numerical(element: ET.Element, question: ParsedQuestion,
               files: dict[str, bytes]) -> None:
    """numerical: values with tolerances; '*' matches any other number."""
    answers = children(element, "answer")
    fractions = _fractions(answers)
    for answer, fraction in zip(answers, fractions, strict=True):
        raw = text_field(answer, "plain", files)[0]
        if not raw:
            continue
        feedback = text_field(child(answer, "feedback"), question.text_format, files)[0]
        question.numeric.append(NumericAnswer(
            _number(raw, "<answer>", allow_any=True), _tolerance(answer), fraction, feedback))
    if not question.numeric:
        raise Invalid("a numerical question needs at least one <answer> with a number")
    units = child(element, "units")
    question.unit = element_text(child(child(units, "unit"), "unit_name"))
    question.kind = "numerical"


def _number(raw: str, where: str, allow_any: bool = False) -> float | None:
    """A decimal number, or None for '*' where a catch-all is allowed."""
    if allow_any and raw == "*":
        return None
    value = decimal(raw)
    if value is None:
        raise Invalid(f'{where} "{raw[:40]}" is not a number')
    return value


def _tolerance(answer: ET.Element) -> float:
    """An answer's <tolerance> (default 0), which must not be negative."""
    raw = element_text(child(answer, "tolerance")) or "0"
    value = _number(raw, "<tolerance>")
    if value is None or value < 0:
        raise Invalid(f"<tolerance> {raw[:40]} must not be negative")
    return value


def _matching(element: ET.Element, question: ParsedQuestion,
              files: dict[str, bytes]) -> None:
    """matching/match: <subquestion>s; one with empty text is a distractor answer."""
    for sub in children(element, "subquestion"):
        prompt, prompt_format = text_field(sub, question.text_format, files)
        answer = element_text(child(child(sub, "answer"), "text")) or element_text(
            child(sub, "answer"))
        if not prompt and not answer:
            continue
        if not answer:
            raise Invalid(f'<subquestion> "{prompt[:40]}" has no <answer><text>')
        question.pairs.append(MatchPair(prompt, answer, prompt_format))
    if sum(1 for pair in question.pairs if pair.prompt) < 2:
        raise Invalid("a matching question needs at least 2 <subquestion>s with text")
    question.kind = "matching"


_READERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "match": _matching,
}


# --------------------------------------------------------------------------- writing


def dump(questions: Iterable[ParsedQuestion], category: str | None = None) -> str:
    """Moodle XML for the questions; cloze and other kinds are left out.

    With `category`, all questions go there; otherwise each question's own
    category is written whenever it changes. Fractions are written as
    percentages, so partial credit must be on Moodle's list of grades.
    """
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    current: str | None = None
    for question in questions:
        if question.kind not in _WRITERS:
            continue
        target = category if category is not None else question.category
        if target and target != current:
            lines += _category_xml(target)
            current = target
        lines += _question_xml(question)
    lines.append("</quiz>")
    return "\n".join(lines) + "\n"


def _category_xml(path: str) -> list[str]:
    """A category switch; Moodle puts a path without $context$ in the import's context."""
    return ['  <question type="category">',
            f"    <category><text>{_cdata(path)}</text></category>",
            "  </question>"]


def _question_xml(question: ParsedQuestion) -> list[str]:
    """One <question> element, common parts first, then the type's answers."""
    qtype, body = _WRITERS[question.kind](question)
    text = question.text
    if question.scenario:
        text = f"{question.scenario.strip()}\n\n{text}"  # Moodle has no shared case text
    lines = [f"  <question type={quoteattr(qtype)}>",
             f"    <name><text>{_cdata(_name(question))}</text></name>",
             _field("questiontext", text, question.text_format, _files_xml(question.files)),
             _field("generalfeedback", question.general_feedback,
                    question.general_feedback_format),
             "    <defaultgrade>1</defaultgrade>",
             f"    <idnumber>{_cdata(question.external_id or '')}</idnumber>"]
    lines += body
    if question.tags:
        lines.append("    <tags>" + "".join(
            f"<tag><text>{_cdata(tag)}</text></tag>" for tag in question.tags) + "</tags>")
    lines.append("  </question>")
    return lines


def _name(question: ParsedQuestion) -> str:
    """The question's name, or the start of its text when it has none."""
    if question.name:
        return question.name
    words = " ".join(_TAGS.sub(" ", question.text).split())
    return words[:60] or question.external_id or "Question"


def _field(tag: str, text: str, text_format: str, extra: str = "", attrs: str = "",
           indent: str = "    ") -> str:
    """A Moodle text field: <tag format="..."><text>...</text></tag>."""
    moodle_format = _FORMAT_OUT.get(text_format, "html")
    return (f'{indent}<{tag}{attrs} format="{moodle_format}"><text>{_cdata(text)}</text>'
            f"{extra}</{tag}>")


def _cdata(text: str) -> str:
    """Text as CDATA when it holds markup, else plainly escaped.

    Characters XML cannot carry (a NUL, say) are dropped first, so the file is always
    well-formed, and before the CDATA is split, so dropping one cannot close it early.
    """
    text = XML_ILLEGAL.sub("", text)
    if not any(ch in text for ch in "<>&"):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _files_xml(files: dict[str, bytes]) -> str:
    """Embedded files as <file> elements inside the question text."""
    parts = []
    for key, data in files.items():
        folder, _, name = key.rpartition("/")
        path = f"/{folder}/" if folder else "/"
        name, path = XML_ILLEGAL.sub("", name), XML_ILLEGAL.sub("", path)
        parts.append(f"<file name={quoteattr(name)} path={quoteattr(path)} "
                     f'encoding="base64">{base64.b64encode(data).decode("ascii")}</file>')
    return "".join(parts)


def percent_text(fraction: float) -> str:
    """A fraction as Moodle's percentage text, e.g. 0.3333333 -> '33.33333'."""
    text = f"{fraction * 100:.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _answer_xml(text: str, fraction: float, feedback: str, text_format: str,
                feedback_format: str, extra: str = "") -> str:
    """One <answer> with its feedback."""
    inner = _field("feedback", feedback, feedback_format, indent="")
    return _field("answer", text, text_format, extra=inner + extra,
                  attrs=f' fraction="{percent_text(fraction)}"')


def _write_choices(question: ParsedQuestion) -> tuple[str, list[str]]:
    """single_choice and multiple_response as multichoice."""
    single = "true" if question.kind == "single_choice" else "false"
    body = [f"    <single>{single}</single>", "    <shuffleanswers>true</shuffleanswers>",
            "    <answernumbering>abc</answernumbering>"]
    body += [_answer_xml(c.text, c.fraction, c.feedback, c.text_format, c.feedback_format)
             for c in question.choices]
    return "multichoice", body


def _write_truefalse(question: ParsedQuestion) -> tuple[str, list[str]]:
    """true_false as truefalse with literal 'true'/'false' answers."""
    by_label = {c.text.strip().lower(): c for c in question.choices}
    body = []
    for label in ("true", "false"):
        choice = by_label.get(label, Choice(label))
        body.append(_answer_xml(label, 1.0 if choice.fraction > 0 else 0.0, choice.feedback,
                                "moodle", choice.feedback_format))
    return "truefalse", body


def _write_shortanswer(question: ParsedQuestion) -> tuple[str, list[str]]:
    """short_answer as shortanswer with <usecase>."""
    body = [f"    <usecase>{1 if question.case_sensitive else 0}</usecase>"]
    body += [_answer_xml(c.text, c.fraction, c.feedback, "moodle", c.feedback_format)
             for c in question.choices]
    return "shortanswer", body


def _write_numerical(question: ParsedQuestion) -> tuple[str, list[str]]:
    """numerical with tolerances and, when set, one unit of multiplier 1."""
    body = []
    for answer in question.numeric:
        value = "*" if answer.value is None else repr(answer.value)
        body.append(_answer_xml(value, answer.fraction, answer.feedback, "moodle",
                                question.text_format,
                                extra=f"<tolerance>{answer.tolerance!r}</tolerance>"))
    if question.unit:
        body += ["    <unitgradingtype>0</unitgradingtype>", "    <showunits>3</showunits>",
                 "    <unitsleft>0</unitsleft>",
                 f"    <units><unit><multiplier>1</multiplier><unit_name>{_cdata(question.unit)}"
                 "</unit_name></unit></units>"]
    return "numerical", body


def _write_matching(question: ParsedQuestion) -> tuple[str, list[str]]:
    """matching; a pair with an empty prompt is written as a distractor."""
    body = ["    <shuffleanswers>true</shuffleanswers>"]
    body += [_field("subquestion", pair.prompt, pair.prompt_format,
                    extra=f"<answer><text>{_cdata(pair.answer)}</text></answer>")
             for pair in question.pairs]
    return "matching", body


def _write_plain(qtype: str):
    """Writer for essay and description, which carry no answers."""
    return lambda question: (qtype, [])


_WRITERS = {
    "single_choice": _write_choices,
    "multiple_response": _write_choices,
    "true_false": _write_truefalse,
    "short_answer": _write_shortanswer,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "essay": _write_plain("essay"),
    "description": _write_plain("description"),
}
