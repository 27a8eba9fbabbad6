"""Deployment settings: the hosts the site answers to, HTTPS behind the trusted proxy, and HSTS."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from webapp import create_app
from webapp.qr import qr_svg
from webapp.security import UnsafeSetting

from .conftest import make_app

SITE = "guide.example.org"
ANSWERS = {"situation": "screening", "site": "breast", "age": 50, "risk": "average", "factors": []}
PREFILL = "/start?situation=screening&site=breast&age=50&risk=average&factors="
# What a proxy on the same machine sends by default (nginx's proxy_pass address as the Host).
BEHIND_PROXY = {"Host": "127.0.0.1:8000", "X-Forwarded-For": "203.0.113.7"}
HTTPS_VIA_PROXY = {**BEHIND_PROXY, "X-Forwarded-Proto": "https", "X-Forwarded-Host": SITE}
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


def site(tmp_path: Path, **config) -> Flask:
    """The app answering to SITE (and www.SITE), with its own database."""
    config.setdefault("ALLOWED_HOSTS", [SITE, f"www.{SITE}"])
    return make_app(tmp_path / "deploy.sqlite3", **config)


def print_page(app: Flask, base_url: str = "http://localhost", headers: dict[str, str] | None = None):
    """The handout on screen for someone who has answered every question, fetched at base_url."""
    # The session cookie is signed here: a session_transaction would not pass through the proxy.
    session = app.session_interface.get_signing_serializer(app).dumps(
        {"answers": ANSWERS, "seen": list(ANSWERS)}
    )
    client = app.test_client()
    domain = (headers or {}).get("Host") or urlsplit(base_url).netloc
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], session, domain=domain.split(":")[0].lower())
    return client.get("/results/print", base_url=base_url, headers=headers)


def assert_links_to(response, origin: str) -> None:
    """The handout's link back, and its QR code, both point at origin."""
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    host = origin.split("://", 1)[1]
    assert f"{host}/start?situation=screening" in html
    assert qr_svg(origin + PREFILL) in html


# Allowed hosts


@pytest.mark.parametrize("host", ["evil.example", f"{SITE}.evil.example", "127.0.0.1:5000"])
def test_a_request_for_an_unlisted_host_gets_a_plain_400_with_no_link_to_it(tmp_path, caplog, host):
    caplog.set_level(logging.WARNING)
    app = site(tmp_path)
    response = app.test_client().get(PREFILL, headers={"Host": host})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This guide does not answer at that address" in html
    assert host.split(":")[0] not in html and "http" not in html
    assert "Set-Cookie" not in response.headers  # nothing was answered, so nothing was kept
    assert all(name in response.headers for name in SECURITY_HEADERS)
    assert f"Refused a request for host '{host}'" in caplog.text


def test_an_unlisted_host_is_refused_before_any_form_or_api_call_is_handled(tmp_path):
    app = site(tmp_path)
    hooks_run = []
    app.before_request(lambda: hooks_run.append(1))  # stands for any later hook: limits, CSRF, ...
    client = app.test_client()
    saved = client.post("/saved", data={"save_token": "x"}, headers={"Host": "evil.example"})
    assert saved.status_code == 400
    assert "This guide does not answer at that address" in saved.get_data(as_text=True)
    api = client.post("/api/v1/evaluate", json={"answers": ANSWERS}, headers={"Host": "evil.example"})
    assert api.status_code == 400
    assert api.get_json() == {"errors": {"host": ["This guide does not answer at that address."]}}
    assert not hooks_run


@pytest.mark.parametrize("origin", [f"https://{SITE}", f"https://www.{SITE}", f"http://{SITE}:8080"])
def test_links_and_qr_codes_use_the_listed_host_the_page_was_asked_for(tmp_path, origin):
    response = print_page(site(tmp_path), origin)
    assert_links_to(response, origin)


def test_host_names_match_whatever_their_case(tmp_path):
    app = site(tmp_path, ALLOWED_HOSTS=["Guide.Example.ORG"])
    assert app.test_client().get("/", headers={"Host": "GUIDE.example.org"}).status_code == 200


def test_health_checks_answer_on_the_servers_own_address(tmp_path):
    # A load balancer checks each server at its address, with that address as the Host.
    client = site(tmp_path).test_client()
    for path in ("/healthz", "/readyz"):
        assert client.get(path, headers={"Host": "10.0.0.5:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "10.0.0.5:8000"}).status_code == 400


def test_flasks_own_trusted_hosts_check_also_gives_the_plain_400(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    app = site(tmp_path, TRUSTED_HOSTS=[SITE])
    response = app.test_client().get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "This guide does not answer at that address" in response.get_data(as_text=True)
    assert "Error page failed" not in caplog.text


def test_a_name_starting_with_a_dot_allows_its_subdomains(tmp_path):
    app = site(tmp_path, ALLOWED_HOSTS=[f".{SITE}"])
    assert_links_to(print_page(app, f"https://beta.{SITE}"), f"https://beta.{SITE}")
    assert app.test_client().get("/", headers={"Host": "example.org"}).status_code == 400


def test_x_forwarded_host_is_ignored_without_a_trusted_proxy(tmp_path):
    app = site(tmp_path, TRUSTED_PROXIES=0)
    response = print_page(app, f"https://{SITE}", {"X-Forwarded-Host": "evil.example"})
    assert_links_to(response, f"https://{SITE}")
    assert "evil.example" not in response.get_data(as_text=True)


def test_x_forwarded_host_from_the_trusted_proxy_builds_the_links(tmp_path):
    app = site(tmp_path, TRUSTED_PROXIES=1)
    # The proxy's own Host (127.0.0.1:8000) is not listed, and does not need to be.
    assert_links_to(print_page(app, headers=HTTPS_VIA_PROXY), f"https://{SITE}")
    spoofed = app.test_client().get("/", headers={**HTTPS_VIA_PROXY, "X-Forwarded-Host": "evil.example"})
    assert spoofed.status_code == 400


def test_make_run_answers_on_loopback_in_production_mode(tmp_path):
    app = create_app({"SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'run.db'}"})
    assert not app.testing and not app.debug
    client = app.test_client()
    for host in ("127.0.0.1:5000", "localhost:5000"):
        assert client.get("/", headers={"Host": host}).status_code == 200
    assert client.get("/", headers={"Host": SITE}).status_code == 400


@pytest.mark.parametrize("hosts", [[], "", None, " , "])
def test_production_refuses_to_start_answering_to_any_host(hosts):
    with pytest.raises(UnsafeSetting, match="FLASK_ALLOWED_HOSTS"):
        create_app({"SECRET_KEY": "x" * 64, "ALLOWED_HOSTS": hosts})


def test_hosts_may_be_given_as_one_comma_separated_setting(tmp_path, monkeypatch):
    # from_prefixed_env keeps a value that is not JSON as text, as an operator would likely write it.
    monkeypatch.setenv("FLASK_ALLOWED_HOSTS", f"{SITE}, www.{SITE}")
    monkeypatch.setenv("FLASK_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("FLASK_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    app = create_app()
    assert app.config["ALLOWED_HOSTS"] == [SITE, f"www.{SITE}"]
    client = app.test_client()
    assert client.get("/", headers={"Host": f"www.{SITE}"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


# HTTPS behind the trusted proxy: HSTS and the Secure cookie


def test_hsts_is_sent_over_https_through_the_trusted_proxy(tmp_path):
    response = site(tmp_path, TRUSTED_PROXIES=1).test_client().get("/", headers=HTTPS_VIA_PROXY)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_is_never_sent_over_plain_http(tmp_path):
    app = site(tmp_path, TRUSTED_PROXIES=1)
    direct = app.test_client().get("/", base_url=f"http://{SITE}")
    proxied = app.test_client().get("/", headers={**HTTPS_VIA_PROXY, "X-Forwarded-Proto": "http"})
    assert direct.status_code == proxied.status_code == 200
    assert "Strict-Transport-Security" not in direct.headers
    assert "Strict-Transport-Security" not in proxied.headers


def test_a_spoofed_x_forwarded_proto_without_a_trusted_proxy_gives_no_hsts_and_no_secure_cookie(tmp_path):
    app = site(tmp_path, TRUSTED_PROXIES=0)
    response = app.test_client().get(
        PREFILL, base_url=f"http://{SITE}", headers={"X-Forwarded-Proto": "https"}
    )
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]


def test_the_session_cookie_is_secure_over_https_through_the_trusted_proxy(tmp_path):
    response = site(tmp_path, TRUSTED_PROXIES=1).test_client().get(PREFILL, headers=HTTPS_VIA_PROXY)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"HSTS_SECONDS": 600}, "max-age=600"),
        ({"HSTS_SECONDS": "0"}, "max-age=0"),
        ({"HSTS_INCLUDE_SUBDOMAINS": True}, "max-age=31536000; includeSubDomains"),
        (
            {"HSTS_SECONDS": 63072000, "HSTS_INCLUDE_SUBDOMAINS": True, "HSTS_PRELOAD": True},
            "max-age=63072000; includeSubDomains; preload",
        ),
    ],
)
def test_hsts_follows_its_settings(tmp_path, settings, expected):
    response = site(tmp_path, **settings).test_client().get("/", base_url=f"https://{SITE}")
    assert response.headers["Strict-Transport-Security"] == expected


@pytest.mark.parametrize("seconds", [-1, "a year", 1.5j])
def test_an_hsts_time_that_is_not_a_whole_number_stops_the_start(seconds):
    with pytest.raises(UnsafeSetting, match="HSTS_SECONDS"):
        create_app({"TESTING": True, "HSTS_SECONDS": seconds})


# Security headers on every answer, errors included


def test_every_error_over_https_carries_the_security_headers_and_hsts(tmp_path):
    app = site(tmp_path, TRUSTED_PROXIES=1, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("broken on purpose")

    client = app.test_client()
    answers = {
        400: client.get("/", headers={**HTTPS_VIA_PROXY, "X-Forwarded-Host": "evil.example"}),
        404: client.get("/no/such/page", headers=HTTPS_VIA_PROXY),
        405: client.delete("/", headers=HTTPS_VIA_PROXY),
        413: client.post("/q/age", data={"age": "1" * 40_000}, headers=HTTPS_VIA_PROXY),
        500: client.get("/boom", headers=HTTPS_VIA_PROXY),
    }
    for status, response in answers.items():
        assert response.status_code == status
        missing = [h for h in (*SECURITY_HEADERS, "Strict-Transport-Security") if h not in response.headers]
        assert not missing, f"{status} lacks {missing}"
