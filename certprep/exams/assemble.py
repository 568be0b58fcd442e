"""Choosing questions for a test: plain values in, a plan out (no database, no clock).

`plan_practice` draws a tutor or timed test from the candidates that passed the builder's
filters and pool; `plan_simulation` follows a blueprint exactly where the bank allows and
says where it could not. Both prefer questions the nurse has not seen recently.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from certprep.bank import outline


@dataclass(frozen=True)
class Candidate:
    question_id: int
    version_id: int
    kind: str
    domain: str | None
    subdomain: str | None
    options: int  # choices (choice kinds) or pairs' answers (matching), for the shuffle


@dataclass
class Plan:
    items: list[tuple[Candidate, bool]] = field(default_factory=list)  # (question, scored)
    notes: list[str] = field(default_factory=list)  # where the plan fell short, in words


def _prefer_fresh(candidates: list[Candidate], recent: set[int], rng: random.Random
                  ) -> list[Candidate]:
    """Shuffled, questions not seen recently first."""
    fresh = [c for c in candidates if c.question_id not in recent]
    seen = [c for c in candidates if c.question_id in recent]
    rng.shuffle(fresh)
    rng.shuffle(seen)
    return fresh + seen


def plan_practice(candidates: list[Candidate], count: int, rng: random.Random,
                  recent: Iterable[int] = ()) -> Plan:
    chosen = _prefer_fresh(candidates, set(recent), rng)[:count]
    plan = Plan(items=[(c, True) for c in chosen])
    if len(chosen) < count:
        plan.notes.append(f"Only {len(chosen)} questions match your choices, so the test has "
                          f"{len(chosen)} instead of {count}.")
    return plan


def plan_simulation(candidates: list[Candidate], domain_items: Mapping[str, int],
                    pretest_items: int, rng: random.Random, recent: Iterable[int] = ()
                    ) -> Plan:
    """Scored items per domain as the blueprint asks, then unscored pretest items drawn
    from what is left (any domain), shuffled together so the two cannot be told apart."""
    recent = set(recent)
    by_domain: dict[str | None, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_domain[candidate.domain].append(candidate)
    plan = Plan()
    used: set[int] = set()
    for domain, wanted in domain_items.items():
        ordered = _prefer_fresh(by_domain.get(domain, []), recent, rng)
        taken = ordered[:wanted]
        plan.items += [(c, True) for c in taken]
        used.update(c.question_id for c in taken)
        if len(taken) < wanted:
            plan.notes.append(
                f"{outline.label(domain)}: the blueprint asks for {wanted} scored questions "
                f"and the bank has {len(taken)}.")
    rest = _prefer_fresh([c for c in candidates if c.question_id not in used], recent, rng)
    pretest = rest[:pretest_items]
    if len(pretest) < pretest_items:
        plan.notes.append(f"The blueprint asks for {pretest_items} unscored pretest questions "
                          f"and {len(pretest)} were left.")
    plan.items += [(c, False) for c in pretest]
    rng.shuffle(plan.items)
    return plan


def shown_order(candidate: Candidate, rng: random.Random) -> list[int]:
    """The order options are shown in, as stored indexes; True/False keeps its order."""
    order = list(range(candidate.options))
    if candidate.kind != "true_false":
        rng.shuffle(order)
    return order
