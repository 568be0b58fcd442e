"""The main menu: each role sees its own pages, and every entry opens for that role."""

import re

import pytest

from tests.conftest import sign_in_through_session

MENUS = {
    ("nurse",): ["Dashboard", "Practice", "My hours", "Account"],
    ("supervisor",): ["Dashboard", "Review hours", "Site members", "Preceptors", "Account"],
    ("educator",): ["Dashboard", "Question bank", "Reports", "Account"],
    ("admin",): ["Dashboard", "Site members", "Preceptors", "Question bank", "Reports",
                 "Users", "Sites", "Programs", "Settings", "Audit log", "Account"],
    ("nurse", "educator"): ["Dashboard", "Practice", "My hours", "Question bank", "Reports",
                            "Account"],
}
LINK = re.compile(r'<li><a href="([^"]+)">([^<]+)</a></li>')


def wide_menu(page: str) -> list[tuple[str, str]]:
    menu = re.search(r'<ul class="nav-wide">(.*?)</ul>', page, re.S).group(1)
    return LINK.findall(menu)


@pytest.mark.parametrize("roles", list(MENUS), ids="+".join)
def test_each_role_sees_its_pages_and_each_opens(app, make_user, roles):
    client = app.test_client()
    sign_in_through_session(client, make_user(*roles))
    page = client.get("/").get_data(as_text=True)
    links = wide_menu(page)
    assert [label for _, label in links] == MENUS[roles]
    assert page.count('<li><a href="/">Dashboard</a></li>') == 2  # phone menu and wide menu
    assert "Sign out" in page
    for url, label in links:
        assert client.get(url).status_code == 200, (label, url)
