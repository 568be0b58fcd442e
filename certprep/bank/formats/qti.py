"""IMS QTI 1.2 items as Canvas, Blackboard 9 and Brightspace export them: parse(text).

Pure: text in, records out. Reads <questestinterop> (assessment/section/item
or objectbank/item) and a bare <item>. The kind comes from the structure
(response_lid count and cardinality, response_str/num) and correctness from
the <respcondition>s that set a positive score; Canvas's question_type
metadata is only a hint, used for the kinds certprep does not grade. Text is
read from <mattext> and Blackboard's <mat_formattedtext>, wherever a
<material> sits (Brightspace and Blackboard put option text in <flow_mat>).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from .common import (
    DESCRIPTION_SKIP,
    ESSAY_SKIP,
    Invalid,
    XmlElement,
    child,
    children,
    decimal,
    element_text,
    local_name,
    needs_marking,
    not_supported,
    read_xml,
    reader,
)
from .records import Choice, MatchPair, NumericAnswer, ParsedQuestion, ParseError, ParseResult

FORMAT = "qti"

_CONTAINERS = ("questestinterop", "assessment", "section", "objectbank")
_NEWER_QTI = ("assessmentItem", "assessmentTest", "qti-assessment-item", "qti-assessment-test")

# Canvas question types certprep does not grade: (kind, reason).
_UNSUPPORTED_HINTS = {
    "essay_question": ("essay", ESSAY_SKIP),
    "file_upload_question": ("other", needs_marking("File-upload")),
    "text_only_question": ("description", DESCRIPTION_SKIP),
    "fill_in_multiple_blanks_question": ("cloze", not_supported("Fill-in-multiple-blanks")),
    "multiple_dropdowns_question": ("cloze", not_supported("Multiple-dropdown")),
    "calculated_question": ("other", not_supported("Calculated (formula)")),
}
_ESSAY = _UNSUPPORTED_HINTS["essay_question"]
# Feedback ids that belong to the whole item, not to one choice (Canvas's, Blackboard's).
_ITEM_FEEDBACK = frozenset({"general_fb", "correct_fb", "general_incorrect_fb", "correct",
                            "incorrect"})
_TEXT_ELEMENTS = ("mattext", "mat_formattedtext")  # QTI's own, and Blackboard's extension


@dataclass
class _Condition:
    """One <respcondition>, flattened: what it tests and what it scores."""

    equals: list[tuple[str, str]] = field(default_factory=list)  # (respident, value)
    excluded: list[tuple[str, str]] = field(default_factory=list)  # inside <not>
    lower: float | None = None  # vargte/vargt bound
    upper: float | None = None  # varlte/varlt bound
    score: float | None = None  # None: the condition only shows feedback
    add: bool = False  # Add accumulates; Set replaces
    feedback: list[str] = field(default_factory=list)  # displayfeedback linkrefids
    unreadable: str = ""  # a score certprep could not read, for the error message


@dataclass
class _Outcomes:
    """The score variables an item declares (<outcomes><decvar>), by name: (min, max).

    Names are compared without case: exporters write SCORE, score and Score alike.
    """

    bounds: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    def is_score(self, name: str) -> bool:
        """A <setvar> without a name sets the score; one naming another variable does not."""
        return not name or name.casefold() in (self.bounds or {"score": None})

    def value(self, text: str) -> float | None:
        """A score: a number, or Blackboard's NAME.max / NAME.min for a declared bound."""
        number = decimal(text)
        if number is not None:
            return number
        name, _, bound = text.rpartition(".")
        if bound not in ("max", "min") or not self.is_score(name):
            return None
        low, high = self.bounds.get(name.casefold(), (None, None))
        if bound == "max":
            # Without a maxvalue, NAME.max is the item's full marks, whatever they are:
            # only the ratio between scores matters here.
            return high if high is not None and high > 0 else 1.0
        return low if low is not None else 0.0


@dataclass
class _Label:
    """A <response_label>: its ident and its text."""

    ident: str
    text: str
    text_format: str


@reader(FORMAT, strict=False)
def parse(text: str) -> ParseResult:
    """Read QTI 1.2 items into records; errors name the <item> and its line."""
    result = ParseResult(format=FORMAT)
    root, error = read_xml(text)
    if error is not None:
        result.errors.append(error)
        return result
    items = _items(root, result)
    for item, category in items:
        _read_item(item, category, result)
    return result


def _items(root: XmlElement, result: ParseResult) -> list[tuple[XmlElement, str | None]]:
    """The items in document order, each with its assessment's title as category."""
    name = local_name(root.tag)
    if name == "item":
        return [(root, None)]
    if name in _NEWER_QTI:
        result.errors.append(ParseError(root.line, (
            f"<{name}> is QTI 2.x/3.0, which certprep does not read; export the quiz as "
            "QTI 1.2 (Canvas's default) instead.")))
        return []
    if name not in _CONTAINERS:
        result.errors.append(ParseError(root.line, (
            f"The root element is <{name}>, but a QTI 1.2 file starts with "
            "<questestinterop> (or is a single <item>).")))
        return []
    found: list[tuple[XmlElement, str | None]] = []
    stack: list[tuple[ET.Element, str | None]] = [(root, None)]
    while stack:  # iterative: deep nesting must not exhaust the call stack
        element, category = stack.pop()
        if local_name(element.tag) == "assessment":
            category = element.get("title", "").strip() or category
        if local_name(element.tag) == "item":
            found.append((element, category))
            continue
        stack.extend((sub, category) for sub in reversed(list(element)))
    result.categories.extend(dict.fromkeys(c for _, c in found if c))  # ordered, no repeats
    return found


def _read_item(item: XmlElement, category: str | None, result: ParseResult) -> None:
    """Parse one <item>; add the question, or one error naming the item."""
    title = item.get("title", "").strip()
    try:
        question = _item(item, title, category)
    except Invalid as exc:
        label = f' "{title[:80]}"' if title else ""
        ident = item.get("ident", "")
        result.errors.append(ParseError(item.line, f'<item ident="{ident}">{label}: {exc}'))
        return
    result.questions.append(question)


def _item(item: XmlElement, title: str, category: str | None) -> ParsedQuestion:
    """Build the record for one item from its structure and scoring."""
    presentation = child(item, "presentation")
    if presentation is None:
        raise Invalid("it has no <presentation>")
    text, text_format = _stem(presentation)
    feedback = _feedback(item)
    general, general_format = feedback.get("general_fb", ("", "plain"))
    question = ParsedQuestion(
        line=item.line, kind="other", text=text, text_format=text_format, name=title,
        external_id=item.get("ident", "").strip() or None, category=category,
        general_feedback=general, general_feedback_format=general_format)
    hint = _metadata(item).get("question_type", "")
    if hint in _UNSUPPORTED_HINTS:
        question.kind, question.skip_reason = _UNSUPPORTED_HINTS[hint]
        return question
    conditions = _conditions(item)
    lids = [e for e in presentation.iter() if local_name(e.tag) == "response_lid"]
    strs = [e for e in presentation.iter()
            if local_name(e.tag) in ("response_str", "response_num")]
    if len(lids) > 1:
        _matching(question, lids, conditions)
    elif lids:
        _choices(question, lids[0], conditions, feedback)
    elif strs:
        _typed(question, strs[0], conditions, hint)
    else:
        question.skip_reason = not_supported("Items without a response type certprep knows "
                                             "(response_lid, response_str or response_num)")
    if question.kind in ("single_choice", "multiple_response", "true_false", "numerical",
                         "short_answer", "matching") and not text:
        raise Invalid("its question text (<presentation><material>) is empty")
    return question


# --------------------------------------------------------------------------- reading parts


def _mattext(material: ET.Element | None) -> tuple[str, str]:
    """(text, format) of the <mattext>s and <mat_formattedtext>s inside an element."""
    if material is None:
        return "", "plain"
    parts, text_format = [], "plain"
    for element in material.iter():
        name = local_name(element.tag)
        if name in _TEXT_ELEMENTS:
            parts.append(_inner_markup(element).strip())
            if len(element) or _is_html(name, element):
                text_format = "html"
    return "\n".join(part for part in parts if part), text_format


def _is_html(name: str, element: ET.Element) -> bool:
    """mattext says texttype="text/html"; Blackboard's type is HTML or SMART_TEXT."""
    if name == "mattext":
        return "html" in element.get("texttype", "").lower()
    return element.get("type", "HTML").strip().upper() != "PLAIN_TEXT"


def _inner_markup(element: ET.Element) -> str:
    """A mattext's content; unescaped child elements (raw XHTML) are written back out."""
    if len(element) == 0:
        return element.text or ""
    parts = [escape(element.text or "")]
    stack: list[tuple[bool, object]] = [(True, sub) for sub in reversed(list(element))]
    while stack:  # iterative: deep nesting must not exhaust the call stack
        is_element, item = stack.pop()
        if not is_element:
            parts.append(item)
            continue
        name = local_name(item.tag)
        attrs = "".join(f" {local_name(k)}={quoteattr(v)}" for k, v in item.attrib.items())
        parts.append(f"<{name}{attrs}>{escape(item.text or '')}" if name else "")
        stack.append((False, (f"</{name}>" if name else "") + escape(item.tail or "")))
        stack.extend((True, sub) for sub in reversed(list(item)))
    return "".join(parts)


def _stem(presentation: ET.Element) -> tuple[str, str]:
    """The item's own <material>s, leaving out those inside responses."""
    parts, text_format = [], "plain"
    stack = list(reversed(list(presentation)))
    while stack:
        element = stack.pop()
        name = local_name(element.tag)
        if name.startswith(("response_", "render_")):
            continue
        if name == "material":
            text, material_format = _mattext(element)
            parts.append(text)
            text_format = "html" if material_format == "html" else text_format
            continue
        stack.extend(reversed(list(element)))
    return "\n".join(part for part in parts if part), text_format


def _metadata(item: ET.Element) -> dict[str, str]:
    """Canvas's qtimetadata fields; the first value of a label wins."""
    values: dict[str, str] = {}
    for holder in children(item, "itemmetadata"):
        for entry in holder.iter():
            if local_name(entry.tag) != "qtimetadatafield":
                continue
            label = element_text(child(entry, "fieldlabel"))
            values.setdefault(label, element_text(child(entry, "fieldentry")))
    return values


def _feedback(item: ET.Element) -> dict[str, tuple[str, str]]:
    """<itemfeedback ident> -> (text, format)."""
    found = {}
    for element in children(item, "itemfeedback"):
        parts, text_format = [], "plain"
        for material in element.iter():
            if local_name(material.tag) == "material":
                text, material_format = _mattext(material)
                parts.append(text)
                text_format = "html" if material_format == "html" else text_format
        found[element.get("ident", "")] = ("\n".join(p for p in parts if p), text_format)
    return found


def _conditions(item: ET.Element) -> list[_Condition]:
    """Every <respcondition> of the item's <resprocessing>, flattened."""
    found = []
    for processing in children(item, "resprocessing"):
        outcomes = _outcomes(processing)
        for element in children(processing, "respcondition"):
            found.append(_condition(element, outcomes))
    return found


def _outcomes(processing: ET.Element) -> _Outcomes:
    """The <decvar>s of a <resprocessing>, with their minvalue and maxvalue."""
    outcomes = _Outcomes()
    for decvar in children(child(processing, "outcomes"), "decvar"):
        low, high = decvar.get("minvalue", ""), decvar.get("maxvalue", "")
        outcomes.bounds[(decvar.get("varname", "").strip() or "SCORE").casefold()] = (
            decimal(low.strip()), decimal(high.strip()))
    return outcomes


def _condition(element: ET.Element, outcomes: _Outcomes) -> _Condition:
    """Flatten a condition's tests (and/or/not) and read its score and feedback."""
    condition = _Condition()
    tests = child(element, "conditionvar")
    stack = [] if tests is None else [(test, False) for test in reversed(list(tests))]
    while stack:
        test, negated = stack.pop()
        _add_test(condition, test, negated, stack)
    for setvar in children(element, "setvar"):
        name = (setvar.get("varname") or setvar.get("variablename") or "").strip()
        if not outcomes.is_score(name):
            continue  # e.g. Blackboard's single_correct_answer flag
        text = element_text(setvar)
        value = outcomes.value(text)
        if value is None:
            condition.unreadable = condition.unreadable or text
            continue
        sign = -1.0 if setvar.get("action", "").lower() == "subtract" else 1.0
        condition.score = sign * value
        condition.add = setvar.get("action", "Set").lower() in ("add", "subtract")
        break
    condition.feedback = [e.get("linkrefid", "") for e in children(element, "displayfeedback")]
    return condition


def _add_test(condition: _Condition, test: ET.Element, negated: bool,
              stack: list[tuple[ET.Element, bool]]) -> None:
    """Record one test of a conditionvar; push the children of and/or/not."""
    name = local_name(test.tag)
    pair = (test.get("respident", ""), element_text(test))
    if name in ("and", "or", "not"):
        flip = negated != (name == "not")
        stack.extend((sub, flip) for sub in reversed(list(test)))
    elif name == "varequal":
        (condition.excluded if negated else condition.equals).append(pair)
    elif name in ("vargte", "vargt") and _finite(pair[1]) and not negated:
        condition.lower = float(pair[1])
    elif name in ("varlte", "varlt") and _finite(pair[1]) and not negated:
        condition.upper = float(pair[1])


def _finite(text: str) -> bool:
    """True for a decimal number that fits in a float."""
    return decimal(text) is not None


def _labels(response: ET.Element) -> list[_Label]:
    """The <response_label>s of a response, in order, with their texts.

    The text may sit in a <material> of the label or inside its <flow_mat>
    (Brightspace, Blackboard 9), so every material within the label counts.
    """
    labels = []
    for element in response.iter():
        if local_name(element.tag) == "response_label":
            text, text_format = _mattext(element)
            labels.append(_Label(element.get("ident", ""), text, text_format))
    return labels


# --------------------------------------------------------------------------- kinds


def _scores(conditions: list[_Condition]) -> dict[str, dict[str, float]]:
    """respident -> label -> score, from conditions that test one label alone."""
    scores: dict[str, dict[str, float]] = {}
    for condition in conditions:
        if condition.score is None or len(condition.equals) != 1 or condition.excluded:
            continue
        ident, value = condition.equals[0]
        by_label = scores.setdefault(ident, {})
        previous = by_label.get(value, 0.0)
        by_label[value] = previous + condition.score if condition.add else max(
            previous, condition.score)
    return scores


def _label_scores(scores: dict[str, dict[str, float]], respident: str) -> dict[str, float]:
    """One response's label scores; tests without a respident count for any response."""
    return scores.get(respident) or scores.get("", {})


def _combination(conditions: list[_Condition]) -> set[str] | None:
    """Canvas's all-or-nothing answer: the labels one scoring <and> requires."""
    best: tuple[float, set[str]] | None = None
    for condition in conditions:
        if condition.score is None or condition.score <= 0:
            continue
        if len(condition.equals) > 1 or condition.excluded:
            chosen = {value for _, value in condition.equals}
            if best is None or condition.score > best[0]:
                best = (condition.score, chosen)
    return None if best is None else best[1]


def _choice_feedback(conditions: list[_Condition], feedback: dict[str, tuple[str, str]]
                     ) -> dict[str, tuple[str, str]]:
    """Label ident -> the feedback a condition on that label alone displays."""
    found: dict[str, tuple[str, str]] = {}
    for condition in conditions:
        if len(condition.equals) != 1 or condition.excluded:
            continue
        respident, value = condition.equals[0]
        # Blackboard names the label as the respident of an empty <varequal/>.
        label = value or respident
        for link in condition.feedback:
            if link not in _ITEM_FEEDBACK and link in feedback:
                found.setdefault(label, feedback[link])
    return found


def _choices(question: ParsedQuestion, lid: ET.Element, conditions: list[_Condition],
             feedback: dict[str, tuple[str, str]]) -> None:
    """One response_lid: single_choice, multiple_response or true_false."""
    labels = _labels(lid)
    if len(labels) < 2:
        raise Invalid("a choice item needs at least 2 <response_label>s")
    multiple = lid.get("rcardinality", "Single").strip().lower() == "multiple"
    fractions = _fractions(labels, conditions, lid.get("ident", ""), multiple)
    notes = _choice_feedback(conditions, feedback)
    for label in labels:
        note, note_format = notes.get(label.ident, ("", "plain"))
        question.choices.append(Choice(label.text, fractions[label.ident], note,
                                       label.text_format, note_format))
    question.kind = "multiple_response" if multiple else "single_choice"
    if not multiple:
        _maybe_true_false(question)


def _fractions(labels: list[_Label], conditions: list[_Condition], respident: str,
               multiple: bool) -> dict[str, float]:
    """Each label's share of the mark, from the scoring conditions."""
    idents = [label.ident for label in labels]
    combination = _combination(conditions)
    if combination:
        unknown = combination - set(idents)
        if unknown:
            raise Invalid(f"a <respcondition> requires unknown label {sorted(unknown)[0]}")
        share = 1 / len(combination)
        # Canvas grades the set all-or-nothing; equal shares with penalties come closest.
        return {i: share if i in combination else -share for i in idents}
    scores = _label_scores(_scores(conditions), respident)
    scale = sum(s for s in scores.values() if s > 0) if multiple else max(
        scores.values(), default=0.0)
    if scale <= 0:
        _unreadable_scores(conditions)
        # Nothing earns marks; the gradability rule says so when the item is finished.
        return dict.fromkeys(idents, 0.0)
    return {i: max(-1.0, scores.get(i, 0.0) / scale) for i in idents}


def _unreadable_scores(conditions: list[_Condition]) -> None:
    """When no score could be read, say which <setvar> was the cause, if one was."""
    for condition in conditions:
        if condition.unreadable:
            raise Invalid(f'a <setvar> sets the score to "{condition.unreadable[:40]}", which '
                          "is neither a number nor a declared variable's .max or .min; "
                          "write the score as a number")


def _maybe_true_false(question: ParsedQuestion) -> None:
    """A single choice between exactly 'True' and 'False' is a true/false question."""
    texts = [choice.text.strip().lower() for choice in question.choices]
    if sorted(texts) != ["false", "true"]:
        return
    question.choices.sort(key=lambda choice: choice.text.strip().lower() != "true")
    for choice, label in zip(question.choices, ("True", "False"), strict=True):
        choice.text, choice.text_format = label, "plain"
    question.kind = "true_false"


def _matching(question: ParsedQuestion, lids: list[ET.Element],
              conditions: list[_Condition]) -> None:
    """Several response_lids: each is a prompt whose correct label is its answer."""
    answers: dict[str, str] = {}
    for lid in lids:
        for label in _labels(lid):
            answers.setdefault(label.text, label.ident)
    used: set[str] = set()
    by_response = _scores(conditions)  # once, so many prompts stay linear
    for lid in lids:
        prompt, prompt_format = _mattext(child(lid, "material"))
        labels = {label.ident: label.text for label in _labels(lid)}
        scores = _label_scores(by_response, lid.get("ident", ""))
        best = max(((s, i) for i, s in scores.items() if s > 0 and i in labels), default=None)
        if best is None:
            raise Invalid(f'no <respcondition> gives a correct answer for <response_lid '
                           f'ident="{lid.get("ident", "")}">')
        used.add(labels[best[1]])
        question.pairs.append(MatchPair(prompt, labels[best[1]], prompt_format))
    question.pairs += [MatchPair("", text) for text in answers if text not in used]
    question.kind = "matching"


def _typed(question: ParsedQuestion, response: ET.Element, conditions: list[_Condition],
           hint: str) -> None:
    """response_str/response_num: numerical, short_answer or essay."""
    scored = [c for c in conditions if c.score is not None and c.score > 0
              and (c.equals or c.lower is not None or c.upper is not None)]
    fib = next((e for e in response.iter() if local_name(e.tag) == "render_fib"), None)
    fibtype = "" if fib is None else fib.get("fibtype", "").strip().lower()
    numeric = (hint == "numerical_question" or local_name(response.tag) == "response_num"
               or fibtype in ("decimal", "integer"))
    if not scored:
        question.kind, question.skip_reason = _ESSAY
    elif numeric:
        _numerical(question, scored)
    else:
        _short_answer(question, scored)


def _numerical(question: ParsedQuestion, scored: list[_Condition]) -> None:
    """Numeric answers: exact values or ranges, as value with tolerance."""
    best = max(c.score for c in scored)
    for condition in scored:
        exact = [v for _, v in condition.equals if _finite(v)]
        if condition.equals and not exact:
            raise Invalid(f'the numeric answer "{condition.equals[0][1][:40]}" is not a number')
        low, high = condition.lower, condition.upper
        if low is not None and high is not None:
            value = float(exact[0]) if exact else (low + high) / 2
            tolerance = max(abs(value - low), abs(high - value))
        elif exact:
            value, tolerance = float(exact[0]), 0.0
        else:
            raise Invalid("a numeric <respcondition> gives only one bound of a range")
        question.numeric.append(NumericAnswer(value, tolerance, condition.score / best))
    question.kind = "numerical"


def _short_answer(question: ParsedQuestion, scored: list[_Condition]) -> None:
    """Accepted texts from the scoring varequals (Canvas ignores case)."""
    best = max(c.score for c in scored)
    seen: set[str] = set()
    for condition in scored:
        for _, value in condition.equals:
            if value and value not in seen:
                seen.add(value)
                question.choices.append(Choice(value, condition.score / best))
    if not question.choices:
        raise Invalid("no <respcondition> names an accepted answer")
    question.kind = "short_answer"
