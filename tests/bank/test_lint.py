"""`bank lint`: each check finds what a reviewer of the first edition found, and no more."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from certprep.bank import lint as lint_module
from certprep.bank import similarity, textcheck

TODAY = date(2026, 12, 1)
GUIDELINE = ("Dowell D, Ragan KR, Jones CM, Baldwin GT, Chou R. CDC clinical practice guideline "
             "for prescribing opioids for pain. MMWR Recomm Rep. 2022;71(3):1-95.")


def item(number: int, **changes) -> dict:
    """A clean single-choice item; `key_text` and `others` set the option texts."""
    key_text = changes.pop("key_text", f"Give the scheduled dose number {number} now")
    others = changes.pop("others", [f"Hold option {number} for an hour", "Call the team",
                                    "Wait and see"])
    question = {
        "id": f"t-{number:03d}", "type": "single_choice", "domain": "interventions",
        "subdomain": "Opioid pharmacology", "difficulty": "medium",
        "stem": f"Item {number}: a man on day {number} after surgery asks for help. "
                "What should the nurse do?",
        "options": [{"text": key_text, "correct": True, "feedback": "Right."}]
        + [{"text": text, "feedback": "Wrong."} for text in others],
        "rationale": f"Principle {number}.", "references": [GUIDELINE],
        "last_reviewed": "2026-12-01", "review_by": "2028-12-01",
    }
    question.update(changes)
    return question


def run(tmp_path, questions, *, today=TODAY, reviewed=None):
    document = {"format": "certprep-native/1", "set": {"id": "t", "title": "T"},
                "questions": questions}
    (tmp_path / "t.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    if reviewed is not None:
        listed = tmp_path / lint_module.REVIEWED_PAIRS
        listed.parent.mkdir(exist_ok=True)
        listed.write_text(yaml.safe_dump(reviewed))
    return lint_module.lint([tmp_path], today=today)


def messages(report, check=None):
    return [e["message"] for e in report["errors"] if check is None or e["check"] == check]


def test_a_clean_item_passes(tmp_path):
    report = run(tmp_path, [item(1)])
    assert report["errors"] == [] and report["questions"] == 1


def test_the_key_as_longest_option_too_often_is_an_error_for_the_set(tmp_path):
    longest = [item(n, key_text="Give the scheduled dose and reassess in thirty minutes")
               for n in range(1, 21)]
    report = run(tmp_path, longest)
    assert report["sets"]["t"]["key_longest_share"] == 1.0
    assert any("the longest option in 100% of 20" in m for m in messages(report, "cues"))


def test_the_second_longest_key_is_counted_too(tmp_path):
    second = [item(n, key_text="Give the dose now", others=[
        "Hold the dose and page the surgeon about it", "Wait", "Call"]) for n in range(1, 21)]
    report = run(tmp_path, second)
    assert report["bank"]["key_second_longest_share"] == 1.0
    assert any("second-longest option in 100%" in m for m in messages(report, "cues"))


def test_keys_spread_over_length_ranks_pass(tmp_path):
    texts = ["A", "Bb bb", "Ccc ccc ccc", "Dddd dddd dddd dddd"]
    spread = [item(n, key_text=texts[n % 4], others=[t for t in texts if t != texts[n % 4]])
              for n in range(20)]
    report = run(tmp_path, spread)
    assert report["bank"]["key_longest_share"] == 0.25
    assert messages(report, "cues") == []


def test_absolute_words_in_distractors_only_are_a_cue(tmp_path):
    cued = [item(n, others=["Never give it", "Always wait", "Only call"]) for n in range(5)]
    report = run(tmp_path, cued)
    assert report["bank"]["absolute_in_distractors_share"] == 1.0
    assert any("absolute words" in m for m in messages(report, "cues"))


@pytest.mark.parametrize(("stem", "found"), [
    ("She is tired. Which action is not appropriate?", "not"),
    ("All are true except which statement?", "except"),
    ("Which drug is the least suitable choice?", "least"),
    ("Which action is NOT appropriate?", None),
    ("She has not slept for two nights. What should the nurse do first?", None),
])
def test_negatives_in_the_question_must_be_in_capitals(stem, found):
    assert textcheck.unemphasised_negative(stem) == found


@pytest.mark.parametrize(("text", "words"), [
    ("The anaesthetist saw oedema and a haematoma.", ["anaesthetist", "oedema", "haematoma"]),
    ("Recognise behaviour; organise the programme.", ["recognise", "behaviour", "organise",
                                                       "programme"]),
    ("Paracetamol was labelled.", ["paracetamol", "labelled"]),
    ("Anemia, edema, behavior, analyses and a promise to exercise.", []),
])
def test_british_spellings_are_found_and_us_ones_pass(text, words):
    assert [word for word, _ in textcheck.british_spellings(text)] == words


def test_spelling_is_checked_in_what_nurses_read_but_not_in_reference_titles(tmp_path):
    british_title = GUIDELINE + " Anaesthesia. 2020;75:1."
    report = run(tmp_path, [item(1, rationale="Check the colour.", references=[british_title])])
    assert messages(report) == ["t-001: use US spelling: colour -> color…"]


@pytest.mark.parametrize(("reference", "expected"), [
    ("NCCN Guidelines: Adult Cancer Pain (current version).", '"current version" dates nothing'),
    ("World Health Organization. Cancer pain relief.", "give a year or version"),
    ("Jarzyna D, et al. ASPMN guidelines on monitoring. Pain Manag Nurs. 2011;12(3):118-145.",
     "revised in 2020"),
    ("Vandermeuelen E, et al. Anticoagulants and spinal anesthesia. Anesth Analg. "
     "2004;98(1):1-2.", "spelt Vandermeulen"),
])
def test_reference_problems(reference, expected):
    assert any(expected in problem for problem in textcheck.reference_problems(reference))


def test_an_item_resting_on_textbooks_alone_is_refused(tmp_path):
    books = ["Czarnecki ML, Turner HN, eds. Core Curriculum for Pain Management Nursing. "
             "3rd ed. Elsevier; 2018.",
             "Pasero C, McCaffery M. Pain Assessment and Pharmacologic Management. Mosby; 2011."]
    report = run(tmp_path, [item(1, references=books), item(2, references=[*books, GUIDELINE])])
    assert [m for m in messages(report) if "textbook" in m] == [
        "t-001: cite a guideline, product label, position statement or study, "
        "not only a textbook"]


def test_review_dates_are_required_and_overdue_items_are_reported(tmp_path):
    undated = item(1)
    del undated["last_reviewed"], undated["review_by"]
    overdue = item(2, last_reviewed="2023-01-01", review_by="2025-01-01")
    report = run(tmp_path, [undated, overdue, item(3)])
    assert messages(report, "item") == [
        "t-001: add last_reviewed and review_by dates (YYYY-MM-DD)"]
    assert report["overdue"] == ["t-002"] and report["bank"]["overdue"] == 1
    assert run(tmp_path, [overdue], today=date(2024, 6, 1))["overdue"] == []


def test_a_subdomain_outside_the_outline_names_the_allowed_ones(tmp_path):
    report = run(tmp_path, [item(1, subdomain="Regional anaesthesia")])
    assert "choose one of: Opioid pharmacology;" in messages(report)[0]


SEROTONIN = ("A woman taking sertraline is given tramadol after surgery and becomes agitated, "
             "tremulous and febrile with clonus. What should the nurse suspect?")
REWORDED = ("After surgery a man on sertraline receives tramadol and develops agitation, "
            "tremor, fever and clonus. Which complication should the nurse suspect?")
RATIONALE = "Tramadol with an SSRI can cause serotonin toxicity: clonus, hyperthermia, agitation."


def test_a_reworded_duplicate_is_listed_and_an_unrelated_item_is_not(tmp_path):
    report = run(tmp_path, [
        item(1, stem=SEROTONIN, key_text="Serotonin toxicity", rationale=RATIONALE),
        item(2, stem=REWORDED, key_text="Serotonin syndrome", rationale=RATIONALE),
        item(3, stem="A child after tonsillectomy is prescribed codeine. What should the "
                     "nurse do?", key_text="Ask for another analgesic",
             rationale="Codeine is contraindicated after tonsillectomy in children."),
    ])
    assert [(p["first"], p["second"]) for p in report["near_duplicates"]] == [("t-001", "t-002")]
    assert messages(report, "near-duplicates")[0].startswith("t-001 and t-002 look alike")


def test_a_pair_recorded_as_distinct_with_a_reason_is_not_an_error(tmp_path):
    questions = [item(1, stem=SEROTONIN, rationale=RATIONALE),
                 item(2, stem=REWORDED, rationale=RATIONALE)]
    no_reason = run(tmp_path, questions, reviewed=[{"pair": ["t-001", "t-002"], "reason": ""}])
    assert len(no_reason["near_duplicates"]) == 1
    reviewed = run(tmp_path, questions, reviewed=[
        {"pair": ["t-002", "t-001"], "reason": "one tests recognition, one the next action"}])
    assert reviewed["near_duplicates"] == [] and reviewed["errors"] == []


def test_similarity_ranks_a_paraphrase_above_another_topic():
    pairs = similarity.similar_pairs(
        ["a", "b", "c"], [SEROTONIN + RATIONALE, REWORDED + RATIONALE,
                          "Codeine after tonsillectomy in a child: choose another analgesic."],
        threshold=0.0)
    assert pairs[0][1:] == ("a", "b") and pairs[0][0] > 0.5
    assert all(score < similarity.THRESHOLD for score, *_ in pairs[1:])


@pytest.mark.parametrize(("changes", "problem"), [
    ({"difficulty": None}, "give a difficulty"),
    ({"id": "Q_1"}, 'use an id of a-z, 0-9 and "-" only'),
])
def test_what_the_format_allows_but_the_shipped_bank_does_not(tmp_path, changes, problem):
    question = item(1)
    for key, value in changes.items():
        if value is None:
            del question[key]
        else:
            question[key] = value
    assert any(problem in m for m in messages(run(tmp_path, [question]), "item"))


def test_a_multiple_response_item_needs_two_keys(tmp_path):
    question = item(1, type="multiple_response", options=[
        {"text": t, "correct": t == "A", "feedback": "f"} for t in "ABCD"])
    assert "t-001: a multiple-response item needs at least two correct options" in messages(
        run(tmp_path, [question]), "item")
