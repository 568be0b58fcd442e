"""Entry states and the moves between them: one table, plain values in and out.

A move is (state, action, relation) -> new state. The relation is how the actor stands to
the entry, as `relation()` in hours/policy.py works it out: "owner" (the nurse who logged
it), "signer" (the supervisor the entry names), "admin", "system" (the app itself, when an
amendment is approved), "preceptor" (an external preceptor of the entry's site, through a
one-time link bound to the entry: approve or return, never reject), or "other".
"""

from __future__ import annotations

from dataclasses import dataclass

from certprep.hours.vocab import STATES

RELATIONS = ("owner", "signer", "admin", "system", "preceptor", "other")
ACTIONS = ("edit", "submit", "withdraw", "approve", "return", "reject", "amend", "reassign",
           "supersede")

EDITABLE = ("draft", "returned", "withdrawn")

# (state, action): {relation: new state}
TABLE: dict[tuple[str, str], dict[str, str]] = {
    **{(state, "edit"): {"owner": state} for state in EDITABLE},
    **{(state, "submit"): {"owner": "submitted"} for state in EDITABLE},
    ("submitted", "withdraw"): {"owner": "withdrawn"},
    ("submitted", "approve"): {"signer": "approved", "preceptor": "approved"},
    ("submitted", "return"): {"signer": "returned", "preceptor": "returned"},
    ("submitted", "reject"): {"signer": "rejected"},
    # The original stays approved and counted; the amendment is a new entry of its own.
    ("approved", "amend"): {"owner": "approved"},
    ("approved", "supersede"): {"system": "superseded"},
    **{(state, "reassign"): {"admin": state} for state in ("draft", "submitted", "returned",
                                                             "withdrawn")},
}

WHY_NOT = {
    "approved": "This entry is approved and locked. To correct it, create an amendment.",
    "superseded": "This entry was replaced by an approved amendment and cannot change.",
    "rejected": "This entry was rejected and cannot change. Log a new entry instead.",
    "submitted": "This entry is waiting for sign-off. Withdraw it first to change it.",
}


@dataclass(frozen=True)
class Move:
    allowed: bool
    state: str  # the new state when allowed, else the unchanged one
    reason: str = ""


def move(state: str, action: str, relation: str) -> Move:
    """What `action` by someone in `relation` does to an entry in `state`."""
    if state not in STATES or action not in ACTIONS or relation not in RELATIONS:
        raise ValueError(f"unknown state, action or relation: {state}, {action}, {relation}")
    by_relation = TABLE.get((state, action))
    if by_relation is None:
        return Move(False, state, WHY_NOT.get(state, f"An entry that is {STATES[state].lower()} "
                                                      f"cannot be changed that way."))
    if relation not in by_relation:
        return Move(False, state, "You cannot do that to this entry.")
    return Move(True, by_relation[relation])
