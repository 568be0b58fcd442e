"""Canvas exports quizzes as zip packages; certprep reads the QTI files inside."""

import io
import zipfile

import pytest

from certprep.bank.packages import BadPackage, parse_upload
from tests.conftest import DATA

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
