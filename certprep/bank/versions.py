"""A question's stored versions: its content as stored, its hash, and back to a record.

Grading, review, export and the edit form read versions through here; none of them needs
the importer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from certprep.bank.formats.records import Choice, MatchPair, NumericAnswer, ParsedQuestion
from certprep.bank.models import Question, QuestionVersion


def content_of(question: ParsedQuestion) -> dict:
    """The stored form of a question: the record without its position or raw files."""
    content = dataclasses.asdict(question)
    for key in ("line", "files", "skip_reason", "domain", "subdomain", "difficulty", "kind"):
        content.pop(key)
    return content


def content_hash(kind: str, meta: tuple, content: dict) -> str:
    canonical = json.dumps([kind, meta, content], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def add_version(
    question: Question, kind: str, meta: tuple, content: dict, digest: str,
    user_id: int | None, note: str,
) -> QuestionVersion:
    number = len(question.versions) + 1
    version = QuestionVersion(
        number=number, kind=kind, domain=meta[0], subdomain=meta[1], difficulty=meta[2],
        content=content, content_hash=digest, created_by_id=user_id, note=note,
    )
    question.versions.append(version)
    question.current = version
    return version


def to_record(version: QuestionVersion) -> ParsedQuestion:
    """A stored version back as a record, for export and for the edit form."""
    content = dict(version.content)
    content["choices"] = [Choice(**c) for c in content.get("choices", [])]
    content["numeric"] = [NumericAnswer(**n) for n in content.get("numeric", [])]
    content["pairs"] = [MatchPair(**p) for p in content.get("pairs", [])]
    return ParsedQuestion(
        line=0, kind=version.kind, domain=version.domain, subdomain=version.subdomain,
        difficulty=version.difficulty, **content,
    )
