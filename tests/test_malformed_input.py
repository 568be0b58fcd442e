"""Hostile or mistaken input never gives a 500, on any route (walked from the URL map).

NUL bytes, ids no row can have, over-long fields and malformed cookies: the cases a probe of
the running app turned into 500s on PostgreSQL. `make test-postgres` runs them there.
"""

import pytest

from certprep import create_app
from certprep.extensions import db
from tests.conftest import session_csrf_token, sign_in_through_session
from tests.test_authorization import build_target, url_for_rule

HUGE_IDS = (2**31, 2**63, 10**30)
NUL = "nul\x00byte"
LONG = "x" * 5000
# Every field name a certprep form uses, so that each POST reaches its form's validators.
FIELDS = (
    "email", "password", "confirm", "current", "full_name", "credentials", "remember", "name",
    "roles", "site_id", "active", "self_registration", "title", "status", "q", "stem",
    "rationale", "scenario", "domain", "subdomain", "difficulty", "retired", "format",
)
COOKIES = (
    "remember_token=\u00e9|\u00e9",
    "remember_token=" + "x" * 3000,
    "session=\u00e9\u00e9",
    "session=.eJwNotbase64.at.all",
)


def rules():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    return sorted(
        ((rule.endpoint, method, tuple(sorted(rule.arguments)),
          {name: type(conv).__name__ for name, conv in rule._converters.items()})
         for rule in app.url_map.iter_rules()
         for method in sorted(rule.methods - {"HEAD", "OPTIONS"})),
        key=lambda row: (row[0], row[1]),
    )


RULES = rules()


def cases():
    for endpoint, method, arguments, converters in RULES:
        ints = [name for name in arguments if converters[name] == "IdConverter"]
        texts = [name for name in arguments if converters[name] != "IdConverter"]
        for name in ints:
            for huge in HUGE_IDS:
                yield pytest.param(endpoint, method, {name: huge}, "huge-id",
                                   id=f"{endpoint}-{method}-{name}={huge}")
        for name in texts:
            yield pytest.param(endpoint, method, {name: NUL}, "nul-path",
                               id=f"{endpoint}-{method}-{name}-nul")
        yield pytest.param(endpoint, method, {}, "nul-query", id=f"{endpoint}-{method}-query-nul")
        yield pytest.param(endpoint, method, {}, "huge-page", id=f"{endpoint}-{method}-page")
        if method == "POST":
            yield pytest.param(endpoint, method, {}, "nul-form",
                               id=f"{endpoint}-{method}-form-nul")
            yield pytest.param(endpoint, method, {}, "long-form",
                               id=f"{endpoint}-{method}-form-long")
        if method == "GET":
            for number, cookie in enumerate(COOKIES):
                yield pytest.param(endpoint, method, {"cookie": cookie}, "cookie",
                                   id=f"{endpoint}-{method}-cookie{number}")


@pytest.fixture(scope="module")
def target(module_app):
    return build_target()


def send(app, target, endpoint, method, overrides, case):
    values = {**target["values"], **{k: v for k, v in overrides.items() if k != "cookie"}}
    url = url_for_rule(app, endpoint, values)
    if case == "cookie":  # the raw header, signed out, as a browser would send it
        client = app.test_client(use_cookies=False)
        return client.get(url, headers={"Cookie": overrides["cookie"]})
    client = app.test_client()
    sign_in_through_session(client, target["users"]["admin"])
    query = {"q": NUL, "page": "1", "action": NUL} if case == "nul-query" else {}
    if case == "huge-page":
        query = {"page": str(10**30), "q": ""}
    if method == "GET":
        return client.get(url, query_string=query)
    form = {name: NUL if case == "nul-form" else LONG for name in FIELDS}
    if case not in ("nul-form", "long-form"):
        form = {}
    form["csrf_token"] = session_csrf_token(client)
    return client.post(url, query_string=query, data=form)


@pytest.mark.parametrize(("endpoint", "method", "overrides", "case"), list(cases()))
def test_malformed_input_is_never_a_500(module_app, target, endpoint, method, overrides, case):
    response = send(module_app, target, endpoint, method, overrides, case)
    response.close()
    db.session.rollback()
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if case == "huge-id":
        assert response.status_code == 404
    if case in ("nul-path", "nul-query", "nul-form"):
        assert response.status_code == 400
        assert "control character" in response.get_data(as_text=True)
