"""Grading: a pure function of (question version, response), for every gradable kind.

The question is the record a version stores (`bank.versions.to_record`); the response
is what the nurse gave, in terms of the stored order of options, never of the order shown
(the attempt maps displayed positions back before grading). Scoring follows the real
exam: one mark per item, all or nothing; multiple response also reports how many options
were right, for review.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from certprep.bank.formats.records import ParsedQuestion

FULL = 1 - 1e-9  # a fraction this high is full credit (files store 0.99999 for thirds)


@dataclass(frozen=True)
class Response:
    """What a nurse answered; `empty` when nothing was chosen or typed."""

    choices: frozenset[int] = frozenset()  # stored option indexes (choice kinds)
    text: str = ""  # numerical and short answer, as typed
    matches: tuple[tuple[int, str], ...] = ()  # (pair index, answer text chosen)

    @property
    def empty(self) -> bool:
        return not (self.choices or self.text.strip() or any(a for _, a in self.matches))


@dataclass(frozen=True)
class Grade:
    answered: bool
    correct: bool
    credit: float  # 0-1: the share of the mark a partial-credit file would give
    right_parts: int = 0  # options (or pairs) handled rightly, for review
    parts: int = 0
    feedback: tuple[str, ...] = field(default=())  # feedback of what was chosen


def grade(question: ParsedQuestion, response: Response) -> Grade:
    """Right or wrong, with the detail review shows; never raises on a stale response."""
    if response.empty:
        return Grade(answered=False, correct=False, credit=0.0,
                     parts=_part_count(question))
    return _GRADERS[question.kind](question, response)


def _part_count(question: ParsedQuestion) -> int:
    if question.kind == "multiple_response":
        return len(question.choices)
    if question.kind == "matching":
        return sum(1 for pair in question.pairs if pair.prompt)
    return 1


def _single(question: ParsedQuestion, response: Response) -> Grade:
    chosen = [i for i in response.choices if 0 <= i < len(question.choices)]
    if len(chosen) != 1:  # a forged or stale response: several picks, or none that exists
        return Grade(answered=bool(chosen), correct=False, credit=0.0, parts=1)
    choice = question.choices[chosen[0]]
    correct = choice.fraction >= FULL
    return Grade(answered=True, correct=correct, credit=max(choice.fraction, 0.0),
                 right_parts=int(correct), parts=1, feedback=_nonempty(choice.feedback))


def _multiple(question: ParsedQuestion, response: Response) -> Grade:
    """All or nothing: exactly the keyed options. right_parts counts options handled
    rightly (a key chosen or a distractor left), as review shows."""
    keyed = {i for i, c in enumerate(question.choices) if c.fraction > 0}
    chosen = {i for i in response.choices if 0 <= i < len(question.choices)}
    right = sum(1 for i in range(len(question.choices)) if (i in keyed) == (i in chosen))
    earned = sum(question.choices[i].fraction for i in chosen)
    return Grade(
        answered=True, correct=chosen == keyed, credit=min(max(earned, 0.0), 1.0),
        right_parts=right, parts=len(question.choices),
        feedback=tuple(question.choices[i].feedback for i in sorted(chosen)
                       if question.choices[i].feedback),
    )


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float | None:
    """A number as nurses type it: '1.5', '1,5', ' 120 ', '1,200' (thousands) -> float."""
    cleaned = text.strip().replace("\u2212", "-").replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    return value if math.isfinite(value) else None


def _numerical(question: ParsedQuestion, response: Response) -> Grade:
    value = parse_number(response.text)
    if value is None:
        return Grade(answered=True, correct=False, credit=0.0, parts=1)
    best = None
    for answer in question.numeric:
        hit = answer.value is None or abs(value - answer.value) <= answer.tolerance + 1e-9
        if hit and (best is None or answer.fraction > best.fraction):
            best = answer
    if best is None:
        return Grade(answered=True, correct=False, credit=0.0, parts=1)
    correct = best.fraction >= FULL
    return Grade(answered=True, correct=correct, credit=max(best.fraction, 0.0),
                 right_parts=int(correct), parts=1, feedback=_nonempty(best.feedback))


def _pattern(text: str, case_sensitive: bool) -> re.Pattern:
    """Moodle's short-answer rule: '*' matches any run of characters, the rest literally."""
    body = ".*".join(re.escape(part) for part in text.strip().split("*"))
    return re.compile(rf"^{body}$", 0 if case_sensitive else re.IGNORECASE)


def _short(question: ParsedQuestion, response: Response) -> Grade:
    typed = " ".join(response.text.split())
    for choice in sorted(question.choices, key=lambda c: -c.fraction):
        if _pattern(choice.text, question.case_sensitive).match(typed):
            correct = choice.fraction >= FULL
            return Grade(answered=True, correct=correct, credit=max(choice.fraction, 0.0),
                         right_parts=int(correct), parts=1,
                         feedback=_nonempty(choice.feedback))
    return Grade(answered=True, correct=False, credit=0.0, parts=1)


def _matching(question: ParsedQuestion, response: Response) -> Grade:
    prompts = [i for i, pair in enumerate(question.pairs) if pair.prompt]
    given = dict(response.matches)
    right = sum(1 for i in prompts if given.get(i) == question.pairs[i].answer)
    return Grade(answered=True, correct=right == len(prompts),
                 credit=right / len(prompts) if prompts else 0.0,
                 right_parts=right, parts=len(prompts))


def _nonempty(text: str) -> tuple[str, ...]:
    return (text,) if text else ()


_GRADERS = {
    "single_choice": _single,
    "true_false": _single,
    "multiple_response": _multiple,
    "numerical": _numerical,
    "short_answer": _short,
    "matching": _matching,
}
GRADABLE_KINDS = tuple(_GRADERS)
