"""Which questions a nurse can practise: what `live_question_conditions` allows, that is the
current (published) version of an unretired question in a published set. Changes that wait
in a set's next revision (`Question.draft`, `pending_retired`) are never seen here."""

from sqlalchemy import Select, func, select

from certprep.bank.models import Question, QuestionSet, QuestionVersion, live_question_conditions
from certprep.extensions import db


def visible_versions() -> Select:
    """(question id, current version) for every question a nurse may practise."""
    return (
        select(Question.id, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .join(QuestionSet, QuestionSet.id == Question.set_id)
        .where(*live_question_conditions())
    )


def practice_counts() -> dict:
    """{"questions", "sets", "by_domain": {domain: count}} over what nurses may see."""
    rows = db.session.execute(
        select(QuestionVersion.domain, func.count(Question.id),
               func.count(func.distinct(Question.set_id)))
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .join(QuestionSet, QuestionSet.id == Question.set_id)
        .where(*live_question_conditions())
        .group_by(QuestionVersion.domain)
    ).all()
    sets = db.session.scalar(
        select(func.count(func.distinct(Question.set_id)))
        .join(QuestionSet, QuestionSet.id == Question.set_id)
        .where(*live_question_conditions())
    )
    return {
        "questions": sum(row[1] for row in rows),
        "sets": sets or 0,
        "by_domain": {row[0]: row[1] for row in rows},
    }
