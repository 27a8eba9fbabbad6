"""Save and share a result (issue 4): the link, its page, deleting, expiry, privacy and failures.

Every test that touches the database runs twice: on a SQLite file and on PostgreSQL (tests/db.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import logging
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import create_engine, inspect, select, text, update
from werkzeug.serving import make_server

from webapp import create_app
from webapp.logs import RedactTokens
from webapp.storage.db import db
from webapp.storage.models import SavedResult
from webapp.storage.saving import new_token, save, utcnow
from webapp.templating import long_date
from webapp.views import share

from .db import BACKENDS, UNREACHABLE_POSTGRESQL, close, database_app, postgresql_schema
from .webtools import Browser, Page

SCREENING_BREAST = "/start?situation=screening&site=breast&age=50&risk=average&factors="
STAGING_LUNG = "/start?situation=staging&site=lung&age=64&factors=implant&factors=kidney"
# The parts of a result that a saved link must show exactly as they were.
RESULT_SECTIONS = (
    "In short",
    "Commonly used",
    "Sometimes used",
    "Not usually used for this",
    "Tell your care team",
    "Questions you could ask your care team",
    "Things to know",
    "Sources and review dates",
)  # "Your answers" differs on purpose (a saved result has no change links); its rows are compared
COLUMNS = {"id", "token_hash", "answers", "snapshot", "rules_version", "created_at", "expires_at"}


# ---- databases and apps ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgresql() -> Iterator[str]:
    """A URL into a PostgreSQL schema of this session's own (skips, or fails under CI, without one)."""
    with postgresql_schema() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database URL a test runs on: a fresh SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'share.sqlite3'}"
    return request.getfixturevalue("postgresql")


@pytest.fixture
def app(backend: str) -> Iterator[Flask]:
    """The app on an empty database of the current backend (replaces conftest's SQLite-only app)."""
    app = database_app(backend)
    yield app
    close(app)


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a SQLite file, for what does not depend on the backend."""
    app = database_app(f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    yield app
    close(app)


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def stranger(app: Flask) -> Browser:
    """Someone else, in another browser, who was given the link."""
    return Browser(app.test_client())


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """Undo what Alembic's env.py does to logging (fileConfig disables every logger it does not name)."""
    manager = logging.Logger.manager
    root = logging.getLogger()
    before = {
        name: (lg.disabled, lg.level)
        for name, lg in manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, lg in manager.loggerDict.items():
        if isinstance(lg, logging.Logger):
            lg.disabled, lg.level = before.get(name, (False, lg.level))


# ---- helpers ---------------------------------------------------------------------------------


def results(browser: Browser, link: str = SCREENING_BREAST) -> Page:
    browser.get(link)
    page = browser.get("/results")
    assert page.status == 200, page.url
    return page


def save_token_on(page: Page) -> str:
    return dict(page._form("/saved").fields)["save_token"]


def save_from_results(browser: Browser, link: str = SCREENING_BREAST) -> tuple[Page, str]:
    """Answer, open the results, press "Save and get a link"; the saved page and its token."""
    page = results(browser, link)
    token = save_token_on(page)
    saved = page.submit_form("/saved")
    assert (saved.status, saved.url) == (200, f"/saved/{token}")
    return saved, token


def csrf(browser: Browser) -> str:
    """A CSRF token of this browser's session, read from a page as a browser would."""
    page = browser.get("/q/situation")
    return dict(page.reader.forms[0].fields)["csrf_token"]


def rows(app: Flask) -> list[dict]:
    with app.app_context():
        found = db.session.execute(select(SavedResult.__table__)).mappings().all()
        return [dict(r) for r in found]


def expire_all(app: Flask) -> None:
    with app.app_context():
        db.session.execute(update(SavedResult).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()


def store(app: Flask, days: float) -> str:
    """Save a result straight into the database, expiring in `days` (negative: already expired)."""
    token = new_token()
    with app.app_context():
        save(token, {"situation": "screening"}, {"en": "<p>kept</p>"}, "v", dt.timedelta(days=days))
    return token


def sections(page: Page) -> dict[str, str]:
    """The result's sections, without the live page's own actions at its foot."""
    return {
        heading: page.section(heading).split(" Save or print these results")[0]
        for heading in RESULT_SECTIONS
        if f">{heading}</h2>" in page.html
    }


def has_form(page: Page, action: str) -> bool:
    return any(f.action == action for f in page.reader.forms)


def private_headers(page: Page) -> tuple[str, str, str]:
    return (
        page.headers.get("Cache-Control"),
        page.headers.get("X-Robots-Tag", "").split(",")[0],
        page.headers.get("Referrer-Policy"),
    )


PRIVATE = ("no-store", "noindex", "same-origin")


# ---- saving and the link page ------------------------------------------------------------------


def test_saving_gives_a_dated_link_to_exactly_the_result_shown(browser, app, rulebook):
    live = results(browser, STAGING_LUNG)
    saved, _ = save_from_results(browser, STAGING_LUNG)

    assert sections(saved) == sections(live)
    assert len(sections(saved)) >= 6
    assert saved.summary_rows() == live.summary_rows()

    (row,) = rows(app)
    assert abs(row["created_at"] - utcnow()) < dt.timedelta(minutes=1)
    assert row["expires_at"] - row["created_at"] == dt.timedelta(days=30)
    notice = saved.region("Saved results")
    assert f"made on {long_date(row['created_at'])}" in notice
    assert f"This link works until {long_date(row['expires_at'])}" in notice
    assert "Rules version" not in notice  # kept for the printed handout, not shown on screen
    assert f"Rules version {rulebook.version[:12]}" in saved.handout
    assert f"See these results online: localhost/saved/{saved.url.rsplit('/', 1)[1]}" in saved.handout
    assert "updated since" not in notice


def test_the_person_who_saved_gets_a_link_to_copy_and_a_qr_code_of_it(browser):
    saved, token = save_from_results(browser)
    link = f"http://localhost/saved/{token}"
    (field,) = [i for i in saved.reader.inputs if i.get("id") == "share-link"]
    assert field["value"] == link and "readonly" in field
    assert '<label class="ig-label" for="share-link">' in saved.html
    assert share.qr_svg(link) in saved.html  # drawn here, of exactly this link
    assert 'aria-label="QR code of the link"' in saved.html
    assert has_form(saved, f"/saved/{token}/delete")


def test_someone_with_the_link_sees_the_result_but_cannot_delete_it(browser, stranger, app):
    saved, token = save_from_results(browser)
    seen = stranger.get(f"/saved/{token}")
    assert seen.status == 200
    assert sections(seen) == sections(saved)
    assert "share-link" not in seen.html and "ig-qr" not in seen.html
    assert not has_form(seen, f"/saved/{token}/delete")

    refused = stranger.client.post(f"/saved/{token}/delete", data={"csrf_token": csrf(stranger)})
    assert refused.status_code == 404
    assert len(rows(app)) == 1
    assert browser.get(f"/saved/{token}").status == 200


def test_deleting_needs_the_pages_csrf_token(browser, app):
    _, token = save_from_results(browser)
    assert browser.client.post(f"/saved/{token}/delete").status_code == 400
    assert len(rows(app)) == 1


def test_the_owner_can_delete_it_at_once_and_then_it_is_gone_for_everyone(browser, stranger, app):
    saved, token = save_from_results(browser)
    answers = browser.get("/results").summary_rows()
    deleted = saved.submit_form(f"/saved/{token}/delete")
    assert deleted.status == 200
    assert deleted.h1 == "Your saved results have been deleted"
    assert rows(app) == []
    for who in (browser, stranger):
        gone = who.get(f"/saved/{token}")
        assert (gone.status, gone.h1) == (404, "These saved results cannot be found")
    assert (
        browser.client.post(f"/saved/{token}/delete", data={"csrf_token": csrf(browser)}).status_code == 404
    )
    assert browser.get("/results").summary_rows() == answers  # deleting the link keeps the answers here


def test_expired_deleted_and_unknown_links_all_get_the_same_page(browser, stranger, app):
    saved, deleted_token = save_from_results(browser)
    saved.submit_form(f"/saved/{deleted_token}/delete")
    _, expired_token = save_from_results(browser)
    expire_all(app)
    assert len(rows(app)) == 1  # expired but not yet purged: still refused

    pages = [stranger.get(f"/saved/{t}") for t in (expired_token, deleted_token, new_token())]
    assert {p.status for p in pages} == {404}
    assert pages[0].html == pages[1].html == pages[2].html
    assert pages[0].h1 == "These saved results cannot be found"
    assert "kept for 30 days" in pages[0].text
    assert browser.get(f"/saved/{expired_token}").html == pages[0].html  # the owner too


# Too long, wrong alphabet, NUL, percent-encoded slashes and spaces, one short, one long, SQL, paths.
ODD_TOKENS = (
    "A" * 10_000,
    "ü" * 43,
    "%F0%9F%98%80" * 43,
    "%00" + "A" * 42,
    "A" * 42,
    "A" * 44,
    "A" * 42 + "=",
    "A" * 42 + "%2F",
    "A" * 42 + "%20",
    "%27%20OR%201%3D1%20--%20" + "A" * 30,
    "..%2F..%2Fetc%2Fpasswd",
    "a/b",
    "A" * 43 + "/",
)


def test_odd_and_tampered_links_get_not_found_never_an_error(sqlite_app):
    browser = Browser(sqlite_app.test_client())
    not_found = browser.get(f"/saved/{new_token()}").html
    key = csrf(browser)
    for token in ODD_TOKENS:
        got = browser.get(f"/saved/{token}")
        assert got.status == 404, token[:50]
        if "/" not in unquote(token):  # a slash makes it another address: the site's own 404 page
            assert got.html == not_found, token[:50]
        for action in ("delete", "use"):
            # (a doubled slash is first redirected to the single-slash address, then not found)
            response = browser.client.post(
                f"/saved/{token}/{action}", data={"csrf_token": key}, follow_redirects=True
            )
            assert response.status_code == 404, (token[:50], action)


def test_a_tampered_real_token_finds_nothing(browser, stranger, app):
    _, token = save_from_results(browser)
    not_found = stranger.get(f"/saved/{new_token()}").html
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for tampered in (
        flipped,
        token.upper() if token.upper() != token else token.lower(),
        token[:42],
        token + "A",
    ):
        got = stranger.get(f"/saved/{tampered}")
        assert (got.status, got.html) == (404, not_found)


def test_a_malformed_save_token_is_refused_plainly(sqlite_app):
    browser = Browser(sqlite_app.test_client())
    page = results(browser)
    for bad in ("", "short", "A" * 10_000, "ü" * 43, "A" * 42 + "/"):
        response = browser.client.post(
            "/saved", data={"csrf_token": dict(page._form("/saved").fields)["csrf_token"], "save_token": bad}
        )
        assert response.status_code == 400
    assert rows(sqlite_app) == []


def test_holding_a_link_does_not_make_another_browser_its_owner(browser, stranger, app):
    # The review's reproducer: POST /saved with an existing link's token handed back the stored row
    # and added it to this browser's owned list, so anyone with the link could delete it.
    _, token = save_from_results(browser)
    form = dict(results(stranger)._form("/saved").fields)
    for proof in ("", form["save_proof"]):  # no proof, and the proof of the stranger's own token
        taken = stranger.client.post("/saved", data={**form, "save_token": token, "save_proof": proof})
        assert taken.status_code == 400
        assert "Save and get a link" in taken.get_data(as_text=True)
    shown = stranger.get(f"/saved/{token}")
    assert shown.status == 200 and not has_form(shown, f"/saved/{token}/delete")
    assert (
        stranger.client.post(f"/saved/{token}/delete", data={"csrf_token": csrf(stranger)}).status_code == 404
    )
    assert len(rows(app)) == 1 and browser.get(f"/saved/{token}").status == 200


def test_a_token_the_client_chose_is_never_stored(browser, app):
    form = dict(results(browser)._form("/saved").fields)
    for chosen in ("A" * 43, new_token()):
        answer = browser.client.post("/saved", data={**form, "save_token": chosen})
        assert answer.status_code == 400
    assert rows(app) == []
    assert browser.get("/results").status == 200  # the answers are still there


def test_a_proof_works_only_in_the_browser_it_was_issued_to(browser, stranger, app):
    form = dict(results(browser)._form("/saved").fields)
    results(stranger)
    stolen = stranger.client.post("/saved", data={**form, "csrf_token": csrf(stranger)})
    assert stolen.status_code == 400
    assert rows(app) == []
    assert browser.client.post("/saved", data=form).status_code == 303  # the owner's own form works


def test_saving_before_answering_goes_to_the_first_question(sqlite_app):
    browser = Browser(sqlite_app.test_client())
    response = browser.client.post("/saved", data={"csrf_token": csrf(browser), "save_token": new_token()})
    assert browser.follow(response, "/saved").url == "/q/situation"
    assert rows(sqlite_app) == []


# ---- when the rules change -------------------------------------------------------------------


def test_after_a_rules_update_the_link_says_so_and_offers_todays_result(browser, app, backend, rules_copy):
    saved, token = save_from_results(browser)
    assert not has_form(saved, f"/saved/{token}/use")
    answers = browser.get("/results").summary_rows()

    tests_toml = rules_copy / "tests.toml"
    tests_toml.write_text(tests_toml.read_text().replace('name = "Mammogram"', 'name = "Mammogram X"'))
    updated = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": backend, "RULES_DIR": str(rules_copy)})
    try:
        later = Browser(updated.test_client())
        page = later.get(f"/saved/{token}")
        assert page.status == 200
        assert "The guide has been updated since these results were saved" in page.region("Saved results")
        assert sections(page) == sections(saved)  # still exactly what was saved
        assert "Commonly used: Mammogram." in page.section("In short")

        today = page.submit_form(f"/saved/{token}/use")
        assert (today.status, today.url) == (200, "/results")
        assert today.summary_rows() == answers
        assert "Commonly used: Mammogram X." in today.section("In short")
    finally:
        close(updated)


# ---- double clicks ---------------------------------------------------------------------------


def test_saving_twice_from_one_page_keeps_one_result(browser, app):
    page = results(browser)
    first = page.submit_form("/saved")
    second = page.submit_form("/saved")
    assert first.url == second.url == f"/saved/{save_token_on(page)}"
    assert second.status == 200 and has_form(second, f"{second.url}/delete")
    assert len(rows(app)) == 1


def test_two_saves_at_the_same_moment_keep_one_result(browser, app):
    page = results(browser)
    fields = dict(page._form("/saved").fields)
    cookie = browser.client.get_cookie("ig_session").value
    start, answers = threading.Barrier(2), []

    def press() -> None:
        client = app.test_client()
        client.set_cookie("ig_session", cookie)
        start.wait()
        answers.append(client.post("/saved", data=fields))

    clicks = [threading.Thread(target=press) for _ in range(2)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join(timeout=30)
    assert [r.status_code for r in answers] == [303, 303]
    assert {r.headers["Location"] for r in answers} == {f"/saved/{fields['save_token']}"}
    assert len(rows(app)) == 1


# ---- privacy -----------------------------------------------------------------------------------


def test_the_database_holds_only_the_tokens_hash_and_nothing_about_the_person(app, backend):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Tracer-Agent/9.9")
    _, token = save_from_results(Browser(client), STAGING_LUNG)

    (row,) = rows(app)
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert len(row["token_hash"]) == 64
    snapshot = zlib.decompress(row["snapshot"]).decode()
    everything = json.dumps({k: v for k, v in row.items() if k != "snapshot"}, default=str) + snapshot
    for secret in (token, "203.0.113.77", "Tracer-Agent"):
        assert secret not in everything
    with app.app_context():
        assert {c["name"] for c in inspect(db.engine).get_columns("saved_result")} == COLUMNS
    if backend.startswith("sqlite:///"):  # the file itself, write-ahead log included
        path = Path(backend.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert token.encode() not in raw and b"203.0.113.77" not in raw
        assert hashlib.sha256(token.encode()).hexdigest().encode() in raw


def test_share_pages_are_never_cached_indexed_or_sent_as_a_referrer(browser, stranger):
    saved, token = save_from_results(browser)
    pages = [saved, stranger.get(f"/saved/{token}"), stranger.get(f"/saved/{new_token()}")]
    pages.append(saved.submit_form(f"/saved/{token}/delete"))
    assert [p.status for p in pages] == [200, 200, 404, 200]
    for page in pages:
        assert private_headers(page) == PRIVATE, page.url


def test_the_token_redaction_filter_rewrites_only_saved_links():
    token = new_token()
    record = logging.LogRecord(
        "werkzeug", logging.INFO, "", 0, '"GET /saved/%s/delete HTTP/1.1" %s -', (token, 200), None
    )
    assert RedactTokens().filter(record) is True
    assert record.getMessage() == '"GET /saved/<token>/delete HTTP/1.1" 200 -'
    other = logging.LogRecord("werkzeug", logging.INFO, "", 0, '"GET /tests/%s HTTP/1.1"', ("ct",), None)
    assert RedactTokens().filter(other) is True
    assert other.getMessage() == '"GET /tests/ct HTTP/1.1"' and other.args == ("ct",)


def test_the_servers_request_log_never_holds_a_token(sqlite_app, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, sqlite_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    token = new_token()
    try:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/saved/{token}", timeout=5)
        assert answer.value.code == 404
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert '"GET /saved/<token> HTTP/1.1" 404' in caplog.text
    assert token not in caplog.text


def test_an_error_on_a_link_is_logged_without_its_token(sqlite_app, caplog, monkeypatch):
    def broken(*_args):
        raise RuntimeError("something broke")

    monkeypatch.setattr("webapp.storage.saving.find_page", broken)
    token = new_token()
    response = sqlite_app.test_client().get(f"/saved/{token}")
    assert response.status_code == 500
    assert "Unhandled error on /saved/<token>" in caplog.text
    assert token not in caplog.text


# ---- expiry and purging -------------------------------------------------------------------------


def test_the_purge_command_deletes_only_what_has_expired(app):
    store(app, days=-1)
    kept = store(app, days=1)
    outcome = app.test_cli_runner().invoke(args=["purge"])
    assert outcome.exit_code == 0
    assert outcome.output.strip() == "Deleted 1 expired saved result(s)."
    assert [r["token_hash"] for r in rows(app)] == [hashlib.sha256(kept.encode()).hexdigest()]


def test_saving_sweeps_expired_results_on_its_own_from_time_to_time(browser, app, monkeypatch):
    monkeypatch.setattr(share, "_last_purge", float("-inf"))  # a fresh process: the first save sweeps
    store(app, days=-1)
    _, token = save_from_results(browser)
    assert [r["token_hash"] for r in rows(app)] == [hashlib.sha256(token.encode()).hexdigest()]

    store(app, days=-1)  # the next sweep is not due yet: an expired row may wait, but stays hidden
    save_from_results(browser)
    assert len(rows(app)) == 3
    monkeypatch.setattr(share, "_last_purge", time.monotonic() - app.config["PURGE_EVERY_SECONDS"] - 1)
    save_from_results(browser)
    assert len(rows(app)) == 3  # one swept, one added


def test_the_first_save_after_start_sweeps_even_on_a_young_machine(sqlite_app, monkeypatch):
    # time.monotonic() counts from boot; a machine up for a minute must not wait an hour to sweep.
    fresh = importlib.util.module_from_spec(importlib.util.find_spec("webapp.views.share"))
    fresh.__spec__.loader.exec_module(fresh)  # the module as a new process starts with it
    monkeypatch.setattr(share, "_last_purge", fresh._last_purge)
    monkeypatch.setattr(share.time, "monotonic", lambda: 60.0)
    store(sqlite_app, days=-1)
    save_from_results(Browser(sqlite_app.test_client()))
    assert len(rows(sqlite_app)) == 1


def test_how_long_links_last_is_a_setting(tmp_path):
    app = database_app(f"sqlite:///{tmp_path / 'days.sqlite3'}", SAVED_RESULT_DAYS=7)
    try:
        browser = Browser(app.test_client())
        saved, _ = save_from_results(browser)
        (row,) = rows(app)
        assert row["expires_at"] - row["created_at"] == dt.timedelta(days=7)
        assert f"This link works until {long_date(row['expires_at'])}" in saved.text
        assert "kept for 7 days" in browser.get(f"/saved/{new_token()}").text
    finally:
        close(app)


# ---- database set-up ---------------------------------------------------------------------------


def test_by_default_the_database_is_a_sqlite_file_in_instance():
    app = create_app({"TESTING": True})
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == f"sqlite:///{Path(app.instance_path) / 'imaging-guide.sqlite3'}"
    )


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_app, tmp_path):
    with sqlite_app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    with sqlite3.connect(tmp_path / "plain.sqlite3") as other:  # WAL is kept in the file itself
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)

    quick = database_app(f"sqlite:///{tmp_path / 'quick.sqlite3'}", SQLITE_BUSY_TIMEOUT_MS=250)
    try:
        with quick.app_context(), db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 250
    finally:
        close(quick)


@pytest.mark.parametrize(
    "url", ["postgres://ig:pw@db.example:5432/ig", "postgresql://ig:pw@db.example:5432/ig"]
)
def test_database_url_means_postgresql_through_psycopg_3(url, monkeypatch):
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://ig:pw@db.example:5432/ig"
    with app.app_context():
        assert db.engine.dialect.driver == "psycopg"
        assert db.engine.pool._pre_ping is True

    # In production the setting comes from the environment, as FLASK_DATABASE_URL.
    monkeypatch.setenv("FLASK_DATABASE_URL", url)
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-long-random-test-secret-key-0123456789")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://ig:pw@db.example:5432/ig"


def test_postgresql_connections_closed_by_the_server_are_replaced(postgresql):
    app = database_app(postgresql)
    admin = create_engine(postgresql, isolation_level="AUTOCOMMIT")
    try:
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        with app.app_context():
            pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
            db.session.remove()
        with admin.connect() as connection:  # as a database restart or an idle timeout would
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        assert client.get("/readyz").status_code == 200
    finally:
        admin.dispose()
        close(app)


def test_migrations_build_exactly_the_schema_of_the_models(backend, keep_logging):
    app = database_app(backend, tables=False)
    try:
        with app.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
                assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        saved, _ = save_from_results(Browser(app.test_client()))
        assert saved.status == 200
        with app.app_context():
            flask_migrate.downgrade(revision="base")
            assert "saved_result" not in inspect(db.engine).get_table_names()
    finally:
        close(app)


# ---- when the database is down or busy ---------------------------------------------------------


@pytest.fixture(params=["sqlite-missing-folder", "postgresql-unreachable"])
def broken_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app with a database it cannot reach."""
    url = (
        f"sqlite:///{tmp_path / 'no-such-folder' / 'gone.sqlite3'}"
        if request.param.startswith("sqlite")
        else UNREACHABLE_POSTGRESQL
    )
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    yield app
    close(app)


def test_with_the_database_down_people_keep_their_answers_and_can_retry(broken_app):
    browser = Browser(broken_app.test_client())
    assert browser.get("/q/situation").status == 200
    page = results(browser, STAGING_LUNG)
    answers = page.summary_rows()

    failed = page.submit_form("/saved")
    assert failed.status == 503
    assert failed.h1 == "Sorry, saving is not working right now"
    assert "Your answers are safe in this browser" in failed.text
    assert dict(failed._form("/saved").fields)["save_token"] == save_token_on(page)
    assert private_headers(failed) == PRIVATE

    assert browser.get("/results").summary_rows() == answers
    assert browser.get(f"/saved/{save_token_on(page)}").status == 503
    ready = browser.client.get("/readyz")
    assert (ready.status_code, ready.json["status"]) == (503, "unavailable")
    assert browser.client.get("/healthz").status_code == 200


def test_health_checks_report_a_working_database(browser):
    assert browser.client.get("/healthz").json == {"status": "ok"}
    ready = browser.client.get("/readyz")
    assert (ready.status_code, ready.json["database"]) == (200, "ok")


def test_a_locked_sqlite_database_fails_fast_then_saving_works_again(tmp_path):
    path = tmp_path / "busy.sqlite3"
    app = database_app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=100)
    locker = sqlite3.connect(path, isolation_level=None)
    try:
        browser = Browser(app.test_client())
        page = results(browser)
        locker.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        failed = page.submit_form("/saved")
        assert failed.status == 503
        assert time.monotonic() - started < 3
        locker.execute("ROLLBACK")

        retried = failed.submit_form("/saved")
        assert (retried.status, retried.url) == (200, f"/saved/{save_token_on(page)}")
        assert len(rows(app)) == 1
    finally:
        locker.close()
        close(app)
