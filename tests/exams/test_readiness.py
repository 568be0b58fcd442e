"""Readiness on constructed histories: all right, all wrong, one weak domain, too little."""

import pytest

from certprep.bank import outline
from certprep.exams import readiness

WEIGHTS = {domain: outline.share(domain) for domain in outline.DOMAINS}


def history(right_share: dict[str, float], per_domain: int = 40):
    answers = []
    for domain in WEIGHTS:
        right = round(right_share.get(domain, 0.8) * per_domain)
        answers += [(domain, True)] * right + [(domain, False)] * (per_domain - right)
    return answers


def test_all_right_is_very_high_and_all_wrong_is_low():
    strong = readiness.estimate(history(dict.fromkeys(WEIGHTS, 1.0)), WEIGHTS)
    weak = readiness.estimate(history(dict.fromkeys(WEIGHTS, 0.0)), WEIGHTS)
    assert strong.band == "very high" and strong.probability > 0.99
    assert weak.band == "low" and weak.probability < 0.01
    assert strong.interval[0] > 0.9 and weak.interval[1] < 0.1


def test_a_weak_heavy_domain_pulls_readiness_down_more_than_a_weak_light_one():
    weak_interventions = readiness.estimate(history({"interventions": 0.4}), WEIGHTS)
    weak_education = readiness.estimate(history({"education": 0.4}), WEIGHTS)
    assert weak_interventions.probability < weak_education.probability
    assert weak_interventions.by_domain["interventions"].interval[1] < 0.6


def test_near_the_target_the_band_is_borderline_and_the_interval_spans_the_target():
    result = readiness.estimate(history(dict.fromkeys(WEIGHTS, 0.7)), WEIGHTS)
    assert result.band in ("borderline", "high")
    low, high = result.interval
    assert low < readiness.DEFAULT_TARGET < high


def test_more_answers_narrow_the_interval():
    few = readiness.estimate(history({}, per_domain=12), WEIGHTS)
    many = readiness.estimate(history({}, per_domain=120), WEIGHTS)
    width = lambda r: r.interval[1] - r.interval[0]  # noqa: E731
    assert width(many) < width(few) / 2


def test_too_little_data_withholds_the_estimate_and_says_what_to_practise():
    answers = history({}, per_domain=12)
    answers = [a for a in answers if a[0] != "education"] + [("education", True)] * 3
    result = readiness.estimate(answers, WEIGHTS)
    assert not result.enough_data and result.band is None and result.probability is None
    assert result.practise == ("education",)
    report = result.report("PMGT-BC")
    assert report["by_domain"]["education"] == {
        "answers": 3, "correct": 3, "interval": report["by_domain"]["education"]["interval"]}
    assert set(report) == {"program", "enough_data", "band", "probability", "interval",
                           "answers", "by_domain"}


def test_the_same_history_gives_the_same_figures():
    answers = history({"assessment": 0.6})
    assert readiness.estimate(answers, WEIGHTS) == readiness.estimate(answers, WEIGHTS)


@pytest.mark.parametrize(("probability", "band"), [
    (0.95, "very high"), (0.9, "very high"), (0.75, "high"), (0.5, "borderline"), (0.1, "low"),
])
def test_bands(probability, band):
    assert readiness.band(probability) == band
