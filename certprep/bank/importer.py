"""Turning parsed question files into sets, questions and versions, in one transaction.

Plain functions over the session: the caller commits (or rolls back) once. Everything that
can be worked out before writing (sanitised text, content-addressed image names, hashes) is,
so the preview can say what an import would change and the write itself is one short flush.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import mimetypes
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload

from certprep.bank.formats.records import (
    KINDS,
    ParsedQuestion,
    ParseError,
    ParseResult,
)
from certprep.bank.models import Media, Question, QuestionSet, QuestionVersion
from certprep.bank.richtext import sanitise
from certprep.bank.versions import (
    content_hash,
    content_of,
    is_live,
    save_content,
    set_retired,
    title_and_preview,
)
from certprep.extensions import db
from certprep.timeutil import utcnow

# Images we accept from files, recognised by their first bytes, not their names.
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
              "image/webp": ".webp"}
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_QUESTIONS_PER_FILE = 5000  # the default of the MAX_QUESTIONS_PER_FILE setting


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


def check_importable(result: ParseResult, max_questions: int) -> ParseResult:
    """Add the reasons a parsed file cannot be imported as a whole to its errors.

    Preview, confirm and the command line all call this after parsing and then honour
    `result.errors`, so a refusal reads the same everywhere.
    """
    count = len(result.questions)
    if count > max_questions:
        result.errors.append(ParseError(0, (
            f"The file holds {count:,} questions; certprep imports at most "
            f"{max_questions:,} from one file. Split it into files of {max_questions:,} "
            "questions or fewer and upload each."
        )))
    if not result.errors and not any(q.importable for q in result.questions):
        # The parsers report this themselves with their reasons; this keeps the promise
        # for any result that reaches the importer without them.
        result.errors.append(ParseError(0, "The file holds no question that can be "
                                           "imported, so no set was made."))
    return result


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


def media_name(data: bytes, content_type: str) -> str:
    """An image's stored name: its SHA-256, so the same name always means the same bytes."""
    return hashlib.sha256(data).hexdigest() + EXTENSIONS[content_type]


def media_url(set_id: int, name: str) -> str:
    return f"/bank/media/{set_id}/{name}"


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


@dataclass
class Prepared:
    """One importable question as it would be stored."""

    position: int
    external_id: str
    kind: str
    meta: tuple
    content: dict
    digest: str  # empty until placed() when the question shows images
    media: list[str]  # stored names of the images it shows
    title: str
    preview: str


@dataclass
class PreparedFile:
    questions: list[Prepared] = field(default_factory=list)
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # name: data, type
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0
    set_id: int | None = None


# Image URLs point at their set; until the set is known (a new set gets its id when it is
# written) they point at set 0, which no set has.
UNPLACED = media_url(0, "")


def prepare(result: ParseResult) -> PreparedFile:
    """The file's questions as they would be stored: all the work an import does before it
    writes (sanitising, image names, titles, hashes), so the write itself is short."""
    prepared = PreparedFile()
    seen: set[str] = set()
    for position, parsed in enumerate(result.questions):
        if not parsed.importable:
            prepared.skipped += 1
            continue
        urls, used = {}, []
        for original, data in parsed.files.items():
            content_type = image_type(data)
            if content_type is None or len(data) > MAX_IMAGE_BYTES:
                guess = mimetypes.guess_type(original)[0] or "unknown"
                prepared.warnings.append(
                    f"line {parsed.line}: {original} ({guess}) was not kept: only PNG, JPEG, "
                    "GIF and WebP images up to 2 MB are."
                )
                continue
            name = media_name(data, content_type)
            prepared.images[name] = (data, content_type)
            urls[original] = media_url(0, name)
            used.append(name)
        external_id = external_id_for(parsed, seen)
        clean = sanitised(parsed, urls)
        meta = (clean.domain, clean.subdomain, clean.difficulty)
        content = content_of(clean)
        content["external_id"] = external_id
        digest = "" if used else content_hash(clean.kind, meta, content)
        prepared.questions.append(Prepared(
            position, external_id, clean.kind, meta, content, digest, used,
            *title_and_preview(content),
        ))
    return prepared


def placed(prepared: PreparedFile, set_id: int) -> PreparedFile:
    """Point the image URLs at the set and hash what shows images (quick: few do)."""
    if prepared.set_id == set_id:
        return prepared
    target = media_url(set_id, "")
    for item in prepared.questions:
        if item.media:
            item.content = json.loads(json.dumps(item.content).replace(
                json.dumps(UNPLACED)[1:-1], json.dumps(target)[1:-1]))
            item.digest = content_hash(item.kind, item.meta, item.content)
    prepared.set_id = set_id
    return prepared


@dataclass
class ImportReport:
    question_set: QuestionSet | None
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    restored: int = 0
    retired: int = 0
    skipped: int = 0
    waiting: bool = False  # the set is published: the changes wait for its next revision
    warnings: list[str] = field(default_factory=list)


def existing_questions(set_id: int) -> dict[str, Question]:
    """The set's questions by external id, with only the hashes of their versions."""
    hashes = (QuestionVersion.id, QuestionVersion.content_hash)
    return {q.external_id: q for q in db.session.scalars(
        select(Question).where(Question.set_id == set_id).options(
            selectinload(Question.current).load_only(*hashes),
            selectinload(Question.draft).load_only(*hashes),
        )
    )}


def plan(result: ParseResult, question_set: QuestionSet | None) -> ImportReport:
    """What importing the file into this set (None: a new set) would add, change and retire."""
    if question_set is None:
        importable = sum(q.importable for q in result.questions)
        return ImportReport(None, added=importable,
                            skipped=len(result.questions) - importable)
    prepared = placed(prepare(result), question_set.id)
    existing = existing_questions(question_set.id)
    report = ImportReport(question_set, skipped=prepared.skipped,
                          waiting=is_live(question_set), warnings=prepared.warnings)
    for item in prepared.questions:
        question = existing.get(item.external_id)
        if question is None:
            report.added += 1
            continue
        if question.will_be_retired:
            report.restored += 1
        working = question.draft or question.current
        if working is not None and working.content_hash == item.digest:
            report.unchanged += 1
        else:
            report.changed += 1
    seen = {item.external_id for item in prepared.questions}
    report.retired = sum(
        1 for external_id, q in existing.items()
        if external_id not in seen and not q.will_be_retired
    )
    return report


def unique_slug(base: str) -> str:
    """`base`, or `base-2`, `base-3`... when a set already has it (one query)."""
    base = base[:74]
    taken = set(db.session.scalars(
        select(QuestionSet.slug).where(QuestionSet.slug.startswith(base, autoescape=True))
    ))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_set(result: ParseResult, *, title: str, slug: str, description: str = "",
               owner_id: int | None = None, status: str = "draft") -> QuestionSet:
    question_set = QuestionSet(
        slug=unique_slug(slug), title=title[:200], description=description,
        source_format=result.format, owner_id=owner_id, status=status,
    )
    db.session.add(question_set)
    db.session.flush()
    return question_set


def import_into(question_set: QuestionSet, prepared: PreparedFile, *, user_id: int | None,
                new: bool = False, description: str = "", source_format: str) -> ImportReport:
    """Match the prepared questions to the set's by external id: add, version what changed,
    retire what the file no longer has. In a published set the changes wait for the next
    revision. Prepare the file first (before anything is written: see import_result)."""
    live = is_live(question_set) and not new
    prepared = placed(prepared, question_set.id)
    report = ImportReport(question_set, skipped=prepared.skipped, waiting=live,
                          warnings=prepared.warnings)
    images = stored_images(question_set.id, prepared.images)
    existing = {} if new else existing_questions(question_set.id)
    for item in prepared.questions:
        question = existing.get(item.external_id)
        if question is None:
            question = Question(external_id=item.external_id, question_set=question_set)
            db.session.add(question)
            report.added += 1
        elif set_retired(question, False, live=live):
            report.restored += 1
        question.position = item.position
        changed = save_content(
            question, item.kind, item.meta, item.content, user_id=user_id, note="imported",
            live=live, media=[images[name] for name in item.media], digest=item.digest,
            title=item.title, preview=item.preview,
        )
        if question.id is not None:
            report.changed += changed
            report.unchanged += not changed
    seen = {item.external_id for item in prepared.questions}
    for external_id, question in existing.items():
        if external_id not in seen and set_retired(question, True, live=live):
            report.retired += 1
    question_set.source_format = source_format
    question_set.description = description or question_set.description
    question_set.updated_at = utcnow()
    db.session.flush()
    return report


def import_result(
    result: ParseResult,
    *,
    title: str,
    slug: str | None = None,
    description: str = "",
    owner_id: int | None = None,
    status: str = "draft",
) -> ImportReport:
    """The command line's way: update the set with this slug when one exists, else create
    it. Raises ValueError when the result has errors."""
    if result.errors:
        raise ValueError(f"{len(result.errors)} errors in the file; nothing was imported")
    prepared = prepare(result)  # before the first write: SQLite locks from there to commit
    slug = slug or slugify(title)
    question_set = db.session.scalar(select(QuestionSet).where(QuestionSet.slug == slug))
    if question_set is not None:
        return import_into(question_set, prepared, user_id=owner_id, description=description,
                           source_format=result.format)
    question_set = create_set(result, title=title, slug=slug, description=description,
                              owner_id=owner_id, status=status)
    return import_into(question_set, prepared, user_id=owner_id, new=True,
                       source_format=result.format)


def stored_images(set_id: int, images: dict[str, tuple[bytes, str]]) -> dict[str, Media]:
    """The set's rows for these images, adding the ones it lacks; no stored bytes are read."""
    if not images:
        return {}
    rows = {m.name: m for m in db.session.scalars(
        select(Media).where(Media.set_id == set_id, Media.name.in_(images))
        .options(load_only(Media.id, Media.name))
    )}
    for name, (data, content_type) in images.items():
        if name not in rows:
            rows[name] = Media(set_id=set_id, name=name, content_type=content_type, data=data)
            db.session.add(rows[name])
    return rows
