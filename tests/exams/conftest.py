"""A small published bank with every gradable kind, and a nurse to take tests."""

from __future__ import annotations

import re

import pytest

from certprep.bank.formats import native
from certprep.bank.importer import import_result
from certprep.extensions import db
from tests.conftest import post_form

KINDS_YAML = """format: certprep-native/1
set: {id: exam-fixture, title: Exam fixture}
cases:
  knee: {scenario: "A 70-year-old is on day 1 after knee replacement."}
questions:
  - id: sc-1
    type: single_choice
    domain: assessment
    subdomain: Assessment tools
    difficulty: easy
    case: knee
    stem: Which scale fits a person who can self-report?
    options:
      - {text: Numeric rating scale, correct: true, feedback: FEEDBACK-SC1-KEY self-report first.}
      - {text: FLACC, feedback: FEEDBACK-SC1-B for young children.}
      - {text: PAINAD, feedback: FEEDBACK-SC1-C for advanced dementia.}
      - {text: CPOT, feedback: FEEDBACK-SC1-D for critical care.}
    rationale: RATIONALE-SC1 self-report is the reference standard.
    references: [Herr K et al. Pain Manag Nurs. 2019;20(5):404-417.]
  - id: mr-1
    type: multiple_response
    domain: interventions
    subdomain: Adverse effects
    difficulty: medium
    stem: Which two are opioid adverse effects?
    options:
      - {text: Constipation, correct: true, feedback: FEEDBACK-MR1-A}
      - {text: Pruritus, correct: true, feedback: FEEDBACK-MR1-B}
      - {text: Hypertension crisis, feedback: FEEDBACK-MR1-C}
      - {text: Hair growth, feedback: FEEDBACK-MR1-D}
    rationale: RATIONALE-MR1 common opioid effects.
    references: [Label 2024]
  - id: tf-1
    type: true_false
    domain: foundations
    subdomain: Definitions and classification
    difficulty: easy
    stem: Tolerance is the same as addiction.
    answer: false
    feedback_true: FEEDBACK-TF1-TRUE
    feedback_false: FEEDBACK-TF1-FALSE
    rationale: RATIONALE-TF1 they differ.
    references: [ASAM 2019]
  - id: num-1
    type: numerical
    domain: interventions
    subdomain: Equianalgesic conversion and dosing
    difficulty: hard
    stem: A PCA gives 1 mg every 10 minutes. What is the most in one hour?
    answer: 6
    tolerance: 0
    unit: mg
    rationale: RATIONALE-NUM1 six doses an hour.
    references: [ISMP 2020]
  - id: sa-1
    type: short_answer
    domain: assessment
    subdomain: Special populations
    difficulty: medium
    stem: Name the scale for advanced dementia.
    answers:
      - {text: PAINAD, feedback: FEEDBACK-SA1-RIGHT}
    rationale: RATIONALE-SA1 PAINAD was built for dementia.
    references: [Warden V et al. J Am Med Dir Assoc. 2003;4(1):9-15.]
  - id: mt-1
    type: matching
    domain: education
    subdomain: Patient and family education
    difficulty: medium
    stem: Match the sedation level to the action.
    pairs:
      - {prompt: POSS 2, answer: Acceptable}
      - {prompt: POSS 3, answer: Reduce the opioid}
    distractors: [Give more]
    rationale: RATIONALE-MT1 POSS guides action.
    references: [Jungquist CR et al. Pain Manag Nurs. 2020;21(1):7-25.]
"""
RATIONALES = re.findall(r"RATIONALE-[A-Z0-9]+", KINDS_YAML)
FEEDBACK = re.findall(r"FEEDBACK-[A-Z0-9-]+", KINDS_YAML)


def publish(text: str = KINDS_YAML, slug: str = "exam-fixture"):
    result = native.parse(text)
    assert result.errors == []
    report = import_result(result, title=result.set_info["title"], slug=slug,
                           status="published")
    db.session.commit()
    return report.question_set


def many_questions(count: int, domain: str = "interventions", prefix: str = "m") -> str:
    """A native file with `count` single-choice questions in one domain."""
    items = "".join(f"""  - id: {prefix}-{n}
    type: single_choice
    domain: {domain}
    subdomain: Opioid pharmacology
    difficulty: medium
    stem: Question number {n} of the generated set {prefix}?
    options:
      - {{text: Right {n}, correct: true, feedback: ok}}
      - {{text: Wrong {n}, feedback: no}}
      - {{text: Other {n}, feedback: no}}
    rationale: Because {n}.
    references: [Source 2024]
""" for n in range(1, count + 1))
    return (f"format: certprep-native/1\nset: {{id: gen-{prefix}, title: Generated {prefix}}}\n"
            f"questions:\n{items}")


@pytest.fixture
def bank(app):
    return publish()


@pytest.fixture
def nurse(client, login_as, bank):
    return login_as("nurse")


def start(client, mode="timed", count=6, **fields):
    response = post_form(client, "/exams/new", {"mode": mode, "pool": "all",
                                                "count": str(count), "action": "start",
                                                **fields})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    attempt_url = response.headers["Location"]
    assert re.fullmatch(r"/exams/attempts/\d+", attempt_url)
    return int(attempt_url.rsplit("/", 1)[1])
