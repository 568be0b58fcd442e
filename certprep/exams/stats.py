"""What other nurses chose: shown in review once enough nurses have answered a question."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select

from certprep.exams.models import Attempt, AttemptItem
from certprep.extensions import db

MINIMUM_NURSES = 20  # fewer, and a share would point at individuals


def option_shares(question_ids: list[int]) -> dict[int, dict]:
    """{question id: {"nurses": n, "shares": {stored option index: share}}}, for questions
    that at least MINIMUM_NURSES nurses have answered; each nurse's latest answer counts."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(AttemptItem.question_id, Attempt.user_id, AttemptItem.response)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.question_id.in_(question_ids), Attempt.state == "submitted",
               AttemptItem.response.is_not(None))
        .order_by(AttemptItem.answered_at)
    ).all()
    latest: dict[int, dict[int, list[int]]] = defaultdict(dict)
    for question_id, user_id, response in rows:
        latest[question_id][user_id] = list(response.get("choices") or [])
    shares = {}
    for question_id, by_user in latest.items():
        if len(by_user) < MINIMUM_NURSES:
            continue
        counts = Counter(index for choices in by_user.values() for index in set(choices))
        shares[question_id] = {"nurses": len(by_user),
                               "shares": {i: n / len(by_user) for i, n in counts.items()}}
    return shares
