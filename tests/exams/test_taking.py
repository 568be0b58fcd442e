"""Nurses build, take, resume, submit and review tests; nothing leaks before submission."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from certprep.bank.models import QuestionVersion
from certprep.bank.versions import to_record
from certprep.exams.forms import LETTERS
from certprep.exams.models import Attempt, AttemptItem, ReviewCard
from certprep.extensions import db
from certprep.timeutil import utcnow
from tests.conftest import PASSWORD, login, post_form
from tests.exams.conftest import FEEDBACK, RATIONALES, start


def item_at(attempt_id: int, n: int) -> AttemptItem:
    db.session.expire_all()
    return db.session.scalar(select(AttemptItem).where(
        AttemptItem.attempt_id == attempt_id, AttemptItem.position == n))


def right_answer(item: AttemptItem) -> dict:
    """The form fields that answer this item correctly, as the page shows it."""
    record = to_record(db.session.get(QuestionVersion, item.version_id))
    if record.kind in ("single_choice", "true_false", "multiple_response"):
        letters = [LETTERS[pos] for pos, index in enumerate(item.order)
                   if record.choices[index].fraction > 0]
        return {"response": letters}
    if record.kind == "numerical":
        return {"text": str(record.numeric[0].value)}
    if record.kind == "short_answer":
        return {"text": record.choices[0].text}
    answers = [record.pairs[i].answer for i in range(len(record.pairs))]
    shown = list(dict.fromkeys(answers))
    shown = [shown[i] for i in item.order]
    return {f"match-{n}": str(shown.index(pair.answer))
            for n, pair in enumerate(p for p in record.pairs if p.prompt)}


def wrong_answer(item: AttemptItem) -> dict:
    right = right_answer(item)
    if "response" in right:
        others = [LETTERS[pos] for pos in range(len(item.order))
                  if LETTERS[pos] not in right["response"]]
        return {"response": others[:1]}
    if "text" in right:
        return {"text": "999"}
    options = len(item.order)
    return {key: str((int(value) + 1) % options) for key, value in right.items()}


def answer(client, attempt_id, n, fields, go="next", **kwargs):
    page = f"/exams/attempts/{attempt_id}/{n}"
    return post_form(client, page, {**fields, "go": go}, **kwargs)


def test_the_builder_counts_matches_and_says_when_fewer_exist(client, nurse):
    page = client.get("/exams/new?mode=timed&pool=all&count=50&domain=assessment")
    text = page.get_data(as_text=True)
    assert "2 questions match these choices: fewer than the 50 you asked for" in text
    counted = post_form(client, "/exams/new", {"mode": "tutor", "pool": "all", "count": "3",
                                               "domain": "interventions", "action": "count"})
    assert "2 questions match these choices: fewer than the 3" in counted.get_data(as_text=True)


def test_the_builder_page_carries_its_own_csrf_token(client, nurse):
    page = client.get("/exams/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/exams/new", data={"csrf_token": token, "mode": "tutor",
                                               "pool": "all", "count": "2", "action": "start"})
    assert response.status_code == 302


def test_starting_leads_to_the_first_question_with_options_shuffled_and_kept(client, nurse):
    attempt_id = start(client, count=6)
    assert client.get(f"/exams/attempts/{attempt_id}").headers["Location"] == \
        f"/exams/attempts/{attempt_id}/1"
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.item_count == 6 and attempt.deadline is not None
    assert attempt.deadline - attempt.started_at == timedelta(seconds=6 * 62)
    for item in attempt.items:
        assert sorted(item.order) == list(range(len(item.order)))


def test_fewer_questions_than_asked_are_taken_with_a_note(client, nurse):
    attempt_id = start(client, count=40)
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.item_count == 6
    assert attempt.notes == ["Only 6 questions match your choices, so the test has 6 instead "
                             "of 40."]


def every_page_before_submission(client, attempt_id, count):
    pages = [client.get(f"/exams/attempts/{attempt_id}/{n}") for n in range(1, count + 1)]
    pages.append(client.get(f"/exams/attempts/{attempt_id}/submit"))
    pages.append(client.get("/exams/"))
    pages.append(client.get(f"/exams/attempts/{attempt_id}/review", follow_redirects=True))
    for n in range(1, count + 1):  # the JSON answer of the autosave
        item = item_at(attempt_id, n)
        pages.append(answer(client, attempt_id, n, wrong_answer(item),
                            headers={"Accept": "application/json"}))
    script = client.get("/static/exams.js")
    pages.append(script)
    texts = [page.get_data(as_text=True) for page in pages]
    script.close()
    return texts


@pytest.mark.parametrize("mode", ["timed", "simulation"])
def test_no_answer_rationale_or_feedback_reaches_a_page_before_submission(
        client, nurse, app, mode):
    from certprep.exams.attempts import default_blueprint

    blueprint = default_blueprint()
    blueprint.domain_items = {"foundations": 1, "assessment": 2, "interventions": 2,
                              "education": 1}
    blueprint.pretest_items = 0
    db.session.commit()
    attempt_id = start(client, mode=mode, count=6)
    before = "\n".join(every_page_before_submission(client, attempt_id, 6))
    for secret in RATIONALES + FEEDBACK:
        assert secret not in before, secret
    assert "keyed" not in before and "Correct answer" not in before  # nothing marks the key
    post_form(client, f"/exams/attempts/{attempt_id}/submit", {})
    after = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    for secret in RATIONALES + FEEDBACK:
        assert secret in after, secret


def test_tutor_mode_shows_the_rationale_after_answering_and_locks_the_answer(client, nurse):
    attempt_id = start(client, mode="tutor", count=6)
    item = item_at(attempt_id, 1)
    before = client.get(f"/exams/attempts/{attempt_id}/1").get_data(as_text=True)
    assert not any(secret in before for secret in RATIONALES)
    response = answer(client, attempt_id, 1, right_answer(item), go="")
    assert response.headers["Location"] == f"/exams/attempts/{attempt_id}/1"
    shown = client.get(f"/exams/attempts/{attempt_id}/1").get_data(as_text=True)
    assert "Correct" in shown and any(secret in shown for secret in RATIONALES)
    answer(client, attempt_id, 1, wrong_answer(item), go="")
    assert item_at(attempt_id, 1).correct is True  # the shown rationale fixed the answer


def test_every_kind_is_graded_and_review_shows_right_and_wrong(client, nurse):
    attempt_id = start(client, count=6)
    for n in range(1, 7):
        item = item_at(attempt_id, n)
        fields = right_answer(item) if n % 2 else wrong_answer(item)
        assert answer(client, attempt_id, n, fields).status_code == 302
    post_form(client, f"/exams/attempts/{attempt_id}/submit", {})
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert [i.correct for i in attempt.items] == [True, False, True, False, True, False]
    assert attempt.correct_count == 3
    review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "3 of 6" in review and "(50%)" in review
    incorrect = client.get(f"/exams/attempts/{attempt_id}/review?show=incorrect")
    assert incorrect.get_data(as_text=True).count('class="review-item wrong"') == 3


def test_time_runs_out_on_the_server_and_late_answers_are_refused(app, client, nurse):
    attempt_id = start(client, count=2, domain="interventions")
    first = item_at(attempt_id, 1)
    answer(client, attempt_id, 1, right_answer(first))
    attempt = db.session.get(Attempt, attempt_id)
    app.config["EXAMS_NOW"] = attempt.deadline + timedelta(seconds=1)
    late = answer(client, attempt_id, 2, right_answer(item_at(attempt_id, 2)),
                  headers={"Accept": "application/json"})
    assert late.status_code == 409
    assert "Time ran out" in late.get_json()["message"]
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.submitted and attempt.expired and attempt.correct_count == 1
    assert attempt.submitted_at == attempt.deadline


def test_a_one_question_timed_test_lasts_62_seconds_times_the_extra_time(app, client, nurse):
    from certprep.exams.attempts import settings_for

    settings_for(nurse.id).time_factor = 1.5
    db.session.commit()
    attempt = db.session.get(Attempt, start(client, count=1))
    assert attempt.deadline - attempt.started_at == timedelta(seconds=93)


def test_an_attempt_resumes_in_another_browser_at_the_last_question(app, client, nurse):
    attempt_id = start(client, count=6)
    for n in (1, 2, 3):
        answer(client, attempt_id, n, right_answer(item_at(attempt_id, n)))
    client.get(f"/exams/attempts/{attempt_id}/4")
    other = app.test_client()
    login(other, nurse.email, PASSWORD)
    assert other.get(f"/exams/attempts/{attempt_id}").headers["Location"] == \
        f"/exams/attempts/{attempt_id}/4"
    assert sum(i.answered for i in db.session.get(Attempt, attempt_id).items) == 3


def test_another_nurse_cannot_see_or_answer_an_attempt(app, client, nurse, make_user):
    attempt_id = start(client, count=2)
    stranger = make_user("nurse")
    other = app.test_client()
    login(other, stranger.email, PASSWORD)
    for path in (f"/exams/attempts/{attempt_id}", f"/exams/attempts/{attempt_id}/1",
                 f"/exams/attempts/{attempt_id}/review", f"/exams/attempts/{attempt_id}/submit"):
        assert other.get(path).status_code == 404


def test_flags_strike_outs_and_the_submit_screen(client, nurse):
    attempt_id = start(client, count=6)
    n = next(i.position for i in db.session.get(Attempt, attempt_id).items if len(i.order) == 4)
    answer(client, attempt_id, n, {"flag": "y", "strike": ["B"]})
    item = item_at(attempt_id, n)
    assert item.flagged and item.struck == [item.order[1]] and not item.answered
    screen = client.get(f"/exams/attempts/{attempt_id}/submit").get_data(as_text=True)
    assert "Not answered (6)" in screen and "Flagged for review (1)" in screen
    page = client.get(f"/exams/attempts/{attempt_id}/{n}").get_data(as_text=True)
    assert 'class="option struck"' in page


def test_the_navigator_shows_each_questions_state_and_the_tab_names_the_question(client, nurse):
    attempt_id = start(client, count=6)
    answer(client, attempt_id, 2, right_answer(item_at(attempt_id, 2)))
    answer(client, attempt_id, 3, {"flag": "y"})
    answer(client, attempt_id, 5, {**wrong_answer(item_at(attempt_id, 5)), "flag": "y"})
    page = client.get(f"/exams/attempts/{attempt_id}/4").get_data(as_text=True)
    links = re.findall(r'<a href="[^"]+/(\d+)" class="([^"]+)"( aria-current="page")? '
                       r'aria-label="([^"]+)"', page)
    assert [(int(n), state, bool(here), said) for n, state, here, said in links] == [
        (1, "unanswered", False, "Question 1, not answered"),
        (2, "answered", False, "Question 2, answered"),
        (3, "unanswered flagged", False, "Question 3, not answered, flagged"),
        (4, "unanswered", True, "Question 4, not answered"),
        (5, "answered flagged", False, "Question 5, answered, flagged"),
        (6, "unanswered", False, "Question 6, not answered"),
    ]
    assert re.search(r"<title>(.*?)</title>", page).group(1) == "Question 4 of 6 · certprep"
    # A HEAD request (a link checker, a proxy) shows the page and saves nothing.
    assert client.head(f"/exams/attempts/{attempt_id}/4").status_code == 200
    assert "could not be read" not in client.get(f"/exams/attempts/{attempt_id}/4").get_data(
        as_text=True)


def test_a_cleared_answer_is_unanswered_in_the_navigator_the_database_and_the_pools(
        client, nurse):
    attempt_id = start(client, count=6)
    n = next(i for i in range(1, 7) if "response" in right_answer(item_at(attempt_id, i)))
    answer(client, attempt_id, n, right_answer(item_at(attempt_id, n)))
    answer(client, attempt_id, n, {"response": []})  # every option unticked again
    assert not item_at(attempt_id, n).answered
    stored = db.session.execute(select(AttemptItem.id).where(
        AttemptItem.attempt_id == attempt_id, AttemptItem.position == n,
        AttemptItem.response.is_(None))).all()
    assert len(stored) == 1  # SQL NULL, which every query reads as "not answered"
    page = client.get(f"/exams/attempts/{attempt_id}/{n}").get_data(as_text=True)
    assert f'aria-label="Question {n}, not answered"' in page
    screen = client.get(f"/exams/attempts/{attempt_id}/submit").get_data(as_text=True)
    assert "Not answered (6)" in screen


def test_submitting_schedules_reviews_and_wrong_ones_are_due_tomorrow(app, client, nurse):
    attempt_id = start(client, count=2, domain="interventions")
    answer(client, attempt_id, 1, right_answer(item_at(attempt_id, 1)))
    answer(client, attempt_id, 2, wrong_answer(item_at(attempt_id, 2)))
    post_form(client, f"/exams/attempts/{attempt_id}/submit", {})
    cards = {c.question_id: c for c in db.session.scalars(select(ReviewCard))}
    wrong = item_at(attempt_id, 2)
    assert len(cards) == 2
    assert cards[wrong.question_id].due.date() == (utcnow() + timedelta(days=1)).date()
    assert "<strong id=\"due-count\">0</strong>" in client.get("/exams/").get_data(as_text=True)
    app.config["EXAMS_NOW"] = utcnow() + timedelta(days=1, hours=1)
    home = client.get("/exams/").get_data(as_text=True)
    assert '<strong id="due-count">1</strong>' in home
    due = client.get("/exams/new?mode=tutor&pool=due&count=5").get_data(as_text=True)
    assert "1 question matches" in due


def test_pools_follow_the_nurses_history(client, nurse):
    attempt_id = start(client, count=6)
    answer(client, attempt_id, 1, right_answer(item_at(attempt_id, 1)))
    answer(client, attempt_id, 2, wrong_answer(item_at(attempt_id, 2)))
    answer(client, attempt_id, 3, {"flag": "y", **right_answer(item_at(attempt_id, 3))})
    post_form(client, f"/exams/attempts/{attempt_id}/submit", {})

    def matching(pool):
        text = client.get(f"/exams/new?mode=tutor&pool={pool}&count=10").get_data(as_text=True)
        return int(re.search(r"(\d+) questions? match", text).group(1))

    assert (matching("all"), matching("unused"), matching("incorrect"), matching("flagged"),
            matching("omitted")) == (6, 0, 1, 1, 3)


def test_retry_builds_a_tutor_test_from_the_missed_ones(client, nurse):
    attempt_id = start(client, count=6)
    answer(client, attempt_id, 1, right_answer(item_at(attempt_id, 1)))
    post_form(client, f"/exams/attempts/{attempt_id}/submit", {})
    response = post_form(client, f"/exams/attempts/{attempt_id}/retry", {},
                         form_page=f"/exams/attempts/{attempt_id}/review")
    retry = db.session.get(Attempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert retry.mode == "tutor" and retry.item_count == 5


def test_notes_show_in_review_and_reports_reach_educators(app, client, nurse, make_user):
    attempt_id = start(client, count=1, domain="foundations")
    item = item_at(attempt_id, 1)
    page = f"/exams/attempts/{attempt_id}/1"
    post_form(client, f"/exams/questions/{item.question_id}/note",
              {"text": "Remember: tolerance is not addiction", "back": page}, form_page=page)
    post_form(client, f"/exams/questions/{item.question_id}/report",
              {"reason": "unclear", "note": "Stem could say which definition", "back": page},
              form_page=page)
    post_form(client, f"/exams/attempts/{attempt_id}/submit", {})
    review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Remember: tolerance is not addiction" in review
    educator = make_user("educator")
    other = app.test_client()
    login(other, educator.email, PASSWORD)
    listed = other.get("/exams/reports").get_data(as_text=True)
    assert "The question is unclear" in listed and "Stem could say which definition" in listed


def test_simulation_follows_the_blueprint_and_says_where_the_bank_falls_short(client, nurse):
    from certprep.exams.attempts import default_blueprint

    blueprint = default_blueprint()
    blueprint.domain_items = {"foundations": 1, "assessment": 2, "interventions": 3,
                              "education": 1}
    blueprint.pretest_items = 1
    db.session.commit()
    attempt = db.session.get(Attempt, start(client, mode="simulation"))
    assert attempt.scored_count == 6 and attempt.item_count == 6
    assert any("Interventions: the blueprint asks for 3 scored questions and the bank has 2"
               in note for note in attempt.notes)
    assert any("1 unscored pretest" in note for note in attempt.notes)


def test_educators_see_open_reports_on_the_question_page(app, client, nurse, make_user):
    attempt_id = start(client, count=1, domain="foundations")
    item = item_at(attempt_id, 1)
    page = f"/exams/attempts/{attempt_id}/1"
    post_form(client, f"/exams/questions/{item.question_id}/report",
              {"reason": "key_wrong", "note": "Option B is also defensible", "back": page},
              form_page=page)
    educator = make_user("educator")
    other = app.test_client()
    login(other, educator.email, PASSWORD)
    shown = other.get(f"/bank/questions/{item.question_id}").get_data(as_text=True)
    assert "Open reports from nurses (1)" in shown and "Option B is also defensible" in shown


def test_time_on_a_question_is_counted_by_the_server_from_when_it_showed_it(app, client, nurse):
    from datetime import UTC, datetime

    attempt_id = start(client, count=2, domain="interventions")
    shown_at = datetime.now(UTC)
    app.config["EXAMS_NOW"] = shown_at
    page = client.get(f"/exams/attempts/{attempt_id}/1").get_data(as_text=True)
    opened = re.search(r'name="opened" value="([^"]+)"', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    app.config["EXAMS_NOW"] = shown_at + timedelta(seconds=40)
    fields = {"csrf_token": token, "opened": opened, **right_answer(item_at(attempt_id, 1))}
    client.post(f"/exams/attempts/{attempt_id}/1", data=fields,
                headers={"Accept": "application/json"})
    app.config["EXAMS_NOW"] = shown_at + timedelta(seconds=55)
    client.post(f"/exams/attempts/{attempt_id}/1", data={**fields, "flag": "y"},
                headers={"Accept": "application/json"})
    assert item_at(attempt_id, 1).seconds == 55  # 40 s, then 15 more before the second save
    forged = {**fields, "opened": opened[:-2] + "xx"}
    client.post(f"/exams/attempts/{attempt_id}/2", data=forged,
                headers={"Accept": "application/json"})
    assert item_at(attempt_id, 2).seconds == 0


def test_every_kind_shows_its_own_controls(client, nurse):
    """Options for choice kinds, a text box for numerical and short answer, a list per prompt
    for matching: what a nurse needs to answer each question on the page itself."""
    attempt_id = start(client, count=6)
    for item in db.session.get(Attempt, attempt_id).items:
        page = client.get(f"/exams/attempts/{attempt_id}/{item.position}").get_data(
            as_text=True)
        kind = to_record(db.session.get(QuestionVersion, item.version_id)).kind
        if kind in ("numerical", "short_answer"):
            assert 'name="text"' in page and 'name="response"' not in page, kind
        elif kind == "matching":
            assert 'name="match-0"' in page and 'name="match-1"' in page
        else:
            assert page.count('name="response"') == len(item.order) >= 2, kind
