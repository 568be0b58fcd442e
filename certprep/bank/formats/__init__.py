"""Question file formats: detect which one a text is in, and parse it.

Every format module has `parse(text) -> ParseResult`, decorated with
common.reader(), so every format goes through one finishing step: the
gradability rule (records.gradable_problems), text the database can store,
the length limits (records.LIMITS), and the refusal of a file from which
nothing can be imported. The modules are pure: text in, records out, no Flask
and no database; they share helpers through common.py, never each other. A
module is imported only when its format is used.
"""

from __future__ import annotations

import importlib
import re
from pathlib import PurePath

from .records import ParseError, ParseResult

# Format names, as shown to users and stored in ParseResult.format.
FORMATS = ("native", "gift", "aiken", "moodle-xml", "qti", "csv")
# How messages name them.
LABELS = {"native": "certprep's native YAML", "gift": "GIFT", "aiken": "Aiken",
          "moodle-xml": "Moodle XML", "qti": "QTI 1.2", "csv": "certprep CSV"}

_MODULES = {
    "native": "native",
    "gift": "gift",
    "aiken": "aiken",
    "moodle-xml": "moodle_xml",
    "qti": "qti",
    "csv": "csv_format",
}
_EXTENSIONS = {
    ".yaml": "native", ".yml": "native", ".json": "native",
    ".gift": "gift", ".aiken": "aiken",
    ".xml": "moodle-xml", ".qti": "qti",
    ".csv": "csv",
}  # fmt: skip
_QTI_ROOTS = frozenset({"questestinterop", "item", "assessment", "section", "objectbank",
                        "assessmentItem", "assessmentTest", "qti-assessment-item"})
_SNIFF = 65536  # the root element and the first lines are near the start
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_NATIVE = re.compile(r"""^"?format"?[ \t]*:[ \t]*["']?certprep-native/1["']?[ \t]*(?:,[ \t]*)?$""",
                     re.MULTILINE)
_NATIVE_JSON = re.compile(r'"format"\s*:\s*"certprep-native/1"')
_AIKEN_ANSWER = re.compile(r"^[ \t]*ANSWER:[ \t]*[A-Z]", re.MULTILINE)
_AIKEN_OPTION = re.compile(r"^[ \t]*[A-Z][.)]", re.MULTILINE)
_GIFT_BLOCK = re.compile(r"(?<!\\)\{")


def detect(text: str, filename: str | None = None) -> str:
    """The likeliest format of a text; the filename's extension breaks ties."""
    head = text[:_SNIFF].lstrip("\ufeff \t\n")
    by_name = _EXTENSIONS.get(PurePath(filename).suffix.lower()) if filename else None
    if head.startswith("<"):
        root = _xml_root(head)
        if root in _QTI_ROOTS:
            return "qti"
        # For another root, the Moodle parser explains best what it expected.
        return "qti" if root != "quiz" and by_name == "qti" else "moodle-xml"
    if _NATIVE.search(head) or _NATIVE_JSON.search(head):
        return "native"
    if _is_csv_header(head):
        return "csv"
    if by_name in ("native", "csv"):
        return by_name  # its parser gives the clearest error for a damaged file
    if by_name in ("moodle-xml", "qti"):
        # Text that is not markup is no XML file, whatever its name, if it has a shape.
        shape = _shape(head)
        return by_name if shape is None else "gift" if shape == "both" else shape
    return _aiken_or_gift(head, by_name)


def _unmistakable(text: str) -> str | None:
    """The format a text's content proves (an XML root, the native line, the CSV header)."""
    head = text[:_SNIFF].lstrip("\ufeff \t\n")
    if head.startswith("<"):
        root = _xml_root(head)
        return "qti" if root in _QTI_ROOTS else "moodle-xml" if root == "quiz" else None
    if _NATIVE.search(head) or _NATIVE_JSON.search(head):
        return "native"
    return "csv" if _is_csv_header(head) else None


def _xml_root(head: str) -> str:
    """The local name of the first element, skipping declarations and comments."""
    for match in _ROOT.finditer(_COMMENT.sub("", head)):
        return match.group(2)
    return ""


def _is_csv_header(head: str) -> bool:
    """True when the first line names certprep's key CSV columns."""
    first = head.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    cells = {cell.strip().strip('"').lower() for cell in first.split(delimiter)}
    return {"type", "stem", "correct"} <= cells


def _shape(head: str) -> str | None:
    """'aiken' or 'gift' when lines have that format's shape, 'both', or None."""
    aiken = bool(_AIKEN_ANSWER.search(head)) and len(_AIKEN_OPTION.findall(head)) >= 2
    gift = bool(_GIFT_BLOCK.search(head))
    return "both" if aiken and gift else "aiken" if aiken else "gift" if gift else None


def _aiken_or_gift(head: str, by_name: str | None) -> str:
    """Aiken when lines have its shape (options, then ANSWER:), else GIFT."""
    shape = _shape(head)
    if shape in ("aiken", "gift"):
        return shape
    return by_name if by_name in ("aiken", "gift") else "gift"


def parse(text: str, format: str = "auto", filename: str | None = None) -> ParseResult:
    """Parse a text in the given format, or the detected one for "auto".

    When the format was chosen and the text is plainly another one, the first error
    says so (a native file read as GIFT can even "succeed", with nonsense questions).
    """
    name = detect(text, filename) if format == "auto" else format
    if name not in _MODULES:
        raise ValueError(f"unknown question format {format!r}; use one of {', '.join(FORMATS)}")
    result = _parser(name)(text)
    if format != "auto":
        hint = _other_format(text, name, result)
        if hint:
            result.errors.insert(0, ParseError(0, hint))
    return result


def _parser(name: str):
    return importlib.import_module(f".{_MODULES[name]}", __package__).parse


def _other_format(text: str, chosen: str, result: ParseResult) -> str | None:
    """Why a text read in the chosen format is really in another, or None."""
    other = _unmistakable(text)
    if other is None and not result.ok:
        # Aiken and GIFT prove nothing by their look; try the other one.
        guess = _aiken_or_gift(text[:_SNIFF], None)
        other = guess if guess != chosen and _parser(guess)(text).ok else None
    if other is None or other == chosen:
        return None
    return (f'This file reads as {LABELS[other]}, not {LABELS[chosen]}: import it with the '
            f'format "{other}" (or "auto", which recognises it).')
