"""`flask exams ...`: a nurse's readiness estimate, as JSON for scripts."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

from certprep.auth.models import User
from certprep.exams import readiness
from certprep.exams.attempts import default_blueprint, latest_answers
from certprep.exams.models import ExamBlueprint
from certprep.extensions import db

exams = click.Group("exams", help="Practice exams: readiness.")


@exams.command("readiness")
@click.argument("email")
@click.option("--program", "program_name", help="Whose blueprint and target to use.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def readiness_command(email, program_name, as_json):
    """The chance of reaching the target score, with the evidence behind it."""
    user = User.by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email {email}.")
    if program_name:
        blueprint = db.session.scalar(select(ExamBlueprint).where(
            ExamBlueprint.name == program_name))
        if blueprint is None:
            names = ", ".join(db.session.scalars(select(ExamBlueprint.name)))
            raise click.ClickException(f"No program is called {program_name!r}; "
                                       f"known: {names or 'none yet'}.")
    else:
        blueprint = default_blueprint()
    result = estimate_for(user.id, blueprint)
    db.session.commit()
    report = result.report(blueprint.name)
    if as_json:
        click.echo(json.dumps(report))
        return
    if not result.enough_data:
        click.echo(f"Not enough data yet: practise {', '.join(result.practise)} "
                   f"(at least {readiness.MINIMUM_PER_DOMAIN} answers in each domain).")
    else:
        low, high = result.interval
        click.echo(f"{result.band}: {result.probability:.0%} chance of reaching "
                   f"{blueprint.target_percent}% (likely score {low:.0%}-{high:.0%}, "
                   f"{result.answers} answers).")


def estimate_for(user_id: int, blueprint: ExamBlueprint) -> readiness.Readiness:
    total = blueprint.scored_items or 1
    weights = {domain: items / total for domain, items in blueprint.domain_items.items()}
    return readiness.estimate(latest_answers(user_id), weights,
                              target=blueprint.target_percent / 100)
