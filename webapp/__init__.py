"""Imaging Guide: a Flask app that explains which imaging tests are commonly used, and why."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import cli
from .rulebook import RulebookError, load
from .startup import BrokenRules

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app; refuse to start if the rule data has any problem."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_mapping(RULES_DIR=str(ROOT / "rules"))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()  # FLASK_RULES_DIR, FLASK_SECRET_KEY, ...
    else:
        app.config.from_mapping(test_config)

    try:
        app.extensions["rulebook"] = load(app.config["RULES_DIR"])
    except RulebookError as exc:
        raise BrokenRules(exc) from exc

    cli.register(app)
    return app
