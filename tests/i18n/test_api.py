"""API messages follow the Accept-Language header (LocaleMiddleware), Chinese by default."""

from django.core.cache import cache
from rest_framework.test import APIClient


def test_unauthenticated_error_is_english_on_request(db):
    r = APIClient().get("/api/projects/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code in (401, 403)
    assert r.json()["detail"] == "Authentication credentials were not provided."


def test_unauthenticated_error_is_chinese_by_default(db):
    r = APIClient().get("/api/projects/")
    assert r.status_code in (401, 403)
    detail = r.json()["detail"]
    assert "Authentication" not in detail and any("\u4e00" <= ch <= "\u9fff" for ch in detail)


def test_out_of_scope_error_is_english(world, token_client):
    client = token_client(world.users["county"]["unit"])
    other = world.projects["sibling"]["school"]
    r = client.get(f"/api/projects/{other.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 404
    assert r.json()["detail"] == "The record does not exist or is outside your scope."
    r = client.get(f"/api/projects/{other.pk}/")
    assert r.json()["detail"] == "记录不存在或不在您的查看范围内。"


def test_token_login_error_is_english(db):
    cache.clear()  # the login throttle counts attempts in the cache
    r = APIClient().post("/api/auth/token/", {"username": "nobody", "password": "wrong"},
                         HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert r.json()["non_field_errors"] == ["Wrong username or password, or the account is disabled."]


def test_labels_in_the_data_follow_the_language(world, token_client):
    client = token_client(world.users["county"]["unit"])
    row = client.get("/api/projects/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert row["budget_type_label"] == "General public budget" and row["status_label"] == "Draft"
    row = client.get("/api/projects/").json()["results"][0]
    assert row["budget_type_label"] == "一般公共预算" and row["status_label"] == "草稿"


def test_schema_in_english(db):
    r = APIClient().get("/api/schema/", {"format": "json", "lang": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    schema = r.json()
    assert schema["paths"]["/api/projects/"]["get"]["summary"] == "Project library list"
    assert schema["paths"]["/api/auth/token/"]["post"]["summary"] == "Obtain an access token"
