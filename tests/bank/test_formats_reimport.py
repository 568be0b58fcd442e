"""What the formats layer gives the importer: stable ids across edits, refusals before writes."""

import json

import pytest
from sqlalchemy import func, select

from certprep.bank import formats
from certprep.bank.importer import import_result
from certprep.bank.models import Question, QuestionSet
from certprep.extensions import db

BEFORE = """::opioid-conv:: Convert 10 mg of oral morphine to oral oxycodone, in mg. {#6.67:0.1}

::naloxone:: Which drug reverses opioid-induced respiratory depression? {=naloxone ~naltrexone}
"""
# The educator rewords a stem in their own file and uploads it again.
AFTER = BEFORE.replace("Convert 10 mg of oral morphine", "Convert 10 mg of morphine by mouth")


def load(text: str):
    report = import_result(formats.parse(text, format="gift"), title="Conversions")
    db.session.commit()
    return report


def test_an_edited_gift_stem_is_a_new_version_of_the_same_question(app):
    first = load(BEFORE)
    assert (first.added, first.changed, first.retired) == (2, 0, 0)
    second = load(AFTER)
    assert (second.added, second.changed, second.unchanged, second.retired) == (0, 1, 1, 0)
    question = db.session.scalar(select(Question).where(Question.external_id == "opioid-conv"))
    assert [v.number for v in question.versions] == [1, 2]
    assert question.current.content["name"] == "opioid-conv"  # the title, for display
    assert "by mouth" in question.current.content["text"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.gift", b""),
        ("blank.txt", b"\n\n  \n"),
        ("essays.gift", b"Describe your approach to pain. {}\n"),
        ("plugin.xml", b'<quiz><question type="ddwtos"><name><text>n</text></name>'
                       b"<questiontext><text>Drag</text></questiontext></question></quiz>"),
        ("empty.csv", b""),
        ("empty.yaml", b""),
    ],
)
def test_bank_import_refuses_a_file_with_nothing_to_import(runner, tmp_path, name, content):
    """issue 8: an empty or question-less file is refused everywhere, the CLI included."""
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(args=["bank", "import", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"]
    assert db.session.scalar(select(func.count()).select_from(QuestionSet)) == 0


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("nul.gift", b"Good? {=yes ~no}\n\nQ\x00? {=a ~b}\n", 3),
        ("nul.txt", b"Q?\nA) a\x00a\nB) b\nANSWER: A\n", 1),  # trim() drops one at the end
        ("nul.yaml", b'format: certprep-native/1\nset: {id: s, title: S}\nquestions:\n'
                     b'  - {id: q, type: true_false, stem: "Q\\0?", answer: true}\n', 4),
    ],
)
def test_bank_import_refuses_a_nul_with_its_line(runner, tmp_path, name, content, line):
    """PostgreSQL cannot store NUL: the file is refused before anything is written."""
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(args=["bank", "import", str(path), "--json"])
    assert result.exit_code == 1
    [error] = json.loads(result.output)["errors"]
    assert error["line"] == line and "U+0000 (NUL), which cannot be stored" in error["message"]
    assert db.session.scalar(select(func.count()).select_from(QuestionSet)) == 0
