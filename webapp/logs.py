"""Keep saved-result tokens out of logs: a log line must never tie a link to an address."""

from __future__ import annotations

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/saved/)[A-Za-z0-9_-]+")


class RedactTokens(logging.Filter):
    """Replace the token in any /saved/<token> path with a fixed word."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the message in place; never drop the record."""
        message = record.getMessage()
        if "/saved/" in message:
            record.msg, record.args = TOKEN_IN_PATH.sub(r"\1<token>", message), ()
        return True


def init_app(app) -> None:
    """Redact tokens from the development server's request log and the app's own log."""
    for logger in (logging.getLogger("werkzeug"), app.logger):
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
