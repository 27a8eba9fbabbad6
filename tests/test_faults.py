"""Faults around saving (issue 9): an acknowledged save is stored where the next request looks.

- A connection that dies right after the commit (a PostgreSQL restart) still gives the link.
- A rollback that fails at the end of a request never becomes the server's bare 500.
- A SQLite file deleted or replaced under a running app: saves are refused, never acknowledged.
- /readyz answers 503 while the database cannot take writes (file immutable, read-only server).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from werkzeug.datastructures import MultiDict

from webapp import create_app
from webapp.storage.db import db
from webapp.storage.models import SavedResult
from webapp.storage.saving import hash_token
from webapp.views import share

from .db import close, database_app, postgresql_schema
from .webtools import Browser, Page

SCREENING_BREAST = "/start?situation=screening&site=breast&age=50&risk=average&factors="
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options")


@pytest.fixture(scope="module")
def postgresql() -> Iterator[str]:
    """A URL into a PostgreSQL schema of this module's own (skips, or fails under CI, without one)."""
    with postgresql_schema() as url:
        yield url


def results(browser: Browser) -> Page:
    browser.get(SCREENING_BREAST)
    page = browser.get("/results")
    assert page.status == 200
    return page


def press_save(browser: Browser, page: Page):
    """Press "Save and get a link" and return the raw response (not following the redirect)."""
    return browser.client.post("/saved", data=MultiDict(page._form("/saved").fields))


def save_token_on(page: Page) -> str:
    return dict(page._form("/saved").fields)["save_token"]


def stored_hashes(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(SavedResult.token_hash)))


# ---- PostgreSQL: the connection dies right after the commit --------------------------------------


class Outage:
    """Stop an app's PostgreSQL connections at will, as a database restart does, and bring it back."""

    def __init__(self, app: Flask, admin_url: str, name: str) -> None:
        self.app, self.name, self.down = app, name, False
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with app.app_context():
            event.listen(db.engine, "do_connect", self._connect)

    def _connect(self, *_args, **_kwargs) -> None:
        if self.down:
            raise psycopg.OperationalError("the database system is starting up")

    def start(self) -> int:
        """Close every connection the app holds and refuse new ones; how many were closed."""
        self.down = True
        with self.admin.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :n"
                ),
                {"n": self.name},
            ).scalar()

    def end(self) -> None:
        self.down = False

    def close(self) -> None:
        with self.app.app_context():
            event.remove(db.engine, "do_connect", self._connect)
        self.admin.dispose()


@pytest.fixture
def pg_outage(postgresql: str) -> Iterator[tuple[Flask, Outage]]:
    """The app on PostgreSQL, with its connections named so that an outage can close exactly them."""
    name = f"ig-faults-{secrets.token_hex(4)}"
    url = (
        make_url(postgresql)
        .update_query_dict({"application_name": name})
        .render_as_string(hide_password=False)
    )
    app = database_app(url)
    outage = Outage(app, postgresql, name)
    yield app, outage
    outage.close()
    close(app)


def test_a_save_stored_just_before_the_database_restarts_still_gets_its_link(pg_outage, monkeypatch):
    app, outage = pg_outage
    monkeypatch.setattr(share, "_last_purge", float("-inf"))  # a sweep is due after this save, and fails
    browser = Browser(app.test_client())
    page = results(browser)
    token = save_token_on(page)

    closed = []

    def right_after_commit(_session) -> None:
        if not outage.down:
            closed.append(outage.start())

    session_factory = db.session.session_factory
    event.listen(session_factory, "after_commit", right_after_commit)
    try:
        response = press_save(browser, page)
    finally:
        event.remove(session_factory, "after_commit", right_after_commit)
        outage.end()

    assert closed and closed[0] >= 1, "the outage closed no connection"
    assert (response.status_code, response.headers["Location"]) == (303, f"/saved/{token}")
    assert all(response.headers.get(h) for h in SECURITY_HEADERS)
    assert stored_hashes(app) == [hash_token(token)]
    saved = browser.get(f"/saved/{token}")
    assert saved.status == 200
    assert 'id="your-link"' in saved.html  # this browser still owns it: it may delete it


def test_a_rollback_that_fails_at_the_end_of_a_request_never_becomes_a_bare_500(pg_outage):
    app, outage = pg_outage

    @app.get("/__test/dies-mid-transaction")
    def dies_mid_transaction() -> str:
        db.session.execute(text("SELECT 1"))  # a transaction is open when the connection dies
        outage.start()
        outage.end()
        return "done"

    response = app.test_client().get("/__test/dies-mid-transaction")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "done")
    assert all(response.headers.get(h) for h in SECURITY_HEADERS)
    assert app.test_client().get("/readyz").status_code == 200  # the next request gets a good connection


def test_a_read_only_postgresql_is_not_ready(postgresql):
    url = make_url(postgresql)
    options = url.query["options"] + " -cdefault_transaction_read_only=on"
    app = database_app(postgresql)
    read_only_url = url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    read_only = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": read_only_url})
    try:
        ready = read_only.test_client().get("/readyz")
        assert ready.status_code == 503
        assert ready.json["status"] == "unavailable"
        assert app.test_client().get("/readyz").json == {"status": "ready", "database": "ok", "saving": "ok"}
    finally:
        close(read_only)
        close(app)


# ---- SQLite: the file under a running app ------------------------------------------------------


@pytest.fixture
def folder_app(tmp_path: Path) -> Iterator[tuple[Flask, Path]]:
    """The app on a SQLite file in a folder of its own, as in instance/."""
    folder = tmp_path / "instance"
    folder.mkdir()
    app = database_app(f"sqlite:///{folder / 'imaging-guide.sqlite3'}")
    yield app, folder
    close(app)


def test_after_the_database_folder_is_deleted_no_save_is_acknowledged(folder_app):
    app, folder = folder_app
    browser = Browser(app.test_client())
    assert press_save(browser, results(browser)).status_code == 303  # the pool now holds an open file
    assert app.test_client().get("/readyz").status_code == 200

    shutil.rmtree(folder)
    page = results(browser)
    refused = press_save(browser, page)
    assert refused.status_code == 503
    retry = Page(browser, "/saved", 503, refused.get_data(as_text=True), refused.headers)
    assert save_token_on(retry) == save_token_on(page)  # the retry button keeps the save
    ready = app.test_client().get("/readyz")
    assert (ready.status_code, ready.json["database"]) == (503, "missing")
    assert browser.get("/results").status == 200  # questions and results keep working


def test_a_database_file_put_back_from_a_copy_is_the_one_saves_go_to(folder_app):
    app, folder = folder_app
    browser = Browser(app.test_client())
    first = results(browser)
    assert press_save(browser, first).status_code == 303
    path = folder / "imaging-guide.sqlite3"
    with app.app_context():  # fold the WAL into the file, so the copy holds the first save
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
    shutil.copy(path, folder / "backup")
    for name in ("imaging-guide.sqlite3", "imaging-guide.sqlite3-wal", "imaging-guide.sqlite3-shm"):
        (folder / name).unlink(missing_ok=True)
    os.replace(folder / "backup", path)  # restored from a backup: a new file (inode) at the same path

    second = results(browser)
    assert press_save(browser, second).status_code == 303
    assert sorted(stored_hashes(app)) == sorted(hash_token(save_token_on(p)) for p in (first, second))
    check = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})  # a restart
    try:
        assert len(stored_hashes(check)) == 2
    finally:
        close(check)


def test_a_folder_deleted_while_saving_turns_the_save_into_a_retry(folder_app):
    app, folder = folder_app
    browser = Browser(app.test_client())
    page = results(browser)

    def delete_folder(_session) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    session_factory = db.session.session_factory
    event.listen(session_factory, "before_commit", delete_folder)
    try:
        response = press_save(browser, page)
    finally:
        event.remove(session_factory, "before_commit", delete_folder)
    assert response.status_code == 503
    assert "Try again" in response.get_data(as_text=True)


@pytest.fixture
def immutable(folder_app) -> Iterator[tuple[Flask, Path]]:
    """Make the database file immutable (chattr +i, which even root cannot write through); undo after."""
    app, folder = folder_app
    path = folder / "imaging-guide.sqlite3"
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode:
        pytest.skip(f"chattr +i does not work here: {done.stderr.decode().strip()}")
    try:
        yield app, path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_an_immutable_database_file_is_not_ready(immutable):
    app, _ = immutable
    client = app.test_client()
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json["database"]) == (503, "read-only")
    assert client.get("/healthz").status_code == 200
    assert client.get("/q/situation").status_code == 200


def test_an_immutable_database_never_acknowledges_a_save_and_recovers_once_writable(immutable):
    app, path = immutable
    browser = Browser(app.test_client())
    # The pool still holds a connection opened before: it could write, but the save is refused.
    assert press_save(browser, results(browser)).status_code == 503
    with app.app_context():  # connections opened from now on open the file read-only
        db.engine.dispose()
    assert app.test_client().get("/readyz").status_code == 503

    subprocess.run(["chattr", "-i", str(path)], check=True)
    assert stored_hashes(app) == []
    assert app.test_client().get("/readyz").status_code == 200  # read-only connections are opened anew
    assert press_save(browser, results(browser)).status_code == 303
