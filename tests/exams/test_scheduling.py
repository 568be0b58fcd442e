"""FSRS scheduling with fixed times: ratings, intervals, exam-date aim, workload forecast."""

from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Rating

from certprep.exams import scheduling

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("correct", "guessed", "seconds", "rating"), [
    (False, False, 30, Rating.Again),
    (True, True, 30, Rating.Hard),
    (True, False, 130, Rating.Hard),  # more than twice the 60 s median
    (True, False, 60, Rating.Good),
    (True, False, 30, Rating.Easy),  # half the median or less
    (True, False, None, Rating.Good),
])
def test_outcomes_map_to_ratings(correct, guessed, seconds, rating):
    assert scheduling.rating_for(correct, guessed=guessed, seconds=seconds,
                                 median_seconds=60) == rating


def test_a_wrong_answer_comes_back_tomorrow_and_a_right_one_later():
    _, wrong_due = scheduling.review(None, Rating.Again, NOW, card_id=1)
    _, right_due = scheduling.review(None, Rating.Good, NOW, card_id=1)
    _, easy_due = scheduling.review(None, Rating.Easy, NOW, card_id=1)
    assert wrong_due == NOW + timedelta(days=1)
    assert wrong_due < right_due < easy_due


def test_intervals_grow_with_each_success_and_shrink_after_a_lapse():
    state, first = scheduling.review(None, Rating.Good, NOW, card_id=7)
    state, second = scheduling.review(state, Rating.Good, first, card_id=7)
    assert (second - first) > (first - NOW)
    _, lapse = scheduling.review(state, Rating.Again, second, card_id=7)
    assert timedelta(days=1) <= lapse - second < second - first
    assert scheduling.is_due(state, second) and not scheduling.is_due(state, first)


def test_higher_retention_brings_reviews_sooner():
    _, at_70 = scheduling.review(None, Rating.Good, NOW, card_id=1, desired_retention=0.70)
    _, at_97 = scheduling.review(None, Rating.Good, NOW, card_id=1, desired_retention=0.97)
    assert at_97 < at_70


@pytest.mark.parametrize("retention", [0.69, 0.98])
def test_retention_outside_the_range_is_refused(retention):
    with pytest.raises(ValueError, match=r"between 0\.7 and 0\.97"):
        scheduling.review(None, Rating.Good, NOW, card_id=1, desired_retention=retention)


def test_no_review_is_planned_on_or_after_the_exam_and_the_load_is_spread():
    exam = (NOW + timedelta(days=10)).date()
    dues = []
    for card_id in range(40):
        state, _ = scheduling.review(None, Rating.Easy, NOW, card_id=card_id)
        _, due = scheduling.review(state, Rating.Easy, NOW + timedelta(days=1),
                                   card_id=card_id, exam_date=exam)
        dues.append(due.date())
    assert all(due < exam for due in dues)
    per_day = {day: dues.count(day) for day in set(dues)}
    assert len(per_day) >= 4 and max(per_day.values()) <= 10  # not all on the eve


def test_the_day_before_the_exam_everything_is_due_now():
    exam = date(2026, 12, 2)
    _, due = scheduling.review(None, Rating.Easy, NOW, card_id=3, exam_date=exam)
    assert due == NOW


def test_an_exam_far_away_changes_nothing():
    _, plain = scheduling.review(None, Rating.Good, NOW, card_id=3)
    _, aimed = scheduling.review(None, Rating.Good, NOW, card_id=3, exam_date=date(2028, 1, 1))
    assert plain == aimed


def test_at_ninety_percent_retention_the_interval_is_the_stability():
    """FSRS defines stability as the interval at 90% recall; the forecast relies on it."""
    state, due = scheduling.review(None, Rating.Easy, NOW, card_id=1, desired_retention=0.9)
    assert (due - NOW).days == round(state["stability"])


def test_forecast_counts_reviews_per_day_and_costs_more_at_higher_retention():
    states = []
    for card_id in range(50):
        state, _ = scheduling.review(None, Rating.Good, NOW - timedelta(days=1), card_id=card_id)
        states.append(state)
    low = scheduling.forecast(states, NOW, desired_retention=0.75)
    high = scheduling.forecast(states, NOW, desired_retention=0.95)
    assert len(low) == len(high) == 30
    assert sum(high) > sum(low) > 0
    assert low[0] == 0 and high[0] == 50  # at 95% all are due today; at 75% none yet


def test_a_time_in_an_equal_zone_is_accepted():
    """PostgreSQL returns its session's zone (Etc/UTC); fsrs accepts only datetime.UTC."""
    from zoneinfo import ZoneInfo

    _, due = scheduling.review(None, Rating.Good, NOW.astimezone(ZoneInfo("Etc/UTC")),
                               card_id=1)
    assert due.tzinfo is UTC
