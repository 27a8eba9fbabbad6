"""Serve the app under gunicorn on 127.0.0.1 and load it from many clients; shared by benches and tests.

`gunicorn()` serves `bench/wsgi_bench.py` (the app plus a bare `/__bench/hello` route) and always
stops every process after. `run_load()` drives a server from several client processes, each with a
few threads, so the GIL does not cap the client. `Client` is one visitor with its own cookie jar.
Standard library only, so the test suite can import it too.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import queue
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The gunicorn installed next to the Python running us (the project's .venv under `make`).
GUNICORN = Path(sys.executable).parent / "gunicorn"
FLASK = Path(sys.executable).parent / "flask"
HOST = "127.0.0.1"
HELLO = "/__bench/hello"
# Hard caps so that no loop can run away, whatever the options say.
MAX_REQUESTS_PER_THREAD = 2_000_000
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
MIGRATE_TIMEOUT = 60.0
REQUEST_TIMEOUT = 10.0

# One request by one client: says what was wrong with the answer, or None when it was right.
Step = Callable[[], "str | None"]


@dataclass(frozen=True)
class Reply:
    """A response, read in full."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def location(self) -> str:
        """Where a redirect points, or an empty string."""
        return self.headers.get("Location", "")


class Client:
    """One visitor: a connection to the server and a cookie jar of its own, like one browser."""

    def __init__(self, port: int, cookies: Mapping[str, str] | None = None) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.cookies: dict[str, str] = dict(cookies or {})

    def request(self, method: str, path: str, form: Mapping[str, str] | None = None) -> Reply:
        """Send one request (a form is sent URL-encoded), keep any cookies set, return the reply."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            # Sync workers close the connection after each answer; http.client then reconnects.
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:  # the server cleared it
                self.cookies.pop(name.strip(), None)
        return reply

    def visit(self, paths: Iterable[str]) -> None:
        """GET each path in order, as a person following links would; fail on anything but 2xx/3xx."""
        for path in paths:
            reply = self.request("GET", path)
            if not 200 <= reply.status < 400:
                raise RuntimeError(f"GET {path} answered {reply.status}")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def get(port: int, path: str) -> Reply:
    """One GET on a new connection, without cookies."""
    client = Client(port)
    try:
        return client.request("GET", path)
    finally:
        client.close()


def free_port() -> int:
    """A port nobody on 127.0.0.1 is listening on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def migrate(database_url: str, *, fresh: bool = False) -> None:
    """Bring a database up to date with `flask db upgrade`; with fresh, drop the app's tables first.

    A separate process, as `make run` does it: Alembic's logging set-up would otherwise
    reconfigure the logging of whoever calls this (a test session, say).
    """
    env = {**os.environ, "FLASK_DATABASE_URL": database_url, "FLASK_SECRET_KEY": secrets.token_hex(32)}
    commands = [["downgrade", "base"], ["upgrade"]] if fresh else [["upgrade"]]
    for command in commands:
        done = subprocess.run(
            [str(FLASK), "--app", "webapp", "db", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=MIGRATE_TIMEOUT,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"flask db {' '.join(command)} failed:\n{done.stderr}")


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it listens, its master process, and where it writes its log."""

    port: int
    pid: int
    log: IO[bytes]

    def log_text(self) -> str:
        """Everything gunicorn and the app have written so far."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


@contextmanager
def gunicorn(
    workers: int, env: Mapping[str, str] | None = None, log: IO[bytes] | None = None
) -> Iterator[Server]:
    """Serve the bench app with sync workers; yield it; always stop every process after.

    env is added to the server's environment (IG_BENCH_DATABASE_URL, IG_BENCH_SECRET_KEY);
    log, if given, receives gunicorn's output and stays readable after the server has stopped.
    """
    port = free_port()
    # One key for all workers, so a cookie signed by one worker is valid on the others.
    server_env = {**os.environ, "IG_BENCH_SECRET_KEY": secrets.token_hex(32), **(env or {})}
    command = [
        str(GUNICORN),
        *("--bind", f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "sync"),
        *("--pythonpath", str(BENCH), "--log-level", "warning", "wsgi_bench:app"),
    ]
    with ExitStack() as stack:
        out = log if log is not None else stack.enter_context(tempfile.TemporaryFile())
        # A session of its own, so the master and its workers can be stopped as one group.
        process = subprocess.Popen(
            command, cwd=ROOT, env=server_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        server = Server(port, process.pid, out)
        try:
            wait_until_ready(process, server, workers)
            yield server
        finally:
            stop(process)


def wait_until_ready(process: subprocess.Popen, server: Server, workers: int) -> None:
    """Wait until every worker has loaded the app and answered once."""
    seen: set[str] = set()
    deadline = time.monotonic() + START_TIMEOUT
    with ThreadPoolExecutor(workers) as pool:
        while len(seen) < workers:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped with status {process.returncode}:\n{server.log_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(seen)} of {workers} workers answered in {START_TIMEOUT:.0f} s")
            try:
                # As many requests at once as workers, so each idle worker takes one.
                for reply in pool.map(lambda _: get(server.port, HELLO), range(workers)):
                    seen.add(reply.headers.get("X-Bench-Worker", ""))
            except OSError:
                time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    """Ask gunicorn to shut down; kill its process group if it does not."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(STOP_TIMEOUT)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # any worker left behind; the group is ours alone
    process.wait()


def worker_pids(master: int) -> list[int]:
    """The processes whose parent is the gunicorn master: its workers."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # gone since the listing
                continue
            # Fields after the command name, which is in parentheses and may hold spaces.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry))
    return pids


def cpu_seconds(pids: Iterable[int]) -> float:
    """User plus system CPU time these processes have used so far (Linux /proc)."""
    ticks = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU seconds this process (all its threads) has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sleep_until(moment: float) -> None:
    """Sleep until a wall-clock time (time.time()), if it is still ahead."""
    time.sleep(max(0.0, moment - time.time()))


@dataclass
class Tally:
    """What one client thread or process saw while measuring."""

    requests: int = 0
    errors: int = 0
    cpu: float = 0.0  # CPU seconds the client used while measuring
    latencies: list[float] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)  # the first few distinct error messages

    def add(self, other: Tally) -> None:
        """Fold another tally into this one."""
        self.requests += other.requests
        self.errors += other.errors
        self.cpu += other.cpu
        self.latencies += other.latencies
        self.samples += [s for s in other.samples if s not in self.samples][: 3 - len(self.samples)]

    def note(self, problem: str) -> None:
        """Count an error and keep its message if it is one of the first few distinct ones."""
        self.errors += 1
        if len(self.samples) < 3 and problem not in self.samples:
            self.samples.append(problem)

    def percentile(self, share: float) -> float:
        """Latency in milliseconds below which this share of requests finished."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def hammer(step: Step, measure_from: float, stop_at: float) -> Tally:
    """Run a step back to back until stop_at; tally those that started after measure_from."""
    tally = Tally()
    for _ in range(MAX_REQUESTS_PER_THREAD):
        now = time.time()
        if now >= stop_at:
            break
        started = time.perf_counter()
        try:
            problem = step()
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        if now < measure_from:
            continue
        tally.requests += 1
        tally.latencies.append(elapsed)
        if problem:
            tally.note(problem)
    return tally


def client_thread(make_step: Callable[[], Step], times: tuple[float, float], tallies: list[Tally]) -> None:
    """Make this thread's step (its own client and set-up), then hammer with it."""
    try:
        step = make_step()
    except (OSError, http.client.HTTPException, RuntimeError) as exc:
        failed = Tally()
        failed.note(f"set-up: {type(exc).__name__}: {exc}")
        tallies.append(failed)
        return
    tallies.append(hammer(step, *times))


def client_process(make_step: Callable[[], Step], threads: int, times: tuple[float, float], out) -> None:
    """Run several hammering threads in this process and send back their combined tally."""
    tallies: list[Tally] = []
    workers = [
        threading.Thread(target=client_thread, args=(make_step, times, tallies)) for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    sleep_until(times[0])
    cpu_from = own_cpu()
    for worker in workers:
        worker.join()
    total = Tally(cpu=own_cpu() - cpu_from)
    for tally in tallies:
        total.add(tally)
    out.put(total)


def run_load(
    server: Server,
    make_step: Callable[[], Step],
    *,
    clients: int,
    threads: int,
    warmup: float,
    duration: float,
) -> tuple[Tally, float]:
    """Load a server from client processes x threads; return their tally and the workers' CPU seconds.

    Each thread calls make_step once (in its process, after the fork) to get its own client and do
    any set-up, which should fit in the warm-up; only steps started after the warm-up are counted.
    """
    context = multiprocessing.get_context("fork")  # make_step may be a closure: fork needs no pickling
    results = context.Queue()
    begin = time.time() + 0.2  # let every client process start before the warm-up begins
    times = (begin + warmup, begin + warmup + duration)
    processes = [
        context.Process(target=client_process, args=(make_step, threads, times, results))
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    total = Tally()
    try:
        sleep_until(times[0])
        workers = worker_pids(server.pid)
        server_from = cpu_seconds(workers)
        sleep_until(times[1])
        server_cpu = cpu_seconds(workers) - server_from
        for _ in processes:
            total.add(results.get(timeout=warmup + duration + 30))
    except queue.Empty as exc:
        raise RuntimeError("a client process sent no figures") from exc
    finally:
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.terminate()
                process.join()
    return total, server_cpu
