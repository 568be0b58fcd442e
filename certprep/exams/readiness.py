"""Readiness: the chance of reaching the program's target score, with its evidence.

From the nurse's most recent answer on each distinct question, each domain's share correct
gets a Beta(1 + right, 1 + wrong) posterior (a uniform prior: no answers, no opinion). A
simulated exam score is the blueprint-weighted sum of one draw per domain; the probability
is the share of simulated scores at or above the target, and the interval is the middle
90% of them. Draws come from a seeded generator, so the same history always gives the same
figures. Below a minimum number of answers in any domain the estimate is withheld: it would
be the prior talking, not the nurse.

The target (default 70% correct) is a proxy: the real exam reports a scaled score whose
raw cut varies between forms (DOMAIN.md), so the program makes it configurable.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_TARGET = 0.70
MINIMUM_PER_DOMAIN = 10
DRAWS = 4000
INTERVAL = 0.90  # the middle 90% of simulated scores
BANDS = ((0.90, "very high"), (0.70, "high"), (0.40, "borderline"), (0.0, "low"))


@dataclass(frozen=True)
class DomainEvidence:
    answers: int
    correct: int
    interval: tuple[float, float]  # of the domain's share correct

    def report(self) -> dict:
        return {"answers": self.answers, "correct": self.correct,
                "interval": [round(x, 3) for x in self.interval]}


@dataclass(frozen=True)
class Readiness:
    enough_data: bool
    band: str | None
    probability: float | None
    interval: tuple[float, float] | None  # of the weighted exam score
    answers: int
    by_domain: dict[str, DomainEvidence]
    practise: tuple[str, ...]  # domains that need more answers before an estimate

    def report(self, program: str) -> dict:
        """The `exams readiness --json` contract."""
        return {
            "program": program,
            "enough_data": self.enough_data,
            "band": self.band,
            "probability": None if self.probability is None else round(self.probability, 3),
            "interval": None if self.interval is None else [round(x, 3) for x in self.interval],
            "answers": self.answers,
            "by_domain": {d: e.report() for d, e in self.by_domain.items()},
        }


def band(probability: float) -> str:
    return next(name for floor, name in BANDS if probability >= floor)


def estimate(latest: Iterable[tuple[str, bool]], weights: Mapping[str, float], *,
             target: float = DEFAULT_TARGET, minimum: int = MINIMUM_PER_DOMAIN,
             seed: int = 2014) -> Readiness:
    """`latest`: (domain, correct) for the most recent answer on each distinct question;
    `weights`: each blueprint domain's share of scored items (summing to 1)."""
    counts = {domain: [0, 0] for domain in weights}
    for domain, correct in latest:
        if domain in counts:
            counts[domain][0] += 1
            counts[domain][1] += bool(correct)
    rng = random.Random(seed)
    draws = {
        domain: [rng.betavariate(1 + right, 1 + answers - right) for _ in range(DRAWS)]
        for domain, (answers, right) in counts.items()
    }
    by_domain = {
        domain: DomainEvidence(answers, right, _middle(draws[domain]))
        for domain, (answers, right) in counts.items()
    }
    practise = tuple(d for d, (answers, _) in counts.items() if answers < minimum)
    total = sum(answers for answers, _ in counts.values())
    if practise:
        return Readiness(False, None, None, None, total, by_domain, practise)
    scores = [sum(weights[d] * draws[d][i] for d in weights) for i in range(DRAWS)]
    probability = sum(score >= target for score in scores) / DRAWS
    return Readiness(True, band(probability), probability, _middle(scores), total,
                     by_domain, ())


def _middle(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    tail = (1 - INTERVAL) / 2
    return ordered[int(tail * (len(ordered) - 1))], ordered[int((1 - tail) * (len(ordered) - 1))]
