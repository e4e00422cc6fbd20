"""The new pages in English (after the language button), their import headers staying Chinese."""

import pytest
from django.urls import reverse

PAGES = {
    "orgs:import": ("budget", ["Import organisations", "Download import template", "Full name of the organisation."],
                    ["机构代码", "上级机构代码"]),
    "orgs:import_accounts": ("budget", ["Import users", "Required for a new user", "Update existing records"],
                             ["初始密码"]),
    "orgs:users": ("budget", ["Users and grants", "Name or user name", "Roles and scopes"], []),
    "orgs:password_change": ("unit", ["Change password", "Old password",
                                      "Your password must contain at least 8 characters."], []),
    "orgs:list": ("budget", ["Import organisations", "Import users", "Export organisations"], []),
}


@pytest.fixture
def english(client):
    def _english(user):
        client.force_login(user)
        assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
        return client

    return _english


@pytest.mark.parametrize("name", PAGES)
def test_pages_in_english(world, english, name):
    role, labels, headers = PAGES[name]
    html = english(world.users["county"][role]).get(reverse(name)).content.decode()
    assert '<html lang="en">' in html
    for label in labels + headers:
        assert label in html, label


def test_refusal_in_english(world, english):
    r = english(world.users["county"]["unit"]).get(reverse("orgs:import"))
    assert r.status_code == 403 and "Only the finance bureau’s budget section" in r.content.decode()
