"""The shipped question bank: lint-clean, on the blueprint, reviewed, and without duplicates."""

import itertools
import json
import re
from pathlib import Path

import pytest

from certprep.bank import outline
from certprep.bank.formats import native
from certprep.bank.formats.records import decode_upload

BANK = Path(__file__).resolve().parents[1] / "question_bank"
FILES = sorted(BANK.glob("*.yaml"))


@pytest.fixture(scope="module")
def questions():
    parsed = []
    for path in FILES:
        result = native.parse(decode_upload(path.read_bytes()))
        assert result.errors == [], (path.name, result.errors[:3])
        parsed += result.questions
    return parsed


def test_lint_is_clean_and_the_blueprint_shares_hold(runner):
    result = runner.invoke(args=["bank", "lint", str(BANK), "--json"])
    report = json.loads(result.output)
    assert report["errors"] == [] and result.exit_code == 0
    assert report["questions"] >= 300
    for domain in outline.DOMAINS:
        share = report["by_domain"][domain] / report["questions"]
        assert abs(share - outline.share(domain)) <= 0.03, (domain, share)


def test_question_mix(questions):
    kinds = [q.kind for q in questions]
    assert 0.07 <= kinds.count("multiple_response") / len(kinds) <= 0.13
    assert kinds.count("numerical") >= 15
    single = [q for q in questions if q.kind == "single_choice"]
    assert all(len(q.choices) == 4 for q in single)
    cases: dict[str, int] = {}
    for q in questions:
        if q.case_id:
            cases[q.case_id] = cases.get(q.case_id, 0) + 1
    assert sum(1 for n in cases.values() if n >= 3) >= 5


def test_every_question_has_metadata_and_option_rationales(questions):
    for q in questions:
        assert q.subdomain and q.difficulty in outline.DIFFICULTIES, q.external_id
        assert q.general_feedback.strip() and q.references, q.external_id
        assert all(c.feedback.strip() for c in q.choices), q.external_id


def shingles(question) -> set[tuple[str, ...]]:
    """Word 3-grams of the stem and the options: what a reader would call the wording."""
    text = " ".join([question.text, *(c.text for c in question.choices),
                     *(p.prompt + " " + p.answer for p in question.pairs)])
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def test_no_near_duplicate_questions(questions):
    grams = [(q.external_id, shingles(q)) for q in questions]
    close = [
        (round(len(a & b) / len(a | b), 2), first, second)
        for (first, a), (second, b) in itertools.combinations(grams, 2)
        if a and b and len(a & b) / len(a | b) > 0.5
    ]
    assert close == []


def test_near_duplicate_detector_catches_a_reworded_copy(questions):
    original = questions[0]
    copy = native.parse(native.dump([original], "x", "x")).questions[0]
    copy.text = copy.text.replace("nurse", "clinician", 1)
    a, b = shingles(original), shingles(copy)
    assert len(a & b) / len(a | b) > 0.5


STIGMATISING = re.compile(r"\b(addicts?|abusers?|junkies?|drug-seeking|drug seekers?)\b", re.I)


def quoted_only(text: str) -> bool:
    """True when every stigmatising word in `text` stands inside quotation marks."""
    for match in STIGMATISING.finditer(text):
        before = text[max(0, match.start() - 40):match.start()]
        if not any(mark in before for mark in ('"', "\u201c", "'")):
            return False
    return True


def test_language_is_not_stigmatising(questions):
    """Such words appear only quoted, or in a wrong option that teaches to recognise them."""
    for q in questions:
        for text in (q.text, q.scenario, q.general_feedback, *(c.feedback for c in q.choices)):
            assert quoted_only(text), q.external_id
        for choice in q.choices:
            assert choice.fraction <= 0 or quoted_only(choice.text), q.external_id


def test_every_set_has_an_independent_review_record():
    review = (BANK / "REVIEW.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in review.splitlines()
            if line.startswith("| ") and not line.startswith("| set")}
    for path in FILES:
        set_id = native.parse(decode_upload(path.read_bytes())).questions[0].category
        assert set_id in rows, f"{set_id} has no review record"
        assert "2026-" in rows[set_id] and "| 1.0 |" in rows[set_id]
