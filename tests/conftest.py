"""Shared fixtures: the real rulebook, a scratch copy of the rules, and the Flask app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from webapp import create_app
from webapp.rulebook import Rulebook, load

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    """The real rule table, loaded once."""
    return load(RULES)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A throwaway copy of `rules/` that a test may break or extend."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


@pytest.fixture
def app():
    """The app with the real rules."""
    return create_app({"TESTING": True})


@pytest.fixture
def runner(app):
    """A CLI runner for `flask` commands."""
    return app.test_cli_runner()
