"""The HTTP speed benchmark: it recognises good and bad pages, and it leaves no server behind."""

from __future__ import annotations

import importlib
import re
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest

from webapp.rulebook import parse_answers

from .conftest import make_app

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


def test_healthz_must_say_ok(bench):
    route = next(route for route in bench.routes() if route.path == "/healthz")
    assert bench.problem_with(route, 200, b'{"status":"ok"}\n') is None
    assert bench.problem_with(route, 200, b'{"status":"unavailable"}') is not None
    assert "status 503" in bench.problem_with(route, 503, b"")


def test_the_headings_it_expects_come_from_the_rules(bench, rulebook):
    by_name = {route.name: route for route in bench.routes()}
    assert by_name["start page"].heading == rulebook.pages["start"].title
    assert by_name["question step"].heading == rulebook.question("age").label
    assert by_name["results page"].session_from[-1] == "/check"
    assert by_name["test page"].heading == rulebook.tests["ct"].name
    assert by_name["results (fresh)"].kind == bench.FRESH
    assert {by_name["saved (shared)"].kind, by_name["saved (owner)"].kind} == {
        bench.SAVED_SHARED,
        bench.SAVED_OWNER,
    }


def test_every_target_names_routes_it_measures(bench):
    names = {route.name for route in bench.routes()}
    for target in bench.TARGETS:
        assert {target.route, target.reference} <= names


def test_fresh_answer_sets_are_all_different_and_far_more_than_the_body_cache_holds(bench, rulebook):
    answers = {"situation": "staging", "site": "lung", "age": 60, "factors": ["implant"]}
    sets = bench.fresh_answer_sets(rulebook, answers)
    typed = {tuple(sorted(rulebook_answers(rulebook, raw).items())) for raw in sets}
    assert len(typed) == len(sets) > 10 * 256  # result_html keeps 256 bodies per worker
    assert all(raw["situation"] == "staging" and raw["site"] == "lung" for raw in sets)


def rulebook_answers(rulebook, raw):
    typed, errors = parse_answers(rulebook, raw)
    assert not errors, errors
    return typed


def test_the_app_reads_the_sessions_the_bench_signs_as_its_own(bench, tmp_path):
    app = make_app(tmp_path / "bench.sqlite3", SECRET_KEY="k" * 32)
    client = app.test_client()
    client.get("/start?situation=staging&site=lung&age=60&factors=implant,kidney")
    client.get("/check")
    serializer = bench.session_serializer("k" * 32)
    session = serializer.loads(client.get_cookie("ig_session").value)
    fresh = bench.fresh_answer_sets(app.extensions["rulebook"], session["answers"])
    other = next(raw for raw in fresh if raw["age"] == 45 and raw["factors"] == ["pregnant"])
    client.set_cookie("ig_session", serializer.dumps({**session, "answers": other}))
    page = client.get("/results").get_data(as_text=True)
    assert "45 years" in page
    assert bench.heading_of(page.encode()).startswith(bench.RESULTS_HEADING)


def test_a_saved_page_is_checked_for_whose_it_is(bench):
    owner = bench.Visit("/saved/x", {}, owner_part=b"/saved/x/delete", owner=True)
    shared = bench.Visit("/saved/x", {}, owner_part=b"/saved/x/delete", owner=False)
    with_form = b'<form action="/saved/x/delete">'
    assert owner.problem(with_form) is None
    assert owner.problem(b"<p>no form</p>") == "owner part missing"
    assert shared.problem(b"<p>no form</p>") is None
    assert shared.problem(with_form) == "owner part shown to another browser"
    assert bench.Visit("/tests/ct", {}).problem(b"anything") is None


def test_over_several_rounds_the_ratio_is_the_median_of_each_rounds(bench):
    def row(name, rates):
        tally = bench.Tally(requests=int(sum(rates)))
        return bench.Row(bench.Route(name, "/" + name, None), tally, len(rates), 1.0, turn_rates=tuple(rates))

    # One round of the reference ran alone on the machine and one of the page ran during a burst.
    rows = [row("healthz", [1000, 1000, 3000, 1000, 1000]), row("page", [700, 700, 700, 100, 700])]
    assert bench.ratio(rows, "page", "healthz") == pytest.approx(0.7)
    combined = bench.combined(bench.combined(None, row("page", [700])), row("page", [600]))
    assert combined.turn_rates == (700, 600)


def test_ratios_by_throughput_and_by_server_cpu(bench):
    def row(name, requests, cpu):
        return bench.Row(bench.Route(name, "/" + name, None), bench.Tally(requests=requests), 1.0, cpu)

    rows = [row("healthz", 1000, 0.5), row("test page", 700, 0.7), row("broken", 0, 0.0)]
    assert bench.ratio(rows, "test page", "healthz") == pytest.approx(0.7)
    assert bench.ratio(rows, "test page", "healthz", by_cpu=True) == pytest.approx(0.5)  # 0.5 ms vs 1 ms
    assert bench.ratio(rows, "broken", "healthz") is None
    assert bench.ratio(rows, "test page", "missing") is None


def test_only_keeps_the_references(bench, rulebook):
    options = bench.parse(["--only", "test page"])
    assert [route.name for route in bench.chosen_routes(options, rulebook)] == [
        "bare hello",
        "healthz",
        "test page",
    ]
    with pytest.raises(SystemExit):
        bench.chosen_routes(bench.parse(["--only", "nope"]), rulebook)


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
    for route in bench.routes():
        row = next(line for line in lines if line.startswith(f"  {route.name} "))
        assert "not measured" not in row, row
        assert row.split()[-1] == "0", row  # no errors
        assert route.path in row
    assert "/saved/<token>" in out
    assert not re.search(r"/saved/[A-Za-z0-9_-]{43}", out)  # the real link stays out of the output
    assert any("(target >= 0.5): PASS" in line or "(target >= 0.5): MISS" in line for line in lines)
    assert sum("(target >= 0.6)" in line for line in lines) == 3
    assert any("of the cached one" in line and "answer sets in turn" in line for line in lines)
    assert len(started) == 2  # the master and its one worker
    assert all(gone(pid) for pid in started)
