"""What the running app has loaded, for any module that serves a request."""

from __future__ import annotations

from flask import current_app

from .rulebook import Rulebook


def rulebook() -> Rulebook:
    """The rulebook loaded at start-up."""
    return current_app.extensions["rulebook"]
