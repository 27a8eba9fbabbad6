"""Print how many pages a second the app serves under gunicorn, next to /healthz and a bare Flask route.

Serves `bench/wsgi_bench.py` with gunicorn sync workers on 127.0.0.1 (a free port, a fresh SQLite
database in a temporary folder), then for each route runs a standard-library load generator
(client processes, each with a few threads, so the GIL does not cap the client) for a warm-up and
a fixed measuring time, split into turns that the routes take one after another, round after round.
Every response must be 200 with the expected page heading; anything else is counted as an error.
The server and the load generator live in `bench/serve.py`, shared with `bench/save_bench.py` and
the concurrency test.

The routes:

- `/__bench/hello`, a bare Flask route outside the app, and `/healthz`, the app's cheapest route
  (every hook and header, no page): the references the pages are given as a share of.
- the start page, a question step, and the results page for one answer set (its body is cached).
- the results page with a fresh answer set on every request: each request carries a session
  cookie with another age and set of safety factors, signed with the server's key, cycling
  through thousands of answer sets, so the body cache never hits.
- one test's page (`/tests/ct`), and one saved result (`/saved/<token>`, saved before the run)
  seen by another browser (shared) and by the browser that saved it (owner, with the QR code).

Targets (issues): the results page reaches at least half the bare route's throughput; a saved
result and a test's page at least 0.6 of /healthz. The client shares this machine's cores with the
server, so read the figures as a comparison between routes, not as what the app could serve to
many separate visitors.

Run with `make bench`, or `.venv/bin/python bench/http_bench.py --workers 1,2 --duration 5`.
"""

from __future__ import annotations

import argparse
import html
import http.client
import itertools
import multiprocessing
import os
import re
import secrets
import signal
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from serve import HELLO, Client, Server, Step, Tally, gunicorn, migrate, run_load

from webapp.rulebook import Rulebook, load, parse_answers

ROOT = Path(__file__).resolve().parent.parent
HEALTHZ = "/healthz"
RESULTS_HEADING = "Imaging tests often used in your situation"
JOURNEY = ("/start?situation=staging&site=lung&age=60&factors=implant,kidney", "/check")
SAVED = "/saved/<token>"  # how the table shows a saved link; the real token stays out of the output
SESSION_COOKIE = "ig_session"
SAVE_FORM = re.compile(r'name="(csrf_token|save_token|save_proof)" value="([^"]*)"')
LATER_WARMUP = 0.2  # seconds before each later turn: the app is warm, the new clients are not
H1 = re.compile(rb"<h1[^>]*>(.*?)</h1>", re.S)
TAG = re.compile(r"<[^>]+>")

# How the load clients ask for a route.
PAGE = "page"  # the same request every time
FRESH = "fresh answers"  # the results page, with another answer set in the session each request
SAVED_SHARED = "saved (shared)"  # a saved link, from a browser without cookies
SAVED_OWNER = "saved (owner)"  # a saved link, from the browser that saved it


@dataclass(frozen=True)
class Route:
    """One page to measure: how to get its session, and how to recognise a good answer."""

    name: str
    path: str
    heading: str | None  # text the page's <h1> starts with; None: the body must be `body`
    session_from: tuple[str, ...] = ()  # GET these first, in order, and keep the cookie
    kind: str = PAGE
    body: bytes = b"hello"  # the whole answer of a route without a heading (spaces around ignored)


@dataclass(frozen=True)
class Target:
    """A route's throughput must reach at least `share` of a reference route's."""

    route: str
    reference: str
    share: float


TARGETS = (
    Target("results page", "bare hello", 0.5),
    Target("test page", "healthz", 0.6),
    Target("saved (shared)", "healthz", 0.6),
    Target("saved (owner)", "healthz", 0.6),
)


def routes(book: Rulebook | None = None) -> list[Route]:
    """The references and the pages, with headings taken from the rule content."""
    book = book or load(ROOT / "rules")
    age = book.question("age")
    assert age is not None, "rules/questions.toml has no `age` question"
    return [
        Route("bare hello", HELLO, None),
        Route("healthz", HEALTHZ, None, body=b'{"status":"ok"}'),
        Route("start page", "/", book.pages["start"].title),
        Route("question step", "/q/age", age.label, ("/start?situation=staging&site=lung",)),
        Route("results page", "/results", RESULTS_HEADING, JOURNEY),
        Route("results (fresh)", "/results", RESULTS_HEADING, JOURNEY, FRESH),
        Route("test page", "/tests/ct", book.tests["ct"].name),
        Route("saved (shared)", SAVED, RESULTS_HEADING, JOURNEY, SAVED_SHARED),
        Route("saved (owner)", SAVED, RESULTS_HEADING, JOURNEY, SAVED_OWNER),
    ]


def heading_of(body: bytes) -> str:
    """The text of a page's first <h1>, tags removed and spaces collapsed."""
    found = H1.search(body)
    if found is None:
        return ""
    return " ".join(html.unescape(TAG.sub("", found.group(1).decode("utf-8", "replace"))).split())


def problem_with(route: Route, status: int, body: bytes) -> str | None:
    """Say what is wrong with a response, or None when it is the expected page."""
    if status != 200:
        return f"status {status} (h1: {heading_of(body)[:60]!r})"
    if route.heading is None:
        return None if body.strip() == route.body else f"body {body[:40]!r}"
    got = heading_of(body)
    return None if got.startswith(route.heading) else f"h1 {got[:60]!r}, wanted {route.heading[:60]!r}"


def fresh_answer_sets(book: Rulebook, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Every age and set of safety factors on top of these answers, each a different answer set.

    Sets the rules would read as another one (an answer they drop) are left out, so no two of
    them can share a cached result body.
    """
    factors = book.question("factors")
    age = book.question("age")
    assert factors is not None and age is not None, "rules/questions.toml lacks `age` or `factors`"
    values = [option.value for option in factors.options]
    chosen = [list(c) for n in range(len(values) + 1) for c in itertools.combinations(values, n)]
    seen: set[tuple] = set()
    sets = []
    for years in range(int(age.min or 0), int(age.max or 120) + 1):
        for picked in chosen:
            raw = {**answers, "age": years, "factors": picked}
            typed, errors = parse_answers(book, raw)
            key = tuple(sorted(typed.items()))
            if not errors and key not in seen:
                seen.add(key)
                sets.append(raw)
    return sets


def session_serializer(secret_key: str):
    """Sign and read session cookies as the app does, with the key the bench gave the server."""
    app = Flask("http_bench")
    app.secret_key = secret_key
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    return serializer


@dataclass
class Visit:
    """What the load clients send for one route on one server: its path and cookies."""

    path: str
    cookies: dict[str, str]
    owner_part: bytes = b""  # for a saved link: what only its owner's page shows
    owner: bool = False
    cookies_for: Callable[[], dict[str, str]] | None = None  # new cookies for each request
    answer_sets: int = 0  # how many different answer sets the fresh-answers clients cycle through

    def problem(self, body: bytes) -> str | None:
        """For a saved link: say if the owner's part is missing, or shown to another browser."""
        if not self.owner_part or (self.owner_part in body) == self.owner:
            return None
        return "owner part " + ("missing" if self.owner else "shown to another browser")


def save_result(browser: Client) -> str:
    """Save the browser's result with the token its results page issued, as the button does; its link."""
    page = browser.request("GET", "/results")
    form = dict(SAVE_FORM.findall(page.body.decode("utf-8", "replace")))
    if page.status != 200 or len(form) != 3:
        raise RuntimeError(f"GET /results answered {page.status} without a save form")
    link = f"/saved/{form['save_token']}"
    reply = browser.request("POST", "/saved", form)
    if reply.status != 303 or not reply.location.endswith(link):
        raise RuntimeError(f"POST /saved answered {reply.status}")
    return link


def fresh_cookies(browser: Client, book: Rulebook, secret_key: str) -> tuple[Callable[[], dict], int]:
    """Cookies with another answer set for each request, across every client process and thread.

    The browser's own session (answers, questions seen, CSRF token) is kept; only the age and the
    safety factors change. One counter in shared memory hands out the answer sets in turn, so no
    set comes back before all the others have been used.
    """
    serializer = session_serializer(secret_key)
    session = serializer.loads(browser.cookies[SESSION_COOKIE])
    sets = fresh_answer_sets(book, session["answers"])
    counter = multiprocessing.get_context("fork").Value("q", 0)  # shared with the forked clients
    cookies = dict(browser.cookies)

    def next_cookies() -> dict[str, str]:
        with counter.get_lock():
            turn = counter.value
            counter.value += 1
        signed = serializer.dumps({**session, "answers": sets[turn % len(sets)]})
        return {**cookies, SESSION_COOKIE: signed}

    return next_cookies, len(sets)


def prepare(server: Server, route: Route, book: Rulebook, secret_key: str) -> Visit | str:
    """Make the session (and saved link) a route needs, and check it serves once; or say why not."""
    browser = Client(server.port)
    try:
        browser.visit(route.session_from)
        if route.session_from and not browser.cookies:
            raise RuntimeError(f"no session cookie from {route.session_from[0]}")
        visit = Visit(route.path, browser.cookies)
        if route.kind in (SAVED_SHARED, SAVED_OWNER):
            visit.path = save_result(browser)
            visit.owner_part, visit.owner = f"{visit.path}/delete".encode(), route.kind == SAVED_OWNER
            visit.cookies = browser.cookies if visit.owner else {}
        viewer = Client(server.port, visit.cookies)
        try:
            # The page may add to the session once (a form's CSRF token); later visits send it back.
            first = viewer.request("GET", visit.path)
            visit.cookies = viewer.cookies
        finally:
            viewer.close()
        problem = problem_with(route, first.status, first.body) or visit.problem(first.body)
        if route.kind == FRESH and not problem:
            visit.cookies_for, visit.answer_sets = fresh_cookies(viewer, book, secret_key)
    except (OSError, http.client.HTTPException, RuntimeError, KeyError, ValueError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    finally:
        browser.close()
    return problem or visit


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    route: Route
    tally: Tally
    seconds: float
    server_cpu: float = 0.0  # CPU seconds the gunicorn workers used while measuring
    skipped: str = ""  # why the route was not measured: it did not serve the expected page
    answer_sets: int = 0  # for fresh answers: how many different answer sets were cycled through
    turn_rates: tuple[float, ...] = ()  # requests per second in each turn, round by round

    @property
    def rate(self) -> float:
        """Requests per second over the measuring time."""
        return self.tally.requests / self.seconds

    def percentile(self, share: float) -> float:
        """Latency in milliseconds below which this share of requests finished."""
        return self.tally.percentile(share)

    def cpu_per_request(self, seconds: float) -> float:
        """CPU milliseconds per request."""
        return seconds / self.tally.requests * 1000 if self.tally.requests else float("nan")


def measure(
    server: Server, route: Route, visit: Visit, options: argparse.Namespace, warmup: float, duration: float
) -> Row:
    """Load one route from several client processes for a warm-up plus a measuring time."""
    port = server.port

    def make_step() -> Step:
        client = Client(port, visit.cookies)

        def step() -> str | None:
            if visit.cookies_for is not None:
                client.cookies = visit.cookies_for()
            reply = client.request("GET", visit.path)
            return problem_with(route, reply.status, reply.body) or visit.problem(reply.body)

        return step

    tally, server_cpu = run_load(
        server,
        make_step,
        clients=options.clients,
        threads=options.threads,
        warmup=warmup,
        duration=duration,
    )
    rate = tally.requests / duration
    return Row(route, tally, duration, server_cpu, answer_sets=visit.answer_sets, turn_rates=(rate,))


def combined(before: Row | None, part: Row) -> Row:
    """One route's figures over the rounds measured so far."""
    if before is None or part.skipped:
        return part
    tally = Tally()
    tally.add(before.tally)
    tally.add(part.tally)
    seconds, cpu = before.seconds + part.seconds, before.server_cpu + part.server_cpu
    turns = before.turn_rates + part.turn_rates
    return Row(part.route, tally, seconds, cpu, answer_sets=part.answer_sets, turn_rates=turns)


def measure_in_turns(
    server: Server, pages: list[Route], options: argparse.Namespace, book: Rulebook, secret_key: str
) -> list[Row]:
    """Measure the routes in short turns, round after round, and add up each route's turns."""
    # Taking turns, a burst of other work on the machine slows every route alike instead of
    # spoiling whichever one was being measured at that moment.
    rows: dict[Route, Row | None] = dict.fromkeys(pages)
    visits: dict[Route, Visit] = {}
    for route in pages:
        visit = prepare(server, route, book, secret_key)
        if isinstance(visit, str):  # a broken page has no speed worth printing; say why, go on
            rows[route] = Row(route, Tally(), options.duration, skipped=visit)
        else:
            visits[route] = visit
    for turn in range(options.rounds):
        warmup = options.warmup if turn == 0 else LATER_WARMUP
        for route, visit in visits.items():
            part = measure(server, route, visit, options, warmup, options.duration / options.rounds)
            rows[route] = combined(rows[route], part)
    return [row for row in rows.values() if row is not None]


def ratio(rows: list[Row], name: str, reference: str, by_cpu: bool = False) -> float | None:
    """One route's throughput as a share of another's, or None if either was not measured.

    Over three or more rounds, the median of the rounds' shares (each route's rate in a round
    over the reference's in the same round), so a burst of other work on the machine during a
    few turns does not decide the figure; else the share of the overall rates. With by_cpu, the
    share by server CPU per request alone: what the throughput share would be if the server had
    the machine to itself.
    """
    by_name = {row.route.name: row for row in rows if not row.skipped and row.tally.requests}
    if name not in by_name or reference not in by_name:
        return None
    route, base = by_name[name], by_name[reference]
    if by_cpu:
        return base.cpu_per_request(base.server_cpu) / route.cpu_per_request(route.server_cpu)
    if len(route.turn_rates) == len(base.turn_rates) >= 3 and all(base.turn_rates):
        return statistics.median(r / b for r, b in zip(route.turn_rates, base.turn_rates, strict=True))
    return route.rate / base.rate


def print_table(workers: int, rows: list[Row]) -> None:
    """Print the figures for one worker count, and the target checks."""
    print(f"\ngunicorn, {workers} sync worker{'s' if workers != 1 else ''}")
    print(
        f"  {'route':<15} {'path':<15} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
        f" {'vs bare':>7} {'vs healthz':>10} {'server CPU':>10} {'client CPU':>10} {'errors':>6}"
    )
    for row in rows:
        if row.skipped:
            print(f"  {row.route.name:<15} {row.route.path:<15} not measured: {row.skipped}")
            continue
        bare, healthz = ratio(rows, row.route.name, "bare hello"), ratio(rows, row.route.name, "healthz")
        print(
            f"  {row.route.name:<15} {row.route.path:<15} {row.tally.requests:>8,} {row.rate:>7.0f}"
            f" {row.percentile(0.5):>7.1f} {row.percentile(0.95):>7.1f}"
            f" {bare if bare is not None else float('nan'):>7.2f}"
            f" {healthz if healthz is not None else float('nan'):>10.2f}"
            f" {row.cpu_per_request(row.server_cpu):>10.2f} {row.cpu_per_request(row.tally.cpu):>10.2f}"
            f" {row.tally.errors:>6}"
        )
        for sample in row.tally.samples:
            print(f"      error: {sample}")
    print(
        "  (CPU columns: milliseconds of CPU per request in the gunicorn workers and in the load generator;"
        " vs columns: the median over the rounds of the route's rate / the reference's rate)"
    )
    fresh = next((row for row in rows if row.route.kind == FRESH and not row.skipped), None)
    cached = ratio(rows, "results (fresh)", "results page")
    if fresh is not None and cached is not None:
        print(
            f"  results page with a fresh answer set each request = {cached:.2f} of the cached one"
            f" ({fresh.answer_sets:,} answer sets in turn, so the body cache never hits)"
        )
    for target in TARGETS:
        share = ratio(rows, target.route, target.reference)
        label = f"{target.route} / {target.reference} throughput"
        if share is None:
            print(f"  {label}: not measured (target >= {target.share})")
            continue
        verdict = "PASS" if share >= target.share else "MISS"
        by_cpu = ratio(rows, target.route, target.reference, by_cpu=True)
        print(f"  {label} = {share:.2f} (target >= {target.share}): {verdict}; by server CPU {by_cpu:.2f}")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="2", help="gunicorn worker counts, comma-separated (2)")
    parser.add_argument("--clients", type=int, default=2, help="client processes (2)")
    parser.add_argument("--threads", type=int, default=2, help="connections per client process (2)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring (1)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per route (5)")
    parser.add_argument("--rounds", type=int, default=5, help="turns each route's time is split into (5)")
    parser.add_argument("--only", default="", help="measure only these routes (names, comma-separated)")
    options = parser.parse_args(argv)
    options.worker_counts = [int(n) for n in options.workers.split(",") if n.strip()]
    if not all(1 <= n <= 16 for n in options.worker_counts):
        parser.error("worker counts must be between 1 and 16")
    if not (1 <= options.clients <= 16 and 1 <= options.threads <= 16):
        parser.error("--clients and --threads must be between 1 and 16")
    if not (0 <= options.warmup <= 60 and 0.5 <= options.duration <= 120):
        parser.error("--warmup must be 0-60 s and --duration 0.5-120 s")
    if not 1 <= options.rounds <= 20 or options.duration / options.rounds < 0.2:
        parser.error("--rounds must be 1-20, with at least 0.2 s of --duration in each")
    options.only_routes = [name.strip() for name in options.only.split(",") if name.strip()]
    return options


def chosen_routes(options: argparse.Namespace, book: Rulebook) -> list[Route]:
    """The routes to measure: all, or those --only names (the references always come along)."""
    every = routes(book)
    if not options.only_routes:
        return every
    unknown = set(options.only_routes) - {route.name for route in every}
    if unknown:
        raise SystemExit(f"--only: unknown route(s) {sorted(unknown)}; known: {[r.name for r in every]}")
    wanted = {"bare hello", "healthz", *options.only_routes}
    return [route for route in every if route.name in wanted]


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every route for each worker count; exit status 1 if any page failed to serve."""
    options = parse(argv)
    # A plain `kill` should still stop gunicorn: turn SIGTERM into an exit that runs the clean-up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    book = load(ROOT / "rules")
    pages = chosen_routes(options, book)
    print(
        f"HTTP speed on {os.cpu_count()} CPUs (client and server share them): {options.clients} client"
        f" processes x {options.threads} connections, {options.warmup:g} s warm-up, then"
        f" {options.duration:g} s per route in {options.rounds} turns"
    )
    failed = False
    with tempfile.TemporaryDirectory(prefix="ig-http-bench-") as folder:
        database = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"  # saved links need a database
        migrate(database)
        for workers in options.worker_counts:
            # The bench signs fresh-answer sessions itself, so it chooses the server's key.
            secret_key = secrets.token_hex(32)
            env = {"IG_BENCH_SECRET_KEY": secret_key, "IG_BENCH_DATABASE_URL": database}
            with gunicorn(workers, env) as server:
                rows = measure_in_turns(server, pages, options, book, secret_key)
            print_table(workers, rows)
            failed = failed or any(row.tally.errors or row.skipped for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
