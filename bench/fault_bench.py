"""Save and show results under load while a worker is killed and the database restarts; count losses.

Serves `bench/wsgi_bench.py` with gunicorn sync workers (4 by default, `bench/serve.py`) on a fresh
database: a SQLite file in a temporary folder, or the PostgreSQL at --database-url (its tables are
dropped and made again, so its name must contain "bench"). A fixed number of browsers, each one
thread with its own cookies, then work for --duration seconds:

- savers, as a person does: open the results page (a fresh save form), press "Save and get a link",
  and open the link they were sent to;
- readers: open the results page.

Meanwhile one worker is killed with `kill -9` (gunicorn starts another) and, with PostgreSQL, the
database server is restarted (`pg_ctlcluster <version> <cluster> restart` for the cluster on the
URL's port, or --restart-command). The bench prints every request by status, the 5xx and 503s and
the connection errors (a killed worker drops its requests), then, once /readyz answers 200 again,
reads back every save that was acknowledged (303 to its link) from a browser without cookies.

Targets (issue 9): no acknowledged save lost, no response of 500. 503s (saving waits while the
database restarts) and dropped connections (the killed worker's requests) are expected; those
saves were never acknowledged, so the person still has the "Try again" button or their results.
Exit status 1 if any acknowledged save is missing or any response was a 500.

Run with `make bench-faults`, or
`.venv/bin/python bench/fault_bench.py --database-url postgresql://ig:ig@127.0.0.1:5432/ig_bench`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from serve import Client, Server, get, gunicorn, migrate, worker_pids

JOURNEY = ("/start?situation=staging&site=lung&age=60&factors=implant,kidney", "/check")
HEADING = b"Imaging tests often used in your situation"
FORM_FIELD = re.compile(r'name="(csrf_token|save_token|save_proof)" value="([^"]*)"')
READY_TIMEOUT = 60.0
RESTART_TIMEOUT = 60.0
# Requests by what they are, for the table; a saved link's token stays out of the output.
RESULTS, SAVE, LINK = "GET /results", "POST /saved", "GET /saved/<token>"


@dataclass
class Tally:
    """What every browser saw, kept under one lock."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)  # (request, status)
    dropped: Counter[str] = field(default_factory=Counter)  # request -> connection errors
    acknowledged: list[str] = field(default_factory=list)  # links a save answered 303 to
    problems: list[str] = field(default_factory=list)  # the first few odd answers
    lock: threading.Lock = field(default_factory=threading.Lock)

    def status(self, request: str, status: int) -> None:
        """Count one answer."""
        with self.lock:
            self.statuses[request, status] += 1

    def drop(self, request: str) -> None:
        """Count one request that got no answer (the connection broke)."""
        with self.lock:
            self.dropped[request] += 1

    def acknowledge(self, link: str) -> None:
        """Remember a save the server said it stored."""
        with self.lock:
            self.acknowledged.append(link)

    def problem(self, text: str) -> None:
        """Keep one odd answer's description, if it is one of the first few."""
        with self.lock:
            if len(self.problems) < 5 and text not in self.problems:
                self.problems.append(text)


def ask(client: Client, tally: Tally, name: str, method: str, path: str, form=None):
    """Send one request and count its answer (None: the connection broke)."""
    try:
        reply = client.request(method, path, form)
    except (OSError, http.client.HTTPException):
        tally.drop(name)
        return None
    tally.status(name, reply.status)
    if reply.status >= 500 and reply.status != 503:
        tally.problem(f"{name}: {reply.status} {reply.body[:120]!r}")
    return reply


def browse(port: int, saver: bool, stop_at: float, pause: float, tally: Tally) -> None:
    """Be one browser until stop_at: answer the questions, then save (or read) results again and again."""
    client = Client(port)
    while time.time() < stop_at and not ready_journey(client):
        time.sleep(0.2)  # its worker was killed mid-journey: start again
    while time.time() < stop_at:
        page = ask(client, tally, RESULTS, "GET", "/results")
        if saver and page is not None and page.status == 200:
            form = dict(FORM_FIELD.findall(page.body.decode("utf-8", "replace")))
            link = f"/saved/{form.get('save_token', '')}"
            reply = ask(client, tally, SAVE, "POST", "/saved", form)
            if reply is not None and reply.status == 303:
                if urlsplit(reply.location).path != link:
                    tally.problem(f"{SAVE}: 303 to somewhere else")
                else:
                    tally.acknowledge(link)
                    shown = ask(client, tally, LINK, "GET", link)
                    if shown is not None and shown.status == 200 and HEADING not in shown.body:
                        tally.problem(f"{LINK}: 200 without the result")
        time.sleep(pause)
    client.close()


def ready_journey(client: Client) -> bool:
    """Answer every question; False if a request failed on the way."""
    try:
        client.visit(JOURNEY)
    except (OSError, http.client.HTTPException, RuntimeError):
        return False
    return True


def wait_ready(port: int, timeout: float = READY_TIMEOUT) -> float:
    """Wait until /readyz answers 200; how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if get(port, "/readyz").status == 200:
                return time.monotonic() - started
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"/readyz did not answer 200 within {timeout:.0f} s")


def read_back(port: int, links: list[str]) -> list[str]:
    """Every acknowledged link that does not show its result now, from a browser without cookies."""
    lost = []
    for link in links:
        try:
            reply = get(port, link)
            if reply.status != 200 or HEADING not in reply.body:
                lost.append(f"{reply.status}")
        except (OSError, http.client.HTTPException) as exc:
            lost.append(type(exc).__name__)
    return lost


def kill_a_worker(server: Server) -> str:
    """Send kill -9 to one gunicorn worker; say which."""
    pids = worker_pids(server.pid)
    if not pids:
        return "no worker to kill"
    victim = max(pids)
    os.kill(victim, signal.SIGKILL)
    return f"kill -9 worker {victim}"


def restart_database(command: list[str]) -> str:
    """Run the restart command; say how long it took."""
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=RESTART_TIMEOUT, check=False)
    took = time.monotonic() - started
    if done.returncode:
        return f"restart FAILED ({done.returncode}): {done.stderr.strip()[:200]}"
    return f"database restarted in {took:.1f} s ({shlex.join(command)})"


def restart_command_for(url: str) -> list[str]:
    """`pg_ctlcluster <version> <cluster> restart` for the local cluster listening on the URL's port."""
    port = urlsplit(url).port or 5432
    listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True)
    for line in listed.stdout.splitlines():
        version, cluster, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return ["pg_ctlcluster", version, cluster, "restart"]
    raise SystemExit(f"no local PostgreSQL cluster on port {port}: give --restart-command")


def run(
    database: str,
    url: str,
    options: argparse.Namespace,
    restart: list[str] | None,
    sqlite: Path | None = None,
) -> bool:
    """Serve, load, break things on schedule, then read back; print the figures; True if on target.

    With a SQLite file, the server then also faces a file it cannot write and a deleted folder.
    """
    tally = Tally()
    events: list[str] = []
    with gunicorn(options.workers, {"IG_BENCH_DATABASE_URL": url}) as server:
        begin = time.time()
        stop_at = begin + options.duration
        browsers = [
            threading.Thread(
                target=browse, args=(server.port, i % 2 == 0, stop_at, options.pause, tally), daemon=True
            )
            for i in range(options.browsers)
        ]
        for browser in browsers:
            browser.start()
        schedule = [(at, lambda: kill_a_worker(server)) for at in options.kill_at]
        if restart is not None:
            schedule += [(at, lambda: restart_database(restart)) for at in options.restart_at]
        for at, action in sorted(schedule, key=lambda item: item[0]):
            time.sleep(max(0.0, begin + at - time.time()))
            events.append(f"{time.time() - begin:5.1f} s  {action()}")
        for browser in browsers:
            browser.join(options.duration + 30)
        recovered = wait_ready(server.port)
        events.append(f"{time.time() - begin:5.1f} s  /readyz 200 again (waited {recovered:.1f} s)")
        lost = read_back(server.port, tally.acknowledged)
        log = server.log_text()
        on_target = report(database, options, tally, events, lost, log)
        if sqlite is not None:
            on_target = file_faults(server.port, sqlite) and on_target
    return on_target


def try_saves(port: int, times: int) -> list[int]:
    """Save as a person does, a few times, each from a new browser; the statuses of the saves."""
    statuses = []
    for _ in range(times):
        client = Client(port)
        if not ready_journey(client):
            statuses.append(0)
            continue
        tally = Tally()
        page = ask(client, tally, RESULTS, "GET", "/results")
        form = dict(FORM_FIELD.findall(page.body.decode("utf-8", "replace"))) if page else {}
        reply = ask(client, tally, SAVE, "POST", "/saved", form)
        statuses.append(reply.status if reply is not None else 0)
        client.close()
    return statuses


def readiness(port: int, times: int) -> list[tuple[int, str]]:
    """Ask /readyz a few times (each worker may answer); its statuses and what it said of the database."""
    answers = []
    for _ in range(times):
        reply = get(port, "/readyz")
        answers.append((reply.status, json.loads(reply.body).get("database", "")))
    return answers


def file_faults(port: int, path: Path, times: int = 8) -> bool:
    """Make the SQLite file immutable, then delete its folder: /readyz says 503, no save is acknowledged."""
    print("  the SQLite file under the running server:")
    on_target = True
    immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if immutable.returncode:
        print(f"    immutable file: not tried (chattr +i: {immutable.stderr.strip()[:80]})")
    else:
        try:
            ready, saves = readiness(port, times), try_saves(port, times)
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        after = readiness(port, times)
        print(f"    immutable (chattr +i): /readyz {dict(Counter(ready))}; saves {dict(Counter(saves))}")
        print(f"    writable again: /readyz {dict(Counter(after))}")
        on_target = all(s == 503 for s, _ in ready) and 303 not in saves and all(s == 200 for s, _ in after)
    shutil.rmtree(path.parent)
    ready, saves = readiness(port, times), try_saves(port, times)
    print(f"    folder deleted: /readyz {dict(Counter(ready))}; saves {dict(Counter(saves))}")
    acknowledged = saves.count(303)
    print(f"    saves acknowledged while they could not be kept: {acknowledged}")
    return on_target and acknowledged == 0 and all(s == 503 for s, _ in ready)


def report(
    database: str, options: argparse.Namespace, tally: Tally, events: list[str], lost: list[str], log: str
) -> bool:
    """Print what happened; True if no acknowledged save was lost and nothing answered 500."""
    print(
        f"\n{database}: gunicorn, {options.workers} sync workers;"
        f" {options.browsers} browsers for {options.duration:g} s"
    )
    for event in events:
        print(f"  {event}")
    columns = {"requests": 8, "2xx/3xx": 8, "503": 6, "other 5xx": 10, "4xx": 6, "dropped": 8}
    print(f"  {'request':<20} " + " ".join(f"{c:>{w}}" for c, w in columns.items()))
    totals: Counter[str] = Counter()
    for name in (RESULTS, SAVE, LINK, "all"):
        if name == "all":
            row = totals
        else:
            by_status = {s: n for (req, s), n in tally.statuses.items() if req == name}
            row = Counter(
                {
                    "requests": sum(by_status.values()) + tally.dropped[name],
                    "2xx/3xx": sum(n for s, n in by_status.items() if s < 400),
                    "503": by_status.get(503, 0),
                    "other 5xx": sum(n for s, n in by_status.items() if s >= 500 and s != 503),
                    "4xx": sum(n for s, n in by_status.items() if 400 <= s < 500),
                    "dropped": tally.dropped[name],
                }
            )
            totals.update(row)
        print(f"  {name:<20} " + " ".join(f"{row[c]:>{w},}" for c, w in columns.items()))
    fives: Counter[int] = Counter()
    for (_, status), n in tally.statuses.items():
        if status >= 500:
            fives[status] += n
    print(f"  5xx by status: {dict(sorted(fives.items())) or 'none'}")
    for problem in tally.problems:
        print(f"  odd answer: {problem}")
    print(
        f"  acknowledged saves: {len(tally.acknowledged):,}; read back after the run:"
        f" {len(tally.acknowledged) - len(lost):,}; lost: {len(lost)}"
        + (f" (answers: {dict(Counter(lost))})" if lost else "")
    )
    tracebacks = log.count("Traceback")
    print(f"  gunicorn's log: {tracebacks} traceback(s); responses of 500: {fives.get(500, 0)}")
    return not lost and not fives.get(500) and bool(tally.acknowledged)


def seconds(text: str) -> list[float]:
    """Moments in seconds from the start, separated by commas: "5" or "5,12.5"."""
    return [float(part) for part in text.split(",") if part.strip()]


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL to use (its name must contain 'bench')"
    )
    parser.add_argument("--restart-command", default="", help="how to restart that PostgreSQL (a shell line)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--browsers", type=int, default=8, help="browsers at once, half saving (8)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (20)")
    parser.add_argument("--pause", type=float, default=0.01, help="seconds each browser waits between turns")
    parser.add_argument(
        "--kill-at", type=seconds, default=[5.0], help="when to kill -9 a worker: 5 (s), or 5,12"
    )
    parser.add_argument(
        "--restart-at", type=seconds, default=[10.0], help="when to restart PostgreSQL: 10 (s)"
    )
    options = parser.parse_args(argv)
    if not (2 <= options.workers <= 16 and 1 <= options.browsers <= 64):
        parser.error("--workers must be 2-16 and --browsers 1-64")
    if not (2 <= options.duration <= 300 and 0 <= options.pause <= 5):
        parser.error("--duration must be 2-300 s and --pause 0-5 s")
    moments = options.kill_at + (options.restart_at if options.database_url else [])
    if not all(0 <= at < options.duration for at in moments):
        parser.error("--kill-at and --restart-at must fall within --duration")
    if options.database_url and "bench" not in urlsplit(options.database_url).path:
        parser.error("the bench empties the database it uses: its name must contain 'bench'")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run on SQLite, or on the PostgreSQL given; exit status 1 if a save was lost or anything said 500."""
    options = parse(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a plain `kill` still stops gunicorn
    if options.database_url:
        restart = shlex.split(options.restart_command) or restart_command_for(options.database_url)
        migrate(options.database_url, fresh=True)
        return 0 if run("PostgreSQL", options.database_url, options, restart) else 1
    with tempfile.TemporaryDirectory(prefix="ig-fault-bench-") as folder:
        path = Path(folder) / "instance" / "bench.sqlite3"  # its own folder, as instance/ is
        path.parent.mkdir()
        migrate(f"sqlite:///{path}")
        return 0 if run("SQLite", f"sqlite:///{path}", options, None, path) else 1


if __name__ == "__main__":
    sys.exit(main())
