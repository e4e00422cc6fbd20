"""Every signed-in user can change its own password from the top bar."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

URL = reverse("orgs:password_change")


@pytest.mark.parametrize("role", ["unit", "oversight", "agency", "budget"])
def test_top_bar_links_to_the_page(world, login, role):
    c = login(world.users["county"][role])
    assert f'href="{URL}"' in c.get(reverse("core:inbox")).content.decode()
    html = c.get(URL).content.decode()
    assert "修改密码" in html and "旧密码" in html and "密码至少需要8个字符" in html


def test_change_password(world, client):
    assert client.login(username="county_unit", password=PASSWORD)
    r = client.post(URL, {"old_password": "wrong", "new_password1": "Yc-new-2025", "new_password2": "Yc-new-2025"})
    assert r.status_code == 200 and "你的旧密码不正确" in r.content.decode()
    r = client.post(URL, {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"})
    assert "密码太短，至少需要8个字符" in r.content.decode()
    r = client.post(URL, {"old_password": PASSWORD, "new_password1": "Yc-new-2025", "new_password2": "Yc-new-2025"},
                    follow=True)
    assert r.redirect_chain[-1][0] == reverse("core:inbox") and "密码已修改" in r.content.decode()
    assert client.get(reverse("core:inbox")).status_code == 200  # still signed in
    assert Client().login(username="county_unit", password="Yc-new-2025")
    assert not Client().login(username="county_unit", password=PASSWORD)


def test_anonymous_is_sent_to_login(client):
    r = client.get(URL)
    assert r.status_code == 302 and "login" in r["Location"]
