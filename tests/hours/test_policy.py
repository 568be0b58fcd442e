"""Object rules as tables of role x relation (own, named, same site, other site)."""

from types import SimpleNamespace

import pytest

from certprep.hours.policy import can_amend, can_edit, can_reassign, can_sign, can_view, relation

SITE, OTHER_SITE = 1, 2


class Person(SimpleNamespace):
    is_authenticated = True
    is_active = True

    def has_role(self, *names):
        return bool(set(self.roles) & set(names))


def entry(state="submitted", nurse=10, supervisor=20, site=SITE):
    return SimpleNamespace(nurse_id=nurse, supervisor_id=supervisor, site_id=site, state=state)


# (roles, user id, the user's sites, entry) -> (relation, can_sign, can_view)
CASES = [
    ("own entry, nurse", {"nurse"}, 10, {SITE}, entry(), "owner", False, True),
    ("own entry, nurse who also supervises", {"nurse", "supervisor"}, 10, {SITE},
     entry(supervisor=10), "owner", False, True),
    ("named supervisor at the site", {"supervisor"}, 20, {SITE}, entry(), "signer", True, True),
    ("named supervisor who left the site", {"supervisor"}, 20, {OTHER_SITE}, entry(), "other",
     False, False),
    ("named but no longer a supervisor", {"nurse"}, 20, {SITE}, entry(), "other", False, False),
    ("another supervisor at the same site", {"supervisor"}, 30, {SITE}, entry(), "other",
     False, False),
    ("a supervisor at another site", {"supervisor"}, 40, {OTHER_SITE}, entry(), "other",
     False, False),
    ("admin", {"admin"}, 50, set(), entry(), "admin", False, True),
    ("admin who is the nurse", {"admin", "nurse"}, 10, {SITE}, entry(), "owner", False, True),
    ("educator", {"educator"}, 60, {SITE}, entry(), "other", False, False),
]


@pytest.mark.parametrize(("case", "roles", "user_id", "sites", "item", "rel", "sign", "view"),
                         CASES, ids=[c[0] for c in CASES])
def test_relation_sign_and_view(case, roles, user_id, sites, item, rel, sign, view):
    user = Person(id=user_id, roles=roles)
    assert relation(user, item, sites) == rel
    assert can_sign(user, item, sites) is sign
    assert can_view(user, item, sites) is view


def test_a_deactivated_supervisor_signs_nothing():
    user = Person(id=20, roles={"supervisor"}, is_active=False)
    assert not can_sign(user, entry(), {SITE})


@pytest.mark.parametrize(("state", "editable"), [
    ("draft", True), ("returned", True), ("withdrawn", True), ("submitted", False),
    ("approved", False), ("rejected", False), ("superseded", False)])
def test_the_nurse_edits_only_open_entries(state, editable):
    assert can_edit(Person(id=10, roles={"nurse"}), entry(state=state)) is editable
    assert not can_edit(Person(id=50, roles={"admin"}), entry(state=state))


def test_only_admins_reassign_and_not_after_approval():
    assert can_reassign(Person(id=50, roles={"admin"}), entry())
    assert not can_reassign(Person(id=50, roles={"admin"}), entry(state="approved"))
    assert not can_reassign(Person(id=20, roles={"supervisor"}), entry(), )


@pytest.mark.parametrize(("state", "amendable"), [
    ("approved", True), ("draft", False), ("submitted", False), ("returned", False),
    ("rejected", False), ("withdrawn", False), ("superseded", False),
])
def test_only_the_nurse_amends_and_only_an_approved_entry(state, amendable):
    assert can_amend(Person(id=10, roles={"nurse"}), entry(state=state)) is amendable
    assert not can_amend(Person(id=50, roles={"admin"}), entry(state=state))
    assert not can_amend(Person(id=20, roles={"supervisor"}), entry(state=state))
