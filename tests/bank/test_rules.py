"""Who may change a set: the object rules as a table of role x relation x state, and the
pages that call them."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from certprep.bank import formats, rules
from certprep.bank.importer import import_result
from certprep.bank.models import PendingUpload, QuestionSet, SetEditor
from certprep.extensions import db
from tests.conftest import login, post_form


def person(*roles, user_id=7):
    return SimpleNamespace(id=user_id, has_role=lambda *names: bool(set(roles) & set(names)))


# role, relation, set state: (view, edit, manage co-editors)
TABLE = [
    ("educator", "own", "draft", (True, True, True)),
    ("educator", "own", "published", (True, True, True)),
    ("educator", "own", "retired", (True, True, True)),
    ("educator", "co-editor", "draft", (True, True, False)),
    ("educator", "co-editor", "published", (True, True, False)),
    ("educator", "other", "draft", (False, False, False)),
    ("educator", "other", "retired", (False, False, False)),
    ("educator", "other", "published", (True, False, False)),
    ("admin", "other", "draft", (True, True, True)),
    ("admin", "other", "published", (True, True, True)),
    ("nurse", "own", "published", (False, False, False)),
    ("nurse", "other", "published", (False, False, False)),
    ("supervisor", "co-editor", "draft", (False, False, False)),
]


@pytest.mark.parametrize(("role", "relation", "status", "expected"), TABLE)
def test_set_rules(role, relation, status, expected):
    user, question_set = person(role), SimpleNamespace(status=status)
    assert (rules.can_view_set(user, question_set, relation),
            rules.can_edit_set(user, question_set, relation),
            rules.can_manage_editors(user, question_set, relation)) == expected
    assert rules.can_export_set(user, question_set, relation) == expected[0]


@pytest.mark.parametrize(("role", "relation", "status", "live", "expected"), [
    ("nurse", "other", "published", True, True),
    ("nurse", "other", "published", False, False),  # only retired questions show it
    ("nurse", "other", "draft", False, False),
    ("educator", "other", "published", False, True),
    ("educator", "other", "draft", False, False),
    ("educator", "own", "draft", False, True),
])
def test_media_rule(role, relation, status, live, expected):
    question_set = SimpleNamespace(status=status)
    assert rules.can_see_media(person(role), question_set, relation, live=live) == expected


@pytest.mark.parametrize(("owner_id", "expected"), [(7, True), (8, False)])
def test_only_the_uploader_uses_an_upload(owner_id, expected):
    for role in ("educator", "admin"):
        pending = SimpleNamespace(owner_id=owner_id)
        assert rules.can_use_upload(person(role, user_id=7), pending) == expected


def test_the_list_filter_agrees_with_the_rule(app, make_user):
    """viewable_sets (the set list's query) shows exactly what can_view_set allows."""
    me, other = make_user("educator"), make_user("educator")
    admin = make_user("admin")
    made = {}
    for relation in rules.RELATIONS:
        for status in ("draft", "published", "retired"):
            owner = me if relation == "own" else other
            question_set = QuestionSet(slug=f"{relation}-{status}", title="t", status=status,
                                       source_format="gift", owner_id=owner.id)
            if relation == "co-editor":
                question_set.editors.append(SetEditor(user_id=me.id))
            db.session.add(question_set)
            made[question_set.slug] = (question_set, relation)
    db.session.commit()
    for user in (me, admin):
        listed = set(db.session.scalars(
            select(QuestionSet.slug).where(rules.viewable_sets(user))))
        allowed = {slug for slug, (s, relation) in made.items()
                   if rules.can_view_set(user, s, relation if user is me else "other")}
        assert listed == allowed


# The pages ---------------------------------------------------------------------------

GIFT = "::Naloxone:: Which drug reverses an opioid? {=naloxone ~flumazenil}\n"


@pytest.fixture
def sets(app, make_user):
    """A draft and a published set owned by one educator, with a co-editor."""
    owner, co_editor = make_user("educator"), make_user("educator")
    made = {}
    for status in ("draft", "published"):
        report = import_result(formats.parse(GIFT, format="gift"), title=f"Set {status}",
                               owner_id=owner.id, status=status)
        report.question_set.editors.append(SetEditor(user_id=co_editor.id))
        made[status] = report.question_set
    db.session.commit()
    return {"own": owner, "co-editor": co_editor, **made}


def sign_in_as(client, user):
    """Sign out whoever is signed in, then sign in as `user`."""
    post_form(client, "/logout", {}, form_page="/")
    assert login(client, user.email).status_code == 302


ROUTES = [  # what each relation gets: (own, co-editor, other educator)
    ("GET", "/bank/sets/{id}", {"draft": (200, 200, 404), "published": (200, 200, 200)}),
    ("GET", "/bank/sets/{id}/export/gift",
     {"draft": (200, 200, 404), "published": (200, 200, 200)}),
    ("GET", "/bank/questions/{qid}",
     {"draft": (200, 200, 404), "published": (200, 200, 200)}),
    ("GET", "/bank/questions/{qid}/edit",
     {"draft": (200, 200, 404), "published": (200, 200, 403)}),
    ("GET", "/bank/sets/{id}/publish", {"draft": (200, 200, 404), "published": (302, 302, 403)}),
    ("POST", "/bank/questions/{qid}/retire",
     {"draft": (302, 302, 404), "published": (302, 302, 403)}),
    ("POST", "/bank/sets/{id}/editors", {"draft": (302, 403, 404), "published": (302, 403, 403)}),
    # Last: taking the published set back to draft changes what the rows above expect.
    ("POST", "/bank/sets/{id}/status", {"draft": (302, 302, 404), "published": (302, 302, 403)}),
]


@pytest.mark.parametrize("relation", ["own", "co-editor", "other"])
def test_pages_follow_the_rules(client, make_user, sets, relation):
    sign_in_as(client, sets.get(relation) or make_user("educator"))
    answers, expected = {}, {}
    for status in ("draft", "published"):
        question_set = sets[status]
        for method, path, statuses in ROUTES:
            url = path.format(id=question_set.id, qid=question_set.questions[0].id)
            if method == "GET":
                response = client.get(url)
            else:
                response = post_form(client, url, {"status": "draft", "retired": "1",
                                                   "email": "x@example.com"},
                                     form_page="/bank/")
            answers[status, method, path] = response.status_code
            expected[status, method, path] = statuses[status][
                ("own", "co-editor", "other").index(relation)]
    assert answers == expected


def test_drafts_of_others_are_not_listed(client, make_user, sets):
    sign_in_as(client, make_user("educator"))
    page = client.get("/bank/").get_data(as_text=True)
    assert "Set published" in page and "Set draft" not in page
    sign_in_as(client, sets["co-editor"])
    assert "Set draft" in client.get("/bank/").get_data(as_text=True)


def test_an_owner_adds_and_removes_a_co_editor(client, make_user, sets):
    newcomer = make_user("educator", email="newcomer@example.com")
    sign_in_as(client, sets["own"])
    page = f"/bank/sets/{sets['draft'].id}"
    response = post_form(client, f"{page}/editors", {"email": "Newcomer@Example.com"},
                         form_page=page, follow_redirects=True)
    assert "may now edit, publish and update this set" in response.get_data(as_text=True)
    assert db.session.get(SetEditor, (sets["draft"].id, newcomer.id))
    sign_in_as(client, newcomer)
    assert client.get(f"{page}/publish").status_code == 200  # now a co-editor
    sign_in_as(client, sets["own"])
    post_form(client, f"{page}/editors/remove", {"user_id": str(newcomer.id)}, form_page=page)
    db.session.expire_all()
    assert db.session.get(SetEditor, (sets["draft"].id, newcomer.id)) is None
    sign_in_as(client, newcomer)
    assert client.get(page).status_code == 404


@pytest.mark.parametrize(("email", "message"), [
    ("nurse@example.com", "No active educator has the email"),
    ("nobody@example.com", "No active educator has the email"),
    ("not an email", "Invalid email address"),
    ("a" * 250 + "@example.com", "Field cannot be longer than 254 characters"),
])
def test_only_educators_become_co_editors(client, make_user, sets, email, message):
    make_user("nurse", email="nurse@example.com")
    sign_in_as(client, sets["own"])
    page = f"/bank/sets/{sets['draft'].id}"
    response = post_form(client, f"{page}/editors", {"email": email}, form_page=page,
                         follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert len(db.session.scalars(select(SetEditor).where(
        SetEditor.set_id == sets["draft"].id)).all()) == 1


def test_an_upload_is_only_its_uploaders(client, make_user, sets):
    db.session.add(PendingUpload(token="t" * 20, owner_id=sets["own"].id, filename="x.gift",
                                 format="gift", title="", data=GIFT.encode()))
    db.session.commit()
    sign_in_as(client, make_user("admin"))
    assert client.get("/bank/upload/" + "t" * 20).status_code == 404
    sign_in_as(client, sets["own"])
    assert client.get("/bank/upload/" + "t" * 20).status_code == 200
