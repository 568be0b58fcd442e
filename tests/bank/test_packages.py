"""Canvas exports quizzes as zip packages; certprep reads the QTI files inside."""

import html
import io
import json
import re
import struct
import zipfile
import zlib

import pytest

from certprep.bank.packages import BadPackage, parse_upload
from tests.conftest import DATA, post_form

MANIFEST = '<?xml version="1.0"?><manifest identifier="m"><resources/></manifest>'


def zipped(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_canvas_package_is_read_from_its_qti_files():
    quiz = (DATA / "sample.qti.xml").read_bytes()
    data = zipped({"imsmanifest.xml": MANIFEST, "q1/q1.xml": quiz,
                   "q1/assessment_meta.xml": "<quiz/>", "q2/q2.xml": quiz,
                   "non_cc_assessments/readme.txt": "x"})
    result = parse_upload(data, "export.zip")
    assert result.format == "qti" and result.errors == []
    assert len(result.questions) == 2


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"imsmanifest.xml": MANIFEST}, "no QTI quiz file"),
        ({"quiz.xml": "Caf\xe9".encode("cp1252")}, "not UTF-8"),
        ({f"f{n}.txt": "" for n in range(501)}, "the limit is 500"),
        ({"bomb.xml": b"\0" * (26 * 1024 * 1024)}, "more than 25 MB"),
    ],
)
def test_bad_packages_are_refused_with_a_reason(files, message):
    with pytest.raises(BadPackage, match=message):
        parse_upload(zipped(files), "export.zip")


def test_a_damaged_zip_is_refused():
    data = zipped({"quiz.xml": "x"})[:40]
    with pytest.raises(BadPackage, match="cannot be opened"):
        parse_upload(data, "export.zip")


# Damaged packages (issue 8): each is refused with its reason, never a 500. The zips are
# written byte by byte, so each header field can say what a damaged or foreign zip says.
QUIZ = (DATA / "sample.qti.xml").read_bytes()


def deflated(content: bytes) -> bytes:
    """A raw deflate stream, as zip stores it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(content) + packer.flush()


def handmade(content: bytes = QUIZ, *, name: bytes = b"quiz/quiz.xml", method: int = 8,
             flags: int = 0, crc: int | None = None, size: int | None = None,
             data: bytes | None = None) -> bytes:
    """A one-member zip whose local and central headers say what we tell them to."""
    if data is None:
        data = deflated(content) if method == 8 else content
    crc = zlib.crc32(content) if crc is None else crc
    size = len(content) if size is None else size
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0, crc, len(data),
                        size, len(name), 0) + name + data
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, 0, 0, crc,
                          len(data), size, len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


def test_the_handmade_zip_is_a_good_package():
    result = parse_upload(handmade(), "export.zip")
    assert result.errors == [] and len(result.questions) == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (handmade(crc=0x1234), "quiz/quiz.xml in the zip is damaged (Bad CRC-32"),
        (handmade(method=0, size=len(QUIZ) - 10), "quiz/quiz.xml in the zip is damaged"),
        (handmade(size=len(QUIZ) + 10), "quiz/quiz.xml in the zip is damaged"),
        (handmade(method=9), "is compressed with deflate64 (method 9), which certprep cannot "
                             "unpack"),
        (handmade(method=99), "is compressed with an unknown method (method 99)"),
        (handmade(flags=0x1), "quiz/quiz.xml in the zip is encrypted; export the quiz again "
                              "without a password"),
        (handmade(data=b"\xff" * 64), "quiz/quiz.xml in the zip is damaged (Error -3"),
        (handmade(data=deflated(QUIZ)[:40]), "quiz/quiz.xml in the zip is damaged"),
        (handmade(method=12, data=b"BZh91AY&SY" + b"\0" * 20), "in the zip is damaged"),
        (handmade(method=14, data=b"\x09\x00\x05\x00" + b"\xff" * 30), "in the zip is damaged"),
    ],
    ids=["bad-crc", "size-too-small", "size-too-large", "deflate64", "unknown-method",
         "encrypted", "corrupt-deflate", "truncated-deflate", "corrupt-bzip2", "corrupt-lzma"],
)
def test_a_damaged_member_is_refused_with_its_reason(data, reason):
    with pytest.raises(BadPackage, match=re.escape(reason)):
        parse_upload(data, "export.zip")


def test_a_member_larger_than_its_header_says_is_not_unpacked_past_the_claim():
    """A bomb that claims 100 bytes is read no further than that, and found out."""
    bomb = b"<questestinterop>" + b" " * 10_000_000 + b"</questestinterop>"
    with pytest.raises(BadPackage, match=re.escape("is damaged (Bad CRC-32")):
        parse_upload(handmade(bomb, size=100), "export.zip")


def test_an_empty_zip_is_a_package_without_quizzes():
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(BadPackage, match="no QTI quiz file"):
        parse_upload(empty.getvalue(), "export.zip")


@pytest.mark.parametrize("data", [handmade(crc=1), handmade(method=9), handmade(flags=1)],
                         ids=["bad-crc", "deflate64", "encrypted"])
def test_bank_import_refuses_a_damaged_zip(runner, tmp_path, data):
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    result = runner.invoke(args=["bank", "import", str(path), "--json"])
    assert result.exit_code == 1
    [error] = json.loads(result.output)["errors"]
    assert "quiz/quiz.xml in the zip is" in error["message"]


@pytest.mark.parametrize("data", [handmade(crc=1), handmade(method=9), handmade(flags=1),
                                  handmade(data=b"\xff" * 64)],
                         ids=["bad-crc", "deflate64", "encrypted", "corrupt-deflate"])
def test_the_upload_page_shows_why_a_damaged_zip_is_refused(client, login_as, data):
    login_as("educator")
    response = post_form(client, "/bank/upload", {
        "file": (io.BytesIO(data), "export.zip"), "format": "auto", "title": ""},
        content_type="multipart/form-data")
    assert response.status_code == 200  # the form again, with the reason; not a 500
    assert "quiz/quiz.xml in the zip is" in html.unescape(response.get_data(as_text=True))


ESSAYS = """<?xml version="1.0"?>
<questestinterop><assessment title="Reflections"><section>
<item ident="e1" title="Reflect"><itemmetadata><qtimetadata><qtimetadatafield>
<fieldlabel>question_type</fieldlabel><fieldentry>essay_question</fieldentry>
</qtimetadatafield></qtimetadata></itemmetadata><presentation><material>
<mattext>Describe your approach to chronic pain.</mattext></material></presentation></item>
</section></assessment></questestinterop>"""


def test_a_quiz_of_essays_beside_others_does_not_refuse_the_package():
    data = zipped({"imsmanifest.xml": MANIFEST, "q1/q1.xml": QUIZ, "q2/q2.xml": ESSAYS})
    result = parse_upload(data, "export.zip")
    assert result.errors == []
    assert [q.importable for q in result.questions] == [True, False]


def test_a_package_of_essays_alone_is_refused_listing_why():
    data = zipped({"imsmanifest.xml": MANIFEST, "q1/q1.xml": ESSAYS, "q2/q2.xml": ESSAYS})
    [error] = parse_upload(data, "export.zip").errors
    assert error.message.startswith("No question in this file can be imported: line 3 (essay)")
