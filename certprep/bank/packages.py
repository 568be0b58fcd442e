"""Uploaded bytes to parsed questions: a single text file, or a Canvas/IMS zip package.

Canvas exports a quiz as a zip (an IMS content package) holding imsmanifest.xml and one
QTI XML file per quiz; certprep reads every QTI file in it and ignores the rest.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from certprep.bank import formats
from certprep.bank.formats.records import NotUtf8, ParseError, ParseResult, decode_upload

MAX_MEMBERS = 500
MAX_UNPACKED_BYTES = 25 * 1024 * 1024  # a zip bomb stops here, before anything is read
NOT_QTI = {"imsmanifest.xml", "assessment_meta.xml"}


class BadPackage(ValueError):
    """A zip that cannot be read as a question package; the message says why."""


def is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def package_texts(data: bytes) -> list[tuple[str, str]]:
    """(member name, text) of each QTI file in a zip package."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise BadPackage(f"The zip file cannot be opened ({error}). Export it again.") from error
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise BadPackage(f"The zip holds {len(members)} files; the limit is {MAX_MEMBERS}.")
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise BadPackage("The zip unpacks to more than 25 MB; export fewer quizzes at once.")
        texts = []
        for member in members:
            name = PurePosixPath(member.filename)
            if name.suffix.lower() != ".xml" or name.name in NOT_QTI:
                continue
            try:
                text = decode_upload(archive.read(member))
            except NotUtf8 as error:
                raise BadPackage(f"{member.filename}: {error}") from error
            if formats.detect(text, name.name) == "qti":
                texts.append((member.filename, text))
    if not texts:
        raise BadPackage("The zip holds no QTI quiz file. In Canvas, export the quiz with "
                         "Settings > Export Course Content > Quiz, then upload that zip.")
    return texts


def readable_texts(data: bytes, filename: str) -> list[tuple[str, str]]:
    """(name, text) of each question file in an upload; NotUtf8 or BadPackage says why not."""
    if is_zip(data):
        return package_texts(data)
    return [(filename, decode_upload(data))]


def parse_upload(data: bytes, filename: str, file_format: str = "auto") -> ParseResult:
    """Parse an upload; raises NotUtf8 or BadPackage with a message for the person."""
    texts = readable_texts(data, filename)
    if not is_zip(data):
        return formats.parse(texts[0][1], format=file_format, filename=filename)
    combined = ParseResult(format="qti")
    for member, text in texts:
        result = formats.parse(text, format="qti", filename=member)
        combined.questions += result.questions
        combined.errors += [
            ParseError(e.line, f"{member}: {e.message}" if len(texts) > 1 else e.message)
            for e in result.errors
        ]
        combined.categories += [c for c in result.categories if c not in combined.categories]
    return combined
