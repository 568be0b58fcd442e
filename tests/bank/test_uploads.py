"""Uploads that update a set say so and ask; published sets change only when published;
empty, oversized and failing imports leave nothing behind; images follow what nurses see."""

import io
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from certprep.bank import formats, importer
from certprep.bank.importer import import_result
from certprep.bank.models import Media, PendingUpload, Question, QuestionSet, QuestionVersion
from certprep.exams.pool import practice_counts
from certprep.extensions import db
from tests.bank.test_importer import moodle_xml_with_image
from tests.conftest import DATA, login, post_form

PNG = (DATA / "dot.png").read_bytes()


def gift(*ids_and_stems) -> str:
    return "\n".join(f"// [id:{qid}]\n{stem} {{=right ~wrong}}\n" for qid, stem in ids_and_stems)


SHIPPED = gift(("f1", "Nociceptive pain is?"), ("f2", "Neuropathic pain is?"),
               ("f3", "Nociplastic pain is?"))


def upload(client, text: str, filename="foundations.gift", title=""):
    response = post_form(client, "/bank/upload", {
        "file": (io.BytesIO(text.encode()), filename), "format": "auto", "title": title,
    }, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def preview(client, token, **args) -> str:
    return client.get(f"/bank/upload/{token}", query_string=args).get_data(as_text=True)


def confirm(client, token, **data):
    return post_form(client, f"/bank/upload/{token}/confirm", data,
                     form_page=f"/bank/upload/{token}", follow_redirects=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def live_stems() -> list[str]:
    """The stems nurses see now."""
    return sorted(db.session.scalars(
        select(QuestionVersion.preview)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .join(QuestionSet).where(QuestionSet.status == "published", Question.retired.is_(False))
    ))


@pytest.fixture
def educator(client, login_as):
    return login_as("educator")


@pytest.fixture
def shipped(educator):
    """A published set of three questions that this educator owns."""
    report = import_result(formats.parse(SHIPPED, format="gift"), title="Foundations",
                           owner_id=educator.id, status="published")
    db.session.commit()
    return report.question_set


def test_a_file_named_like_a_set_says_it_updates_it_and_asks(client, shipped):
    token = upload(client, gift(("f1", "Nociceptive pain is?"), ("new", "Central pain is?")))
    page = preview(client, token)
    assert "This file matches the existing set “Foundations”" in page
    assert re.search(r"add <strong>1</strong>, change <strong>0</strong> and retire "
                     r"<strong>2</strong> questions; 1 stays", page)
    assert "The set is published: these changes wait" in page
    assert 'name="target" value="update"' in page and 'name="target" value="new"' in page
    response = confirm(client, token)  # no choice made
    assert "Choose whether to update the existing set" in response.get_data(as_text=True)
    assert count(Question) == 3 and count(PendingUpload) == 1


def test_updating_a_published_set_waits_until_the_revision_is_published(client, shipped):
    before = practice_counts()
    token = upload(client, gift(("f1", "Nociceptive pain is?"),
                                ("f2", "Neuropathic pain, reworded, is?"),
                                ("new", "Central pain is?")))
    response = confirm(client, token, target="update").get_data(as_text=True)
    assert "1 new, 1 changed, 1 unchanged, 1 retired" in response
    assert "nurses see the published questions until you publish it" in response
    # Nurses see exactly what they saw: the old wording, the question to retire, no new one.
    assert practice_counts() == before
    assert live_stems() == ["Neuropathic pain is?", "Nociceptive pain is?",
                            "Nociplastic pain is?"]
    set_page = client.get(f"/bank/sets/{shipped.id}").get_data(as_text=True)
    assert "Changes waiting to be published" in set_page
    assert "1 new · 1 changed · 1 to retire" in set_page
    assert "Neuropathic pain, reworded, is?" in set_page  # educators see their working copy
    asking = client.get(f"/bank/sets/{shipped.id}/publish").get_data(as_text=True)
    assert "<strong>1</strong> new question becomes visible to nurses" in asking
    assert "Nurses now see 3 questions in this set; afterwards they will see " \
           "<strong>3</strong>" in asking
    post_form(client, f"/bank/sets/{shipped.id}/status", {"status": "published"},
              form_page=f"/bank/sets/{shipped.id}/publish")
    db.session.expire_all()
    assert live_stems() == ["Central pain is?", "Neuropathic pain, reworded, is?",
                            "Nociceptive pain is?"]
    assert "Changes waiting" not in client.get(f"/bank/sets/{shipped.id}").get_data(
        as_text=True)


def test_an_edit_to_a_published_question_waits_too(client, shipped):
    question = db.session.scalar(select(Question).where(Question.external_id == "f1"))
    page = f"/bank/questions/{question.id}/edit"
    assert "the new version waits" in client.get(page).get_data(as_text=True)
    response = post_form(client, page, {"source": "Nociceptive pain, edited? {=right ~wrong}"},
                         follow_redirects=True)
    assert "nurses see the published version until you publish" in response.get_data(
        as_text=True)
    assert "Nociceptive pain is?" in live_stems()
    # Back to draft folds the waiting change in: a set nobody sees has nothing to wait for.
    post_form(client, f"/bank/sets/{shipped.id}/status", {"status": "draft"},
              form_page=f"/bank/sets/{shipped.id}")
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert question.draft is None and question.current.preview == "Nociceptive pain, edited?"


def test_import_as_a_new_set_leaves_the_existing_one_alone(client, shipped, educator):
    token = upload(client, gift(("x1", "Other?")))
    response = confirm(client, token, target="new", title="Foundations, my copy")
    assert "Imported into Foundations, my copy: 1 new" in response.get_data(as_text=True)
    new = db.session.scalar(select(QuestionSet).where(QuestionSet.id != shipped.id))
    assert new.slug == "foundations-my-copy" and new.owner_id == educator.id
    assert new.status == "draft"
    assert len(db.session.get(QuestionSet, shipped.id).questions) == 3


def test_a_set_someone_else_owns_is_never_updated_by_an_upload(client, shipped, make_user):
    post_form(client, "/logout", {}, form_page="/")
    login(client, make_user("educator").email)
    token = upload(client, gift(("f1", "Hijacked?")))
    page = preview(client, token)
    assert "you may not change it, so this file becomes a new set of your own" in page
    assert 'value="update"' not in page
    response = confirm(client, token, target="update")  # forged
    assert "This file cannot update that set" in response.get_data(as_text=True)
    confirm(client, token, target="new", title="")
    sets = db.session.scalars(select(QuestionSet).order_by(QuestionSet.id)).all()
    assert [s.slug for s in sets] == ["foundations", "foundations-2"]
    assert "Hijacked?" not in str([q.current.content for q in sets[0].questions])


@pytest.mark.parametrize("text", ["", "\n\n", "// only a comment\n"])
def test_an_empty_file_is_refused_everywhere(client, shipped, runner, tmp_path, text):
    token = upload(client, text)
    page = preview(client, token)
    assert "Nothing can be imported yet" in page and "Import " not in page
    response = confirm(client, token, target="update").get_data(as_text=True)  # forged
    assert "Nothing was imported" in response
    assert len(db.session.get(QuestionSet, shipped.id).questions) == 3
    assert not any(q.retired for q in db.session.get(QuestionSet, shipped.id).questions)
    path = tmp_path / "empty.gift"
    path.write_text(text)
    result = runner.invoke(args=["bank", "import", str(path)])
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    assert count(QuestionSet) == 1


def test_the_question_cap_is_told_in_preview_confirm_and_command_line(
    make_app, make_user, tmp_path
):
    app = make_app(MAX_QUESTIONS_PER_FILE=3)
    client = app.test_client()
    with app.app_context():
        login(client, make_user("educator").email)
    text = gift(*((f"q{n}", f"Question {n}?") for n in range(4)))
    token = upload(client, text)
    page = preview(client, token)
    assert "The file holds 4 questions; certprep imports at most 3 from one file" in page
    assert "Import " not in page
    response = confirm(client, token, target="new").get_data(as_text=True)
    assert "imports at most 3 from one file" in response
    path = tmp_path / "big.gift"
    path.write_text(text)
    with app.app_context():  # over the default app's context, which the runner would reuse
        result = app.test_cli_runner().invoke(args=["bank", "import", str(path), "--json"])
        assert count(Question) == 0
    assert result.exit_code == 1 and "imports at most 3 from one file" in result.output


def test_the_default_cap_is_five_thousand(app):
    assert app.config["MAX_QUESTIONS_PER_FILE"] == 5000


def failing_after(monkeypatch, calls: int):
    """Make the import fail part-way, as a database that is locked or full would."""
    original, made = importer.save_content, []

    def save(*args, **kwargs):
        made.append(1)
        if len(made) > calls:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return original(*args, **kwargs)

    monkeypatch.setattr(importer, "save_content", save)


def test_a_confirm_that_cannot_finish_leaves_nothing_half_written(client, educator,
                                                                  monkeypatch):
    token = upload(client, SHIPPED, filename="new-set.gift")
    failing_after(monkeypatch, 2)
    response = confirm(client, token, target="new").get_data(as_text=True)
    assert "The import could not finish, so nothing was imported" in response
    assert count(QuestionSet) == 0 and count(Question) == 0 and count(QuestionVersion) == 0
    assert count(PendingUpload) == 1  # the upload stays, to try again
    monkeypatch.undo()
    confirm(client, token, target="new")
    assert count(Question) == 3


def test_a_failed_update_keeps_the_set_as_it_was(client, shipped, monkeypatch):
    token = upload(client, gift(("f1", "One, changed?"), ("f2", "Two, changed?")))
    failing_after(monkeypatch, 1)
    confirm(client, token, target="update")
    db.session.expire_all()
    assert count(QuestionVersion) == 3
    assert not any(q.pending_retired or q.draft_version_id
                   for q in db.session.get(QuestionSet, shipped.id).questions)


def test_the_command_line_publishes_a_waiting_revision_only_when_asked(runner, app, tmp_path):
    path = tmp_path / "foundations.gift"
    path.write_text(SHIPPED)
    assert runner.invoke(args=["bank", "import", str(path), "--publish"]).exit_code == 0
    path.write_text(gift(("f1", "Reworded?")))
    result = runner.invoke(args=["bank", "import", str(path)])
    assert "these changes wait as a revision" in result.output
    assert practice_counts()["questions"] == 3
    assert runner.invoke(args=["bank", "import", str(path), "--publish"]).exit_code == 0
    assert practice_counts()["questions"] == 1 and live_stems() == ["Reworded?"]


def test_the_preview_pages_through_every_question_with_its_key(client, educator):
    token = upload(client, gift(*((f"q{n}", f"Question number {n}?") for n in range(1, 31))),
                   filename="thirty.gift")
    first = preview(client, token)
    assert "Questions 1–25 of 30" in first and "Question number 25?" in first
    assert "Question number 26?" not in first and "✔ right" in first
    second = preview(client, token, page=2)
    assert "Questions 26–30 of 30" in second and "Question number 30?" in second
    assert client.get(f"/bank/upload/{token}?page=3").status_code == 404


def test_an_over_long_title_is_refused_with_its_limit(client, educator):
    response = post_form(client, "/bank/upload", {
        "file": (io.BytesIO(SHIPPED.encode()), "x.gift"), "format": "auto", "title": "t" * 201,
    }, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Field cannot be longer than 200 characters" in response.get_data(as_text=True)
    assert count(PendingUpload) == 0


def test_an_over_long_search_is_ignored_not_an_error(client, shipped):
    response = client.get(f"/bank/sets/{shipped.id}?q={'x' * 500}")
    assert response.status_code == 200 and "Nociceptive pain is?" in response.get_data(
        as_text=True)


def test_fields_without_a_hint_point_at_nothing(client, educator):
    page = client.get("/bank/upload").get_data(as_text=True)
    assert 'aria-describedby="None"' not in page and 'aria-describedby=""' not in page
    assert re.search(r'<input[^>]*id="file"(?![^>]*aria-describedby)[^>]*>', page)
    assert re.search(r'<input[^>]*aria-describedby="title-hint"[^>]*id="title"', page)
    assert 'id="title-hint"' in page


# Images --------------------------------------------------------------------------------

@pytest.fixture
def pictured(app):
    """A published set whose one question shows an image."""
    report = import_result(formats.parse(moodle_xml_with_image(PNG), format="moodle-xml"),
                           title="Pictures", status="published")
    db.session.commit()
    media = db.session.scalar(select(Media))
    return report.question_set, f"/bank/media/{report.question_set.id}/{media.name}"


def test_nurses_get_images_that_live_questions_show(client, login_as, pictured):
    login_as("nurse")
    response = client.get(pictured[1])
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Cache-Control"] == "private, max-age=3600"


def test_an_image_only_retired_questions_show_is_gone_for_nurses(client, login_as, pictured,
                                                                make_user):
    question_set, url = pictured
    question_set.questions[0].retired = True
    db.session.commit()
    login_as("nurse")
    assert client.get(url).status_code == 404
    post_form(client, "/logout", {}, form_page="/")
    login(client, make_user("admin").email)
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_images_of_an_unpublished_set_are_never_cached(client, login_as, pictured):
    question_set, url = pictured
    question_set.status = "draft"
    question_set.owner_id = login_as("educator").id
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", ["page=0", "page=-3", f"page={2**31}", f"page={2**70}"])
def test_page_numbers_no_list_has_are_not_found(client, shipped, query):
    for path in ("/bank/", f"/bank/sets/{shipped.id}"):
        assert client.get(f"{path}?{query}").status_code == 404


@pytest.mark.parametrize("version", ["0", str(2**31), str(2**70)])
def test_version_numbers_no_question_has_are_not_found(client, shipped, version):
    question = shipped.questions[0]
    assert client.get(f"/bank/questions/{question.id}?version={version}").status_code == 404


def test_two_saves_of_one_question_at_once_lose_nothing_silently(client, shipped,
                                                                 monkeypatch):
    """The second save finds its version number taken and says so, instead of a 500."""
    from certprep.bank import versions

    question = db.session.scalar(select(Question).where(Question.external_id == "f1"))
    monkeypatch.setattr(versions, "next_number", lambda _question: 1)  # a racing writer
    response = post_form(client, f"/bank/questions/{question.id}/edit",
                         {"source": "Nociceptive pain, edited? {=right ~wrong}"})
    assert response.status_code == 200
    assert "Someone saved this question at the same moment" in response.get_data(as_text=True)


def test_a_draft_of_someone_else_is_not_named_in_the_preview(client, educator, make_user):
    other = make_user("educator")
    import_result(formats.parse(SHIPPED, format="gift"), title="Secret plans",
                  owner_id=other.id)
    db.session.commit()
    page = preview(client, upload(client, gift(("s1", "Mine?")), filename="secret-plans.gift"))
    assert "Another set has this name, so this file becomes a new set of your own" in page
    assert "Secret plans" not in page
