"""Shared fixtures: the real rulebook, a scratch copy of the rules, and the Flask app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask

from webapp import create_app
from webapp.rulebook import Rulebook, load
from webapp.storage.db import db

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
