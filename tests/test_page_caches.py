"""What the speed work (issue 8) keeps in memory, and why none of it leaks, goes stale or grows.

- A saved link's snapshot (and the page everyone but its owner sees) is kept per token hash, but
  the database is asked on every request, so deleting or expiring works at once, on any worker.
- A test's page is rendered once per rulebook and kept, with nothing of the visitor in it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g, session, template_rendered
from flask_wtf.csrf import generate_csrf, validate_csrf
from sqlalchemy import event, update

from webapp import create_app, kept_pages
from webapp.storage import saving
from webapp.storage.db import db
from webapp.storage.models import SavedResult

from .db import close, database_app

SCREENING_BREAST = "/start?situation=screening&site=breast&age=50&risk=average&factors="
STAGING_LUNG = "/start?situation=staging&site=lung&age=64&factors=implant&factors=kidney"
FIELD = re.compile(r'name="(csrf_token|save_token|save_proof)" value="([^"]*)"')
NOTICE = "Some answers in your link were left out"


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'caches.sqlite3'}"


@pytest.fixture
def app(database: str) -> Iterator[Flask]:
    app = database_app(database)
    yield app
    close(app)


@pytest.fixture
def other_worker(app: Flask, database: str) -> Iterator[Flask]:
    """A second app process on the same database, as a second gunicorn worker would be."""
    worker = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
    yield worker
    close(worker)


def fields(html: str) -> dict[str, str]:
    return dict(FIELD.findall(html))


def save(client, start: str = SCREENING_BREAST, again: dict[str, str] | None = None) -> str:
    """Answer, open the results and press "Save and get a link" (or send an earlier save form again)."""
    asked = client.get(start)
    if asked.status_code == 200:  # other answers already given: say yes to the link's answers
        client.post(start, data={"csrf_token": fields(asked.get_data(as_text=True))["csrf_token"]})
    page = client.get("/results")
    assert page.status_code == 200
    form = again or fields(page.get_data(as_text=True))
    client.saved_form = form
    answer = client.post("/saved", data=form)
    assert answer.status_code == 303
    return f"/saved/{form['save_token']}"


def cache_of(app: Flask) -> saving.SnapshotCache:
    return app.extensions["saved_snapshots"]


def token_hash(link: str) -> str:
    return saving.hash_token(link.rsplit("/", 1)[1])


class Queries:
    """Count the SQL statements an app runs."""

    def __init__(self, app: Flask) -> None:
        self.statements: list[str] = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)


# ---- saved links ---------------------------------------------------------------------------------


def test_a_link_shown_again_asks_the_database_once_and_does_not_fetch_the_snapshot(app):
    owner = app.test_client()
    link = save(owner)
    stranger = app.test_client()
    first = stranger.get(link)
    queries = Queries(app)
    again = stranger.get(link)
    assert again.data == first.data
    assert len(queries.statements) == 1  # is it still there? (not deleted, not expired)
    assert "snapshot" not in queries.statements[0]
    assert token_hash(link) in cache_of(app)


def test_deleting_works_at_once_on_every_worker(app, other_worker):
    owner = app.test_client()
    link = save(owner)
    elsewhere = other_worker.test_client()
    assert owner.get(link).status_code == 200
    assert elsewhere.get(link).status_code == 200  # now both workers keep it
    assert token_hash(link) in cache_of(other_worker)

    csrf = fields(owner.get(link).get_data(as_text=True))["csrf_token"]
    assert owner.post(f"{link}/delete", data={"csrf_token": csrf}).status_code == 200
    assert token_hash(link) not in cache_of(app)

    assert elsewhere.get(link).status_code == 404  # the other worker asked the database
    assert token_hash(link) not in cache_of(other_worker)
    assert owner.get(link).status_code == 404


def test_an_expired_result_is_gone_at_once_and_dropped(app):
    client = app.test_client()
    link = save(client)
    assert client.get(link).status_code == 200
    with app.app_context():
        db.session.execute(update(SavedResult).values(expires_at=saving.utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    assert client.get(link).status_code == 404
    assert token_hash(link) not in cache_of(app)


def test_the_purge_drops_expired_results_from_the_cache_too(app):
    cache = saving.SnapshotCache(1_000_000)
    now = saving.utcnow()
    cache.put("old", 1, now - dt.timedelta(seconds=1), "v", "<p>old</p>")
    cache.put("new", 2, now + dt.timedelta(days=1), "v", "<p>new</p>")
    with app.app_context():
        saving.purge(now, cache)
    assert "old" not in cache
    assert "new" in cache


def test_each_link_shows_its_own_result_and_no_other(app):
    owner = app.test_client()
    breast, lung = save(owner, SCREENING_BREAST), save(owner, STAGING_LUNG)
    stranger = app.test_client()
    for _ in range(2):  # the second time from the cache
        breast_page = stranger.get(breast).get_data(as_text=True)
        lung_page = stranger.get(lung).get_data(as_text=True)
        assert "Mammogram" in breast_page
        assert "Mammogram" not in lung_page
        assert breast.rsplit("/", 1)[1] in breast_page and lung.rsplit("/", 1)[1] not in breast_page
    near_miss = breast[:-1] + ("A" if breast[-1] != "A" else "B")
    assert stranger.get(near_miss).status_code == 404


def test_a_result_saved_again_under_the_same_token_is_not_the_old_one(app):
    owner = app.test_client()
    link = save(owner, SCREENING_BREAST)
    assert "Mammogram" in owner.get(link).get_data(as_text=True)
    csrf = fields(owner.get(link).get_data(as_text=True))["csrf_token"]
    owner.post(f"{link}/delete", data={"csrf_token": csrf})
    again = save(owner, STAGING_LUNG, again=owner.saved_form)  # the same form, sent again
    assert again == link
    assert "Mammogram" not in owner.get(link).get_data(as_text=True)
    assert "Mammogram" not in app.test_client().get(link).get_data(as_text=True)


def with_answers(app: Flask):
    """A visitor in the middle of the questionnaire: answers, and a CSRF token, in the session."""
    visitor = app.test_client()
    visitor.get(STAGING_LUNG)
    visitor.get("/q/situation")
    return visitor


def test_the_page_everyone_but_the_owner_sees_is_the_same_and_holds_nothing_of_theirs(app):
    owner = app.test_client()
    link = save(owner)
    # Rendered for (and kept from) a visitor with answers, then afresh for one without any.
    mid_questionnaire = with_answers(app).get(link)
    cache_of(app).drop(token_hash(link))
    anonymous = app.test_client().get(link)
    assert mid_questionnaire.data == anonymous.data
    assert b"csrf_token" not in anonymous.data
    assert f"{link}/delete".encode() not in anonymous.data
    assert anonymous.headers["Cache-Control"] == "no-store"  # still private to browsers and proxies
    assert with_answers(app).get(link).data == anonymous.data  # and now from the cache

    mine = owner.get(link).get_data(as_text=True)
    assert f"{link}/delete" in mine  # the owner's own page, with its delete form
    assert fields(mine)["csrf_token"]


def test_a_kept_page_with_a_form_gets_each_visitors_own_csrf_token(app):
    owner = app.test_client()
    link = save(owner)
    with app.app_context():  # saved under older rules: the page offers today's result, in a form
        db.session.execute(update(SavedResult).values(rules_version="older"))
        db.session.commit()
    one, two = app.test_client(), app.test_client()
    pages = [c.get(link).get_data(as_text=True) for c in (one, two, one)]
    tokens = [fields(page)["csrf_token"] for page in pages]
    assert len(set(tokens[:2])) == 2  # each visitor's own
    assert kept_pages.CSRF_SLOT not in "".join(pages)
    entry = cache_of(app)._entries[token_hash(link)]
    kept = [html for variant, html in entry[2].items() if variant.startswith("page other older-rules")]
    assert len(kept) == 1 and kept_pages.CSRF_SLOT.encode() in kept[0]  # kept with a slot, not a token
    for client, token in ((one, tokens[2]), (two, tokens[1])):
        used = client.post(f"{link}/use", data={"csrf_token": token})
        assert used.status_code == 303, used.status_code  # the token works: it is the visitor's own


def test_the_owners_page_is_kept_too_and_its_delete_form_works(app):
    owner = app.test_client()
    link = save(owner)
    first = owner.get(link).get_data(as_text=True)
    again = owner.get(link).get_data(as_text=True)  # from the cache, the slot filled again
    assert f"{link}/delete" in first and f"{link}/delete" in again
    entry = cache_of(app)._entries[token_hash(link)]
    assert any(variant.startswith("page owner") for variant in entry[2])
    stranger = app.test_client().get(link).get_data(as_text=True)
    assert f"{link}/delete" not in stranger and 'id="share-link"' not in stranger
    deleted = owner.post(f"{link}/delete", data={"csrf_token": fields(again)["csrf_token"]})
    assert deleted.status_code == 200


def test_a_notice_waiting_for_one_visitor_is_not_shown_to_the_next(app):
    link = save(app.test_client())
    flashed = app.test_client()
    assert flashed.get("/start?situation=screening&colour=blue").status_code == 302  # not followed
    assert NOTICE in flashed.get(link).get_data(as_text=True)
    assert NOTICE not in app.test_client().get(link).get_data(as_text=True)


def test_the_cache_is_bounded_by_memory_and_drops_the_least_recently_shown():
    html = "<p>" + "x" * 10_000 + "</p>"
    cache = saving.SnapshotCache(max_bytes=35_000)  # room for three
    later = saving.utcnow() + dt.timedelta(days=1)
    for name in "abc":
        cache.put(name, 1, later, "v", html)
    assert cache.get("a", 1, "v") == html  # "a" is now the most recent
    cache.put("d", 1, later, "v", html)
    assert "b" not in cache
    assert all(name in cache for name in "acd")
    assert cache.size <= cache.max_bytes
    cache.put("huge", 1, later, "v", "x" * 40_000)  # larger than the whole cache: not kept
    assert "huge" not in cache
    for name in "acd":
        cache.drop(name)
    assert (len(cache), cache.size) == (0, 0)


def test_an_entry_keeps_a_few_variants_and_answers_only_for_its_own_row():
    cache = saving.SnapshotCache(max_bytes=1_000_000)
    later = saving.utcnow() + dt.timedelta(days=1)
    cache.put("h", 1, later, "one", "<p>1</p>")
    cache.put("h", 1, later, "two", "<p>2</p>")
    assert (cache.get("h", 1, "one"), cache.get("h", 1, "two")) == ("<p>1</p>", "<p>2</p>")
    assert cache.get("h", 2, "one") is None  # another row under the same token hash
    cache.put("h", 2, later, "one", "<p>new</p>")
    assert cache.get("h", 1, "two") is None
    for n in range(saving.SnapshotCache.VARIANTS + 3):
        cache.put("h", 2, later, f"host{n}", "<p>x</p>")
    assert len(cache._entries["h"][2]) <= saving.SnapshotCache.VARIANTS


# ---- test pages ----------------------------------------------------------------------------------


@pytest.fixture
def rendered(app: Flask) -> Iterator[list[str]]:
    """The names of the templates the app renders."""
    names: list[str] = []

    def seen(_app, **extra) -> None:
        names.append(extra["template"].name)

    template_rendered.connect(seen, app)
    yield names
    template_rendered.disconnect(seen, app)


def test_a_test_page_is_rendered_once_and_the_same_for_everyone(app, rendered):
    # Rendered for (and kept from) a visitor with answers, then afresh for one without any.
    kept = with_answers(app).get("/tests/ct")
    app.extensions["test_pages"].clear()
    fresh = app.test_client().get("/tests/ct")
    assert kept.data == fresh.data
    assert rendered.count("library/test.html") == 2
    pages = [c.get("/tests/ct") for c in (app.test_client(), with_answers(app))]
    assert rendered.count("library/test.html") == 2  # both from the cache
    assert pages[0].data == pages[1].data == fresh.data
    assert b"csrf_token" not in fresh.data
    assert kept_pages.CSRF_SLOT.encode() not in fresh.data
    assert b'aria-current="page"' not in fresh.data


def test_each_test_has_its_own_page(app):
    client = app.test_client()
    ct, mri = client.get("/tests/ct").get_data(as_text=True), client.get("/tests/mri").get_data(as_text=True)
    assert "<h1>CT scan" in ct or ">CT scan<" in ct
    assert ct != mri
    assert client.get("/tests/nope").status_code == 404
    assert all(key[1] in {"ct", "mri"} for key in app.extensions["test_pages"])


def test_a_test_page_follows_the_mount_point(app):
    client = app.test_client()
    root = client.get("/tests/ct").get_data(as_text=True)
    mounted = client.get("/tests/ct", base_url="http://localhost/guide/").get_data(as_text=True)
    assert 'href="/guide/tests"' in mounted
    assert 'href="/guide/' not in root


def test_a_results_body_follows_the_mount_point(app):
    # The body is kept per answers; one made under a proxy's path prefix must not reach other visitors.
    link = "/start?situation=staging&site=lung&age=60&factors=implant"
    mounted, root = app.test_client(), app.test_client()
    mounted.get(link, base_url="http://localhost/guide/")
    page = mounted.get("/results", base_url="http://localhost/guide/").get_data(as_text=True)
    root.get(link)
    plain = root.get("/results").get_data(as_text=True)
    assert 'href="/guide/tests/' in page
    assert "/guide/" not in plain


def test_a_notice_on_a_test_page_is_for_that_visitor_only(app):
    flashed = app.test_client()
    flashed.get("/start?situation=screening&colour=blue")
    assert NOTICE in flashed.get("/tests/ct").get_data(as_text=True)
    assert NOTICE not in app.test_client().get("/tests/ct").get_data(as_text=True)
    assert NOTICE not in flashed.get("/tests/ct").get_data(as_text=True)  # shown once


# ---- kept pages ----------------------------------------------------------------------------------


def test_a_kept_page_has_a_slot_that_each_request_fills_with_a_valid_token(app):
    with app.test_request_context("/"):
        page, for_everyone = kept_pages.render(lambda: f'<input name="csrf_token" value="{generate_csrf()}">')
        assert for_everyone
        assert page == f'<input name="csrf_token" value="{kept_pages.CSRF_SLOT}">'.encode()
        sent = kept_pages.send(page).get_data(as_text=True)
        validate_csrf(fields(sent)["csrf_token"])  # raises if it is not this session's token


def test_a_page_is_not_kept_if_rendering_it_made_a_token_or_changed_the_session(app):
    with app.test_request_context("/"):
        _, kept = kept_pages.render(lambda: setattr(g, "csrf_token", "real-token") or "<p>x</p>")
        assert not kept
        _, kept = kept_pages.render(lambda: session.__setitem__("seen", ["age"]) or "<p>x</p>")
        assert not kept
        assert session.modified  # the change is still saved in the cookie


def test_a_token_made_earlier_in_the_request_is_left_as_it_was(app):
    with app.test_request_context("/"):
        token = generate_csrf()
        modified = session.modified
        page, kept = kept_pages.render(lambda: "<p>x</p>")
        assert kept and page == b"<p>x</p>"
        assert generate_csrf() == token
        assert session.modified == modified
