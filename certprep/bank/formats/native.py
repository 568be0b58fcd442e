"""certprep's native question format (certprep-native/1): parse and dump.

The format is described in question_bank/README.md. Pure functions: YAML
text in, records out, and back. YAML is read with PyYAML's safe loader; the
node tree keeps each question's line so every error can name it. Aliases
(*name) are refused: the format has no use for them and they let a small
file describe an enormous structure.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

import yaml

from certprep.bank.outline import DIFFICULTIES, DOMAIN_KEYS

from .common import Invalid, reader
from .records import (
    LIMITS,
    Choice,
    MatchPair,
    NumericAnswer,
    ParsedQuestion,
    ParseError,
    ParseResult,
)

FORMAT = "native"
FORMAT_TAG = "certprep-native/1"

TYPES = ("single_choice", "multiple_response", "true_false", "numerical", "short_answer",
         "matching")
_ID = re.compile(r"[a-z0-9-]+")

_TOP_KEYS = ("format", "set", "cases", "questions")
_SET_KEYS = ("id", "title", "description")
_REQUIRED = ("id", "type", "stem")
# Other formats do not carry these, so an exported set must read back without them;
# `flask bank lint` requires them of the shipped bank.
_OPTIONAL = ("domain", "subdomain", "difficulty", "rationale", "references", "tags", "case",
             "last_reviewed", "review_by")
_COMMON = (*_REQUIRED, *_OPTIONAL)
_BY_TYPE = {
    "single_choice": ("options",),
    "multiple_response": ("options",),
    "true_false": ("answer", "feedback_true", "feedback_false"),
    "numerical": ("answer", "tolerance", "unit", "answers"),
    "short_answer": ("answers", "case_sensitive"),
    "matching": ("pairs", "distractors"),
}
_OPTION_KEYS = ("text", "correct", "fraction", "feedback")
_NUMERIC_KEYS = ("value", "tolerance", "fraction", "feedback")
_SHORT_KEYS = ("text", "fraction", "feedback")
_PAIR_KEYS = ("prompt", "answer")


# libyaml (C) reads about five times faster; the pure-Python loader is the fallback.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE_LOADER):
    """The safe loader, with YAML 1.2 booleans and over-long integers reported by line."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """Integers, with Python's digit limit reported at the number's line."""
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"the number has too many digits ({len(node.value)})",
                node.start_mark) from None


# YAML 1.1 reads yes/no/on/off as booleans, so "feedback: No" would not be text.
# Only true/false are booleans here, as in YAML 1.2 and JSON.
_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


# --------------------------------------------------------------------------- parsing


@reader(FORMAT, strict=True)
def parse(text: str) -> ParseResult:
    """Read a certprep-native/1 document into records; errors name their line."""
    result = ParseResult(format=FORMAT)
    try:
        node, data = _load(text)
    except Invalid as exc:
        result.errors.append(ParseError(exc.line or 0, exc.message))
        return result
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        result.errors.append(ParseError(1, (
            "The file must be a YAML mapping with the keys format, set and questions "
            "(see question_bank/README.md).")))
        return result
    lines = _key_lines(node, result)
    set_id = _header(data, lines, result)
    if set_id is not None:
        info = data["set"]
        result.set_info = {"id": set_id, "title": str(info.get("title", "")).strip(),
                           "description": str(info.get("description") or "").strip()}
    cases = _cases(data.get("cases"), lines.get("cases", 1), result)
    _questions(data, node, lines, set_id, cases, result)
    return result


def _refuse_aliases(text: str) -> None:
    """Aliases let a small file describe a huge structure, and the format needs none."""
    for event in yaml.parse(text, Loader=_BASE_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in certprep-native files",
                event.start_mark)


def _load(text: str) -> tuple[yaml.Node | None, Any]:
    """(node tree, data) of a single YAML document; Invalid(line, message) on errors."""
    loader = None
    try:
        _refuse_aliases(text)
        loader = _Loader(text)
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise Invalid(f"YAML error on line {line}: {what}.", line) from None
    except yaml.YAMLError as exc:  # e.g. a character YAML does not allow
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 0
        raise Invalid(f"The file is not valid YAML: {exc}", line) from None
    except RecursionError:
        raise Invalid("The YAML is nested too deeply to read.", 0) from None
    except UnicodeError as exc:  # lone surrogates cannot reach libyaml as UTF-8
        line = text.count("\n", 0, getattr(exc, "start", 0)) + 1
        raise Invalid(f"The text holds a character that is not valid Unicode ({exc}).", line
                      ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return node, data


def _key_lines(node: yaml.MappingNode, result: ParseResult | None = None) -> dict[str, int]:
    """Line of each scalar key of a mapping; a repeated key is an error."""
    lines: dict[str, int] = {}
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in lines and result is not None:
                result.errors.append(ParseError(key.start_mark.line + 1, (
                    f'The key "{key.value}" appears twice in one mapping; keep one.')))
            lines.setdefault(key.value, key.start_mark.line + 1)
    return lines


def _header(data: dict, lines: dict[str, int], result: ParseResult) -> str | None:
    """Check format, set and the top-level keys; return the set id."""
    for key in data:
        if key not in _TOP_KEYS:
            result.errors.append(ParseError(lines.get(str(key), 1), (
                f'Unknown top-level key "{_show(key)}"; the keys are {", ".join(_TOP_KEYS)}.')))
    if data.get("format") != FORMAT_TAG:
        result.errors.append(ParseError(lines.get("format", 1), (
            f'The file must start with "format: {FORMAT_TAG}" '
            f"(found {_show(data.get('format'))}).")))
    try:
        result.set_info = _set(data.get("set"))
    except Invalid as exc:
        result.errors.append(ParseError(lines.get("set", 1), f"set: {exc}"))
        return None
    return result.set_info["id"]


def _set(info: Any) -> dict[str, str]:
    """Validate the set mapping: {"id", "title", "description"}."""
    if not isinstance(info, dict):
        raise Invalid("give a mapping with id and title")
    _no_unknown(info, _SET_KEYS, "set")
    set_id = info.get("id")
    if not isinstance(set_id, str) or not _ID.fullmatch(set_id):
        raise Invalid('id is required and may use only a-z, 0-9 and "-"')
    title = _text(info, "title")
    for key, value, limit in (("id", set_id, LIMITS["set_id"]),
                              ("title", title, LIMITS["set_title"])):
        if len(value) > limit:
            raise Invalid(f"{key} is {len(value)} characters long; the limit is {limit}, "
                          "so shorten it")
    return {"id": set_id, "title": title,
            "description": _text(info, "description", required=False)}


def _cases(cases: Any, line: int, result: ParseResult) -> dict[str, str]:
    """The cases mapping: case id -> scenario text."""
    if cases is None:
        return {}
    found: dict[str, str] = {}
    try:
        if not isinstance(cases, dict):
            raise Invalid("give a mapping of case id to {scenario: text}")
        for case_id, case in cases.items():
            if not isinstance(case_id, str) or not _ID.fullmatch(case_id):
                raise Invalid(f'case id "{_show(case_id)}" may use only a-z, 0-9 and "-"')
            if not isinstance(case, dict):
                raise Invalid(f"{case_id} must be a mapping with a scenario")
            _no_unknown(case, ("scenario",), f"case {case_id}")
            found[case_id] = _text(case, "scenario")
    except Invalid as exc:
        result.errors.append(ParseError(line, f"cases: {exc}"))
    return found


def _questions(data: dict, node: yaml.MappingNode, lines: dict[str, int],
               set_id: str | None, cases: dict[str, str], result: ParseResult) -> None:
    """Parse each question, giving each error the line its mapping starts on."""
    items, nodes = data.get("questions"), _value_node(node, "questions")
    if not isinstance(items, list) or not isinstance(nodes, yaml.SequenceNode) or not items:
        result.errors.append(ParseError(lines.get("questions", 1), (
            "questions is required: a list with at least one question.")))
        return
    if set_id:
        result.categories.append(set_id)
    seen: dict[str, int] = {}
    for item, item_node in zip(items, nodes.value, strict=True):
        line = item_node.start_mark.line + 1
        label = item.get("id") if isinstance(item, dict) else None
        try:
            if isinstance(item_node, yaml.MappingNode):
                _key_lines(item_node, result)
            question = _question(item, line, cases, set_id)
            if question.external_id in seen:
                raise Invalid(f"the id is already used on line {seen[question.external_id]}")
        except Invalid as exc:
            name = f'Question "{label}"' if isinstance(label, str) else "Question"
            result.errors.append(ParseError(line, f"{name}: {exc}"))
            continue
        seen[question.external_id] = line
        result.questions.append(question)


def _value_node(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    """The value node for a scalar key of a mapping node."""
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value
    return None


def _show(value: Any) -> str:
    """A short description of a value for messages (never a huge repr)."""
    if isinstance(value, str):
        return value[:60]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return "a very large number"  # str() of a huge int is slow, or refused
    if isinstance(value, bool | int | float) or value is None:
        return str(value)
    return f"a {type(value).__name__}"


def _no_unknown(mapping: dict, allowed: Iterable[str], where: str) -> None:
    """An unknown key is an error naming it and the keys that are allowed."""
    allowed = tuple(allowed)
    for key in mapping:
        if key not in allowed:
            raise Invalid(f'unknown key "{_show(key)}" in {where}; allowed keys: '
                           f"{', '.join(allowed)}")


def _date(mapping: dict, key: str) -> str | None:
    """An optional ISO date (YYYY-MM-DD), kept as its ISO text."""
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise Invalid(f"{key} must be a date written YYYY-MM-DD (found {_show(value)})")


def _text(mapping: dict, key: str, required: bool = True) -> str:
    """A text value (trimmed); a missing required one is an error."""
    value = mapping.get(key)
    if value is None and not required:
        return ""
    if value is None:
        raise Invalid(f"{key} is missing")
    if not isinstance(value, str):
        hint = " (put it in quotes)" if isinstance(value, bool | int | float) else ""
        raise Invalid(f"{key} must be text, not {_show(value)}{hint}")
    if required and not value.strip():
        raise Invalid(f"{key} is empty")
    return value.strip()


def _number(value: Any, what: str) -> float:
    """A finite number (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{what} must be a number (found {_show(value)})")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise Invalid(f"{what} must be a finite number (found {_show(value)})")
    return number


def _fraction(mapping: dict, what: str) -> float:
    """A fraction between -1 and 1; 1 (full marks) when absent."""
    value = _number(mapping.get("fraction", 1.0), f"{what} fraction")
    if not -1 <= value <= 1:
        raise Invalid(f"{what} fraction must be between -1 and 1")
    return value


def _text_list(value: Any, key: str, minimum: int = 0) -> list[str]:
    """A list of non-empty texts."""
    if value is None and minimum == 0:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise Invalid(f"{key} must be a list of texts")
    if len(value) < minimum:
        raise Invalid(f"{key} needs at least {minimum} entr{'y' if minimum == 1 else 'ies'}")
    return [v.strip() for v in value]


def _mappings(value: Any, key: str, minimum: int) -> list[dict]:
    """A list of at least `minimum` mappings."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Invalid(f"{key} must be a list of mappings")
    if len(value) < minimum:
        raise Invalid(f"{key} needs at least {minimum} entries")
    return value


def _question(item: Any, line: int, cases: dict[str, str], set_id: str | None
              ) -> ParsedQuestion:
    """Validate one question mapping and build its record."""
    if not isinstance(item, dict):
        raise Invalid("each question must be a mapping")
    kind = item.get("type")
    if kind not in TYPES:
        raise Invalid(f"type must be one of {', '.join(TYPES)} (found {_show(kind)})")
    _no_unknown(item, _COMMON + _BY_TYPE[kind], f"a {kind} question")
    missing = [key for key in _REQUIRED if key not in item]
    if missing:
        raise Invalid(f"missing required key{'s' if len(missing) > 1 else ''} "
                       f"{', '.join(missing)}")
    # Any text: sets exported from other systems keep their ids ("QUES_1", "Chem 7"),
    # so importing the export again updates the same questions.
    question_id = _text(item, "id")
    question = ParsedQuestion(
        line=line, kind=kind, text=_text(item, "stem"), text_format="markdown",
        name=question_id, external_id=question_id, category=set_id,
        tags=_text_list(item.get("tags"), "tags"),
        general_feedback=_text(item, "rationale", required=False),
        general_feedback_format="markdown",
        domain=_one_of(item, "domain", DOMAIN_KEYS),
        subdomain=_text(item, "subdomain", required=False) or None,
        difficulty=_one_of(item, "difficulty", DIFFICULTIES),
        references=_text_list(item.get("references"), "references"),
        last_reviewed=_date(item, "last_reviewed"), review_by=_date(item, "review_by"))
    if question.last_reviewed and question.review_by and (
            question.review_by <= question.last_reviewed):
        raise Invalid("review_by must be later than last_reviewed")
    _case(item, question, cases)
    _READERS[kind](item, question)
    return question


def _one_of(item: dict, key: str, allowed: tuple[str, ...]) -> str | None:
    """A value from a fixed list, or None when the key is absent."""
    value = item.get(key)
    if value is None and key not in item:
        return None
    if value not in allowed:
        raise Invalid(f"{key} must be one of {', '.join(allowed)} (found {_show(value)})")
    return value


def _case(item: dict, question: ParsedQuestion, cases: dict[str, str]) -> None:
    """Resolve `case` to the shared scenario text."""
    case_id = item.get("case")
    if case_id is None:
        return
    if not isinstance(case_id, str) or case_id not in cases:
        raise Invalid(f'case "{_show(case_id)}" is not defined under cases')
    question.case_id, question.scenario = case_id, cases[case_id]


def _read_options(item: dict, question: ParsedQuestion) -> None:
    """single_choice or multiple_response: options marked correct, or with a fraction.

    Each correct option earns an equal share (all of it for single_choice); a wrong one
    earns nothing in single_choice and takes a share away in multiple_response. An
    option with its own fraction (files from other systems weight options freely)
    earns that instead. Whether the result can be graded is records.gradable_problems'.
    """
    options = _mappings(item.get("options"), "options", 2)
    flags: list[bool] = []
    given: list[float | None] = []
    for number, option in enumerate(options, 1):
        _no_unknown(option, _OPTION_KEYS, f"option {number}")
        if "text" not in option:
            raise Invalid(f"option {number} has no text")
        flag = option.get("correct", False)
        if not isinstance(flag, bool):
            raise Invalid(f"option {number}: correct must be true or false")
        if "correct" in option and "fraction" in option:
            raise Invalid(f"option {number}: give correct or fraction, not both")
        flags.append(flag)
        given.append(_fraction(option, f"option {number}") if "fraction" in option else None)
    share, wrong = _shares(question.kind, sum(flags))
    for option, flag, fraction in zip(options, flags, given, strict=True):
        earned = fraction if fraction is not None else (share if flag else wrong)
        question.choices.append(Choice(_text(option, "text"), earned,
                                       _text(option, "feedback", required=False)))


def _shares(kind: str, correct: int) -> tuple[float, float]:
    """What a correct and a wrong option earn when neither gives its own fraction."""
    if kind == "single_choice":
        return 1.0, 0.0
    share = 1 / correct if correct else 0.0
    return share, -share


def _read_true_false(item: dict, question: ParsedQuestion) -> None:
    """true_false: answer true/false and optional feedback for each pick."""
    answer = item.get("answer")
    if not isinstance(answer, bool):
        raise Invalid("answer must be true or false")
    question.choices = [
        Choice("True", float(answer), _text(item, "feedback_true", required=False)),
        Choice("False", float(not answer), _text(item, "feedback_false", required=False)),
    ]


def _read_numerical(item: dict, question: ParsedQuestion) -> None:
    """numerical: answer (+ tolerance) or a list of answers; optional unit."""
    if ("answer" in item) == ("answers" in item):
        raise Invalid("give either answer or answers")
    question.unit = _text(item, "unit", required=False)
    if "answer" in item:
        tolerance = _tolerance(item, "answer")
        question.numeric = [NumericAnswer(_number(item["answer"], "answer"), tolerance)]
        return
    if "tolerance" in item:
        raise Invalid("with answers, put tolerance inside each answer")
    for number, entry in enumerate(_mappings(item["answers"], "answers", 1), 1):
        _no_unknown(entry, _NUMERIC_KEYS, f"answer {number}")
        value = entry.get("value")
        question.numeric.append(NumericAnswer(
            None if value == "*" else _number(value, f"answer {number} value"),
            _tolerance(entry, f"answer {number}"), _fraction(entry, f"answer {number}"),
            _text(entry, "feedback", required=False)))


def _tolerance(mapping: dict, what: str) -> float:
    """A tolerance of zero or more (default 0)."""
    value = _number(mapping.get("tolerance", 0), f"{what} tolerance")
    if value < 0:
        raise Invalid(f"{what} tolerance must not be negative")
    return value


def _read_short_answer(item: dict, question: ParsedQuestion) -> None:
    """short_answer: accepted texts with fractions; case is ignored unless asked."""
    for number, entry in enumerate(_mappings(item.get("answers"), "answers", 1), 1):
        _no_unknown(entry, _SHORT_KEYS, f"answer {number}")
        if "text" not in entry:
            raise Invalid(f"answer {number} text is missing")
        question.choices.append(Choice(_text(entry, "text"), _fraction(entry, f"answer {number}"),
                                       _text(entry, "feedback", required=False)))
    flag = item.get("case_sensitive", False)
    if not isinstance(flag, bool):
        raise Invalid("case_sensitive must be true or false")
    question.case_sensitive = flag


def _read_matching(item: dict, question: ParsedQuestion) -> None:
    """matching: at least two pairs, plus optional distractor answers."""
    for number, pair in enumerate(_mappings(item.get("pairs"), "pairs", 2), 1):
        _no_unknown(pair, _PAIR_KEYS, f"pair {number}")
        for key in _PAIR_KEYS:
            if key not in pair:
                raise Invalid(f"pair {number} {key} is missing")
        question.pairs.append(MatchPair(_text(pair, "prompt"), _text(pair, "answer")))
    question.pairs += [MatchPair("", text)
                       for text in _text_list(item.get("distractors"), "distractors")]


_READERS = {
    "single_choice": _read_options,
    "multiple_response": _read_options,
    "true_false": _read_true_false,
    "numerical": _read_numerical,
    "short_answer": _read_short_answer,
    "matching": _read_matching,
}


# --------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists and multi-line text as | literals."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        """Indent lists under their key, which reads better than YAML's default."""
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    """Multi-line text as a literal block; PyYAML falls back to quotes if it must."""
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump(questions: Iterable[ParsedQuestion], set_id: str, title: str,
         description: str = "") -> str:
    """certprep-native/1 YAML for the gradable questions, with cases re-grouped.

    Keys a question lacks (e.g. domain for a Moodle import) are left out, so
    parsing the output reports exactly what an educator still has to fill in.
    """
    header: dict[str, Any] = {"id": set_id, "title": title}
    if description:
        header["description"] = description
    cases: dict[str, dict[str, str]] = {}
    ids: set[str] = set()
    items = [_dump_question(q, cases, ids) for q in questions if q.kind in _WRITERS]
    document: dict[str, Any] = {"format": FORMAT_TAG, "set": header}
    if cases:
        document["cases"] = cases
    document["questions"] = items
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1000)


def _unique_id(question: ParsedQuestion, ids: set[str]) -> str:
    """The question's external id if usable, else one made from its name or text."""
    candidate = (question.external_id or "").strip()
    if not candidate:
        source = question.name or question.text
        candidate = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:40].strip("-")
    candidate = candidate or "question"
    unique, number = candidate, 2
    while unique in ids:
        unique, number = f"{candidate}-{number}", number + 1
    ids.add(unique)
    return unique


def _case_id(question: ParsedQuestion, cases: dict[str, dict[str, str]]) -> str:
    """The case a scenario belongs to, adding it to cases the first time."""
    scenario = question.scenario.strip()
    wanted = question.case_id if question.case_id and _ID.fullmatch(question.case_id) else None
    for case_id, case in cases.items():
        if case["scenario"] == scenario and wanted in (None, case_id):
            return case_id
    base = wanted or "case"
    case_id, number = base, 2
    while case_id in cases:  # the same id with another scenario: keep both
        case_id, number = f"{base}-{number}", number + 1
    cases[case_id] = {"scenario": scenario}
    return case_id


def _dump_question(question: ParsedQuestion, cases: dict[str, dict[str, str]],
                   ids: set[str]) -> dict[str, Any]:
    """One question as a mapping in the README's key order."""
    item: dict[str, Any] = {"id": _unique_id(question, ids), "type": question.kind}
    for key in ("domain", "subdomain", "difficulty"):
        if getattr(question, key):
            item[key] = getattr(question, key)
    if question.tags:
        item["tags"] = list(question.tags)
    if question.scenario.strip():
        item["case"] = _case_id(question, cases)
    item["stem"] = question.text
    item.update(_WRITERS[question.kind](question))
    if question.general_feedback:
        item["rationale"] = question.general_feedback
    if question.references:
        item["references"] = list(question.references)
    for key in ("last_reviewed", "review_by"):
        if getattr(question, key):
            item[key] = getattr(question, key)
    return item


def _plain_number(value: float) -> int | float:
    """Whole numbers without '.0', for readability."""
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _write_options(question: ParsedQuestion) -> dict[str, Any]:
    """options: correct flags where the shares are the ones the reader derives, else fractions."""
    choices = question.choices
    if question.kind == "single_choice":
        flags = [choice.fraction == 1 for choice in choices]
    else:
        right = [choice.fraction for choice in choices if choice.fraction > 0]
        equal = bool(right) and all(fraction == 1 / len(right) for fraction in right)
        flags = [equal and choice.fraction > 0 for choice in choices]
    _, wrong = _shares(question.kind, sum(flags))
    options = []
    for choice, flag in zip(choices, flags, strict=True):
        option: dict[str, Any] = {"text": choice.text}
        if flag:
            option["correct"] = True
        elif choice.fraction != wrong:
            option["fraction"] = _plain_number(choice.fraction)
        if choice.feedback:
            option["feedback"] = choice.feedback
        options.append(option)
    return {"options": options}


def _write_true_false(question: ParsedQuestion) -> dict[str, Any]:
    """answer plus the feedback for each pick."""
    by_label = {c.text.strip().lower(): c for c in question.choices}
    true, false = by_label.get("true", Choice("True")), by_label.get("false", Choice("False"))
    item: dict[str, Any] = {"answer": true.fraction > 0}
    if true.feedback:
        item["feedback_true"] = true.feedback
    if false.feedback:
        item["feedback_false"] = false.feedback
    return item


def _write_numerical(question: ParsedQuestion) -> dict[str, Any]:
    """answer/tolerance for one plain answer, else the answers list; unit."""
    answers = question.numeric
    item: dict[str, Any] = {}
    simple = (len(answers) == 1 and answers[0].value is not None
              and answers[0].fraction == 1 and not answers[0].feedback)
    if simple:
        item["answer"] = _plain_number(answers[0].value)
        if answers[0].tolerance:
            item["tolerance"] = _plain_number(answers[0].tolerance)
    else:
        item["answers"] = [_numeric_entry(answer) for answer in answers]
    if question.unit:
        item["unit"] = question.unit
    return item


def _numeric_entry(answer: NumericAnswer) -> dict[str, Any]:
    """One entry of a numerical answers list, leaving out defaults."""
    entry: dict[str, Any] = {"value": "*" if answer.value is None else _plain_number(answer.value)}
    if answer.tolerance:
        entry["tolerance"] = _plain_number(answer.tolerance)
    if answer.fraction != 1:
        entry["fraction"] = answer.fraction
    if answer.feedback:
        entry["feedback"] = answer.feedback
    return entry


def _write_short_answer(question: ParsedQuestion) -> dict[str, Any]:
    """answers with fractions and feedback; case_sensitive when set."""
    answers = []
    for choice in question.choices:
        entry: dict[str, Any] = {"text": choice.text}
        if choice.fraction != 1:
            entry["fraction"] = choice.fraction
        if choice.feedback:
            entry["feedback"] = choice.feedback
        answers.append(entry)
    item: dict[str, Any] = {"answers": answers}
    if question.case_sensitive:
        item["case_sensitive"] = True
    return item


def _write_matching(question: ParsedQuestion) -> dict[str, Any]:
    """pairs, and the answers with no prompt as distractors."""
    item: dict[str, Any] = {"pairs": [{"prompt": p.prompt, "answer": p.answer}
                                      for p in question.pairs if p.prompt]}
    distractors = [p.answer for p in question.pairs if not p.prompt]
    if distractors:
        item["distractors"] = distractors
    return item


_WRITERS = {
    "single_choice": _write_options,
    "multiple_response": _write_options,
    "true_false": _write_true_false,
    "numerical": _write_numerical,
    "short_answer": _write_short_answer,
    "matching": _write_matching,
}
