"""Checks for native question files beyond what parsing enforces: the item-writing rules.

`lint(paths, today=...)` reads files or folders of them and reports, per set and for the
whole bank, the cues a test-wise candidate learns (where the key sits by length, absolute
words in keys against distractors), wording slips (unemphasised negatives, British
spelling), the state of the references, review dates, and near-duplicate pairs.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import nh3
import yaml

from certprep.bank import outline, similarity, textcheck
from certprep.bank.formats import native
from certprep.bank.formats.records import KINDS, ParsedQuestion, decode_upload
from certprep.bank.richtext import to_html

SHIPPED_ID = re.compile(r"[a-z0-9-]+")
BANNED_OPTIONS = re.compile(r"\b(all|none|both|neither) of the (above|options|answers)\b", re.I)
OPTION_COUNTS = {"single_choice": (3, 6), "multiple_response": (4, 8)}
CUE_LIMIT = 0.30  # the key may be the longest option, or the second-longest, this often
CUE_MINIMUM_ITEMS = 20  # fewer single-choice items in a set: the shares are only reported
ABSOLUTE_GAP = 0.03  # keys and distractors: absolute-word rates within 3 points
LENGTH_SPREAD = 0.25  # options further apart than this in length are flagged for a look
# Pairs above the threshold that a reviewer judged to test different decisions, with why;
# in a folder of its own so that it is never read as a question set.
REVIEWED_PAIRS = "review/distinct-pairs.yaml"


def to_plain(text: str, text_format: str) -> str:
    """What a reader sees of a text: rendered, tags dropped, entities decoded."""
    return html.unescape(nh3.clean(str(to_html(text, text_format)), tags=set())).strip()


def native_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return files


def check_question(question: ParsedQuestion) -> list[str]:
    """Problems with one parsed question, each saying what to change."""
    problems = []
    domain = outline.DOMAINS.get(question.domain or "")
    if domain is None:
        problems.append(
            f"domain {question.domain!r} is not in the outline ({', '.join(outline.DOMAINS)})"
        )
    elif question.subdomain not in domain.subdomains:
        problems.append(
            f"subdomain {question.subdomain!r} is not in the outline for {domain.key}; "
            f"choose one of: {'; '.join(domain.subdomains)}"
        )
    if question.difficulty not in outline.DIFFICULTIES:
        problems.append(f"give a difficulty: {', '.join(outline.DIFFICULTIES)}")
    if not SHIPPED_ID.fullmatch(question.external_id or ""):
        problems.append('use an id of a-z, 0-9 and "-" only (the shipped bank\'s ids are slugs)')
    if question.kind == "multiple_response" and sum(c.fraction > 0 for c in question.choices) < 2:
        problems.append("a multiple-response item needs at least two correct options")
    if not question.general_feedback.strip():
        problems.append("add a rationale")
    references = [r for r in question.references if r.strip()]
    if not references:
        problems.append("add at least one reference")
    for reference in references:
        problems.extend(textcheck.reference_problems(reference))
    if references and all(textcheck.is_textbook(r) for r in references):
        problems.append("cite a guideline, product label, position statement or study, "
                        "not only a textbook")
    if any(BANNED_OPTIONS.search(choice.text) for choice in question.choices):
        problems.append('remove "all/none of the above"-style options')
    if question.kind in OPTION_COUNTS:
        low, high = OPTION_COUNTS[question.kind]
        if not low <= len(question.choices) <= high:
            problems.append(f"give {low} to {high} options (found {len(question.choices)})")
        if not any(c.fraction > 0 for c in question.choices):
            problems.append("mark the correct option")
        if any(not c.feedback.strip() for c in question.choices):
            problems.append("give feedback for every option")
    negative = textcheck.unemphasised_negative(to_plain(question.text, "markdown"))
    if negative:
        problems.append(f'write the negative in the question in capitals ("{negative.upper()}")'
                        " or ask the question positively")
    spellings = textcheck.british_spellings(" ".join(wording(question)))
    if spellings:
        problems.append("use US spelling: " + ", ".join(f"{w} -> {us}" for w, us in spellings))
    if not (question.last_reviewed and question.review_by):
        problems.append("add last_reviewed and review_by dates (YYYY-MM-DD)")
    return problems


def wording(question: ParsedQuestion) -> list[str]:
    """Every text a candidate reads, except the references (titles keep their spelling)."""
    return [
        question.scenario, question.text, question.general_feedback, question.unit,
        *(part for c in question.choices for part in (c.text, c.feedback)),
        *(part for p in question.pairs for part in (p.prompt, p.answer)),
        *(n.feedback for n in question.numeric),
    ]


# Figures per set and for the bank --------------------------------------------------


@dataclass
class Figures:
    questions: int = 0
    single_choice: int = 0
    key_longest: int = 0
    key_second_longest: int = 0
    length_flags: int = 0
    keys: int = 0
    absolute_keys: int = 0
    distractors: int = 0
    absolute_distractors: int = 0
    errors: int = 0
    overdue: int = 0

    def add(self, question: ParsedQuestion) -> list[str]:
        """Count one question; return warnings about it."""
        self.questions += 1
        warnings = []
        if question.kind in ("single_choice", "multiple_response"):
            for choice in question.choices:
                absolute = textcheck.has_absolute(to_plain(choice.text, choice.text_format))
                if choice.fraction > 0:
                    self.keys += 1
                    self.absolute_keys += absolute
                else:
                    self.distractors += 1
                    self.absolute_distractors += absolute
        if question.kind == "single_choice" and len(question.choices) >= 3:
            self.single_choice += 1
            lengths = [len(to_plain(c.text, c.text_format)) for c in question.choices]
            key = max(range(len(lengths)), key=lambda i: question.choices[i].fraction)
            longer = sum(1 for n in lengths if n > lengths[key])
            self.key_longest += longer == 0
            self.key_second_longest += longer == 1
            if (max(lengths) - min(lengths)) > LENGTH_SPREAD * max(lengths):
                self.length_flags += 1
                warnings.append(f"options range from {min(lengths)} to {max(lengths)} "
                                "characters: check that length gives nothing away")
        return warnings

    def report(self) -> dict:
        def share(part: int, whole: int) -> float:
            return round(part / whole, 3) if whole else 0.0

        return {
            "questions": self.questions,
            "errors": self.errors,
            "single_choice": self.single_choice,
            "key_longest_share": share(self.key_longest, self.single_choice),
            "key_second_longest_share": share(self.key_second_longest, self.single_choice),
            "length_flags": self.length_flags,
            "absolute_in_keys_share": share(self.absolute_keys, self.keys),
            "absolute_in_distractors_share": share(self.absolute_distractors, self.distractors),
            "overdue": self.overdue,
        }

    def cue_problems(self) -> list[str]:
        problems = []
        figures = self.report()
        if self.single_choice >= CUE_MINIMUM_ITEMS:
            for key, what in (("key_longest_share", "the longest option"),
                              ("key_second_longest_share", "the second-longest option")):
                if figures[key] > CUE_LIMIT:
                    problems.append(
                        f"the key is {what} in {figures[key]:.0%} of {self.single_choice} "
                        f"single-choice items (at most {CUE_LIMIT:.0%}): vary where the key "
                        "falls by length")
        gap = figures["absolute_in_keys_share"] - figures["absolute_in_distractors_share"]
        if self.keys and self.distractors and abs(gap) > ABSOLUTE_GAP:
            problems.append(
                f"absolute words (always, never, every, only, all, none) are in "
                f"{figures['absolute_in_keys_share']:.0%} of keys and "
                f"{figures['absolute_in_distractors_share']:.0%} of distractors (keep them "
                f"within {ABSOLUTE_GAP:.0%}): remove them from the options")
        return problems


@dataclass
class _Bank:
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    located: list[tuple[ParsedQuestion, Path]] = field(default_factory=list)


def lint(paths: list[Path], *, today: date | None = None) -> dict:
    """The lint report for native files or folders of them (see the module docstring)."""
    bank = _Bank()
    total = Figures()
    sets: dict[str, Figures] = {}
    owners: dict[str, str] = {}
    for path in native_files(paths):
        try:
            text = decode_upload(path.read_bytes())
        except ValueError as error:
            bank.errors.append(_entry(path, 0, str(error), "file"))
            continue
        result = native.parse(text)
        bank.errors.extend(_entry(path, e.line, e.message, "format") for e in result.errors)
        figures = sets.setdefault(result.set_info.get("id") or path.stem, Figures())
        for question in result.questions:
            bank.located.append((question, path))
            where = f"{path.name}:{question.line}"
            if question.external_id in owners:
                bank.errors.append(_entry(path, question.line, (
                    f"id {question.external_id} is also used at {owners[question.external_id]}; "
                    "ids must be unique across the bank"), "ids"))
            owners.setdefault(question.external_id, where)
            problems = check_question(question)
            figures.errors += len(problems)
            bank.errors.extend(
                _entry(path, question.line, f"{question.external_id}: {p}", "item")
                for p in problems
            )
            total.add(question)
            for warning in figures.add(question):
                bank.warnings.append(
                    _entry(path, question.line, f"{question.external_id}: {warning}", "length"))
            if today and question.review_by and question.review_by < today.isoformat():
                figures.overdue += 1
                bank.warnings.append(_entry(path, question.line, (
                    f"{question.external_id}: review was due by {question.review_by}; check it "
                    "against current guidelines and update last_reviewed and review_by"),
                    "review"))
        for problem in figures.cue_problems():
            figures.errors += 1
            bank.errors.append(_entry(path, 0, f"set {path.stem}: {problem}", "cues"))
    total.overdue = sum(f.overdue for f in sets.values())
    for problem in total.cue_problems():
        bank.errors.append({"file": "", "line": 0, "message": f"bank: {problem}",
                            "check": "cues"})
    pairs = near_duplicates(bank, reviewed_pairs(paths))
    total.errors = len(bank.errors)
    questions = [q for q, _ in bank.located]
    return {
        "questions": len(questions),
        "by_domain": {d: sum(q.domain == d for q in questions) for d in outline.DOMAINS},
        "by_subdomain": {
            d.key: {s: sum(q.subdomain == s for q in questions) for s in d.subdomains}
            for d in outline.DOMAINS.values()
        },
        "by_type": {k: n for k in KINDS if (n := Counter(q.kind for q in questions)[k])},
        "bank": total.report(),
        "sets": {set_id: figures.report() for set_id, figures in sets.items()},
        "near_duplicates": pairs,
        "overdue": [q.external_id for q in questions
                    if today and q.review_by and q.review_by < today.isoformat()],
        "errors": bank.errors,
        "warnings": bank.warnings,
    }


def near_duplicates(bank: _Bank, reviewed: set[frozenset[str]]) -> list[dict]:
    """Pairs above the similarity threshold that nobody has judged distinct: errors."""
    keys = [q.external_id or f"line-{q.line}" for q, _ in bank.located]
    documents = [
        " ".join([q.text, *(c.text for c in q.choices if c.fraction > 0),
                  *(f"{p.prompt} {p.answer}" for p in q.pairs), q.general_feedback])
        for q, _ in bank.located
    ]
    where = {key: (path, q.line) for key, (q, path) in zip(keys, bank.located, strict=True)}
    pairs = []
    for score, first, second in similarity.similar_pairs(keys, documents, skip=reviewed):
        pairs.append({"first": first, "second": second, "similarity": score})
        path, line = where[first]
        bank.errors.append(_entry(path, line, (
            f"{first} and {second} look alike (cosine {score:.2f} over stem, key and "
            "rationale): rewrite one to test another decision, or, if they differ, record "
            f"the pair and why in {REVIEWED_PAIRS}"), "near-duplicates"))
    return pairs


def reviewed_pairs(paths: list[Path]) -> set[frozenset[str]]:
    """Pairs recorded as distinct, from review/distinct-pairs.yaml beside the files."""
    folders = {p if p.is_dir() else p.parent for p in paths}
    pairs: set[frozenset[str]] = set()
    for folder in folders:
        listed = folder / REVIEWED_PAIRS
        if listed.exists():
            for entry in yaml.safe_load(listed.read_text(encoding="utf-8")) or []:
                if isinstance(entry, dict) and entry.get("reason") and len(entry["pair"]) == 2:
                    pairs.add(frozenset(entry["pair"]))
    return pairs


def _entry(path: Path, line: int, message: str, check: str) -> dict:
    return {"file": str(path), "line": line, "message": message, "check": check}
