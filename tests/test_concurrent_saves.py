"""Saving under real concurrency: gunicorn with 4 sync workers on one SQLite file, many visitors at once."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.serve import GUNICORN, Client, Reply, Server, gunicorn, migrate

pytestmark = pytest.mark.slow

WORKERS = 4
VISITORS = 16
SAVES = 200
DOUBLE_CLICKS = 10
TIME_LIMIT = 120.0  # seconds for all saves; the suite normally needs well under 30
START = "/start?situation=staging&site=lung&age=60&factors=implant,kidney"
HEADING = b"Imaging tests often used in your situation"
FORM_FIELD = re.compile(r'name="(csrf_token|save_token|save_proof)" value="([^"]*)"')
# Anything in the server's log that means a save went wrong somewhere, even if the client saw 303.
BAD_LOG_LINES = ("Traceback", "database is locked", "database is unavailable", "WORKER TIMEOUT", "[ERROR]")


@dataclass(frozen=True)
class Running:
    """The server under test and the SQLite file it saves into."""

    server: Server
    database: Path


@dataclass(frozen=True)
class Saved:
    """One save as a visitor saw it: the token on the page, the answer to the POST, the link's page."""

    token: str
    post: Reply
    view: Reply | None


def need_gunicorn() -> None:
    """Skip without gunicorn (the test extras are not installed), but never quietly in CI."""
    if importlib.util.find_spec("gunicorn") is None or not GUNICORN.exists():
        message = f"gunicorn is not installed next to {GUNICORN.parent}: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """Gunicorn with 4 sync workers on a fresh, migrated SQLite file; stopped whatever happens.

    Shared by this module's tests (starting it costs seconds); each counts only the rows it adds.
    """
    need_gunicorn()
    tmp_path = tmp_path_factory.mktemp("saves")
    database = tmp_path / "saves.sqlite3"
    url = f"sqlite:///{database}"
    migrate(url)
    env = {"IG_BENCH_DATABASE_URL": url, "IG_BENCH_SECRET_KEY": "concurrent-saves-test-secret-key-4f9c2e"}
    with (tmp_path / "gunicorn.log").open("w+b") as log, gunicorn(WORKERS, env, log) as server:
        yield Running(server, database)


def visitor(server: Server) -> Client:
    """A browser of its own that has answered every question and can see its results."""
    client = Client(server.port)
    client.visit([START, "/check"])
    return client


def results_form(client: Client) -> dict[str, str]:
    """Open the results page and read the hidden fields of its save form."""
    page = client.request("GET", "/results")
    assert page.status == 200, f"GET /results answered {page.status}"
    fields = dict(FORM_FIELD.findall(page.body.decode("utf-8")))
    assert fields.keys() == {"csrf_token", "save_token", "save_proof"}, (
        "the results page has no complete save form"
    )
    return fields


def link_path(reply: Reply) -> str:
    """The path a 303 after saving points to, whether the Location is absolute or not."""
    return urlsplit(reply.location).path


def save_several(server: Server, count: int, start: threading.Barrier) -> list[Saved]:
    """Save `count` times like one person: open the results, save, follow the link."""
    try:
        client = visitor(server)
    except BaseException:
        start.abort()  # the others stop waiting at once instead of timing out
        raise
    start.wait(timeout=30)
    saves = []
    for _ in range(count):
        form = results_form(client)
        post = client.request("POST", "/saved", form)
        view = client.request("GET", link_path(post)) if post.status == 303 else None
        saves.append(Saved(form["save_token"], post, view))
    client.close()
    return saves


def rows(database: Path) -> list[str]:
    """The token hashes of every saved result in the database, oldest first."""
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT token_hash FROM saved_result ORDER BY id")]


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def assert_shows_result(view: Reply | None) -> None:
    assert view is not None
    assert view.status == 200
    assert HEADING in view.body and b"Saved results" in view.body
    assert b'id="in-short"' in view.body, "the saved page lacks the result itself"


def assert_clean_log(server: Server) -> None:
    log = server.log_text()
    found = [line for line in BAD_LOG_LINES if line in log]
    assert not found, f"gunicorn's log shows {found}:\n{log[-4000:]}"


def test_many_visitors_saving_at_once_each_get_their_own_working_link(running: Running) -> None:
    before = rows(running.database)
    began = time.monotonic()
    start = threading.Barrier(VISITORS)
    shares = [SAVES // VISITORS + (n < SAVES % VISITORS) for n in range(VISITORS)]
    pool = ThreadPoolExecutor(VISITORS)
    futures = [pool.submit(save_several, running.server, share, start) for share in shares]
    _, pending = wait(futures, timeout=TIME_LIMIT)
    # Never wait on a stuck thread: the fixture then stops gunicorn, which ends its requests.
    pool.shutdown(wait=not pending, cancel_futures=True)
    assert not pending, f"saves still running after {TIME_LIMIT:.0f} s"
    saves = [save for future in futures for save in future.result()]
    elapsed = time.monotonic() - began

    assert len(saves) == SAVES
    assert len({save.token for save in saves}) == SAVES, "two results pages gave the same save token"
    statuses = sorted({save.post.status for save in saves})
    assert statuses == [303], f"POST /saved answered {statuses}"
    for save in saves:
        assert link_path(save.post) == f"/saved/{save.token}"
        assert_shows_result(save.view)
    added = rows(running.database)[len(before) :]
    assert len(added) == SAVES, f"{len(added)} rows for {SAVES} saves"
    assert set(added) == {sha256(save.token) for save in saves}
    assert_clean_log(running.server)
    assert elapsed < TIME_LIMIT


def test_a_double_click_saves_once_and_both_clicks_get_the_same_link(running: Running) -> None:
    before = len(rows(running.database))
    person = visitor(running.server)
    for _ in range(DOUBLE_CLICKS):
        form = results_form(person)
        together = threading.Barrier(2)

        def click(form: dict[str, str] = form, together: threading.Barrier = together) -> Reply:
            # The same browser (same cookies) on a connection of its own, as a second click would be.
            tab = Client(running.server.port, person.cookies)
            together.wait(timeout=10)
            return tab.request("POST", "/saved", form)

        with ThreadPoolExecutor(2) as pool:
            first, second = (future.result(timeout=30) for future in [pool.submit(click), pool.submit(click)])
        link = f"/saved/{form['save_token']}"
        assert (first.status, second.status) == (303, 303)
        assert link_path(first) == link_path(second) == link
        assert_shows_result(person.request("GET", link))
        assert rows(running.database).count(sha256(form["save_token"])) == 1

    assert len(rows(running.database)) - before == DOUBLE_CLICKS
    assert_clean_log(running.server)
