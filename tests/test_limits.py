"""Limits on saving and on the JSON API: what a person, a program and an operator notice.

Limits are off in other tests (TESTING without RATELIMIT_ENABLED); every app here turns them on.
"""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from webapp import create_app, limits
from webapp.storage.db import db
from webapp.storage.models import SavedResult

from .conftest import make_app
from .redis_server import free_port, redis_url  # noqa: F401 (a fixture)
from .webtools import Browser, Page

START = "/start?situation=screening&site=breast&age=50&risk=average&factors="
OTHER_START = "/start?situation=staging&site=lung&age=64&factors=implant"
API_CALLS = (
    ("get", "/api/v1/tests", None),
    ("get", "/api/v1/questionnaire", None),
    ("post", "/api/v1/evaluate", {"answers": {"situation": "screening", "site": "breast"}}),
)


def limited_app(tmp_path: Path, name: str = "limits", **config) -> Flask:
    """The app with limits on, its own SQLite file, and any limits or storage given."""
    return make_app(tmp_path / f"{name}.sqlite3", RATELIMIT_ENABLED=True, **config)


def person(app: Flask, address: str = "127.0.0.1", start: str = START) -> Browser:
    """Someone at an address who has answered every question."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    browser = Browser(client)
    assert browser.get(start).status == 200
    return browser


def save(browser: Browser) -> Page:
    """Open the results and press "Save and get a link", as a person would."""
    results = browser.get("/results")
    assert results.status == 200, results.url
    return results.submit_form("/saved")


def saved_rows(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(SavedResult)).scalar_one()


def retry_after(page_or_response) -> int:
    headers = page_or_response.headers
    value = headers.get("Retry-After")
    assert value is not None and value.isdigit(), f"Retry-After is {value!r}"
    return int(value)


def assert_saved(page: Page) -> None:
    assert (page.status, page.url.startswith("/saved/")) == (200, True), (page.status, page.url, page.h1)


def assert_wait_page(page: Page, *, longest: int) -> None:
    """The friendly 429: wait, the answers are kept, a way back to the results."""
    assert page.status == 429
    assert page.h1 == "Please wait a moment"
    assert "Your answers are kept" in page.text
    assert "/results" in page.links()
    assert 1 <= retry_after(page) <= longest
    assert page.headers.get("Cache-Control") == "no-store"
    assert "default-src 'self'" in page.headers.get("Content-Security-Policy", "")


# ---- saving -----------------------------------------------------------------------------------


def test_the_save_after_the_limit_gets_a_wait_page_and_keeps_every_answer(tmp_path):
    app = limited_app(tmp_path, SAVE_LIMITS_PER_CLIENT="2 per minute")
    browser = person(app)
    before = browser.get("/results").summary_rows()
    assert_saved(save(browser))
    assert_saved(save(browser))

    refused = save(browser)

    assert_wait_page(refused, longest=60)
    assert "saved from your network" in refused.text
    assert saved_rows(app) == 2  # nothing stored for the refused save
    again = browser.get("/results")
    assert (again.status, again.summary_rows()) == (200, before)
    assert browser.get("/q/situation").checked("situation") == ["screening"]


def test_saving_works_again_once_the_wait_is_over(tmp_path):
    app = limited_app(tmp_path, SAVE_LIMITS_PER_CLIENT="2 per 2 seconds")
    browser = person(app)
    assert_saved(save(browser))
    assert_saved(save(browser))
    refused = save(browser)
    assert refused.status == 429
    wait = retry_after(refused)
    assert wait <= 2

    time.sleep(wait + 0.2)

    assert_saved(save(browser))


def test_one_clients_limit_does_not_hold_back_another_address(tmp_path):
    app = limited_app(tmp_path, SAVE_LIMITS_PER_CLIENT="1 per minute")
    busy, other = person(app, "198.51.100.7"), person(app, "203.0.113.9")
    assert_saved(save(busy))
    assert save(busy).status == 429

    assert_saved(save(other))


def test_the_limit_on_everyone_together_holds_back_every_address(tmp_path):
    app = limited_app(tmp_path, SAVE_LIMITS_PER_CLIENT="100 per minute", SAVE_LIMITS_GLOBAL="3 per minute")
    first, second, third = (person(app, f"198.51.100.{n}") for n in (1, 2, 3))
    assert_saved(save(first))
    assert_saved(save(first))
    assert_saved(save(second))

    refused = save(third)

    assert_wait_page(refused, longest=60)
    assert "Many people are saving results right now" in refused.text


def test_the_default_limits_let_a_class_of_30_behind_one_address_save(tmp_path):
    app = limited_app(tmp_path)  # the shipped SAVE_LIMITS_PER_CLIENT and SAVE_LIMITS_GLOBAL
    school = "192.0.2.10"
    for _pupil in range(30):
        assert_saved(save(person(app, school)))
    assert save(person(app, school)).status == 429  # the 31st in the same minute waits
    assert_saved(save(person(app, "192.0.2.11")))  # a school next door does not


def test_addresses_in_one_ipv6_64_count_together_and_another_64_does_not(tmp_path):
    app = limited_app(tmp_path, SAVE_LIMITS_PER_CLIENT="1 per minute")
    assert_saved(save(person(app, "2001:db8:1:2::10")))
    assert save(person(app, "2001:db8:1:2:ffff::99")).status == 429

    assert_saved(save(person(app, "2001:db8:1:3::10")))


def test_only_saving_and_the_api_are_limited(tmp_path):
    app = limited_app(
        tmp_path,
        SAVE_LIMITS_PER_CLIENT="1 per minute",
        SAVE_LIMITS_GLOBAL="1 per minute",
        API_LIMITS_PER_CLIENT="1 per minute",
    )
    browser = person(app)
    saved = save(browser)
    assert_saved(saved)
    assert save(browser).status == 429
    paths = [
        "/",
        "/q/situation",
        "/check",
        "/results",
        "/results/print",
        saved.url,
        "/tests",
        "/tests/ct",
        "/glossary",
        "/healthz",
        "/readyz",
        "/static/css/app.css",
    ]
    for _ in range(3):
        for path in paths:
            response = browser.client.get(path)
            assert response.status_code not in (429, 500), (path, response.status_code)


# ---- the JSON API -----------------------------------------------------------------------------


def call(client, method: str, path: str, body):
    return client.post(path, json=body) if method == "post" else client.get(path)


def test_the_api_over_its_limit_answers_the_contracts_json_error(tmp_path):
    app = limited_app(tmp_path, API_LIMITS_PER_CLIENT="3 per minute")
    program = app.test_client()
    for method, path, body in API_CALLS:  # one count across every route
        assert call(program, method, path, body).status_code == 200, path

    response = program.get("/api/v1/tests/ct")

    assert response.status_code == 429
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["errors"] and list(body["errors"]) == ["rate"]
    assert "Try again in" in body["errors"]["rate"][0]
    assert 1 <= retry_after(response) <= 60
    assert response.headers["Cache-Control"] == "no-store"
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    assert other.get("/api/v1/tests/ct").status_code == 200


def test_the_api_limit_is_generous_by_default(tmp_path):
    app = limited_app(tmp_path)
    program = app.test_client()
    statuses = {program.get("/api/v1/tests/ct").status_code for _ in range(300)}
    assert statuses == {200}


# ---- settings ---------------------------------------------------------------------------------


def test_limits_are_on_outside_tests_with_counts_in_memory(tmp_path):
    """`make run` serves with limits on and needs no Redis."""
    app = create_app(
        {
            "SECRET_KEY": "limits-test-key-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'run.sqlite3'}",
            "API_LIMITS_PER_CLIENT": "2 per minute",
        }
    )
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    program = app.test_client()
    assert [program.get("/api/v1/tests").status_code for _ in range(3)] == [200, 200, 429]


def test_tests_get_no_limits_unless_they_ask(tmp_path):
    app = make_app(tmp_path / "plain.sqlite3", API_LIMITS_PER_CLIENT="2 per minute")
    program = app.test_client()
    assert {program.get("/api/v1/tests").status_code for _ in range(5)} == {200}


def test_with_memory_storage_two_servers_count_apart(tmp_path):
    """Why several servers need Redis: in memory, each one counts only what it saw."""
    one = limited_app(tmp_path, "one", SAVE_LIMITS_PER_CLIENT="1 per minute")
    two = limited_app(tmp_path, "two", SAVE_LIMITS_PER_CLIENT="1 per minute")
    assert_saved(save(person(one)))
    assert_saved(save(person(two)))


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 second"),
        (45, "45 seconds"),
        (60, "about 1 minute"),
        (61, "about 2 minutes"),
        (7200, "about 2 hours"),
    ],
)
def test_the_wait_is_said_in_plain_words(seconds, words):
    assert limits.describe_wait(seconds) == words


# ---- Redis: several servers, one count --------------------------------------------------------


def redis_app(tmp_path: Path, name: str, url: str, prefix: str, **config) -> Flask:
    """A "server": the app on its own database, counting in the shared Redis under prefix."""
    return limited_app(
        tmp_path,
        name,
        SECRET_KEY="shared-by-every-server-0123456789",
        RATELIMIT_STORAGE_URI=url,
        RATELIMIT_KEY_PREFIX=prefix,
        **config,
    )


def test_two_servers_sharing_redis_share_the_save_count(tmp_path, redis_url):  # noqa: F811
    prefix = f"ig-test-{uuid.uuid4().hex}"
    one = redis_app(tmp_path, "one", redis_url, prefix, SAVE_LIMITS_PER_CLIENT="2 per minute")
    two = redis_app(tmp_path, "two", redis_url, prefix, SAVE_LIMITS_PER_CLIENT="2 per minute")
    assert_saved(save(person(one)))
    assert_saved(save(person(one)))

    assert_wait_page(save(person(two)), longest=60)  # the second server saw the first one's saves
    assert_wait_page(save(person(one)), longest=60)
    assert_saved(save(person(two, "203.0.113.20")))


def test_two_servers_sharing_redis_share_the_api_count(tmp_path, redis_url):  # noqa: F811
    prefix = f"ig-test-{uuid.uuid4().hex}"
    one = redis_app(tmp_path, "one", redis_url, prefix, API_LIMITS_PER_CLIENT="2 per minute")
    two = redis_app(tmp_path, "two", redis_url, prefix, API_LIMITS_PER_CLIENT="2 per minute")
    assert one.test_client().get("/api/v1/tests").status_code == 200
    assert two.test_client().get("/api/v1/tests").status_code == 200

    for server in (one, two):
        response = server.test_client().get("/api/v1/tests")
        assert response.status_code == 429
        assert response.get_json()["errors"]["rate"]
        assert 1 <= retry_after(response) <= 60


def test_with_redis_down_saving_and_the_api_still_answer_and_it_is_logged(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = limited_app(
        tmp_path,
        RATELIMIT_STORAGE_URI=closed,
        SAVE_LIMITS_PER_CLIENT="2 per minute",
        API_LIMITS_PER_CLIENT="5 per minute",
    )
    browser = person(app)
    started = time.monotonic()

    assert_saved(save(browser))
    assert browser.client.get("/api/v1/tests").status_code == 200
    assert browser.client.post("/api/v1/evaluate", json=dict(API_CALLS[2][2])).status_code == 200

    assert time.monotonic() - started < 5
    assert "falling back to in-memory storage" in caplog.text
    # Meanwhile this server still counts on its own, so a flood is still held back.
    assert_saved(save(browser))
    assert save(browser).status == 429
