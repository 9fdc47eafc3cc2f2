import pytest


@pytest.mark.parametrize("path", ["/", "/login", "/health", "/no-such-page"])
def test_security_headers_everywhere(client, path):
    headers = client.get(path).headers

    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client, make_member, login):
    login(make_member())
    started = client.post(
        "/diagnostics", data={"questionnaire_id": "guide-bonnes-pratiques"}
    )
    diagnostic = started.location.split("/")[2]
    paths = [
        "/",
        f"/diagnostics/{diagnostic}/steps/gouvernance",
        f"/diagnostics/{diagnostic}/review",
        f"/diagnostics/{diagnostic}/results",
    ]

    for path in paths:
        page = client.get(path).text
        for tag in page.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/json"' in opening, path


def test_session_cookie_flags(client, make_member, login):
    response = login(make_member())

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_secure_cookie_over_https(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()

    response = client.post(
        "/login",
        data={"email": "x@example.org", "password": "y"},
        base_url="https://localhost",
    )

    assert "Secure" in response.headers["Set-Cookie"]
