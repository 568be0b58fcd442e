"""Format detection and parse(): real files are read as their format, a wrong choice is named.

What an educator relies on: an upload left on "auto" is read in the format it is in,
whatever the file is called; a format chosen by mistake gives an error that names the
right one instead of importing nonsense.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certprep.bank import formats
from certprep.bank.formats import csv_format
from certprep.bank.formats.records import decode_upload
from tests.bank.corpus import CORPUS, SUMMARY
from tests.conftest import DATA

FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
# Any code point, lone surrogates included: a str can hold them even if UTF-8 cannot.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=400)
BANK = Path(__file__).resolve().parents[2] / "question_bank"

# Real files of every format: the tests' own samples and the shipped bank.
FILES = {
    "every_kind.gift": "gift", "sample.gift": "gift", "broken.gift": "gift",
    "sample.aiken.txt": "aiken",
    "every_kind.moodle.xml": "moodle-xml", "sample.moodle.xml": "moodle-xml",
    "sample.qti.xml": "qti", "sample.blackboard.xml": "qti", "sample.brightspace.xml": "qti",
    "sample.ilias.xml": "qti",
    "sample.csv": "csv",
    "every_kind.yaml": "native", "sample.yaml": "native",
}  # fmt: skip
SAMPLES = [(DATA / name, expected) for name, expected in FILES.items()]
SAMPLES += [(path, "native") for path in sorted(BANK.glob("*.yaml"))]


def corpus_files() -> list[tuple[Path, str]]:
    """The conformance corpus's single files with the format each is in (none if absent)."""
    if not SUMMARY.is_file():
        return []
    names = {"gift": "gift", "aiken": "aiken", "moodlexml": "moodle-xml", "qti1.2": "qti"}
    entries = json.loads(SUMMARY.read_text(encoding="utf-8"))["files"].items()
    return [(CORPUS / name, names[entry["format"]]) for name, entry in entries
            if not entry.get("reject") and (CORPUS / name).is_file()]


REAL = SAMPLES + corpus_files()


def test_every_format_has_real_files_to_be_detected_by() -> None:
    assert {expected for _, expected in SAMPLES} == set(formats.FORMATS)


@pytest.mark.parametrize(("path", "expected"), REAL, ids=[p.name for p, _ in REAL])
@pytest.mark.parametrize("filename", ["own", None, "upload.txt"])
def test_a_real_file_is_detected_by_its_content(path: Path, expected: str, filename) -> None:
    """Whatever the upload is called (or with no name at all), the content decides."""
    text = decode_upload(path.read_bytes())
    name = path.name if filename == "own" else filename
    assert formats.detect(text, name) == expected
    assert formats.parse(text, filename=name).format == expected


@pytest.mark.parametrize("name", ["every_kind.gift", "sample.aiken.txt"])
def test_text_that_is_not_markup_is_no_xml_file_whatever_its_name(name: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    assert formats.detect(text, "export.xml") == FILES[name]


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        # An empty or unreadable file: the name is all there is to go on.
        ("", "empty.aiken", "aiken"),
        ("", "empty.csv", "csv"),
        ("", "empty.yml", "native"),
        ("", None, "gift"),
        ("title: no format key\n", "set.yaml", "native"),  # native explains what is missing
        ("a,b,c\n1,2,3\n", "x.csv", "csv"),  # the CSV reader names the missing columns
        ("<manifest/>", "package.qti", "qti"),
        # A file that is both Aiken- and GIFT-shaped goes by its extension.
        ("What is 2 + 2?\nA. 3\nB) 4\nANSWER: B\n\nQ? {=a ~b}\n", "x.aiken", "aiken"),
        ("What is 2 + 2?\nA. 3\nB) 4\nANSWER: B\n\nQ? {=a ~b}\n", None, "gift"),
    ],
)
def test_the_filename_breaks_ties_only(text: str, filename: str | None, expected: str) -> None:
    assert formats.detect(text, filename) == expected


@pytest.mark.parametrize(("real", "path"), [
    ("gift", DATA / "every_kind.gift"), ("aiken", DATA / "sample.aiken.txt"),
    ("moodle-xml", DATA / "every_kind.moodle.xml"), ("qti", DATA / "sample.qti.xml"),
    ("csv", DATA / "sample.csv"), ("native", DATA / "every_kind.yaml"),
])
@pytest.mark.parametrize("chosen", formats.FORMATS)
def test_a_wrong_format_is_refused_with_the_right_one_named(real, path, chosen) -> None:
    text = path.read_text(encoding="utf-8")
    result = formats.parse(text, format=chosen)
    if chosen == real:
        assert result.ok
        return
    assert not result.ok  # never imported as nonsense (native read as GIFT "succeeded")
    assert result.errors[0].message == (
        f"This file reads as {formats.LABELS[real]}, not {formats.LABELS[chosen]}: import it "
        f'with the format "{real}" (or "auto", which recognises it).')


def test_a_damaged_file_in_the_chosen_format_gets_no_hint() -> None:
    result = formats.parse((DATA / "broken.gift").read_text(encoding="utf-8"), format="gift")
    assert result.errors and not any("reads as" in e.message for e in result.errors)


def test_bank_import_with_a_wrong_format_says_which_is_right(runner) -> None:
    result = runner.invoke(args=["bank", "import", str(DATA / "sample.csv"), "--format",
                                 "gift", "--json"])
    assert result.exit_code == 1
    first = json.loads(result.output)["errors"][0]["message"]
    assert first.startswith('This file reads as certprep CSV, not GIFT: import it with the '
                            'format "csv"')


def test_bank_import_refuses_an_unknown_format_name(runner) -> None:
    result = runner.invoke(args=["bank", "import", str(DATA / "sample.csv"), "--format", "docx"])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output and "'csv'" in result.output


def test_parse_refuses_an_unknown_format_name() -> None:
    with pytest.raises(ValueError, match="unknown question format 'docx'; use one of native"):
        formats.parse("x", format="docx")


@FAST
@given(ANY_TEXT, st.sampled_from([None, "a.xml", "a.csv", "a.yaml", "a.txt", "a"]))
def test_auto_never_raises_and_names_a_format(text: str, filename: str | None) -> None:
    assert formats.detect(text, filename) in formats.FORMATS
    result = formats.parse(text, filename=filename)
    assert result.format == formats.detect(text, filename)
    assert all(e.line >= 0 and e.message for e in result.errors)


def test_the_csv_template_is_detected_whatever_its_delimiter() -> None:
    for text in (csv_format.TEMPLATE, csv_format.TEMPLATE.replace(",", ";")):
        assert formats.detect(text, None) == "csv"
