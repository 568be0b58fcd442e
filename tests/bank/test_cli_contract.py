"""`flask bank import --dry-run --json` on every conformance file: the contract other
tools rely on (counts, types, categories, errors, exit status)."""

import json
from collections import Counter

import pytest
from sqlalchemy import func, select

from certprep.extensions import db
from tests.bank.corpus import (
    CORPUS,
    MOODLE_KINDS,
    QTI_KINDS,
    SUMMARY,
    nothing_to_import,
    require_corpus,
)

require_corpus()

FORMAT_NAMES = {"gift": "gift", "aiken": "aiken", "moodlexml": "moodle-xml", "qti1.2": "qti"}
ENTRIES = [
    (name, entry)
    for name, entry in json.loads(SUMMARY.read_text(encoding="utf-8"))["files"].items()
    if (CORPUS / name).is_file()
]


def expected_types(entry) -> dict:
    names = QTI_KINDS if entry["format"] == "qti1.2" else MOODLE_KINDS
    kinds: Counter = Counter()
    for name, count in entry.get("types", {}).items():
        kinds[names.get(name, "other")] += count
    return {kind: count for kind, count in kinds.items() if count}


@pytest.fixture(scope="module")
def dry_runner(module_app):
    """A dry run only reads, so one app serves every file; each test checks it wrote nothing,
    so the next still starts from empty tables."""
    return module_app.test_cli_runner()


def stored_rows() -> int:
    rows = sum(db.session.scalar(select(func.count()).select_from(table))
               for table in db.metadata.sorted_tables)
    # End the read: on PostgreSQL an open transaction here blocks the TRUNCATE with which
    # other tests' apps empty the tables, and the run waits forever.
    db.session.rollback()
    return rows


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[name for name, _ in ENTRIES])
def test_import_json_contract(dry_runner, name, entry):
    result = dry_runner.invoke(args=["bank", "import", str(CORPUS / name), "--dry-run",
                                     "--json"])
    assert stored_rows() == 0
    report = json.loads(result.output)
    assert set(report) >= {"file", "format", "questions", "by_type", "importable", "skipped",
                           "errors", "categories"}
    if entry.get("reject"):
        assert result.exit_code == 1
        assert "not UTF-8" in report["errors"][0]["message"]
        return
    assert report["format"] == FORMAT_NAMES[entry["format"]]
    # A file with nothing certprep can grade (only essays, say) is refused: importing it
    # would make an empty set.
    nothing = nothing_to_import(name, entry)
    failing = bool(entry.get("import_fails") or entry.get("errors") or nothing)
    assert result.exit_code == (1 if failing else 0), report["errors"]
    if nothing:
        assert report["errors"][-1]["message"].startswith(
            "No question in this file can be imported")
    if entry["format"] == "aiken":
        messages = [f"{e['message']}" for e in report["errors"]]
        assert len(messages) == len(entry.get("errors", []))
    if not entry.get("import_fails"):
        expected = entry["items"] if entry["format"] == "qti1.2" else entry["questions"]
        assert report["questions"] == expected
        assert {k: v for k, v in report["by_type"].items() if v} == expected_types(entry)
    if "categories" in entry:
        assert report["categories"] == entry["categories"]
    assert all(e["line"] >= 0 and e["message"] for e in report["errors"])
    assert all(s["reason"] for s in report["skipped"])


def test_dry_run_writes_nothing_and_import_writes_one_set(runner):
    from certprep.bank.models import QuestionSet
    from certprep.extensions import db

    path = str(CORPUS / "moodle/gift/questions.gift.txt")
    assert runner.invoke(args=["bank", "import", path, "--dry-run"]).exit_code == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(QuestionSet)) == 0
    result = runner.invoke(args=["bank", "import", path, "--set", "Moodle sample", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["set"]["added"] == 8  # 9 questions, one essay skipped
    assert db.session.scalar(db.select(QuestionSet.title)) == "Moodle sample"


def test_a_file_with_errors_imports_nothing(runner):
    from certprep.bank.models import Question
    from certprep.extensions import db

    result = runner.invoke(args=["bank", "import", str(CORPUS / "moodle/aiken/aiken_errors.txt")])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Question)) == 0
