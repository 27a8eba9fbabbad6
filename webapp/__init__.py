"""Imaging Guide: a Flask app that explains which imaging tests are commonly used, and why."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import assets, cli, errors, i18n, limits, logs, security, templating, views
from .config import ROOT, Defaults
from .rulebook import RulebookError, load
from .startup import BrokenRules
from .storage import db


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app; refuse to start if the rule data has any problem."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_RULES_DIR, ...
    else:
        app.config.from_mapping(test_config)

    try:
        app.extensions["rulebook"] = load(app.config["RULES_DIR"])
    except RulebookError as exc:
        raise BrokenRules(exc) from exc

    security.init_app(app)
    logs.init_app(app)
    db.init_app(app)
    assets.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    views.register(app)
    limits.init_app(app)  # wraps the save view and the API blueprint: after views
    errors.init_app(app)
    cli.register(app)
    return app
