"""Where the shared conformance corpus lives, and what to do when it is absent."""

import os
from pathlib import Path

import pytest

from certprep.bank.formats.records import GRADABLE


def _find_corpus() -> Path:
    """CERTPREP_CONFORMANCE, else the nearest ``shared/conformance`` above the checkout.

    A checkout in /work/main finds /work/shared; a git worktree in /work/wt/NAME finds it
    one level further up, so the corpus is never skipped just because of where the
    checkout lives.
    """
    if os.environ.get("CERTPREP_CONFORMANCE"):
        return Path(os.environ["CERTPREP_CONFORMANCE"])
    checkout = Path(__file__).resolve().parents[2]
    for folder in checkout.parents:
        candidate = folder / "shared" / "conformance"
        if (candidate / "expected_summary.json").is_file():
            return candidate
    return checkout.parent / "shared" / "conformance"


CORPUS = _find_corpus()
SUMMARY = CORPUS / "expected_summary.json"


def require_corpus() -> None:
    """Skip the calling module without the corpus; in CI, fail instead."""
    if SUMMARY.is_file():
        return
    message = f"conformance corpus not found at {CORPUS} (expected_summary.json missing)"
    if os.environ.get("CERTPREP_REQUIRE_CONFORMANCE") == "1":
        raise RuntimeError(message)
    pytest.skip(message, allow_module_level=True)


# Moodle qtype names in expected_summary.json -> certprep's kinds; anything else is "other".
MOODLE_KINDS = {
    "multichoice": "single_choice",
    "multichoice(multi)": "multiple_response",
    "truefalse": "true_false",
    "shortanswer": "short_answer",
    "numerical": "numerical",
    "match": "matching",
    "matching": "matching",
    "essay": "essay",
    "description": "description",
    "multianswer": "cloze",
    "cloze": "cloze",
}
# Canvas type names used by the qti1.2 entries -> certprep's kinds.
QTI_KINDS = {
    "multiple_choice": "single_choice",
    "true_false": "true_false",
    "multiple_answers": "multiple_response",
    "matching": "matching",
    "numeric": "numerical",
    "short_answer": "short_answer",
    "essay": "essay",
}


def nothing_to_import(name: str, entry: dict) -> bool:
    """Whether certprep refuses the file as a whole: nothing in it can be graded.

    Moodle imports such a file (essays, descriptions, cloze, or questions that cannot
    be marked); certprep would make an empty set from it, so it says why instead.
    """
    names = QTI_KINDS if entry.get("format") == "qti1.2" else MOODLE_KINDS
    kinds = {names.get(kind, "other") for kind in entry.get("types", {})}
    return (not kinds & GRADABLE or entry.get("imported") == 0
            or name in UNGRADABLE_BY_CERTPREP)


# Files whose only questions Moodle imports but certprep's gradability rule
# (records.gradable_problems) skips, with the reason it gives.
UNGRADABLE_BY_CERTPREP = {
    # GIFT {= spring = summer = winter = autumn ~ easter}: single choice, four right answers.
    "other/GIFT-grammar-PEG.js/escapeColon.gift": "4 options earn full credit",
}
