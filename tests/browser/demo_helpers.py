"""Signing in and out of the demo region in a browser page (the demo's password is the same for all)."""

DEMO_PASSWORD = "demo-pass-2025"


def login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=退出")  # signed in (a failed login stays on the login page, without it)


def logout(page):
    page.click("text=退出")
    page.wait_for_url("**/accounts/login/**")
