"""Where the shared conformance corpus lives, and what to do when it is absent."""

import os
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "conformance"
SUMMARY = CORPUS / "expected_summary.json"


def require_corpus() -> None:
    """Skip the calling module without the corpus; in CI, fail instead."""
    if SUMMARY.is_file():
        return
    message = f"conformance corpus not found at {CORPUS} (expected_summary.json missing)"
    if os.environ.get("CERTPREP_REQUIRE_CONFORMANCE") == "1":
        raise RuntimeError(message)
    pytest.skip(message, allow_module_level=True)
