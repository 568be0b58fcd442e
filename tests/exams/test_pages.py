"""Readiness (page and CLI), study settings with the forecast, extra time, others' choices."""

import json
import re

from sqlalchemy import select

from certprep.bank.models import Question
from certprep.exams.attempts import settings_for
from certprep.exams.models import Attempt, AttemptItem, ExamSettings
from certprep.exams.stats import MINIMUM_NURSES, option_shares
from certprep.extensions import db
from certprep.timeutil import utcnow
from tests.conftest import PASSWORD, login, post_form
from tests.exams.conftest import many_questions, publish


def answered(user_id, questions, correct):
    attempt = Attempt(user_id=user_id, mode="tutor", state="submitted", settings={}, notes=[],
                      item_count=len(questions), scored_count=len(questions),
                      correct_count=len(questions) if correct else 0, submitted_at=utcnow())
    for position, question in enumerate(questions, 1):
        attempt.items.append(AttemptItem(
            position=position, question_id=question.id, version_id=question.current_version_id,
            domain=question.current.domain, order=[0, 1, 2], response={"choices": [0]},
            correct=correct, seconds=20, flagged=False, guessed=False, struck=[],
            answered_at=utcnow()))
    db.session.add(attempt)
    db.session.commit()


def test_readiness_waits_for_enough_data_then_shows_a_band_with_its_interval(
        client, runner, nurse):
    page = client.get("/exams/").get_data(as_text=True)
    assert "Not enough data yet." in page and "IV. Education and Collaboration" in page
    result = runner.invoke(args=["exams", "readiness", nurse.email, "--json"])
    report = json.loads(result.output)
    assert report["enough_data"] is False and report["band"] is None
    assert report["probability"] is None and report["interval"] is None
    for domain in ("foundations", "assessment", "interventions", "education"):
        publish(many_questions(12, domain=domain, prefix=domain[:3]), slug=f"gen-{domain}")
    answered(nurse.id, db.session.scalars(select(Question)).all(), correct=True)
    report = json.loads(runner.invoke(
        args=["exams", "readiness", nurse.email, "--json"]).output)
    assert report["enough_data"] is True and report["band"] == "very high"
    assert report["answers"] == 54 and report["by_domain"]["education"]["answers"] == 13
    assert set(report) == {"program", "enough_data", "band", "probability", "interval",
                           "answers", "by_domain"}
    page = client.get("/exams/").get_data(as_text=True)
    assert re.search(r"Very high</strong>: about a \d+% chance", page)


def test_readiness_cli_refuses_an_unknown_program_and_email(runner, nurse):
    unknown = runner.invoke(args=["exams", "readiness", nurse.email, "--program", "Nope"])
    assert unknown.exit_code == 1 and "No program is called 'Nope'" in unknown.output
    nobody = runner.invoke(args=["exams", "readiness", "nobody@example.com", "--json"])
    assert nobody.exit_code == 1 and "No account has the email" in nobody.output


def test_study_settings_show_the_workload_and_refuse_retention_out_of_range(client, nurse):
    page = client.get("/exams/settings?retention=0.95").get_data(as_text=True)
    assert "What each retention costs" in page and "95%" in page
    refused = post_form(client, "/exams/settings", {"desired_retention": "0.99"})
    assert "Choose between 0.70 and 0.97." in refused.get_data(as_text=True)
    saved = post_form(client, "/exams/settings", {"desired_retention": "0.85",
                                                  "exam_date": "2027-03-01"})
    assert saved.status_code == 302
    assert db.session.get(ExamSettings, nurse.id).desired_retention == 0.85


def test_an_educator_grants_extra_time_but_nurses_cannot(app, client, nurse, make_user):
    educator = make_user("educator")
    refused = post_form(client, "/exams/accommodations", {"user": nurse.id,
                                                          "time_factor": "2"},
                        form_page="/exams/settings")
    assert refused.status_code == 403
    other = app.test_client()
    login(other, educator.email, PASSWORD)
    granted = post_form(other, "/exams/accommodations", {"user": nurse.id,
                                                         "time_factor": "1.5"})
    assert granted.status_code == 302
    db.session.expire_all()
    assert settings_for(nurse.id).time_factor == 1.5


def test_others_choices_show_only_once_enough_nurses_answered(app, nurse, make_user):
    question = db.session.scalars(select(Question)).first()
    for _ in range(MINIMUM_NURSES - 1):
        answered(make_user("nurse").id, [question], correct=True)
    assert option_shares([question.id]) == {}
    answered(make_user("nurse").id, [question], correct=True)
    assert option_shares([question.id]) == {
        question.id: {"nurses": MINIMUM_NURSES, "shares": {0: 1.0}}}
