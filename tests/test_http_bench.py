"""The HTTP speed benchmark: it recognises good and bad pages, and it leaves no server behind."""

from __future__ import annotations

import importlib
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
GUNICORN = BENCH.parent / ".venv" / "bin" / "gunicorn"


@pytest.fixture
def bench(monkeypatch):
    """bench/http_bench.py as a module (it imports its neighbour `serve` by name, as `make bench` runs it)."""
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module("http_bench")


@pytest.fixture
def client(app):
    return app.test_client()


def test_the_bare_bench_route_is_not_part_of_the_app(client):
    assert client.get("/__bench/hello").status_code == 404


def test_a_page_with_the_expected_heading_passes(bench):
    route = bench.Route("question step", "/q/age", "How old are you?")
    body = b'<h1 class="ig-legend__heading"><label for="age">How old are you? <span>(optional)</span></label></h1>'
    assert bench.problem_with(route, 200, body) is None


def test_headings_are_compared_as_text_not_markup(bench):
    route = bench.Route("start page", "/", "Tests & scans, explained")
    assert bench.problem_with(route, 200, b"<h1>Tests &amp; scans,\n  explained</h1>") is None


@pytest.mark.parametrize(
    ("status", "body", "says"),
    [
        (500, b"<h1>Sorry, there is a problem with the service</h1>", "status 500"),
        (302, b"", "status 302"),
        (200, b"<h1>Page not found</h1>", "h1 'Page not found'"),
        (200, b"<p>no heading at all</p>", "h1 ''"),
    ],
)
def test_a_wrong_answer_is_counted_with_a_reason(bench, status, body, says):
    route = bench.Route("results page", "/results", "Imaging tests often used in your situation")
    assert says in bench.problem_with(route, status, body)


def test_the_bare_route_must_say_hello(bench):
    route = bench.Route("bare hello", bench.HELLO, None)
    assert bench.problem_with(route, 200, b"hello") is None
    assert bench.problem_with(route, 200, b"<h1>hello</h1>") is not None


def test_the_headings_it_expects_come_from_the_rules(bench, rulebook):
    by_path = {route.path: route for route in bench.routes()}
    assert by_path["/"].heading == rulebook.pages["start"].title
    assert by_path["/q/age"].heading == rulebook.question("age").label
    assert by_path["/results"].session_from[-1] == "/check"


def test_turns_add_up_to_one_row_and_a_turn_that_broke_the_page_says_so(bench):
    route = bench.Route("start page", "/", "Imaging tests")
    first = bench.Row(route, bench.Tally(requests=100, errors=1, latencies=[0.001] * 100), 1.0, 0.05)
    second = bench.Row(route, bench.Tally(requests=300, latencies=[0.002] * 300), 1.0, 0.15)
    both = bench.combined(bench.combined(None, first), second)
    assert (both.tally.requests, both.tally.errors, both.seconds) == (400, 1, 2.0)
    assert both.rate == 200
    assert both.cpu_per_request(both.server_cpu) == pytest.approx(0.5)
    broken = bench.Row(route, bench.Tally(), 1.0, skipped="status 500")
    assert bench.combined(both, broken).skipped == "status 500"


def gone(pid: int) -> bool:
    """True when a process no longer runs (missing, or a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


@pytest.mark.slow
def test_a_short_run_measures_every_route_and_stops_gunicorn(bench, monkeypatch, capsys):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed in .venv: pip install -e '.[test]'")
    serve = importlib.import_module("serve")  # importable once the bench fixture put bench/ on the path
    started: list[int] = []
    real = bench.gunicorn

    @contextmanager
    def recording(workers, *args, **kwargs):
        with real(workers, *args, **kwargs) as server:
            started.extend([server.pid, *serve.worker_pids(server.pid)])
            yield server

    monkeypatch.setattr(bench, "gunicorn", recording)
    handler = signal.getsignal(signal.SIGTERM)
    try:
        status = bench.main(
            # Two turns per route, so the figures of separate turns are added up as well.
            [
                "--workers",
                "1",
                "--clients",
                "1",
                "--threads",
                "1",
                "--warmup",
                "0",
                "--duration",
                "0.5",
                "--rounds",
                "2",
            ]
        )
    finally:
        signal.signal(signal.SIGTERM, handler)
    out = capsys.readouterr().out

    assert status == 0, out
    lines = out.splitlines()
    for path in (bench.HELLO, "/", "/q/age", "/results"):
        row = next(line for line in lines if f" {path} " in line)
        assert "not measured" not in row, row
        assert row.split()[-1] == "0", row  # no errors
    assert any("(target >= 0.5): PASS" in line or "(target >= 0.5): MISS" in line for line in lines)
    assert len(started) == 2  # the master and its one worker
    assert all(gone(pid) for pid in started)
