"""A submitted attempt's figures: score, by domain and topic, time against the exam's pace."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from certprep.bank import outline


@dataclass(frozen=True)
class ItemOutcome:
    domain: str | None
    subdomain: str | None
    scored: bool
    answered: bool
    correct: bool
    seconds: int


@dataclass
class Tally:
    questions: int = 0
    correct: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.questions) if self.questions else 0


@dataclass
class Summary:
    total: Tally = field(default_factory=Tally)
    answered: int = 0
    by_domain: dict[str, Tally] = field(default_factory=dict)
    by_subdomain: dict[tuple[str, str], Tally] = field(default_factory=dict)
    seconds: int = 0
    seconds_per_question: float = 0.0


def summarise(outcomes: Iterable[ItemOutcome]) -> Summary:
    """Scored items only count (pretest items in a simulation do not); time counts all."""
    summary = Summary()
    domains: dict[str, Tally] = defaultdict(Tally)
    topics: dict[tuple[str, str], Tally] = defaultdict(Tally)
    count = 0
    for outcome in outcomes:
        count += 1
        summary.seconds += outcome.seconds
        if not outcome.scored:
            continue
        summary.answered += outcome.answered
        for tally in (summary.total, domains[outcome.domain or ""],
                      topics[(outcome.domain or "", outcome.subdomain or "")]):
            tally.questions += 1
            tally.correct += outcome.correct
    order = list(outline.DOMAINS)
    summary.by_domain = dict(sorted(domains.items(),
                                    key=lambda kv: order.index(kv[0]) if kv[0] in order else 99))
    summary.by_subdomain = dict(sorted(topics.items()))
    summary.seconds_per_question = summary.seconds / count if count else 0.0
    return summary
