"""A ceiling on stored saved results (issue 9): at it saving pauses, everything else keeps working.

Runs on a SQLite file and on PostgreSQL (tests/db.py), like the other saving tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from webapp.storage.saving import Ceiling, count, new_token, save
from webapp.views import share

from .db import BACKENDS, close, database_app, postgresql_schema
from .webtools import Browser, Page

STAGING_LUNG = "/start?situation=staging&site=lung&age=64&factors=implant&factors=kidney"


@pytest.fixture(scope="module")
def postgresql() -> Iterator[str]:
    with postgresql_schema() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ceiling.sqlite3'}"
    return request.getfixturevalue("postgresql")


@pytest.fixture
def app(backend: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app allowed to keep two saved results."""
    monkeypatch.setattr(share, "_last_ceiling_purge", float("-inf"))  # as in a new process
    app = database_app(backend, MAX_SAVED_RESULTS=2)
    yield app
    close(app)


def store(app: Flask, days: float) -> str:
    """A saved result put straight into the database, expiring in `days` (negative: expired)."""
    token = new_token()
    with app.app_context():
        save(token, {"situation": "screening"}, {"en": "<p>kept</p>"}, "v", dt.timedelta(days=days))
    return token


def results(browser: Browser) -> Page:
    browser.get(STAGING_LUNG)
    page = browser.get("/results")
    assert page.status == 200
    return page


def press_save(page: Page) -> Page:
    return page.submit_form("/saved")


def test_at_the_ceiling_saving_pauses_and_keeps_the_answers(app):
    store(app, days=30)
    store(app, days=30)
    browser = Browser(app.test_client())
    page = results(browser)
    answers = page.summary_rows()

    paused = press_save(page)
    assert paused.status == 503
    assert paused.h1 == "Saving is paused"
    assert "Your answers are safe in this browser" in paused.text
    assert {"/results/print", "/results"} <= set(paused.links())
    assert paused.headers.get("Cache-Control") == "no-store"
    with app.app_context():
        assert count() == 2

    # Questions, results and printing all keep working, with the same answers.
    assert browser.get("/results").summary_rows() == answers
    assert browser.get("/results/print").status == 200
    assert browser.get("/q/situation").status == 200
    ready = browser.client.get("/readyz")
    assert (ready.status_code, ready.json) == (200, {"status": "ready", "database": "ok", "saving": "paused"})


def test_expired_results_are_swept_to_make_room(app):
    store(app, days=-1)
    store(app, days=30)
    browser = Browser(app.test_client())
    page = results(browser)
    token = dict(page._form("/saved").fields)["save_token"]
    saved = press_save(page)
    assert (saved.status, saved.url) == (200, f"/saved/{token}")
    with app.app_context():
        assert count() == 2


def test_a_deleted_result_makes_room_at_once(app):
    store(app, days=30)
    browser = Browser(app.test_client())
    saved = press_save(results(browser))
    assert saved.status == 200
    assert press_save(results(browser)).status == 503

    assert saved.submit_form(f"{saved.url}/delete").status == 200  # the owner deletes one
    assert press_save(results(browser)).status == 200


def test_a_retry_of_a_save_already_stored_gets_its_link_even_at_the_ceiling(app):
    browser = Browser(app.test_client())
    page = results(browser)
    form = MultiDict(page._form("/saved").fields)
    token = form["save_token"]
    with app.app_context():  # the first press was stored, but its answer never arrived
        save(token, {"situation": "staging"}, {"en": "<p>kept</p>"}, "v", dt.timedelta(days=30))
    store(app, days=30)
    again = browser.client.post("/saved", data=form)
    assert (again.status_code, again.headers["Location"]) == (303, f"/saved/{token}")
    mine = browser.get(f"/saved/{token}")
    assert 'id="your-link"' in mine.html
    with app.app_context():
        assert count() == 2


def test_without_a_ceiling_saving_never_pauses(backend):
    app = database_app(backend, MAX_SAVED_RESULTS=0)
    try:
        for _ in range(3):
            store(app, days=30)
        browser = Browser(app.test_client())
        assert press_save(results(browser)).status == 200
        assert browser.client.get("/readyz").json["saving"] == "ok"
    finally:
        close(app)


def test_a_worker_counts_now_and_then_far_below_the_ceiling_and_at_every_save_near_it():
    counts: list[int] = []
    stored = [0]

    def counter() -> int:
        counts.append(stored[0])
        return stored[0]

    ceiling = Ceiling(100, fresh_seconds=3600)
    for _ in range(90):  # far below: one count, then the worker adds its own saves
        assert not ceiling.full(counter)
        ceiling.saved_one()
        stored[0] += 1
    assert len(counts) == 1
    stored[0] = 99  # other workers saved too: near the ceiling every check counts again
    ceiling.recount(counter)
    assert not ceiling.full(counter)
    stored[0] = 100
    assert ceiling.full(counter)
    stored[0] = 97  # room made by a purge or a delete on another worker counts at once
    assert not ceiling.full(counter)
    assert len(counts) == 5
