"""Versions an attempt can point at: numbers, stored content, images, and nothing deleted."""

import base64
import json

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from certprep import create_app
from certprep.bank import formats
from certprep.bank.importer import import_result
from certprep.bank.models import Media, Question, QuestionSet, QuestionVersion
from certprep.bank.versions import (
    CONTENT_SCHEMA,
    content_hash,
    content_of,
    save_content,
    to_record,
)
from certprep.extensions import db
from tests.conftest import DATA, TEST_DATABASE_URL

PNG = (DATA / "dot.png").read_bytes()


def load(text, fmt="gift", title="Set"):
    report = import_result(formats.parse(text, format=fmt), title=title)
    db.session.commit()
    return report


def only_question() -> Question:
    return db.session.scalar(select(Question))


def test_stored_content_carries_its_schema_number(app):
    load("// [id:q1]\nQ one? {=a ~b}\n")
    content = only_question().current.content
    assert content["schema"] == CONTENT_SCHEMA
    # The number is not part of what the question says: the hash ignores it.
    without = {k: v for k, v in content.items() if k != "schema"}
    version = only_question().current
    meta = (version.domain, version.subdomain, version.difficulty)
    assert content_hash(version.kind, meta, without) == version.content_hash


def test_a_version_1_row_reads_after_fields_were_added_and_removed(app):
    """A row as the first importer wrote it: no schema number, no review dates, a key this
    code no longer knows, an option without its formats."""
    load("// [id:q1]\nQ one? {=a ~b}\n")
    question = only_question()
    old = QuestionVersion(
        question=question, number=2, kind="single_choice", domain="assessment",
        content={
            "text": "Which scale suits a person with advanced dementia?",
            "text_format": "plain", "name": "painad", "external_id": "q1",
            "choices": [{"text": "PAINAD", "fraction": 1.0, "legacy_weight": 3},
                        {"text": "NRS"}],
            "numeric": [{"value": 4}], "pairs": [{"prompt": "p"}],
            "tags": None, "retired_field_from_2025": True,
        },
        content_hash="0" * 64,
    )
    db.session.add(old)
    db.session.commit()
    db.session.expire_all()
    record = to_record(db.session.get(QuestionVersion, old.id))
    assert record.text.startswith("Which scale")
    assert [c.text for c in record.choices] == ["PAINAD", "NRS"]
    assert record.choices[1].fraction == 0.0 and record.choices[1].feedback_format == "plain"
    assert record.numeric[0].tolerance == 0.0 and record.pairs[0].answer == ""
    assert record.last_reviewed is None and record.review_by is None and record.tags == []
    assert record.domain == "assessment" and record.external_id == "q1"


def test_version_numbers_are_unique_per_question(app):
    load("// [id:q1]\nQ one? {=a ~b}\n")
    question = only_question()
    db.session.add(QuestionVersion(question=question, number=1, kind="single_choice",
                                   content={}, content_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_next_number_comes_from_the_database_not_from_memory(app):
    load("// [id:q1]\nQ one? {=a ~b}\n")
    question = only_question()
    assert [v.number for v in question.versions] == [1]  # loaded: the list says one
    # Another writer adds version 2 behind this session's back.
    db.session.execute(QuestionVersion.__table__.insert().values(
        question_id=question.id, number=2, kind="single_choice", title="", preview="",
        content={}, content_hash="y", created_at=question.created_at, note="elsewhere",
    ))
    record = formats.parse("// [id:q1]\nQ one, again? {=a ~b}\n", format="gift").questions[0]
    content = content_of(record)
    assert save_content(question, record.kind, (None, None, None), content, user_id=None,
                        note="edit", live=False)
    db.session.commit()
    db.session.expire_all()
    numbers = db.session.scalars(select(QuestionVersion.number).order_by(
        QuestionVersion.number)).all()
    assert numbers == [1, 2, 3]  # len(versions) + 1 would have said 2 and failed


def test_sets_questions_and_versions_cannot_be_deleted_once_written(app):
    load("// [id:q1]\nQ one? {=a ~b}\n")
    question_set = db.session.scalar(select(QuestionSet))
    db.session.delete(question_set)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    question = only_question()
    question.current = None
    db.session.flush()
    db.session.delete(question)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(QuestionVersion)) is not None


def test_no_relationship_cascades_a_delete_to_history():
    for relationship in (QuestionSet.questions, Question.versions):
        assert "delete" not in relationship.property.cascade
        assert relationship.property.passive_deletes == "all"


def moodle_xml_with_image(data: bytes) -> str:
    encoded = base64.b64encode(data).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz><question type="truefalse">
  <name><text>Picture</text></name>
  <questiontext format="html">
    <text><![CDATA[<p>Is this a dot? <img src="@@PLUGINFILE@@/dot.png" alt="dot"></p>]]></text>
    <file name="dot.png" path="/" encoding="base64">{encoded}</file>
  </questiontext>
  <answer fraction="100"><text>true</text></answer>
  <answer fraction="0"><text>false</text></answer>
</question></quiz>"""


def other_png() -> bytes:
    """A different, still valid PNG: the same picture with a text chunk added."""
    return PNG[:33] + b"\x00\x00\x00\x04tEXtab\x00c\x1b\x8c\x1f\xd9" + PNG[33:]


def test_an_old_version_keeps_its_image_after_a_reimport_changes_the_picture(
    app, client, login_as
):
    load(moodle_xml_with_image(PNG), "moodle-xml")
    report = load(moodle_xml_with_image(other_png()), "moodle-xml")
    assert report.changed == 1
    question = only_question()
    first, second = question.versions
    images = {m.name: m.data for m in db.session.scalars(select(Media))}
    assert len(images) == 2
    old_url = next(u for u in images if u in first.content["text"])
    new_url = next(u for u in images if u in second.content["text"])
    assert images[old_url] == PNG and images[new_url] == other_png()
    report.question_set.owner_id = login_as("educator").id
    db.session.commit()
    set_id = report.question_set.id
    assert client.get(f"/bank/media/{set_id}/{old_url}").data == PNG
    assert client.get(f"/bank/media/{set_id}/{new_url}").data == other_png()


def test_the_same_picture_in_two_imports_is_stored_once(app):
    load(moodle_xml_with_image(PNG), "moodle-xml")
    load(moodle_xml_with_image(PNG).replace("Is this a dot?", "Is this a point?"),
         "moodle-xml")
    assert len(db.session.scalars(select(Media)).all()) == 1
    assert all(v.media for v in only_question().versions)


# The migration, on a database that already holds questions ---------------------------

def revision_before_0004() -> str:
    from alembic.script import ScriptDirectory

    from certprep.extensions import migrate

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    with app.app_context():
        config = migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision("0004").down_revision


@pytest.fixture
def empty_database_url(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite'}"
        return
    base, _, name = TEST_DATABASE_URL.rpartition("/")
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}_bank_upgrade"'))
        connection.execute(text(f'CREATE DATABASE "{name}_bank_upgrade"'))
    yield f"{base}/{name}_bank_upgrade"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}_bank_upgrade"'))
    admin.dispose()


def test_upgrading_a_bank_keeps_every_version_and_fills_what_is_new(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision=revision_before_0004())
        session = db.session
        session.execute(text(
            "INSERT INTO question_set (id, slug, title, description, status, source_format,"
            " created_at, updated_at) VALUES (1, 's', 'S', '', 'published', 'gift',"
            " '2026-01-01', '2026-01-01')"))
        session.execute(text(
            "INSERT INTO question (id, set_id, external_id, position, retired, created_at)"
            " VALUES (1, 1, 'q1', 0, false, '2026-01-01')"))
        for number, stem in ((1, "**Chronic primary pain** is"), (2, "**Chronic pain** is")):
            content = json.dumps({"text": f'{stem} <img src="/bank/media/1/dot.png">',
                                  "text_format": "markdown", "name": ""})
            session.execute(text(
                "INSERT INTO question_version (id, question_id, number, kind, content,"
                " content_hash, created_at, note) VALUES (:id, 1, :number, 'single_choice',"
                " :content, 'h', '2026-01-01', '')"),
                {"id": number, "number": number, "content": content})
        session.execute(text("UPDATE question SET current_version_id = 2"))
        session.execute(text(
            "INSERT INTO media (id, set_id, name, content_type, data)"
            " VALUES (1, 1, 'dot.png', 'image/png', :data)"), {"data": PNG})
        session.commit()
        upgrade()
        rows = session.execute(text(
            "SELECT number, title, preview FROM question_version ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "Chronic primary pain is",
                                             "Chronic primary pain is"),
                                            (2, "Chronic pain is", "Chronic pain is")]
        assert session.execute(text("SELECT current_version_id FROM question")).scalar() == 2
        links = session.execute(text("SELECT version_id, media_id FROM version_media"
                                     " ORDER BY version_id")).all()
        assert [tuple(r) for r in links] == [(1, 1), (2, 1)]
        if db.engine.dialect.name == "sqlite":  # switched back on after the rebuild
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        session.commit()
        db.engine.dispose()
