"""The question page and an answer cost a fixed number of queries, whatever the history."""


import pytest
from sqlalchemy import select

from certprep.bank.models import Question
from certprep.exams.models import Attempt, AttemptItem
from certprep.extensions import db
from certprep.timeutil import utcnow
from tests.conftest import counted_statements, csrf_from
from tests.exams.conftest import many_questions, publish, start

BUDGET = 6


def history(user_id: int, answers: int) -> None:
    """A submitted attempt with `answers` answered items, written directly."""
    questions = db.session.scalars(select(Question)).all()
    attempt = Attempt(user_id=user_id, mode="tutor", state="submitted", settings={}, notes=[],
                      item_count=answers, scored_count=answers, correct_count=answers // 2,
                      submitted_at=utcnow())
    db.session.add(attempt)
    db.session.flush()
    db.session.execute(AttemptItem.__table__.insert(), [
        {"attempt_id": attempt.id, "position": n + 1,
         "question_id": questions[n % len(questions)].id,
         "version_id": questions[n % len(questions)].current_version_id,
         "order": [0, 1, 2], "response": {"choices": [0]}, "correct": n % 2 == 0,
         "seconds": 30, "flagged": False, "guessed": False, "struck": [], "scored": True,
         "answered_at": utcnow()}
        for n in range(answers)])
    db.session.commit()


@pytest.mark.parametrize("prior", [10, 1000])
def test_question_page_and_answer_have_a_fixed_query_budget(client, nurse, prior):
    publish(many_questions(120), slug="generated")
    history(nurse.id, prior)
    attempt_id = start(client, count=100)
    page = f"/exams/attempts/{attempt_id}/50"
    token = csrf_from(client, page)
    with counted_statements() as on_page:
        assert client.get(page).status_code == 200
    with counted_statements() as on_answer:
        response = client.post(page, data={"csrf_token": token, "response": "A", "go": "next"})
        assert response.status_code == 302
    with counted_statements() as on_autosave:
        response = client.post(page, data={"csrf_token": token, "response": "B"},
                               headers={"Accept": "application/json"})
        assert response.get_json()["saved"] is True
    assert len(on_page) <= BUDGET, on_page
    assert len(on_answer) <= BUDGET, on_answer
    assert len(on_autosave) <= BUDGET, on_autosave
    # What the page needs today: the signed-in user, then one query for the whole page.
    assert len(on_page) == 2, on_page
    # The user, the item, its UPDATE (and on PostgreSQL the asynchronous-commit setting).
    postgres = db.engine.dialect.name == "postgresql"
    assert len(on_answer) == 3 + postgres, on_answer


def test_answers_commit_without_waiting_for_the_disk_and_submitting_waits(client, nurse):
    """On PostgreSQL an autosave commits asynchronously (certprep.database.commit_autosave);
    the submission, which grades and schedules the whole test, waits for the disk."""
    attempt_id = start(client, count=3)
    page = f"/exams/attempts/{attempt_id}/1"
    token = csrf_from(client, page)
    with counted_statements() as on_answer:
        client.post(page, data={"csrf_token": token, "response": "A", "go": "next"})
    with counted_statements() as on_submit:
        client.post(f"/exams/attempts/{attempt_id}/submit", data={"csrf_token": token})
    assert db.session.get(Attempt, attempt_id).submitted
    asynchronous = "SET LOCAL synchronous_commit TO OFF"
    assert (asynchronous in on_answer) == (db.engine.dialect.name == "postgresql")
    assert asynchronous not in on_submit
