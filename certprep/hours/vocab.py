"""The one source of the hours vocabulary: activity categories and entry states.

Forms, CHECK constraints, the CSV importer, templates and tests read them from here.
"""

# CSV key: what a person reads
CATEGORIES = {
    "direct_care": "Direct patient care and assessment",
    "medication": "Medication management",
    "procedures": "Procedures and regional analgesia",
    "education": "Patient and family education",
    "rounds": "Interdisciplinary rounds and care planning",
    "program": "Pain program, quality improvement or research",
    "other": "Other",
}

STATES = {
    "draft": "Draft",
    "submitted": "Submitted for sign-off",
    "approved": "Approved",
    "returned": "Returned: needs information",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    # An approved entry whose amendment was approved: it stops counting, and stays on record.
    "superseded": "Replaced by an approved amendment",
}

MINUTES_STEP = 15  # entries are in quarter hours
MAX_MINUTES_PER_DAY = 24 * 60
LATE_LIMIT_DAYS = 30  # default for the late_entry_days setting


def in_list(column: str, values) -> str:
    """SQL for a CHECK that `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"
