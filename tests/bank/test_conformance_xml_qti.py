"""Moodle XML and QTI 1.2 readers against the shared conformance corpus.

Counts follow expected_summary.json's _about: `questions` is every
non-category question Moodle 4.5 reads, descriptions, essays and unsupported
types included (we keep those as skipped records). When the whole import
fails (`import_fails`), the questions with errors are the ones not returned.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from certprep.bank.formats import detect, moodle_xml, qti
from certprep.bank.formats.common import NOTHING_TO_IMPORT
from certprep.bank.formats.records import KINDS, NotUtf8, ParseResult, decode_upload
from tests.bank.corpus import (
    CORPUS,
    MOODLE_KINDS,
    QTI_KINDS,
    SUMMARY,
    nothing_to_import,
    require_corpus,
)

require_corpus()

FORMATS = {"moodlexml": moodle_xml.parse, "qti1.2": qti.parse}


def entries() -> list[tuple[str, dict]]:
    """The moodlexml and qti1.2 entries of expected_summary.json, in file order."""
    files = json.loads(SUMMARY.read_text(encoding="utf-8"))["files"]
    return [(name, entry) for name, entry in files.items() if entry.get("format") in FORMATS]


ENTRIES = entries()


def expected_kinds(types: dict[str, int], names: dict[str, str]) -> Counter[str]:
    """Map the entry's type counts onto our kinds."""
    kinds: Counter[str] = Counter()
    for name, count in types.items():
        kinds[names.get(name, "other")] += count
    return kinds


def sources(name: str) -> list[Path]:
    """The file, or for a folder (an unzipped package) its QTI files by content."""
    path = CORPUS / name
    if path.is_file():
        return [path]
    found = sorted(p for p in path.rglob("*.xml")
                   if detect(decode_upload(p.read_bytes()), p.name) == "qti")
    assert found, f"no QTI file in {path}"
    return found


def read(name: str, entry: dict) -> ParseResult:
    """Parse every source of an entry into one result."""
    combined = ParseResult(format="")
    for path in sources(name):
        result = FORMATS[entry["format"]](decode_upload(path.read_bytes()))
        combined.format = result.format
        combined.questions += result.questions
        combined.errors += result.errors
        combined.categories += [c for c in result.categories if c not in combined.categories]
    return combined


def plain(html: str) -> str:
    """Question names in Moodle's messages have their tags stripped."""
    return re.sub(r"<[^>]*>", "", html).strip()


def test_corpus_has_xml_and_qti_entries() -> None:
    formats = Counter(entry["format"] for _, entry in ENTRIES)
    assert formats["moodlexml"] > 0 and formats["qti1.2"] > 0


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[name for name, _ in ENTRIES])
def test_conformance(name: str, entry: dict) -> None:
    if entry.get("reject"):
        with pytest.raises(NotUtf8):
            decode_upload((CORPUS / name).read_bytes())
        return
    result = read(name, entry)
    assert result.format == {"moodlexml": "moodle-xml", "qti1.2": "qti"}[entry["format"]]
    assert set(Counter(q.kind for q in result.questions)) <= set(KINDS)
    # A file with nothing certprep can grade is refused with one error saying why.
    refused = [NOTHING_TO_IMPORT] if nothing_to_import(name, entry) else []
    if entry["format"] == "moodlexml":
        check_moodle(result, entry, refused)
    else:
        check_qti(name, result, entry, refused)


def check_moodle(result: ParseResult, entry: dict, refused: list[str]) -> None:
    """Counts, kinds, categories and the failure expectations of a Moodle XML file."""
    assert result.categories == entry.get("categories", [])
    if entry.get("import_fails"):
        assert not result.ok
        failed = {error.line for error in result.errors}
        assert len(result.questions) + len(failed) == entry["questions"]
        for question_name in entry.get("invalid_grade_questions", []):
            assert any(plain(question_name) in e.message and "invalid grades" in e.message
                       for e in result.errors), result.errors
        return
    assert [error.message.split(":")[0] for error in result.errors] == refused
    assert len(result.questions) == entry["questions"]
    kinds = Counter(q.kind for q in result.questions)
    assert kinds == expected_kinds(entry.get("types", {}), MOODLE_KINDS)
    if "imported" in entry:
        assert sum(q.importable for q in result.questions) == entry["imported"]


def label_texts(name: str) -> dict[str, str]:
    """ident -> text of every response_label and response_lid prompt in the fixture."""
    texts = {}
    for path in sources(name):
        root = SafeET.fromstring(path.read_bytes())
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag in ("response_label", "response_lid"):
                mattext = next((m for m in element.iter() if m.tag.endswith("mattext")), None)
                if mattext is not None:
                    texts.setdefault(element.get("ident"), (mattext.text or "").strip())
    return texts


def check_qti(name: str, result: ParseResult, entry: dict, refused: list[str]) -> None:
    """Item count, kinds and the correct answers of a QTI 1.2 entry."""
    assert [error.message.split(":")[0] for error in result.errors] == refused
    assert len(result.questions) == entry["items"]
    kinds = Counter(q.kind for q in result.questions)
    assert kinds == expected_kinds(entry.get("types", {}), QTI_KINDS)
    correct = entry.get("correct")
    if correct is None:
        return
    texts = label_texts(name)
    if isinstance(correct, dict):  # matching: prompt ident -> answer label ident
        [question] = result.questions
        pairs = {(p.prompt, p.answer) for p in question.pairs}
        assert {(texts[k], texts[v]) for k, v in correct.items()} <= pairs
    elif correct and isinstance(correct[0], list):  # numeric: accepted values per item
        got = [sorted(a.value for a in q.numeric if a.fraction > 0) for q in result.questions]
        assert got == [sorted(float(v) for v in values) for values in correct]
    else:  # choices: "IDENT" or "IDENT (label)"
        [question] = result.questions
        right = {c.text for c in question.choices if c.fraction > 0}
        assert right == {texts[item.split()[0]] for item in correct}


def test_multiple_answer_weights() -> None:
    """other/README.md: 7 choices, 4 at +25 and 3 at -10, graded as shares."""
    result = qti.parse(decode_upload(
        (CORPUS / "other/instructure-qti/items_1.2/multiple_answer.xml").read_bytes()))
    [question] = result.questions
    assert sorted(round(c.fraction, 6) for c in question.choices) == [-0.1] * 3 + [0.25] * 4


def test_moodle_files_and_round_trip() -> None:
    """Embedded files decode, and dump() output reads back to the same questions."""
    source = decode_upload((CORPUS / "other/QAS-Editor/moodle/all.xml").read_bytes())
    first = moodle_xml.parse(source)
    assert sum(len(q.files) for q in first.questions) >= 3
    gradable = [q for q in first.questions if q.importable]
    again = moodle_xml.parse(moodle_xml.dump(gradable))
    assert again.errors == []
    strip = [(q.kind, q.name, q.text, q.choices, q.numeric, q.pairs, q.files, q.category)
             for q in gradable]
    assert strip == [(q.kind, q.name, q.text, q.choices, q.numeric, q.pairs, q.files, q.category)
                     for q in again.questions]
