"""Token login, token and session authentication, and Chinese refusals."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

TOKEN_URL = "/api/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the login throttle counts attempts in the cache


def test_token_url_is_routed():
    assert reverse("api:token") == TOKEN_URL


def test_obtain_token_then_use_it(world, api):
    user = world.users["county"]["unit"]
    r = api.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    assert r.status_code == 200
    token = r.json()["token"]
    assert r.json() == {"token": Token.objects.get(user=user).key}
    again = api.post(TOKEN_URL, {"username": user.username, "password": PASSWORD})  # form-encoded works too
    assert again.json()["token"] == token

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    py = world.projects["county"]["school"]
    for url in ("/api/projects/", f"/api/projects/{py.pk}/", "/api/regions/", f"/api/regions/{world.county.pk}/",
                "/api/organisations/", f"/api/organisations/{world.orgs['county']['school'].pk}/"):
        assert api.get(url).status_code == 200, url


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_bad_credentials_are_refused_in_chinese(world, api, password):
    r = api.post(TOKEN_URL, {"username": "county_unit", "password": password}, format="json")
    assert r.status_code == 400
    body = r.json()
    if password:
        assert body == {"non_field_errors": ["用户名或密码错误，或账号已停用。"]}
    else:
        assert body == {"password": ["该字段不能为空。"]}
    assert not Token.objects.filter(user=world.users["county"]["unit"]).exists()


def test_missing_fields_and_unknown_user(world, api):
    r = api.post(TOKEN_URL, {}, format="json")
    assert r.status_code == 400
    assert r.json() == {"username": ["该字段是必填项。"], "password": ["该字段是必填项。"]}
    r = api.post(TOKEN_URL, {"username": "nobody", "password": PASSWORD}, format="json")
    assert r.status_code == 400 and "用户名或密码错误" in r.json()["non_field_errors"][0]


def test_inactive_user_gets_no_token_and_loses_its_token(world, api, token_client):
    user = world.users["county"]["dept"]
    client = token_client(user)
    user.is_active = False
    user.save()
    r = api.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    assert r.status_code == 400
    r = client.get("/api/projects/")
    assert r.status_code == 401
    assert r.json() == {"detail": "用户未激活或者已删除。"}


@pytest.mark.parametrize("url", ["/api/projects/", "/api/regions/", "/api/organisations/", "/api/projects/1/"])
def test_anonymous_is_refused_in_chinese(db, api, url):
    r = api.get(url)
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == "Token"
    assert r.json() == {"detail": "身份认证信息未提供。"}


def test_bad_token_is_refused(db, api):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    r = api.get("/api/projects/")
    assert r.status_code == 401
    assert r.json() == {"detail": "认证令牌无效。"}


def test_english_on_request(db, api):
    r = api.get("/api/projects/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json() == {"detail": "Authentication credentials were not provided."}


def test_session_login_works_for_the_browser(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["county"]["perf"])
    assert client.get("/api/projects/").json()["count"] == 3
    # A logged-in browser may still ask for a token without a CSRF token: the token view ignores the session.
    r = client.post(TOKEN_URL, {"username": "county_perf", "password": PASSWORD}, format="json")
    assert r.status_code == 200


def test_password_guessing_is_throttled(world, api):
    statuses = [api.post(TOKEN_URL, {"username": "county_unit", "password": f"guess-{i}"}, format="json").status_code
                for i in range(31)]
    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429
    assert "请求已被限流" in api.post(TOKEN_URL, {"username": "county_unit", "password": "x"}).json()["detail"]
    # Another user name from the same address is not locked out by someone else's guesses.
    r = api.post(TOKEN_URL, {"username": "county_dept", "password": PASSWORD}, format="json")
    assert r.status_code == 200


def test_browsable_api_renders_for_a_logged_in_browser(world, client):
    client.force_login(world.users["county"]["dept"])
    r = client.get("/api/projects/", {"status": "draft"}, HTTP_ACCEPT="text/html")
    assert r.status_code == 200
    assert "COUNTY-EDU-2" in r.content.decode() and "COUNTY-AGR-1" not in r.content.decode()
