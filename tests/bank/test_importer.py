"""Importing: versions on re-import, retirement, embedded images, sanitising."""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from certprep.bank import formats
from certprep.bank.importer import import_result
from certprep.bank.models import Media, Question
from certprep.bank.richtext import to_html
from certprep.extensions import db
from tests.conftest import DATA

PNG = (DATA / "dot.png").read_bytes()

FIRST = """// [id:q1]
Q one? {=a ~b}

// [id:q2]
Q two? {=c ~d}

// [id:q3]
Q three? {T}
"""
SECOND = """// [id:q1]
Q one? {=a ~b}

// [id:q2]
Q two, reworded? {=c ~d}

// [id:q4]
Q four? {F}
"""


def load(text, fmt="gift"):
    report = import_result(formats.parse(text, format=fmt), title="Set")
    db.session.commit()
    return report


def test_reimport_matches_by_external_id(app):
    first = load(FIRST)
    assert (first.added, first.changed, first.unchanged, first.retired) == (3, 0, 0, 0)
    q2 = db.session.scalar(select(Question).where(Question.external_id == "q2"))
    old_version = q2.current_version_id
    second = load(SECOND)
    assert (second.added, second.changed, second.unchanged, second.retired) == (1, 1, 1, 1)
    db.session.expire_all()
    q2 = db.session.get(Question, q2.id)
    assert [v.number for v in q2.versions] == [1, 2]
    assert q2.versions[0].id == old_version  # past attempts keep pointing at it
    q3 = db.session.scalar(select(Question).where(Question.external_id == "q3"))
    assert q3.retired and q3.versions  # retired, not deleted


def test_a_result_with_errors_is_refused(app):
    with pytest.raises(ValueError, match="nothing was imported"):
        import_result(formats.parse("Q {=a ~%33%b}", format="gift"), title="Bad")


def moodle_xml_with_image(data: bytes, name="dot.png") -> str:
    encoded = base64.b64encode(data).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>Picture</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Is this a dot? <img src="@@PLUGINFILE@@/{name}" alt="dot"></p>]]></text>
      <file name="{name}" path="/" encoding="base64">{encoded}</file>
    </questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>"""


def test_embedded_images_are_stored_and_served(app, client, login_as):
    report = load(moodle_xml_with_image(PNG), "moodle-xml")
    media = db.session.scalar(select(Media))
    assert media.content_type == "image/png" and media.data == PNG
    assert media.name == hashlib.sha256(PNG).hexdigest() + ".png"  # named by its bytes
    text = db.session.scalar(select(Question)).current.content["text"]
    url = f"/bank/media/{report.question_set.id}/{media.name}"
    assert url in text
    report.question_set.owner_id = login_as("educator").id
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"  # a draft's image


def test_a_file_that_is_not_an_image_is_not_kept(app):
    report = load(moodle_xml_with_image(b"<svg onload=alert(1)>", "x.png"), "moodle-xml")
    assert db.session.scalar(select(Media)) is None
    assert "only PNG, JPEG, GIF and WebP" in report.warnings[0]


def test_nurses_do_not_get_images_of_unpublished_sets(app, client, login_as):
    report = load(moodle_xml_with_image(PNG), "moodle-xml")
    name = db.session.scalar(select(Media.name))
    login_as("nurse")
    assert client.get(f"/bank/media/{report.question_set.id}/{name}").status_code == 404


# Real attack strings (OWASP XSS filter evasion cheat sheet and friends).
ATTACKS = [
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    '<svg/onload=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<body onload=alert(1)>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '"><script>alert(1)</script>',
    '<IMG SRC=JaVaScRiPt:alert(1)>',
    '<details open ontoggle=alert(1)>',
]


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "svg", "math", "style",
                  "body", "base", "meta", "link"}


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("text_format", ["html", "moodle", "markdown", "plain"])
def test_sanitiser_removes_every_way_to_run_script(attack, text_format):
    for tag, attrs in Elements(str(to_html(attack, text_format))).found:
        assert tag not in DANGEROUS_TAGS, (attack, tag)
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (attack, name)
            squeezed = "".join((value or "").split()).lower()
            assert not squeezed.startswith(("javascript:", "data:", "vbscript:")), (attack, value)
