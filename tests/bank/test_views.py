"""Educators upload, preview, import, browse, edit, retire and export question sets."""

import html
import io
import re

import pytest
from sqlalchemy import func, select

from certprep.bank import formats
from certprep.bank.formats import csv_format, gift, native
from certprep.bank.importer import import_result
from certprep.bank.models import PendingUpload, Question, QuestionSet, QuestionVersion
from certprep.extensions import db
from certprep.org.audit import AuditEntry
from tests.conftest import DATA, login, post_form

GOOD_GIFT = """// [id:nal-1] [tag:naloxone]
::Naloxone:: A person on an opioid infusion is unrousable with a respiratory rate of 6. \
Which drug reverses the opioid? {
  =naloxone#Correct: a competitive mu antagonist.
  ~flumazenil#Reverses benzodiazepines, not opioids.
  ~atropine#Treats bradycardia.
  ####Naloxone reverses opioid-induced respiratory depression.
}

// [id:apap-1]
Acetaminophen maximum for a healthy adult in mg per day? {#4000:0}

Describe your approach to a person with chronic pain. {}
"""
BROKEN_GIFT = "Q1 {=a ~b}\n\nQ2 {=a ~%33%b}\n\nQ3 {=a ~b\n"


def upload(client, data: bytes, filename="questions.gift", **fields):
    return post_form(client, "/bank/upload", {
        "file": (io.BytesIO(data), filename), "format": "auto", "title": "", **fields,
    }, content_type="multipart/form-data")


def token_of(response) -> str:
    return response.headers["Location"].rsplit("/", 1)[1]


def confirm(client, token: str, target: str = "new", **fields):
    """Press the preview's import button, with the choice of where the questions go."""
    return post_form(client, f"/bank/upload/{token}/confirm", {"target": target, **fields},
                     form_page=f"/bank/upload/{token}")


@pytest.fixture
def educator(client, login_as):
    return login_as("educator")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_upload_preview_then_confirm_imports_the_set(client, educator):
    response = upload(client, GOOD_GIFT.encode())
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 questions found" in preview
    assert "1 single choice" in preview and "1 numerical" in preview
    assert "Line 12: essay — Essay questions need a person to mark them" in preview
    assert "Which drug reverses the opioid?" in preview
    # Educators check the key before importing: the answer, each option's feedback, the
    # rationale.
    assert "✔ naloxone" in preview and "✘ flumazenil" in preview
    assert "Correct: a competitive mu antagonist" in preview
    assert "Reverses benzodiazepines, not opioids." in preview
    assert "Naloxone reverses opioid-induced respiratory depression." in preview
    assert "2 questions will be imported into a new set" in preview
    assert count(Question) == 0
    token = token_of(response)
    confirmed = post_form(client, f"/bank/upload/{token}/confirm", {"target": "new"},
                          form_page=f"/bank/upload/{token}", follow_redirects=True)
    page = confirmed.get_data(as_text=True)
    assert "2 new" in page and "1 skipped" in page
    assert count(Question) == 2 and count(PendingUpload) == 0
    question_set = db.session.scalar(select(QuestionSet))
    assert question_set.status == "draft" and question_set.title == "questions"


def test_errors_are_listed_with_lines_and_nothing_imports(client, educator):
    response = upload(client, BROKEN_GIFT.encode(), title="Broken")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Line 3: .*33", page)
    assert "Line 5:" in page
    assert "Import " not in page  # no import button
    # One true thing: nothing can be imported, and no count says otherwise.
    assert "Nothing can be imported yet: 2 errors to fix" in page
    assert "will be imported" not in page
    confirm(client, token_of(response))
    assert count(Question) == 0


def test_cancel_leaves_nothing_behind(client, educator):
    response = upload(client, GOOD_GIFT.encode())
    token = response.headers["Location"].rsplit("/", 1)[1]
    post_form(client, f"/bank/upload/{token}/cancel", {}, form_page=f"/bank/upload/{token}")
    assert count(PendingUpload) == 0 and count(QuestionSet) == 0
    assert client.get(f"/bank/upload/{token}").status_code == 404


def test_non_utf8_file_is_refused_with_that_message(client, educator):
    response = upload(client, "Caf\xe9 {=oui ~non}".encode("cp1252"))
    assert response.status_code == 200
    assert "not UTF-8" in response.get_data(as_text=True)
    assert count(PendingUpload) == 0


def test_upload_over_the_size_limit_gets_413(make_app, make_user):
    app = make_app(MAX_CONTENT_LENGTH=1000)
    client = app.test_client()
    user = make_user("educator", "admin")
    login(client, user.email)
    response = upload(client, b"x" * 5000)
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)


def test_script_in_an_html_question_never_reaches_the_page(client, educator):
    attack = ('::x::[html]<p onclick="alert(1)">Pick one</p><script>alert(2)</script>'
              '<img src=x onerror=alert(3)><a href="javascript:alert(4)">link</a>'
              ' {=<b>safe</b> ~<iframe src\\="//evil.example"></iframe>other}\n')
    response = upload(client, attack.encode())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    body = page.split("<main", 1)[1]  # the layout's own script tag is in <head>
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe"):
        assert bad not in body
    assert "<b>safe</b>" in page
    confirm(client, token_of(response))
    stored = db.session.scalar(select(QuestionVersion)).content
    assert "<script" not in stored["text"] and "onclick" not in stored["text"]


@pytest.fixture
def imported(client, educator):
    response = upload(client, GOOD_GIFT.encode(), title="Opioid safety")
    confirm(client, token_of(response))
    return db.session.scalar(select(QuestionSet))


def test_browse_and_search_a_set(client, imported):
    page = client.get(f"/bank/sets/{imported.id}").get_data(as_text=True)
    # Titles are the question's name (GIFT ::Naloxone::) or the start of its stem.
    assert ">Naloxone</a>" in page and ">Acetaminophen maximum for a healthy adult" in page
    assert "A person on an opioid infusion is unrousable" in page  # the preview line
    page = client.get(f"/bank/sets/{imported.id}?q=flumazenil").get_data(as_text=True)
    assert ">Naloxone</a>" in page and "Acetaminophen" not in page
    page = client.get(f"/bank/sets/{imported.id}?q=apap-1").get_data(as_text=True)
    assert "Naloxone</a>" not in page and "Acetaminophen" in page
    assert "Opioid safety" in client.get("/bank/").get_data(as_text=True)


def test_edit_makes_a_new_version_and_keeps_the_old(client, imported):
    question = db.session.scalar(select(Question).where(Question.external_id == "nal-1"))
    form_page = f"/bank/questions/{question.id}/edit"
    source = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>",
                       client.get(form_page).get_data(as_text=True), re.S).group(1)
    source = html.unescape(source).replace("unrousable", "not rousable")
    response = post_form(client, form_page, {
        "source": source, "domain": "interventions", "subdomain": "Adverse effects",
        "difficulty": "easy", "tags": "naloxone, safety", "references": "ASPMN 2011",
        "note": "wording",
    })
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert [v.number for v in question.versions] == [1, 2]
    assert "not rousable" in question.current.content["text"]
    assert question.current.domain == "interventions"
    assert "unrousable" in question.versions[0].content["text"]


def test_edit_refuses_invalid_gift_with_the_line(client, imported):
    question = db.session.scalar(select(Question).where(Question.external_id == "nal-1"))
    response = post_form(client, f"/bank/questions/{question.id}/edit",
                         {"source": "Which? {=a ~%33%b}"})
    assert response.status_code == 200
    assert "Line 1:" in response.get_data(as_text=True)
    assert len(db.session.get(Question, question.id).versions) == 1


def test_retire_and_restore(client, imported):
    question = db.session.scalar(select(Question).where(Question.external_id == "nal-1"))
    page = f"/bank/questions/{question.id}"
    post_form(client, f"{page}/retire", {"retired": "1"}, form_page=page)
    db.session.expire_all()
    assert db.session.get(Question, question.id).retired
    post_form(client, f"{page}/retire", {"retired": "0"}, form_page=page)
    db.session.expire_all()
    assert not db.session.get(Question, question.id).retired


@pytest.mark.parametrize("data", [{}, {"retired": ""}, {"retired": "yes"}])
def test_retire_without_a_clear_choice_changes_nothing(client, imported, data):
    question = db.session.scalar(select(Question).where(Question.external_id == "nal-1"))
    page = f"/bank/questions/{question.id}"
    post_form(client, f"{page}/retire", {"retired": "1"}, form_page=page)
    response = post_form(client, f"{page}/retire", data, form_page=page,
                         follow_redirects=True)
    assert "Say whether to retire or restore" in response.get_data(as_text=True) \
        or "Not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, question.id).retired  # not silently restored


@pytest.mark.parametrize("export_format", ["gift", "moodle-xml", "native"])
def test_export_downloads(client, imported, export_format):
    response = client.get(f"/bank/sets/{imported.id}/export/{export_format}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "naloxone" in response.get_data(as_text=True)


def test_gift_export_reimports_unchanged(client, imported, runner, tmp_path):
    exported = client.get(f"/bank/sets/{imported.id}/export/gift").get_data(as_text=True)
    again = gift.parse(exported)
    assert again.errors == [] and len(again.questions) == 2
    path = tmp_path / "again.gift"
    path.write_text(exported)
    result = runner.invoke(args=["bank", "import", str(path), "--set", "Opioid safety",
                                 "--json"])
    assert result.exit_code == 0
    assert '"unchanged": 2' in result.output


def test_csv_template_downloads_and_parses(client, educator):
    response = client.get("/bank/template.csv")
    assert response.mimetype == "text/csv"
    parsed = csv_format.parse(response.get_data(as_text=True))
    assert parsed.errors == [] and parsed.questions


def test_publishing_asks_first_and_says_how_many_nurses_will_see(client, imported):
    page = f"/bank/sets/{imported.id}"
    set_page = client.get(page).get_data(as_text=True)
    assert f'href="{page}/publish"' in set_page  # a link to the question, not a button
    asking = client.get(f"{page}/publish").get_data(as_text=True)
    assert "Publish Opioid safety for nurses?" in asking
    assert "<strong>2</strong> questions become visible to every nurse" in asking
    assert db.session.get(QuestionSet, imported.id).status == "draft"
    response = post_form(client, f"{page}/status", {"status": "published"},
                         form_page=f"{page}/publish", follow_redirects=True)
    assert "is now published: nurses see 2 questions" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuestionSet, imported.id).status == "published"
    assert "2</strong> questions" in client.get("/").get_data(as_text=True)


def test_the_set_page_flags_questions_past_their_review_date(client, educator, app):
    text = (DATA / "sample.yaml").read_text()
    result = native.parse(text.replace("difficulty: easy", "difficulty: easy\n    "
                                       "last_reviewed: 2020-01-01\n    review_by: 2022-01-01",
                                       1))
    assert result.errors == []
    question_set = import_result(result, title="Dated", owner_id=educator.id).question_set
    db.session.commit()
    page = client.get(f"/bank/sets/{question_set.id}").get_data(as_text=True)
    assert "1 question is past its review-by date" in page
    assert page.count("review overdue</span>") == 1


def test_publishing_and_retiring_a_set_are_in_the_audit_log(client, imported, educator):
    page = f"/bank/sets/{imported.id}"
    post_form(client, f"{page}/status", {"status": "published"}, form_page=f"{page}/publish")
    post_form(client, f"{page}/status", {"status": "retired"}, form_page=page)
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.subject_type == "question_set").order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.before, e.after) for e in entries] == [
        ("set.published", educator.id, {"status": "draft"},
         {"status": "published", "questions_visible": 2}),
        ("set.retired", educator.id, {"status": "published"}, {"status": "retired"}),
    ]


@pytest.mark.parametrize("status", ["", "archived", "PUBLISHED", "published "])
def test_a_state_outside_the_list_changes_nothing(client, imported, status):
    page = f"/bank/sets/{imported.id}"
    response = post_form(client, f"{page}/status", {"status": status}, form_page=page,
                         follow_redirects=True)
    assert "nothing changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuestionSet, imported.id).status == "draft"


def test_the_set_states_are_one_list(app):
    from certprep.bank.forms import SetStatusForm
    from certprep.bank.models import SET_STATUSES

    with app.test_request_context():
        assert [c.value for c in SetStatusForm().status.choices] == list(SET_STATUSES)
    check = next(c for c in QuestionSet.__table__.constraints
                 if c.name and "known_status" in str(c.name))
    assert str(check.sqltext) == "status IN ('draft', 'published', 'retired')"


def test_a_canvas_zip_previews_and_imports(client, educator):
    from tests.bank.test_packages import MANIFEST, zipped
    from tests.conftest import DATA

    data = zipped({"imsmanifest.xml": MANIFEST,
                   "quiz/quiz.xml": (DATA / "sample.qti.xml").read_bytes()})
    response = upload(client, data, filename="canvas-export.zip")
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Read as <strong>Canvas QTI 1.2</strong>: 1 question found" in preview
    assert "Rubbing a bumped elbow" in preview


def edit_source(client, question_id: int) -> str:
    page = client.get(f"/bank/questions/{question_id}/edit").get_data(as_text=True)
    source = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    return html.unescape(source).removeprefix("\r\n")


def test_a_title_made_from_the_stem_follows_the_stem_when_edited(client, imported):
    question = db.session.scalar(select(Question).where(Question.external_id == "apap-1"))
    source = edit_source(client, question.id)
    assert not source.startswith("::")  # the made-up name is not offered as a title
    post_form(client, f"/bank/questions/{question.id}/edit",
              {"source": source.replace("Acetaminophen maximum", "Paracetamol maximum")})
    page = client.get(f"/bank/questions/{question.id}").get_data(as_text=True)
    assert "<h1>Paracetamol maximum for a healthy adult" in page
    named = db.session.scalar(select(Question).where(Question.external_id == "nal-1"))
    assert edit_source(client, named.id).startswith("::Naloxone::")  # a real title stays


def test_saving_an_unchanged_question_makes_no_version(client, educator):
    from certprep.bank.models import QuestionSet as Set

    report = import_result(formats.parse((DATA / "sample.yaml").read_text(), format="native"),
                           title="Native", owner_id=educator.id)
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.set_id == report.question_set.id))
    title = question.current.title
    assert title != question.external_id and not title.startswith("auto-")
    page = f"/bank/questions/{question.id}/edit"
    form = client.get(page).get_data(as_text=True)
    fields = {name: html.unescape(value) for name, value in re.findall(
        r'<input[^>]*name="(subdomain|tags|note)"[^>]*value="([^"]*)"', form)}
    response = post_form(client, page, {
        "source": edit_source(client, question.id), "domain": question.current.domain or "",
        "difficulty": question.current.difficulty or "", "subdomain": fields.get("subdomain", ""),
        "tags": fields.get("tags", ""),
        "references": html.unescape(re.search(
            r'name="references"[^>]*>\n?(.*?)</textarea>', form, re.S).group(1)),
        "scenario": html.unescape(re.search(
            r'name="scenario"[^>]*>\n?(.*?)</textarea>', form, re.S).group(1)),
    }, follow_redirects=True)
    assert "Nothing changed, so no new version was made." in response.get_data(as_text=True)
    assert db.session.get(Set, report.question_set.id)
