"""Question file formats: detect which one a text is in, and parse it.

Every format module has `parse(text) -> ParseResult`. The modules are pure:
text in, records out, no Flask and no database. GIFT and Aiken live in
.gift and .aiken and are imported only when used.
"""

from __future__ import annotations

import importlib
import re
from pathlib import PurePath

from .records import ParseResult

# Format names, as shown to users and stored in ParseResult.format.
FORMATS = ("native", "gift", "aiken", "moodle-xml", "qti", "csv")

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
    if by_name in ("native", "csv", "moodle-xml", "qti"):
        return by_name  # its parser gives the clearest error for a damaged file
    return _aiken_or_gift(head, by_name)


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


def _aiken_or_gift(head: str, by_name: str | None) -> str:
    """Aiken when lines have its shape (options, then ANSWER:), else GIFT."""
    aiken = bool(_AIKEN_ANSWER.search(head)) and len(_AIKEN_OPTION.findall(head)) >= 2
    gift = bool(_GIFT_BLOCK.search(head))
    if aiken and gift:
        return by_name if by_name in ("aiken", "gift") else "gift"
    if aiken:
        return "aiken"
    if gift:
        return "gift"
    return by_name if by_name in ("aiken", "gift") else "gift"


def parse(text: str, format: str = "auto", filename: str | None = None) -> ParseResult:
    """Parse a text in the given format, or the detected one for "auto"."""
    name = detect(text, filename) if format == "auto" else format
    if name not in _MODULES:
        raise ValueError(f"unknown question format {format!r}; use one of {', '.join(FORMATS)}")
    module = importlib.import_module(f".{_MODULES[name]}", __package__)
    return module.parse(text)
