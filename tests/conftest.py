"""Shared fixtures: the real rulebook, a scratch copy of the rules, and the Flask app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask

import webapp
from webapp import create_app
from webapp.rulebook import Rulebook, load
from webapp.storage.db import db

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"

_loaded: dict[tuple, Rulebook] = {}


def _load_once(root: str | Path) -> Rulebook:
    """`load`, remembered for files that have not changed since (a Rulebook is frozen, so safe to share).

    Most tests make an app of their own, and reading the rule files is most of what that costs: about a
    tenth of a second, a thousand times over. A test that edits or breaks a copy of the rules changes
    its files' sizes or times, so it gets a fresh load (and a broken one raises, as before).
    """
    folder = Path(root).resolve()
    files = sorted(folder.rglob("*")) if folder.is_dir() else []
    key = (folder, *((f, f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.is_file()))
    if key not in _loaded:
        _loaded[key] = load(folder)
    return _loaded[key]


# create_app looks `load` up in its own module, so every app the tests make shares the cache.
webapp.load = _load_once


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


def make_app(database: Path, **config) -> Flask:
    """The app with the real rules and a fresh SQLite database file, tables created."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", **config})
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The app with the real rules and its own empty database."""
    return make_app(tmp_path / "test.sqlite3")


@pytest.fixture
def runner(app):
    """A CLI runner for `flask` commands."""
    return app.test_cli_runner()
