"""GIFT and Aiken readers against the shared conformance corpus (expected_summary.json).

`questions` counts what Moodle 4.5 would import: every non-category question,
descriptions and essays included; category switches are not questions, and a
question with an error is not imported.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from certprep.bank.formats import aiken, gift
from certprep.bank.formats.common import NOTHING_TO_IMPORT
from certprep.bank.formats.records import KINDS, NotUtf8, decode_upload
from tests.bank.corpus import (
    CORPUS,
    MOODLE_KINDS,
    SUMMARY,
    UNGRADABLE_BY_CERTPREP,
    nothing_to_import,
    require_corpus,
)

require_corpus()

PARSERS = {"gift": gift.parse, "aiken": aiken.parse}


def entries() -> list[tuple[str, dict]]:
    """The gift and aiken entries of expected_summary.json, in file order."""
    files = json.loads(SUMMARY.read_text(encoding="utf-8"))["files"]
    return [(name, entry) for name, entry in files.items() if entry.get("format") in PARSERS]


ENTRIES = entries()


def expected_kinds(types: dict[str, int]) -> Counter[str]:
    """Map Moodle type counts onto our kinds; unknown types count as 'other'."""
    kinds: Counter[str] = Counter()
    for moodle_type, count in types.items():
        kinds[MOODLE_KINDS.get(moodle_type, "other")] += count
    return kinds


def test_corpus_has_gift_and_aiken_entries():
    formats = Counter(entry["format"] for _, entry in ENTRIES)
    assert formats["gift"] > 0 and formats["aiken"] > 0


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[name for name, _ in ENTRIES])
def test_conformance(name, entry):
    data = (CORPUS / name).read_bytes()
    if entry.get("reject"):
        with pytest.raises(NotUtf8):
            decode_upload(data)
        return
    result = PARSERS[entry["format"]](decode_upload(data))
    assert result.format == entry["format"]
    kinds = Counter(question.kind for question in result.questions)
    assert set(kinds) <= set(KINDS)
    assert len(result.questions) == entry["questions"]
    assert kinds == expected_kinds(entry.get("types", {}))
    refused = [NOTHING_TO_IMPORT] if nothing_to_import(name, entry) else []
    if entry["format"] == "gift":
        assert result.categories == entry.get("categories", [])
        assert [error.message.split(":")[0] for error in result.errors] == refused
    else:
        assert [error.message for error in result.errors] == entry.get("errors", []) + refused
    if name in UNGRADABLE_BY_CERTPREP:
        assert UNGRADABLE_BY_CERTPREP[name] in result.errors[0].message
