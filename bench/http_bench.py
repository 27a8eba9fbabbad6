"""Print how many pages a second the app serves under gunicorn, next to a bare Flask route.

Serves `bench/wsgi_bench.py` with gunicorn sync workers on 127.0.0.1 (a free port), then for each
route runs a standard-library load generator (client processes, each with a few threads, so the
GIL does not cap the client) for a warm-up and a fixed measuring time, split into turns that the
routes take one after another, round after round. Every response must be 200
with the expected page heading; anything else is counted as an error. The server and the load
generator live in `bench/serve.py`, shared with `bench/save_bench.py` and the concurrency test.

Target (issue): the results page reaches at least half the bare route's throughput. The client
shares this machine's cores with the server, so read the figures as a comparison between routes,
not as what the app could serve to many separate visitors.

Run with `make bench`, or `.venv/bin/python bench/http_bench.py --workers 1,2 --duration 5`.
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import re
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from serve import HELLO, Client, Server, Step, Tally, gunicorn, run_load

from webapp.rulebook import load

ROOT = Path(__file__).resolve().parent.parent
RESULTS_HEADING = "Imaging tests often used in your situation"
TARGET = 0.5
LATER_WARMUP = 0.2  # seconds before each later turn: the app is warm, the new clients are not
H1 = re.compile(rb"<h1[^>]*>(.*?)</h1>", re.S)
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Route:
    """One page to measure: how to get its session, and how to recognise a good answer."""

    name: str
    path: str
    heading: str | None  # text the page's <h1> starts with; None means the bare "hello"
    session_from: tuple[str, ...] = ()  # GET these first, in order, and keep the cookie


def routes() -> list[Route]:
    """The bare route and the three pages, with headings taken from the rule content."""
    book = load(ROOT / "rules")
    age = book.question("age")
    assert age is not None, "rules/questions.toml has no `age` question"
    return [
        Route("bare hello", HELLO, None),
        Route("start page", "/", book.pages["start"].title),
        Route("question step", "/q/age", age.label, ("/start?situation=staging&site=lung",)),
        Route(
            "results page",
            "/results",
            RESULTS_HEADING,
            ("/start?situation=staging&site=lung&age=60&factors=implant,kidney", "/check"),
        ),
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
        return None if body == b"hello" else f"body {body[:40]!r}"
    got = heading_of(body)
    return None if got.startswith(route.heading) else f"h1 {got[:60]!r}, wanted {route.heading[:60]!r}"


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    route: Route
    tally: Tally
    seconds: float
    server_cpu: float = 0.0  # CPU seconds the gunicorn workers used while measuring
    skipped: str = ""  # why the route was not measured: it did not serve the expected page

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


def measure(server: Server, route: Route, options: argparse.Namespace, warmup: float, duration: float) -> Row:
    """Load one route from several client processes for a warm-up plus a measuring time."""
    port = server.port
    browser = Client(port)
    try:
        browser.visit(route.session_from)
        if route.session_from and not browser.cookies:
            raise RuntimeError(f"no session cookie from {route.session_from[0]}")
        # The page may add to the session once (a form's CSRF token); later visits send it back.
        first = browser.request("GET", route.path)
        problem = problem_with(route, first.status, first.body)
    except (OSError, http.client.HTTPException, RuntimeError) as exc:
        problem = str(exc)
    finally:
        browser.close()
    if problem:
        # A broken page has no speed worth printing; say why and go on to the next route.
        return Row(route, Tally(), duration, skipped=problem)

    def make_step() -> Step:
        client = Client(port, browser.cookies)

        def step() -> str | None:
            reply = client.request("GET", route.path)
            return problem_with(route, reply.status, reply.body)

        return step

    tally, server_cpu = run_load(
        server,
        make_step,
        clients=options.clients,
        threads=options.threads,
        warmup=warmup,
        duration=duration,
    )
    return Row(route, tally, duration, server_cpu)


def combined(before: Row | None, part: Row) -> Row:
    """One route's figures over the rounds measured so far."""
    if before is None or part.skipped:
        return part
    tally = Tally()
    tally.add(before.tally)
    tally.add(part.tally)
    return Row(part.route, tally, before.seconds + part.seconds, before.server_cpu + part.server_cpu)


def measure_in_turns(server: Server, pages: list[Route], options: argparse.Namespace) -> list[Row]:
    """Measure the routes in short turns, round after round, and add up each route's turns."""
    # Taking turns, a burst of other work on the machine slows every route alike instead of
    # spoiling whichever one was being measured at that moment.
    rows: dict[Route, Row | None] = dict.fromkeys(pages)
    for turn in range(options.rounds):
        warmup = options.warmup if turn == 0 else LATER_WARMUP
        for route in pages:
            before = rows[route]
            if before is None or not before.skipped:
                part = measure(server, route, options, warmup, options.duration / options.rounds)
                rows[route] = combined(before, part)
    return [row for row in rows.values() if row is not None]


def print_table(workers: int, rows: list[Row]) -> None:
    """Print the figures for one worker count, and the target check."""
    bare = rows[0] if rows[0].route.path == HELLO and not rows[0].skipped else None
    print(f"\ngunicorn, {workers} sync worker{'s' if workers != 1 else ''}")
    print(
        f"  {'route':<14} {'path':<15} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
        f" {'vs bare':>7} {'server CPU':>10} {'client CPU':>10} {'errors':>6}"
    )
    for row in rows:
        if row.skipped:
            print(f"  {row.route.name:<14} {row.route.path:<15} not measured: {row.skipped}")
            continue
        print(
            f"  {row.route.name:<14} {row.route.path:<15} {row.tally.requests:>8,} {row.rate:>7.0f}"
            f" {row.percentile(0.5):>7.1f} {row.percentile(0.95):>7.1f}"
            f" {row.rate / bare.rate if bare else float('nan'):>7.2f}"
            f" {row.cpu_per_request(row.server_cpu):>10.2f} {row.cpu_per_request(row.tally.cpu):>10.2f}"
            f" {row.tally.errors:>6}"
        )
        for sample in row.tally.samples:
            print(f"      error: {sample}")
    print(
        "  (CPU columns: milliseconds of CPU per request in the gunicorn workers and in the load generator)"
    )
    results = next(row for row in rows if row.route.path == "/results")
    if results.skipped or bare is None:
        print(f"  results page / bare route: not measured (target >= {TARGET})")
        return
    ratio = results.rate / bare.rate
    verdict = "PASS" if ratio >= TARGET else "MISS"
    print(f"  results page / bare route throughput = {ratio:.2f} (target >= {TARGET}): {verdict}")
    server_ratio = bare.cpu_per_request(bare.server_cpu) / results.cpu_per_request(results.server_cpu)
    print(f"  same ratio by server CPU per request alone = {server_ratio:.2f}")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="2", help="gunicorn worker counts, comma-separated (2)")
    parser.add_argument("--clients", type=int, default=2, help="client processes (2)")
    parser.add_argument("--threads", type=int, default=2, help="connections per client process (2)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring (1)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per route (5)")
    parser.add_argument("--rounds", type=int, default=5, help="turns each route's time is split into (5)")
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
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every route for each worker count; exit status 1 if any page failed to serve."""
    options = parse(argv)
    # A plain `kill` should still stop gunicorn: turn SIGTERM into an exit that runs the clean-up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(
        f"HTTP speed on {os.cpu_count()} CPUs (client and server share them): {options.clients} client"
        f" processes x {options.threads} connections, {options.warmup:g} s warm-up, then"
        f" {options.duration:g} s per route in {options.rounds} turns"
    )
    failed = False
    pages = routes()
    for workers in options.worker_counts:
        with gunicorn(workers) as server:
            rows = measure_in_turns(server, pages, options)
        print_table(workers, rows)
        failed = failed or any(row.tally.errors or row.skipped for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
