"""Turning parsed question files into sets, questions and versions, in one transaction.

Plain functions over the session: the caller commits (or rolls back) once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import mimetypes
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certprep.bank.formats.records import (
    KINDS,
    ParsedQuestion,
    ParseResult,
)
from certprep.bank.models import Media, Question, QuestionSet
from certprep.bank.richtext import sanitise
from certprep.bank.versions import add_version, content_hash, content_of
from certprep.extensions import db

# Images we accept from files, recognised by their first bytes, not their names.
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def summary(result: ParseResult, filename: str) -> dict:
    """The `bank import --json` contract: what the file holds and what is wrong with it."""
    by_type = dict.fromkeys(KINDS, 0)
    by_type.update(Counter(q.kind for q in result.questions))
    return {
        "file": filename,
        "format": result.format,
        "questions": len(result.questions),
        "by_type": by_type,
        "importable": sum(q.importable for q in result.questions),
        "skipped": [
            {"line": q.line, "type": q.kind, "reason": q.skip_reason or "not supported"}
            for q in result.questions
            if not q.importable
        ],
        "errors": [{"line": e.line, "message": e.message} for e in result.errors],
        "categories": result.categories,
    }


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:80] or "question-set"


def sanitised(question: ParsedQuestion, media_urls: dict[str, str]) -> ParsedQuestion:
    """A copy with unsafe HTML removed and embedded-file references pointed at our server."""

    def clean(text: str, text_format: str) -> str:
        for name, url in media_urls.items():
            text = text.replace(f"@@PLUGINFILE@@/{name}", url)
        return sanitise(text, text_format)

    q = dataclasses.replace(question)
    q.text = clean(q.text, q.text_format)
    q.general_feedback = clean(q.general_feedback, q.general_feedback_format)
    q.choices = [
        dataclasses.replace(
            c, text=clean(c.text, c.text_format), feedback=clean(c.feedback, c.feedback_format)
        )
        for c in q.choices
    ]
    q.pairs = [dataclasses.replace(p, prompt=clean(p.prompt, p.prompt_format)) for p in q.pairs]
    q.numeric = [
        dataclasses.replace(n, feedback=clean(n.feedback, q.text_format)) for n in q.numeric
    ]
    return q


def image_type(data: bytes) -> str | None:
    for signature, content_type in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass
class ImportReport:
    question_set: QuestionSet
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


def external_id_for(question: ParsedQuestion, taken: set[str]) -> str:
    """The file's own id, or a stable one made from the question's name and text."""
    base = question.external_id or (
        "auto-" + hashlib.sha1(  # noqa: S324 - an identifier, not security
            (question.name + "\n" + question.text).encode()
        ).hexdigest()[:12]
    )
    candidate, number = base[:120], 2
    while candidate in taken:
        candidate, number = f"{base[:110]}-{number}", number + 1
    taken.add(candidate)
    return candidate


def import_result(
    result: ParseResult,
    *,
    title: str,
    slug: str | None = None,
    description: str = "",
    owner_id: int | None = None,
    status: str = "draft",
) -> ImportReport:
    """Create the set, or update it when it exists: match by external id, version changes,
    retire what the file no longer has. Raises ValueError when the result has errors."""
    if result.errors:
        raise ValueError(f"{len(result.errors)} errors in the file; nothing was imported")
    slug = slug or slugify(title)
    question_set = db.session.scalar(select(QuestionSet).where(QuestionSet.slug == slug))
    if question_set is None:
        question_set = QuestionSet(
            slug=slug, title=title, description=description, source_format=result.format,
            owner_id=owner_id, status=status,
        )
        db.session.add(question_set)
        db.session.flush()
    else:
        question_set.title, question_set.source_format = title, result.format
        question_set.description = description or question_set.description
    report = ImportReport(question_set)
    media_urls = store_media(question_set, result, report)
    existing = {q.external_id: q for q in db.session.scalars(
        select(Question).where(Question.set_id == question_set.id)
        .options(selectinload(Question.versions), selectinload(Question.current))
    )}
    seen: set[str] = set()
    for position, parsed in enumerate(result.questions):
        if not parsed.importable:
            report.skipped += 1
            continue
        external_id = external_id_for(parsed, seen)
        clean = sanitised(parsed, media_urls)
        meta = (clean.domain, clean.subdomain, clean.difficulty)
        content = content_of(clean)
        content["external_id"] = external_id
        digest = content_hash(clean.kind, meta, content)
        question = existing.get(external_id)
        if question is None:
            question = Question(external_id=external_id, question_set=question_set)
            db.session.add(question)
            report.added += 1
        elif question.current is not None and question.current.content_hash == digest:
            question.position, question.retired = position, False
            report.unchanged += 1
            continue
        else:
            report.changed += 1
        question.position, question.retired = position, False
        add_version(question, clean.kind, meta, content, digest, owner_id, "imported")
    for external_id, question in existing.items():
        if external_id not in seen and not question.retired:
            question.retired = True
            report.retired += 1
    return report


def store_media(question_set: QuestionSet, result: ParseResult, report) -> dict[str, str]:
    """Keep embedded images that really are images; return name -> URL for the text."""
    urls: dict[str, str] = {}
    stored = {m.name: m for m in db.session.scalars(
        select(Media).where(Media.set_id == question_set.id)
    )}
    for question in result.questions:
        for name, data in question.files.items():
            content_type = image_type(data)
            if content_type is None or len(data) > MAX_IMAGE_BYTES:
                guess = mimetypes.guess_type(name)[0] or "unknown"
                report.warnings.append(
                    f"line {question.line}: {name} ({guess}) was not kept: only PNG, JPEG, "
                    "GIF and WebP images up to 2 MB are."
                )
                continue
            media = stored.get(name)
            if media is None:
                media = Media(set_id=question_set.id, name=name[:200])
                stored[name] = media
                db.session.add(media)
            media.content_type, media.data = content_type, data
            urls[name] = f"/bank/media/{question_set.id}/{quote(name)}"
    return urls
