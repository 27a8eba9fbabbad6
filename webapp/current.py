"""What the running app has loaded, for any module that serves a request."""

from __future__ import annotations

from flask import current_app

from .i18n import language
from .rulebook import Rulebook


def rulebook() -> Rulebook:
    """The rulebook loaded at start-up, its texts in this request's language."""
    return current_app.extensions["rulebook"].in_language(language())
