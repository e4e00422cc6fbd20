"""Helpers shared by the API tests."""

# The world's project codes, by region key; each region has the same three projects.
EDU1, EDU2, AGR1 = "EDU-1", "EDU-2", "AGR-1"


def codes(key, *suffixes):
    """Project codes of region `key` ("city", "county", "sibling"), e.g. codes("county", EDU1)."""
    return {f"{key.upper()}-{s}" for s in suffixes or (EDU1, EDU2, AGR1)}


def all_results(client, url, **params):
    """Every row of a list endpoint (one page of up to 500), checking the count agrees."""
    r = client.get(url, {"page_size": 500, **params})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == len(body["results"])
    return body["results"]
