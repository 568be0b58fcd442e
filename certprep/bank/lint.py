"""Checks for native question files beyond what parsing enforces: the item-writing rules."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from certprep.bank import outline
from certprep.bank.formats import native
from certprep.bank.formats.records import KINDS, ParsedQuestion, decode_upload

BANNED_OPTIONS = re.compile(r"\b(all|none|both|neither) of the (above|options|answers)\b", re.I)
OPTION_COUNTS = {"single_choice": (3, 6), "multiple_response": (4, 8)}


def native_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return files


def check_question(question: ParsedQuestion) -> list[str]:
    """Problems with one parsed question, each saying what to change."""
    problems = []
    if question.domain not in outline.DOMAINS:
        problems.append(
            f"domain {question.domain!r} is not in the outline "
            f"({', '.join(outline.DOMAINS)})"
        )
    if not question.general_feedback.strip():
        problems.append("add a rationale")
    if not [r for r in question.references if r.strip()]:
        problems.append("add at least one reference")
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
    return problems


def lint(paths: list[Path]) -> dict:
    """{questions, by_domain, by_type, errors} for native files or folders of them."""
    by_domain: Counter = Counter()
    by_type: Counter = Counter()
    errors: list[dict] = []
    owners: dict[str, str] = {}
    total = 0
    for path in native_files(paths):
        try:
            text = decode_upload(path.read_bytes())
        except ValueError as error:
            errors.append({"file": str(path), "line": 0, "message": str(error)})
            continue
        result = native.parse(text)
        errors.extend(
            {"file": str(path), "line": e.line, "message": e.message} for e in result.errors
        )
        for question in result.questions:
            total += 1
            by_domain[question.domain] += 1
            by_type[question.kind] += 1
            where = f"{path.name}:{question.line}"
            if question.external_id in owners:
                errors.append({"file": str(path), "line": question.line, "message": (
                    f"id {question.external_id} is also used at {owners[question.external_id]}; "
                    "ids must be unique across the bank")})
            owners.setdefault(question.external_id, where)
            errors.extend(
                {"file": str(path), "line": question.line,
                 "message": f"{question.external_id}: {problem}"}
                for problem in check_question(question)
            )
    return {
        "questions": total,
        "by_domain": {d: by_domain.get(d, 0) for d in outline.DOMAINS},
        "by_type": {k: by_type[k] for k in KINDS if by_type[k]},
        "errors": errors,
    }
