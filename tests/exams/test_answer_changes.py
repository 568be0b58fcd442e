"""What saving an answer changes on its item: a pure function of the item and the answer."""

from datetime import UTC, datetime, timedelta

from certprep.bank.models import QuestionVersion
from certprep.exams.attempts import answer_changes
from certprep.exams.models import Attempt, AttemptItem
from certprep.exams.scoring import Response

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# Option 1 is the key.
VERSION = QuestionVersion(kind="single_choice", content={
    "text": "Which?", "choices": [{"text": "A", "fraction": 0}, {"text": "B", "fraction": 1},
                                  {"text": "C", "fraction": 0}]})


def item(mode: str, **state) -> AttemptItem:
    fields = {"seconds": 30, "viewed_at": None, "response": None, "correct": None, **state}
    return AttemptItem(attempt=Attempt(mode=mode), order=[2, 0, 1], **fields)


def changes(of: AttemptItem, response: Response | None, opened_at=None, **marks) -> dict:
    return answer_changes(of, response, NOW, version=VERSION, opened_at=opened_at,
                          **{"flagged": False, "guessed": False, "struck": [], **marks})


def test_a_timed_answer_is_kept_ungraded_with_its_marks_and_time():
    saved = changes(item("timed"), Response(choices=frozenset({1})),
                    opened_at=NOW - timedelta(seconds=45), flagged=True, struck=[2, 0, 2])
    assert saved == {"seconds": 75, "viewed_at": NOW, "flagged": True, "guessed": False,
                     "struck": [0, 2], "response": {"choices": [1], "text": "", "matches": []},
                     "answered_at": NOW}


def test_time_counts_from_the_last_save_and_at_most_half_an_hour():
    shown = NOW - timedelta(hours=10)
    assert changes(item("timed"), None, opened_at=shown)["seconds"] == 30 + 1800
    resaved = item("timed", viewed_at=NOW - timedelta(seconds=5))
    assert changes(resaved, None, opened_at=shown)["seconds"] == 35
    assert changes(item("timed"), None)["seconds"] == 30  # no token: nothing counted


def test_clearing_an_answer_leaves_the_item_unanswered():
    answered = item("timed", response={"choices": [1]})
    saved = changes(answered, Response())
    assert saved["response"] is None and saved["answered_at"] is None


def test_tutor_mode_grades_at_once_and_then_the_answer_stands():
    graded = changes(item("tutor"), Response(choices=frozenset({0})))
    assert (graded["correct"], graded["credit"]) == (False, 0.0)
    assert changes(item("tutor"), Response(choices=frozenset({1})))["correct"] is True
    shown = item("tutor", response={"choices": [0]}, correct=False)
    later = changes(shown, Response(choices=frozenset({1})), flagged=True)
    assert "response" not in later and "correct" not in later and later["flagged"] is True
