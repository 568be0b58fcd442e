"""Choosing questions: counts, blueprint shares, pretest items, fresh before recent."""

import random

from certprep.exams.assemble import Candidate, plan_practice, plan_simulation, shown_order


def bank(per_domain: dict[str, int]) -> list[Candidate]:
    found, next_id = [], 1
    for domain, count in per_domain.items():
        for _ in range(count):
            found.append(Candidate(next_id, next_id, "single_choice", domain, None, 4))
            next_id += 1
    return found


def test_practice_takes_the_count_and_says_when_the_bank_is_short():
    plan = plan_practice(bank({"assessment": 5}), 3, random.Random(1))
    assert len(plan.items) == 3 and plan.notes == []
    short = plan_practice(bank({"assessment": 2}), 3, random.Random(1))
    assert len(short.items) == 2 and "Only 2 questions" in short.notes[0]


def test_practice_prefers_questions_not_seen_recently():
    candidates = bank({"assessment": 10})
    recent = {c.question_id for c in candidates[:7]}
    plan = plan_practice(candidates, 3, random.Random(2), recent=recent)
    assert {c.question_id for c, _ in plan.items}.isdisjoint(recent)


def test_simulation_follows_the_blueprint_and_hides_pretest_items_among_scored_ones():
    candidates = bank({"foundations": 40, "assessment": 50, "interventions": 80,
                       "education": 30})
    blueprint = {"foundations": 29, "assessment": 40, "interventions": 65, "education": 16}
    plan = plan_simulation(candidates, blueprint, 25, random.Random(3))
    scored = [c for c, is_scored in plan.items if is_scored]
    assert len(plan.items) == 175 and len(scored) == 150 and plan.notes == []
    for domain, wanted in blueprint.items():
        assert sum(c.domain == domain for c in scored) == wanted
    positions = [i for i, (_, is_scored) in enumerate(plan.items) if not is_scored]
    assert positions != list(range(150, 175))  # pretest items are not all at the end
    assert len({c.question_id for c, _ in plan.items}) == 175


def test_simulation_avoids_recent_questions_while_unseen_ones_exist():
    candidates = bank({"education": 30})
    recent = {c.question_id for c in candidates[:14]}
    plan = plan_simulation(candidates, {"education": 16}, 0, random.Random(4), recent=recent)
    chosen = {c.question_id for c, _ in plan.items}
    assert len(chosen & recent) == 0 + max(0, 16 - (30 - 14))


def test_options_are_shuffled_but_true_false_keeps_its_order():
    rng = random.Random(5)
    orders = {tuple(shown_order(Candidate(1, 1, "single_choice", None, None, 4), rng))
              for _ in range(30)}
    assert len(orders) > 5 and all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert shown_order(Candidate(1, 1, "true_false", None, None, 2), rng) == [0, 1]
