"""The entry states as a table: (state, action, relation) -> allowed, new state."""

import itertools

import pytest

from certprep.hours.transitions import ACTIONS, RELATIONS, move
from certprep.hours.vocab import STATES

# Every allowed move; everything else is refused and leaves the state as it was.
ALLOWED = {
    ("draft", "edit", "owner"): "draft",
    ("draft", "submit", "owner"): "submitted",
    ("returned", "edit", "owner"): "returned",
    ("returned", "submit", "owner"): "submitted",
    ("withdrawn", "edit", "owner"): "withdrawn",
    ("withdrawn", "submit", "owner"): "submitted",
    ("submitted", "withdraw", "owner"): "withdrawn",
    ("submitted", "approve", "signer"): "approved",
    ("submitted", "return", "signer"): "returned",
    ("submitted", "reject", "signer"): "rejected",
    ("submitted", "approve", "preceptor"): "approved",
    ("submitted", "return", "preceptor"): "returned",
    ("approved", "amend", "owner"): "approved",
    ("approved", "supersede", "system"): "superseded",
    ("draft", "reassign", "admin"): "draft",
    ("submitted", "reassign", "admin"): "submitted",
    ("returned", "reassign", "admin"): "returned",
    ("withdrawn", "reassign", "admin"): "withdrawn",
}


@pytest.mark.parametrize(("state", "action", "relation"),
                         list(itertools.product(STATES, ACTIONS, RELATIONS)))
def test_every_move(state, action, relation):
    result = move(state, action, relation)
    expected = ALLOWED.get((state, action, relation))
    assert result.allowed == (expected is not None)
    assert result.state == (expected or state)
    if not result.allowed:
        assert result.reason


@pytest.mark.parametrize("action", ["edit", "submit", "withdraw", "approve", "return"])
def test_an_approved_entry_is_locked_and_says_how_to_correct_it(action):
    result = move("approved", action, "owner")
    assert not result.allowed and "amendment" in result.reason


def test_the_nurse_never_approves_and_admins_do_not_sign():
    assert not move("submitted", "approve", "owner").allowed
    assert not move("submitted", "approve", "admin").allowed
    assert not move("submitted", "approve", "other").allowed


def test_unknown_words_are_a_programming_error():
    with pytest.raises(ValueError):
        move("lost", "edit", "owner")
