"""The OpenAPI schema generates cleanly, and the docs pages load nothing from the internet."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def test_schema_generates_without_warnings(db, tmp_path):
    # Raises on any warning or error, and validates against the OpenAPI specification. Warnings of schemas
    # generated earlier in this process would count too, so start from none.
    reset_generator_stats()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_schema_endpoint(db, client):
    r = client.get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    schema = r.json()
    assert {"/api/auth/token/", "/api/projects/", "/api/projects/{id}/", "/api/regions/", "/api/regions/{id}/",
            "/api/organisations/", "/api/organisations/{id}/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    params = {p["name"] for p in schema["paths"]["/api/projects/"]["get"]["parameters"]}
    assert params == {"q", "year", "region", "region_only", "department", "budget_type", "project_class",
                      "abc_class", "status",
                      "function_code", "special_fund", "ordering", "page", "page_size"}
    token = schema["paths"]["/api/auth/token/"]["post"]
    assert token.get("security", []) in ([], [{}])  # no credentials needed to log in
    assert client.get("/api/schema/").status_code == 200  # YAML by default


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_are_served_without_internet(db, client, url):
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "http://" not in html and "https://" not in html
    assets = ASSET.findall(html)
    assert assets, "the page should load its scripts from the static files"
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
