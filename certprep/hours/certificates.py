"""Certificate files: the type is read from the content, never from the name or the
browser's claim."""

from __future__ import annotations

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
MAX_BYTES = 2 * 1024 * 1024


def content_type(data: bytes) -> str | None:
    """The file's type from its first bytes, or None when it is not a PDF, PNG or JPEG."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def problem(data: bytes, limit: int = MAX_BYTES) -> str | None:
    """Why this certificate is refused, or None."""
    if not data:
        return "The file is empty."
    if len(data) > limit:
        return f"The file is larger than {limit // (1024 * 1024)} MB: scan it at a lower size."
    if content_type(data) is None:
        return "The file is not a PDF, PNG or JPEG (its content was checked, not its name)."
    return None
