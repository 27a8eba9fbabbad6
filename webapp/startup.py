"""What the app says when it cannot start."""

from __future__ import annotations

import click

from .rulebook import RulebookError


class BrokenRules(click.ClickException):
    """The rule data has problems, so the app will not start.

    A ClickException, so that `flask run` and `flask rules check` print the list of problems as
    a plain message and exit with status 1, rather than dumping a traceback.
    """

    def __init__(self, error: RulebookError) -> None:
        self.problems = error.problems
        super().__init__(f"Imaging Guide cannot start. {error}")
