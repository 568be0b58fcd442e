"""`flask bank ...`: import, export and lint question files; load the shipped bank."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from certprep.bank import formats
from certprep.bank.exporter import EXPORT_FORMATS, export_set
from certprep.bank.formats.records import NotUtf8, ParseResult
from certprep.bank.importer import (
    MAX_QUESTIONS_PER_FILE,
    check_importable,
    import_result,
    summary,
)
from certprep.bank.lint import lint, native_files
from certprep.bank.models import PUBLISHED, QuestionSet
from certprep.bank.packages import BadPackage, parse_upload
from certprep.bank.versions import change_status
from certprep.extensions import db

bank = click.Group("bank", help="Import, export and check question sets.")


def read_and_parse(path: Path, file_format: str) -> ParseResult | str:
    """The parse result, with every reason it cannot be imported among its errors, or a
    message for a file that cannot be read as question text."""
    limit = current_app.config.get("MAX_QUESTIONS_PER_FILE", MAX_QUESTIONS_PER_FILE)
    try:
        return check_importable(parse_upload(path.read_bytes(), path.name, file_format), limit)
    except (NotUtf8, BadPackage) as error:
        return str(error)
    except OSError as error:
        return f"Cannot read {path}: {error.strerror}."


@bank.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "file_format", default="auto",
              type=click.Choice(["auto", *formats.FORMATS]), show_default=True)
@click.option("--set", "title", help="Title of the set to create or update.")
@click.option("--dry-run", is_flag=True, help="Check only; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--publish", is_flag=True, help="Publish the set for nurses at once.")
def import_command(path, file_format, title, dry_run, as_json, publish):
    """Import a question file in one transaction: any error, and nothing is imported."""
    parsed = read_and_parse(path, file_format)
    if isinstance(parsed, str):
        report = {"file": str(path), "format": file_format, "questions": 0, "by_type": {},
                  "importable": 0, "skipped": [], "errors": [{"line": 0, "message": parsed}],
                  "categories": []}
    else:
        report = summary(parsed, str(path))
    failed = bool(report["errors"])
    if not failed and not dry_run:
        info = parsed.set_info
        try:
            outcome = import_result(
                parsed,
                title=title or info.get("title") or path.stem,
                slug=None if title else info.get("id"),
                description=info.get("description", ""),
                status="published" if publish else "draft",
            )
            if publish:  # also applies what waits in a set that was published before
                change_status(outcome.question_set, PUBLISHED)
                outcome.waiting = False
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            failed = True
            report["errors"].append({"line": 0, "message": (
                "The import could not finish, so nothing was imported: "
                f"{str(getattr(error, 'orig', None) or error)[:200]}"
            )})
        else:
            report["set"] = {"id": outcome.question_set.id,
                             "title": outcome.question_set.title,
                             "status": outcome.question_set.status,
                             "added": outcome.added, "changed": outcome.changed,
                             "unchanged": outcome.unchanged, "restored": outcome.restored,
                             "retired": outcome.retired, "waiting": outcome.waiting}
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        echo_report(report, dry_run)
    sys.exit(1 if failed else 0)


def echo_report(report: dict, dry_run: bool) -> None:
    kinds = ", ".join(f"{n} {k}" for k, n in report["by_type"].items() if n)
    click.echo(f"{report['file']}: {report['format']}, {report['questions']} questions"
               + (f" ({kinds})" if kinds else ""))
    for skipped in report["skipped"]:
        click.echo(f"  skipped line {skipped['line']}: {skipped['type']}: {skipped['reason']}")
    for error in report["errors"]:
        click.echo(f"  error line {error['line']}: {error['message']}", err=True)
    if report["errors"]:
        click.echo("Nothing was imported: fix the errors above and try again.", err=True)
    elif dry_run:
        click.echo("Dry run: nothing was written.")
    elif "set" in report:
        s = report["set"]
        click.echo(f"Set {s['title']!r}: {s['added']} added, {s['changed']} changed, "
                   f"{s['unchanged']} unchanged, {s['retired']} retired.")
        if s["waiting"]:
            click.echo("The set is published: these changes wait as a revision until it is "
                       "published (on the set page, or again with --publish).")


@bank.command("export")
@click.argument("set_ref")
@click.option("--format", "export_format", required=True, type=click.Choice(list(EXPORT_FORMATS)))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def export_command(set_ref, export_format, output):
    """Write a set (by id, slug or title) as native YAML, GIFT or Moodle XML."""
    question_set = find_set(set_ref)
    if question_set is None:
        raise click.ClickException(f"No question set is called {set_ref!r}.")
    text = export_set(question_set, export_format)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}")
    else:
        click.echo(text, nl=False)


def find_set(ref: str) -> QuestionSet | None:
    conditions = [QuestionSet.slug == ref, QuestionSet.title == ref]
    if ref.isdigit():
        conditions.append(QuestionSet.id == int(ref))
    return db.session.scalar(select(QuestionSet).where(db.or_(*conditions)))


@bank.command("lint")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def lint_command(paths, as_json):
    """Check native question files: item-writing rules, cues, references, near-duplicates."""
    report = lint(list(paths), today=date.today())
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        bank = report["bank"]
        click.echo(f"{report['questions']} questions; by domain {report['by_domain']}")
        click.echo(
            f"key longest {bank['key_longest_share']:.0%}, second-longest "
            f"{bank['key_second_longest_share']:.0%} of {bank['single_choice']} single-choice; "
            f"absolute words in {bank['absolute_in_keys_share']:.0%} of keys, "
            f"{bank['absolute_in_distractors_share']:.0%} of distractors; "
            f"{len(report['near_duplicates'])} near-duplicate pairs; "
            f"{len(report['overdue'])} overdue for review"
        )
        for error in report["errors"]:
            click.echo(f"{error['file']}:{error['line']}: {error['message']}")
    sys.exit(1 if report["errors"] else 0)


def shipped_bank_dir() -> Path:
    return Path(current_app.config.get("QUESTION_BANK_DIR")
                or Path(current_app.root_path).parent / "question_bank")


@bank.command("load-shipped")
def load_shipped_command():
    """Import and publish question_bank/ when the database has no question sets yet."""
    if db.session.scalar(select(func.count()).select_from(QuestionSet)):
        click.echo("The database already has question sets; the shipped bank was not loaded.")
        return
    folder = shipped_bank_dir()
    total = 0
    for path in native_files([folder]):
        parsed = read_and_parse(path, "native")
        if isinstance(parsed, str) or parsed.errors:
            db.session.rollback()
            problems = parsed if isinstance(parsed, str) else parsed.errors[0].message
            raise click.ClickException(f"{path}: {problems}")
        outcome = import_result(
            parsed, title=parsed.set_info["title"], slug=parsed.set_info["id"],
            description=parsed.set_info.get("description", ""), status="published",
        )
        total += outcome.added
    db.session.commit()
    click.echo(f"Loaded {total} questions from {folder}.")
