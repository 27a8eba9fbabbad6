"""The blueprints: one module per area of the site, each with `bp` beside its views."""

from __future__ import annotations

from flask import Flask

from . import api, health, library, pages, questionnaire, results, share


def register(app: Flask) -> None:
    """Attach one blueprint per area of the site."""
    for module in (pages, questionnaire, results, share, library, api, health):
        app.register_blueprint(module.bp)
