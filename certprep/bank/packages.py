"""Uploaded bytes to parsed questions: a single text file, or a Canvas/IMS zip package.

Canvas exports a quiz as a zip (an IMS content package) holding imsmanifest.xml and one
QTI XML file per quiz; certprep reads every QTI file in it and ignores the rest.
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from pathlib import PurePosixPath

from certprep.bank import formats
from certprep.bank.formats.common import NOTHING_TO_IMPORT, nothing_to_import
from certprep.bank.formats.records import NotUtf8, ParseError, ParseResult, decode_upload

MAX_MEMBERS = 500
MAX_UNPACKED_BYTES = 25 * 1024 * 1024  # a zip bomb stops here, before anything is read
NOT_QTI = {"imsmanifest.xml", "assessment_meta.xml"}
# What Python's zipfile unpacks; Windows' "deflate64" and others it does not.
UNPACKABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
# Local file header, empty archive, spanned archive: how a zip file can begin.
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


class BadPackage(ValueError):
    """A zip that cannot be read as a question package; the message says why."""


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_SIGNATURES)


def package_texts(data: bytes) -> list[tuple[str, str]]:
    """(member name, text) of each QTI file in a zip package."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise BadPackage(f"The zip file cannot be opened ({error}). Export it again.") from error
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise BadPackage(f"The zip holds {len(members)} files; the limit is {MAX_MEMBERS}.")
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise BadPackage("The zip unpacks to more than 25 MB; export fewer quizzes at once.")
        texts = []
        unpacked = 0
        for member in members:
            name = PurePosixPath(member.filename)
            if name.suffix.lower() != ".xml" or name.name in NOT_QTI:
                continue
            content = read_member(archive, member, MAX_UNPACKED_BYTES - unpacked)
            unpacked += len(content)
            try:
                text = decode_upload(content)
            except NotUtf8 as error:
                raise BadPackage(f"{member.filename}: {error}") from error
            if formats.detect(text, name.name) == "qti":
                texts.append((member.filename, text))
    if not texts:
        raise BadPackage("The zip holds no QTI quiz file. In Canvas, export the quiz with "
                         "Settings > Export Course Content > Quiz, then upload that zip.")
    return texts


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, or BadPackage saying why they cannot be read.

    The sizes in a zip's headers are claims: reading stops past `limit` whatever they
    say, and a CRC or size that does not match the data is reported, not trusted.
    """
    where = f"{member.filename} in the zip"
    if member.flag_bits & 0x1:
        raise BadPackage(f"{where} is encrypted; export the quiz again without a password.")
    if member.compress_type not in UNPACKABLE:
        method = zipfile.compressor_names.get(member.compress_type, "an unknown method")
        raise BadPackage(
            f"{where} is compressed with {method} (method {member.compress_type}), which "
            "certprep cannot unpack; export the quiz again, or zip the files again with "
            "ordinary (deflate) compression.")
    try:
        with archive.open(member) as handle:
            content = handle.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as error:
        # bz2 reports a damaged stream as OSError; RuntimeError: a module zipfile lacks.
        raise BadPackage(f"{where} is damaged ({error or type(error).__name__}); "
                         "export the quiz again.") from error
    if len(content) > limit:
        raise BadPackage("The zip unpacks to more than 25 MB; export fewer quizzes at once.")
    if len(content) != member.file_size:  # zipfile checks the CRC only at the claimed end
        raise BadPackage(f"{where} is damaged (it holds {len(content)} bytes, but the zip "
                         f"says {member.file_size}); export the quiz again.")
    return content


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
            # A quiz of essays alone is fine beside others: the package as a whole counts.
            if not e.message.startswith(NOTHING_TO_IMPORT)
        ]
        combined.categories += [c for c in result.categories if c not in combined.categories]
    if not combined.errors and not any(q.importable for q in combined.questions):
        combined.errors.append(ParseError(0, nothing_to_import(combined.questions, "qti")))
    return combined
