"""Self-check of the browser set-up: Debian's Chromium reaches the live server and renders the login page."""


def test_login_page_renders_with_local_assets(page, screenshot):
    broken = []
    page.on("response", lambda response: response.status >= 400 and broken.append(response.url))
    page.on("requestfailed", lambda request: broken.append(request.url))

    page.goto("/accounts/login/")
    page.wait_for_load_state("networkidle")

    assert page.locator("input[name=username]").is_visible()
    assert page.locator("input[name=password]").is_visible()
    assert broken == [], "assets that did not load (run `make assets`?)"
    # Bootstrap and htmx come from our own static folder (no CDN) and are live on the page.
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--bs-body-font-size')").strip()
    assert page.evaluate("typeof window.htmx") == "object"
    assert screenshot("login").stat().st_size > 0
