"""Security basics: secret key, cookies, headers, request size, and errors that never leak."""

from __future__ import annotations

import re

import pytest

from webapp import create_app
from webapp.security import InsecureSecretKey


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "short"])
def test_production_refuses_a_missing_or_default_secret_key(key):
    with pytest.raises(InsecureSecretKey, match="will not start without a secret key"):
        create_app({"SECRET_KEY": key})


def test_production_starts_with_a_real_secret_key():
    app = create_app({"SECRET_KEY": "x" * 64})
    assert not app.testing and not app.debug


def test_the_session_cookie_is_httponly_and_samesite_lax(app):
    client = app.test_client()
    response = client.get("/start?situation=staging")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(app):
    response = app.test_client().get("/start?situation=staging", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_pages_allow_nothing_from_other_sites(app):
    response = app.test_client().get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    html = response.get_data(as_text=True)
    # Links to sources are fine (a person chooses to follow them); nothing may be loaded from elsewhere.
    # A rel="alternate" link names the page in another language (hreflang, full URL); nothing loads it.
    tags = [t for t in re.findall(r"<(?:link|script|img|iframe)\b[^>]*>", html) if 'rel="alternate"' not in t]
    loaded = [m for t in tags for m in re.findall(r'\b(?:href|src)="([^"]+)"', t)]
    assert loaded and all(url.startswith("/") for url in loaded)
    # The alternates point at this same site, from its root, never at a host the request named.
    assert all(u.startswith("/") for u in re.findall(r'<link rel="alternate"[^>]*href="([^"]+)"', html))


def test_a_huge_form_post_gets_a_friendly_413(app):
    response = app.test_client().post("/q/age", data={"age": "1" * 40_000})
    assert response.status_code == 413
    assert "That was too much to send" in response.get_data(as_text=True)


def test_an_unknown_page_gets_the_friendly_404(app):
    response = app.test_client().get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html
    assert "404" not in html.split("<main")[1].split("</main>")[0]


def test_a_crash_shows_the_service_problem_page_without_a_trace():
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html
    assert "secret internals" not in html and "Traceback" not in html
