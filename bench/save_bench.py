"""Print how fast results are saved and shown again under gunicorn, on SQLite and on PostgreSQL.

Serves `bench/wsgi_bench.py` with gunicorn sync workers (4 by default) on 127.0.0.1 against a fresh
database, then loads each operation with the shared load generator in `bench/serve.py` (client
processes x threads, each thread one browser with its own cookies) for a warm-up and a fixed
measuring time:

- save: POST /saved from a browser that has answered every question; must answer 303 to its link.
  Each POST carries a fresh save token made the way the results page makes one (the server takes
  any well-formed token; re-sending one would measure the double-click path instead). The results
  page itself is measured by `bench/http_bench.py`.
- view (owner): GET /saved/<token> from the browser that saved it (the page with the QR code).
- view (shared): the same links from a browser without cookies, as someone they were shared with.

Databases: a new SQLite file in a temporary folder; then PostgreSQL from BENCH_DATABASE_URL, else
TEST_DATABASE_URL with its database renamed to `ig_bench`, else the local
postgresql://ig:ig@127.0.0.1:5432/ig_bench. Its tables are dropped and made again, so the name
must contain "bench"; if it cannot be reached, a note says so and only SQLite is measured.

The client shares this machine's cores with the server: read the figures as a comparison between
operations and databases, not as what the app could serve to many separate visitors.

Run with `make bench`, or `.venv/bin/python bench/save_bench.py --duration 3`.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from serve import Client, Reply, Server, Step, Tally, gunicorn, migrate, run_load

JOURNEY = ("/start?situation=staging&site=lung&age=60&factors=implant,kidney", "/check")
HEADING = b"Imaging tests often used in your situation"
OWNER_PART = b'id="your-link"'  # only the browser that saved a result sees its link and QR code
FORM_FIELD = re.compile(r'name="(csrf_token|save_token|save_proof)" value="([^"]*)"')
LOCAL_POSTGRES = "postgresql://ig:ig@127.0.0.1:5432/ig_bench"
BENCH_DATABASE = "ig_bench"
LINKS_PER_VIEWER = 3  # saved in each viewing thread's set-up, then viewed in turn
# Lines in gunicorn's log that mean something failed, even if every answer looked right.
BAD_LOG_LINES = ("Traceback", "database is locked", "database is unavailable", "WORKER TIMEOUT", "[ERROR]")


def saving_browser(port: int) -> Client:
    """A browser that has answered every question."""
    client = Client(port)
    client.visit(JOURNEY)
    return client


def save(client: Client) -> tuple[Reply, str]:
    """Open the results and press "Save and get a link", as a person does; the reply and the link.

    The server saves only under a token it issued to this browser (with its proof), so each save
    reads a fresh form from the results page: the figure is one results page plus one save.
    """
    page = client.request("GET", "/results")
    form = dict(FORM_FIELD.findall(page.body.decode("utf-8", "replace")))
    if page.status != 200 or len(form) != 3:
        raise RuntimeError(f"GET /results answered {page.status} without a save form")
    return client.request("POST", "/saved", form), f"/saved/{form['save_token']}"


def save_problem(reply: Reply, link: str) -> str | None:
    """What is wrong with the answer to a save, or None."""
    if reply.status != 303:
        return f"save: status {reply.status}"
    return None if urlsplit(reply.location).path == link else f"save: went to {reply.location[:60]!r}"


def view_problem(reply: Reply, owner: bool) -> str | None:
    """What is wrong with a saved result's page, or None."""
    if reply.status != 200:
        return f"view: status {reply.status}"
    if HEADING not in reply.body:
        return "view: no result heading"
    if (OWNER_PART in reply.body) != owner:
        return "view: owner part " + ("missing" if owner else "shown to another browser")
    return None


def saves(port: int) -> Step:
    """Set up one saving browser; its step saves once more."""
    client = saving_browser(port)

    def step() -> str | None:
        return save_problem(*save(client))

    return step


def views(port: int, owner: bool) -> Step:
    """Save a few results in one browser; the step views the next of them as owner or as another."""
    client = saving_browser(port)
    links = []
    for _ in range(LINKS_PER_VIEWER):
        reply, link = save(client)
        problem = save_problem(reply, link)
        if problem:
            raise RuntimeError(problem)
        links.append(link)
    viewer = client if owner else Client(port)
    turn = cycle(links)

    def step() -> str | None:
        return view_problem(viewer.request("GET", next(turn)), owner)

    return step


@dataclass(frozen=True)
class Operation:
    """One thing to measure, and how each client thread makes its step."""

    name: str
    request: str
    make: Callable[[int], Step]


OPERATIONS = (
    Operation("save", "POST /saved", saves),
    Operation("view (owner)", "GET /saved/<token>", lambda port: views(port, owner=True)),
    Operation("view (shared)", "GET /saved/<token>", lambda port: views(port, owner=False)),
)


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    database: str
    operation: Operation | None
    tally: Tally
    seconds: float
    server_cpu: float = 0.0  # CPU seconds the gunicorn workers used while measuring
    skipped: str = ""  # why it was not measured
    failed: bool = True  # whether not measuring is a failure (an absent PostgreSQL is only a note)

    @property
    def rate(self) -> float:
        """Requests per second over the measuring time."""
        return self.tally.requests / self.seconds

    @property
    def cpu_per_request(self) -> float:
        """Server CPU milliseconds per request."""
        return self.server_cpu / self.tally.requests * 1000 if self.tally.requests else float("nan")


def check_once(port: int) -> str | None:
    """Save and view once, as a person would; say what went wrong, or None."""
    try:
        client = saving_browser(port)
        reply, link = save(client)
        return save_problem(reply, link) or view_problem(client.request("GET", link), owner=True)
    except (OSError, RuntimeError) as exc:
        return f"{type(exc).__name__}: {exc}"


def measure_database(database: str, url: str, options: argparse.Namespace) -> list[Row]:
    """Serve the app on one database and measure every operation."""
    with gunicorn(options.workers, {"IG_BENCH_DATABASE_URL": url}) as server:
        problem = check_once(server.port)
        if problem:
            return [Row(database, None, Tally(), options.duration, skipped=problem)]
        rows = [measure(server, database, operation, options) for operation in OPERATIONS]
        log_problems = [line for line in BAD_LOG_LINES if line in server.log_text()]
    if log_problems:
        rows.append(Row(database, None, Tally(), 1, skipped=f"gunicorn's log shows {log_problems}"))
    return rows


def measure(server: Server, database: str, operation: Operation, options: argparse.Namespace) -> Row:
    """Load one operation for warm-up plus the measuring time."""
    port = server.port
    tally, server_cpu = run_load(
        server,
        lambda: operation.make(port),
        clients=options.clients,
        threads=options.threads,
        warmup=options.warmup,
        duration=options.duration,
    )
    return Row(database, operation, tally, options.duration, server_cpu)


def postgres_url() -> tuple[str, str]:
    """The PostgreSQL database to use, and a note if it must be left out (empty when usable)."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url and os.environ.get("TEST_DATABASE_URL"):
        # The same server as the tests, but a database of its own, so neither empties the other's.
        url = urlunsplit(urlsplit(os.environ["TEST_DATABASE_URL"])._replace(path=f"/{BENCH_DATABASE}"))
    url = url or LOCAL_POSTGRES
    parts = urlsplit(url)
    shown = f"{parts.hostname}:{parts.port or 5432}{parts.path}"  # never the password
    if "bench" not in parts.path:
        return url, f"{shown}: its name lacks 'bench', and the bench empties the database it uses"
    try:
        with psycopg.connect(url, connect_timeout=3):
            pass
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return url, f"{shown} cannot be reached ({first_line})"
    return url, ""


def print_table(options: argparse.Namespace, rows: list[Row]) -> None:
    """Print the figures."""
    print(
        f"\ngunicorn, {options.workers} sync workers; {options.clients} client processes x"
        f" {options.threads} connections"
    )
    print(
        f"  {'database':<11} {'operation':<14} {'request':<19} {'requests':>8} {'req/s':>7} {'p50 ms':>7}"
        f" {'p95 ms':>7} {'server CPU':>10} {'errors':>6}"
    )
    for row in rows:
        if row.operation is None:
            print(f"  {row.database:<11} not measured: {row.skipped}")
            continue
        print(
            f"  {row.database:<11} {row.operation.name:<14} {row.operation.request:<19}"
            f" {row.tally.requests:>8,} {row.rate:>7.0f} {row.tally.percentile(0.5):>7.1f}"
            f" {row.tally.percentile(0.95):>7.1f} {row.cpu_per_request:>10.2f} {row.tally.errors:>6}"
        )
        for sample in row.tally.samples:
            print(f"      error: {sample}")
    print("  (saves per second = req/s of `save`; server CPU = CPU milliseconds per request in the workers)")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--clients", type=int, default=2, help="client processes (2)")
    parser.add_argument("--threads", type=int, default=4, help="connections per client process (4)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring (1)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per operation (5)")
    parser.add_argument("--sqlite-only", action="store_true", help="leave PostgreSQL out")
    options = parser.parse_args(argv)
    if not 1 <= options.workers <= 16:
        parser.error("--workers must be between 1 and 16")
    if not (1 <= options.clients <= 16 and 1 <= options.threads <= 16):
        parser.error("--clients and --threads must be between 1 and 16")
    if not (0.5 <= options.warmup <= 60 and 0.5 <= options.duration <= 120):
        parser.error("--warmup must be 0.5-60 s (it holds each thread's set-up) and --duration 0.5-120 s")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Measure on SQLite, then on PostgreSQL if it answers; exit status 1 if anything failed."""
    options = parse(argv)
    # A plain `kill` should still stop gunicorn: turn SIGTERM into an exit that runs the clean-up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(
        f"Saving and viewing results on {os.cpu_count()} CPUs (client and server share them):"
        f" {options.warmup:g} s warm-up + {options.duration:g} s per operation"
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="ig-save-bench-") as folder:
        sqlite = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        migrate(sqlite)
        rows += measure_database("SQLite", sqlite, options)
    if options.sqlite_only:
        rows.append(Row("PostgreSQL", None, Tally(), 1, skipped="left out (--sqlite-only)", failed=False))
    else:
        url, note = postgres_url()
        if note:
            rows.append(Row("PostgreSQL", None, Tally(), 1, skipped=note, failed=False))
        else:
            migrate(url, fresh=True)
            rows += measure_database("PostgreSQL", url, options)
    print_table(options, rows)
    failed = any(row.tally.errors or (row.operation is None and row.failed) for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
