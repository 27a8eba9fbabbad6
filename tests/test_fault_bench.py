"""The fault bench (bench/fault_bench.py): it reads back what it saved, and it counts what is missing."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import pytest

from webapp.storage.saving import new_token

BENCH = Path(__file__).resolve().parent.parent / "bench"

pytestmark = pytest.mark.slow


@pytest.fixture
def bench(monkeypatch):
    """bench/fault_bench.py as a module (it imports its neighbour `serve` by name, as `make` runs it)."""
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module("fault_bench")


def test_a_short_run_with_a_killed_worker_loses_nothing_and_says_so(bench, capsys):
    status = bench.main(["--workers", "2", "--browsers", "4", "--duration", "4", "--kill-at", "1.5"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "kill -9 worker" in out
    assert "lost: 0" in out
    assert "responses of 500: 0" in out


def test_a_link_that_does_not_show_its_result_counts_as_lost(bench, tmp_path):
    serve = importlib.import_module("serve")
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    serve.migrate(url)
    with serve.gunicorn(2, {"IG_BENCH_DATABASE_URL": url}) as server:
        tally = bench.Tally()
        bench.browse(server.port, True, time.time() + 1.0, 0.0, tally)
        assert tally.acknowledged
        lost = bench.read_back(server.port, [*tally.acknowledged, f"/saved/{new_token()}"])
    assert lost == ["404"]
