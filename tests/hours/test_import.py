"""CSV import, in the browser and from the command line: all or nothing, errors by row and
column, and the CLI's JSON contract."""

import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from certprep.extensions import db
from certprep.hours import importer
from certprep.hours.models import Entry
from certprep.org.audit import AuditEntry
from certprep.timeutil import utcnow
from tests.conftest import post_form, sign_in_through_session

HEADER = "date,start,end,hours,site,supervisor_email,category,encounters,notes\n"
D1 = (date.today() - timedelta(days=2)).isoformat()
D2 = (date.today() - timedelta(days=1)).isoformat()
GOOD = (HEADER + f"{D1},08:00,12:00,,North Clinic,sup@example.com,direct_care,4,PCA round\n"
        f'{D2},,,1.5,North Clinic,SUP@example.com,education,2,"Teaching, discharge"\n')


def entries_count():
    return db.session.scalar(select(func.count()).select_from(Entry))


def test_a_good_file_imports_every_row_as_submitted(world):
    report = importer.check_rows(world.nurse, GOOD, today=date.today())
    assert report.errors == [] and report.rows == 2
    importer.store(world.nurse, report, now=utcnow())
    db.session.commit()
    rows = db.session.scalars(select(Entry).order_by(Entry.day)).all()
    assert [(e.minutes, e.state, e.category) for e in rows] == [
        (240, "submitted", "direct_care"), (90, "submitted", "education")]
    assert rows[1].notes == "Teaching, discharge"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "entry.imported")) == 2


BAD_ROWS = [
    ("not a date", "2026-13-01,08:00,09:00,,North Clinic,sup@example.com,other,0,", "date"),
    ("future", f"{date.today() + timedelta(days=3)},08:00,09:00,,North Clinic,sup@example.com,"
     "other,0,", "date"),
    ("bad time", f"{D1},8am,09:00,,North Clinic,sup@example.com,other,0,", "start"),
    ("bad hours", f"{D1},,,lots,North Clinic,sup@example.com,other,0,", "hours"),
    ("zero hours", f"{D1},,,0,North Clinic,sup@example.com,other,0,", "hours"),
    ("unknown site", f"{D1},,,1,Moon Base,sup@example.com,other,0,", "site"),
    ("unknown supervisor", f"{D1},,,1,North Clinic,nobody@example.com,other,0,",
     "supervisor_email"),
    ("supervisor elsewhere", f"{D1},,,1,North Clinic,other@example.com,other,0,",
     "supervisor_email"),
    ("category", f"{D1},,,1,North Clinic,sup@example.com,Direct care,0,", "category"),
    ("encounters", f"{D1},,,1,North Clinic,sup@example.com,other,three,", "encounters"),
    ("overlaps the row above", f"{D1},11:00,13:00,,North Clinic,sup@example.com,other,0,",
     "start"),
    ("late", f"{date.today() - timedelta(days=60)},,,1,North Clinic,sup@example.com,other,0,",
     "date"),
]


@pytest.mark.parametrize(("case", "row", "column"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_one_bad_row_stores_nothing_and_names_its_row_and_column(world, case, row, column):
    report = importer.check_rows(world.nurse, GOOD + row + "\n", today=date.today())
    assert [(e["row"], e["column"]) for e in report.errors] == [(4, column)], report.errors
    assert report.drafts == [] and report.rows == 3


@pytest.mark.parametrize(("text", "column", "words"), [
    ("date,start\n", "end", "The header lacks"),
    (HEADER.strip() + ",colour\n", "colour", "Unknown column"),
    (b"\xff\xfe bad", "", "not UTF-8"),
])
def test_a_wrong_file_is_refused_at_row_1(world, text, column, words):
    report = importer.check_rows(world.nurse, text, today=date.today())
    assert report.errors[0]["row"] == 1 and report.errors[0]["column"] == column
    assert words in report.errors[0]["message"]


def test_the_template_is_what_the_importer_reads():
    rows, report = importer.read(importer.TEMPLATE)
    assert report.errors == [] and len(rows) == 2 and importer.TEMPLATE.startswith(HEADER[:-1])


def test_the_browser_import_shows_the_bad_row_then_imports_the_fixed_file(app, world):
    client = app.test_client()
    sign_in_through_session(client, world.nurse)
    bad = GOOD + f"{D1},,,1,North Clinic,sup@example.com,napping,0,\n"
    page = post_form(client, "/hours/import", {"file": (io.BytesIO(bad.encode()), "log.csv")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "Nothing was imported" in page and "&#39;napping&#39; is not a category" in page
    assert entries_count() == 0
    response = post_form(client, "/hours/import", {"file": (io.BytesIO(GOOD.encode()),
                                                            "log.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 302 and entries_count() == 2
    template = client.get("/hours/import/template.csv")
    assert template.mimetype == "text/csv" and template.get_data(as_text=True) == \
        importer.TEMPLATE


def run(runner, *args):
    return runner.invoke(args=["hours", *args])


def test_cli_import_json_contract(runner, world, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    dry = run(runner, "import", "nurse@example.com", str(good), "--dry-run", "--json")
    assert dry.exit_code == 0
    assert json.loads(dry.output) == {"rows": 2, "imported": 0, "hours": 5.5, "errors": []}
    assert entries_count() == 0
    done = run(runner, "import", "nurse@example.com", str(good), "--json")
    assert json.loads(done.output) == {"rows": 2, "imported": 2, "hours": 5.5, "errors": []}
    assert entries_count() == 2


def test_cli_import_exits_1_and_stores_nothing_on_any_error(runner, world, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + f"{D1},,,1,North Clinic,sup@example.com,napping,0,\n")
    result = run(runner, "import", "nurse@example.com", str(bad), "--json")
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["imported"] == 0 and body["rows"] == 3
    assert body["errors"] == [{"row": 4, "column": "category", "message": body["errors"][0][
        "message"]}]
    assert entries_count() == 0
    unknown = run(runner, "import", "ghost@example.com", str(bad), "--json")
    assert unknown.exit_code == 1 and "No account has the email" in unknown.output


def test_cli_eligibility_json_contract(runner, world, make_entry):
    make_entry(day=date(2026, 3, 1), minutes=600, state="approved")
    make_entry(day=date(2026, 3, 2), minutes=120, state="submitted")
    result = run(runner, "eligibility", "nurse@example.com", "--program",
                 "Certified Pain Educator-like", "--on", "2026-06-30", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "program": "Certified Pain Educator-like", "window_start": "2021-07-01",
        "window_end": "2026-06-30", "practice_hours_required": 400,
        "practice_hours_approved": 10, "practice_hours_pending": 2, "ce_hours_required": 30,
        "ce_hours": 0, "eligible": False,
        "missing": ["390 more approved practice hours", "30 more CE contact hours"]}
    default = json.loads(run(runner, "eligibility", "nurse@example.com", "--on", "2026-06-30",
                             "--json").output)
    assert default["program"] == "PMGT-BC-like (initial)"


@pytest.mark.parametrize(("args", "words"), [
    (["--program", "Nope"], "No program is called 'Nope'"),
    (["--on", "30/06/2026"], "is not a date"),
])
def test_cli_eligibility_refuses_bad_input_by_name(runner, world, args, words):
    result = run(runner, "eligibility", "nurse@example.com", *args, "--json")
    assert result.exit_code == 1 and words in result.output
