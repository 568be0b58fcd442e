"""`flask --app certprep hours ...`: eligibility and CSV import for scripts.

Thin wrappers over summary.py and importer.py; registered on the blueprint, whose name
makes the command group.
"""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from sqlalchemy import select

from certprep.auth.models import User
from certprep.extensions import db
from certprep.hours import importer, summary
from certprep.hours.models import Program
from certprep.hours.programs import programs_for
from certprep.timeutil import utcnow


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _nurse(email: str) -> User:
    user = User.by_email(email)
    if user is None:
        _fail(f"No account has the email {email}.")
    return user


def register(bp) -> None:
    @bp.cli.command("eligibility")
    @click.argument("email")
    @click.option("--program", "program_name", help="A program's exact name; default: the "
                  "nurse's first program (their enrolment, or their site's default).")
    @click.option("--on", "on", help="The date to compute for, YYYY-MM-DD; default today.")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
    def eligibility_command(email, program_name, on, as_json):
        """How far a nurse is from a program's requirements on a date."""
        nurse = _nurse(email)
        try:
            day = date.fromisoformat(on) if on else utcnow().date()
        except ValueError:
            _fail(f"--on {on!r} is not a date: write YYYY-MM-DD.")
        if program_name:
            program = db.session.scalar(select(Program).where(Program.name == program_name))
            if program is None:
                names = ", ".join(db.session.scalars(select(Program.name).order_by(Program.name)))
                _fail(f"No program is called {program_name!r}. Programs: {names or 'none'}.")
        else:
            tracked = programs_for(nurse)
            if not tracked:
                _fail("No program exists yet: an admin installs the presets on /hours/programs.")
            program = tracked[0]
        figures = summary.eligibility_for(nurse, program, day)
        if as_json:
            click.echo(json.dumps(figures.as_json()))
            return
        click.echo(f"{figures.program}: {figures.window_start} to {figures.window_end}")
        click.echo(f"approved {figures.practice_hours_approved:g} of "
                   f"{figures.practice_hours_required} hours, pending "
                   f"{figures.practice_hours_pending:g}; CE {figures.ce_hours:g} of "
                   f"{figures.ce_hours_required}")
        click.echo("eligible" if figures.eligible else "missing: " + "; ".join(figures.missing))

    @bp.cli.command("import")
    @click.argument("email")
    @click.argument("file", type=click.File("rb"))
    @click.option("--dry-run", is_flag=True, help="Check every row and store nothing.")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
    def import_command(email, file, dry_run, as_json):
        """Import a nurse's log from CSV (all or nothing); entries arrive submitted."""
        nurse = _nurse(email)
        report = importer.check_rows(nurse, file.read(), today=utcnow().date())
        if not report.errors and not dry_run:
            importer.store(nurse, report, now=utcnow())
            db.session.commit()
        else:
            db.session.rollback()
        if as_json:
            click.echo(json.dumps(report.as_json()))
        else:
            for error in report.errors:
                click.echo(f"row {error['row']}, {error['column'] or 'row'}: {error['message']}",
                           err=True)
            verb = "would import" if dry_run else "imported"
            click.echo(f"{report.rows} rows; {verb} "
                       f"{len(report.drafts) if dry_run else report.imported} entries, "
                       f"{report.as_json()['hours']:g} hours.")
        if report.errors:
            sys.exit(1)
