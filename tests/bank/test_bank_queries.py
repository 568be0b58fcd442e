"""Every question-bank page runs the same number of queries for 5 questions as for 70, and
the lists never load the versions' JSON content."""

import io
import re

import pytest
from sqlalchemy import select

from certprep.bank import formats
from certprep.bank.importer import import_result
from certprep.bank.models import Question
from certprep.extensions import db
from tests.conftest import counted_statements, post_form

LOADS_CONTENT = re.compile(r"\.content\b(?!_hash)")


def loads_content(statement: str) -> bool:
    """The statement fetches a version's JSON content (a WHERE on one of its keys is fine)."""
    return bool(LOADS_CONTENT.search(statement.split("FROM", 1)[0]))


def gift(count: int, prefix: str = "q", wording: str = "") -> str:
    return "\n".join(
        f"// [id:{prefix}{n}]\n::{prefix} {n}:: **Bold** stem {n}{wording}? "
        "{=right#yes ~wrong#no}\n"
        for n in range(count)
    )


def queries(client, url: str) -> list[str]:
    with counted_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


def make_set(count: int, owner_id: int, title: str):
    """A published set whose questions have two versions, a third waiting for a few."""
    for wording, status in (("", "published"), (", reworded", "published")):
        report = import_result(formats.parse(gift(count, title, wording), format="gift"),
                               title=title, owner_id=owner_id, status=status)
        db.session.commit()
    question_set = report.question_set
    waiting = gift(count, title, ", reworded").replace(f"{title}0", f"{title}0 again", 1)
    import_result(formats.parse(waiting.replace("stem 1,", "stem 1 waiting,"), format="gift"),
                  title=title, owner_id=owner_id)
    db.session.commit()
    return question_set


@pytest.fixture
def educator(login_as):
    return login_as("educator")


def test_set_page_queries_do_not_grow_with_questions(client, educator):
    small, large = make_set(5, educator.id, "small"), make_set(70, educator.id, "large")
    few, many = (queries(client, f"/bank/sets/{s.id}") for s in (small, large))
    assert len(few) == len(many) <= 12, many
    assert not any(loads_content(s) for s in many), "the list loads JSON content"
    searched = queries(client, f"/bank/sets/{large.id}?q=stem&domain=")
    assert len(searched) == len(many)
    print(f"set page: {len(many)} queries")


def test_set_list_queries_do_not_grow_with_sets(client, educator):
    for n in range(5):
        make_set(2, educator.id, f"a{n}")
    few = queries(client, "/bank/")
    for n in range(65):
        import_result(formats.parse(gift(2, f"b{n}"), format="gift"), title=f"b{n}",
                      owner_id=educator.id)
    db.session.commit()
    many = queries(client, "/bank/")
    assert len(few) == len(many) <= 6, many
    assert not any(loads_content(s) for s in many)
    print(f"set list: {len(many)} queries")


def test_question_page_queries_do_not_grow_with_versions_or_set_size(client, educator):
    small, large = make_set(5, educator.id, "small"), make_set(70, educator.id, "large")
    first = db.session.scalar(select(Question).where(Question.set_id == small.id))
    busy = db.session.scalar(select(Question).where(Question.set_id == large.id,
                                                    Question.external_id == "large1"))
    assert len(busy.versions) == 3 and len(first.versions) == 2
    few = queries(client, f"/bank/questions/{first.id}")
    many = queries(client, f"/bank/questions/{busy.id}")
    assert len(few) == len(many) <= 8, "\n".join(s[:150] for s in many)
    print(f"question page: {len(many)} queries")


def test_preview_queries_do_not_grow_with_questions(client, educator):
    import_result(formats.parse(gift(70, "p"), format="gift"), title="p",
                  owner_id=educator.id)
    db.session.commit()
    counts = []
    for size in (5, 70):
        response = post_form(client, "/bank/upload", {
            "file": (io.BytesIO(gift(size, "p", " changed").encode()), "p.gift"),
            "format": "auto", "title": "",
        }, content_type="multipart/form-data")
        url = response.headers["Location"]
        page = client.get(url).get_data(as_text=True)
        assert "This file matches the existing set" in page
        counts.append(len(queries(client, url)))
    assert counts[0] == counts[1] <= 10, counts
    print(f"preview: {counts[1]} queries")
