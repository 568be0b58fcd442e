"""Exam blueprints as data: the shipped default follows the 2014 PMGT-BC outline."""

from __future__ import annotations

from certprep.bank import outline
from certprep.exams.models import ExamBlueprint
from certprep.extensions import db

DEFAULT_NAME = "PMGT-BC, 2014 test content outline"
# DOMAIN.md: 175 questions, 150 scored and 25 unscored pretest, 3 hours (time: secondary).
DEFAULT_PRETEST = 25
DEFAULT_MINUTES = 180


def ensure_default() -> ExamBlueprint:
    """The default blueprint, created on first use; the caller commits."""
    blueprint = db.session.query(ExamBlueprint).filter_by(name=DEFAULT_NAME).one_or_none()
    if blueprint is None:
        blueprint = ExamBlueprint(
            name=DEFAULT_NAME,
            domain_items={d.key: d.scored_items for d in outline.DOMAINS.values()},
            pretest_items=DEFAULT_PRETEST, minutes=DEFAULT_MINUTES, target_percent=70,
        )
        db.session.add(blueprint)
        db.session.flush()
    return blueprint
