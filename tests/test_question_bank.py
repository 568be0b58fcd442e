"""The shipped question bank: lint-clean, on the outline, without cues or duplicates, reviewed."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from certprep.bank import outline, similarity
from certprep.bank.formats import native
from certprep.bank.formats.records import decode_upload
from certprep.bank.lint import REVIEWED_PAIRS

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


@pytest.fixture(scope="module")
def linted(module_app):
    """`bank lint question_bank/ --json`, run once for the module: (exit code, report)."""
    result = module_app.test_cli_runner().invoke(args=["bank", "lint", str(BANK), "--json"])
    return result.exit_code, json.loads(result.output)


@pytest.fixture(scope="module")
def report(linted):
    return linted[1]


def test_lint_is_clean_and_the_outline_shares_hold(linted):
    exit_code, report = linted
    assert report["errors"] == [] and exit_code == 0
    assert report["questions"] >= 1000
    for domain in outline.DOMAINS:
        share = report["by_domain"][domain] / report["questions"]
        assert abs(share - outline.share(domain)) <= 0.02, (domain, share)


def test_every_subdomain_of_the_outline_has_ten_questions(report):
    thin = {subdomain: count for counts in report["by_subdomain"].values()
            for subdomain, count in counts.items() if count < 10}
    assert thin == {}


def test_no_length_or_absolute_word_cues_in_any_set(report):
    for name, figures in [("bank", report["bank"]), *report["sets"].items()]:
        assert figures["key_longest_share"] <= 0.30, name
        assert figures["key_second_longest_share"] <= 0.30, name
        gap = figures["absolute_in_keys_share"] - figures["absolute_in_distractors_share"]
        assert abs(gap) <= 0.03, name


def test_no_near_duplicate_pairs_and_every_recorded_pair_names_two_items_and_why(
        report, questions):
    assert report["near_duplicates"] == []
    listed = BANK / REVIEWED_PAIRS
    recorded = yaml.safe_load(listed.read_text(encoding="utf-8")) if listed.exists() else []
    ids = {q.external_id for q in questions}
    for entry in recorded or []:
        assert set(entry["pair"]) <= ids and len(set(entry["pair"])) == 2, entry
        assert len(entry["reason"]) >= 20, entry


def test_question_mix(questions):
    kinds = [q.kind for q in questions]
    assert 0.07 <= kinds.count("multiple_response") / len(kinds) <= 0.16
    for kind, least in (("numerical", 40), ("true_false", 20), ("matching", 20),
                        ("short_answer", 20)):
        assert kinds.count(kind) >= least, kind
    single = [q for q in questions if q.kind == "single_choice"]
    assert all(len(q.choices) == 4 for q in single)
    cases: dict[str, int] = {}
    for q in questions:
        if q.case_id:
            cases[q.case_id] = cases.get(q.case_id, 0) + 1
    assert sum(1 for n in cases.values() if n >= 3) >= 15


def test_every_question_has_metadata_and_option_rationales(questions):
    for q in questions:
        assert q.subdomain and q.difficulty in outline.DIFFICULTIES, q.external_id
        assert q.general_feedback.strip() and q.references, q.external_id
        assert all(c.feedback.strip() for c in q.choices), q.external_id


def test_a_reworded_copy_would_be_listed_as_a_near_duplicate(questions):
    """The bank's TF-IDF screen (checked above to list no pair) does see a light rewording."""
    original = next(q for q in questions if "nurse" in q.text)
    copy = native.parse(native.dump([original], "x", "x")).questions[0]
    copy.text = copy.text.replace("nurse", "clinician", 1)
    documents = [" ".join([q.text, *(c.text for c in q.choices if c.fraction > 0),
                           q.general_feedback]) for q in (original, copy, questions[-1])]
    pairs = similarity.similar_pairs(["original", "copy", "other"], documents)
    assert [pair[1:] for pair in pairs] == [("original", "copy")]


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


CHECKLIST = re.compile(r"^## Checklist, version (\d+\.\d+) \((\d{4}-\d\d-\d\d)\)$", re.M)


def test_every_set_has_an_independent_review_against_the_current_checklist():
    review = (BANK / "REVIEW.md").read_text(encoding="utf-8")
    version, issued = max(CHECKLIST.findall(review))
    rows = {}
    for line in review.splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if len(cells) >= 5 and cells[4] == version:
            rows[cells[0]] = cells
    for path in FILES:
        set_id = native.parse(decode_upload(path.read_bytes())).set_info["id"]
        assert set_id in rows, f"{set_id} has no review against checklist {version}"
        reviewed_on = date.fromisoformat(rows[set_id][3])
        assert date.fromisoformat(issued) <= reviewed_on <= date.today(), set_id
