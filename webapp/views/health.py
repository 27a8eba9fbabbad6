"""Health checks for load balancers: is the process alive, and can its database take a save."""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from ..storage import saving
from ..storage.db import discard_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Report that the process is alive (nothing else is checked)."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Report whether the database accepts writes (503 when not), and whether saving is paused.

    At the ceiling on saved results the answer stays 200, with "saving": "paused": every server
    shares the one database, so taking servers out of rotation would not make room; it would only
    stop the questions and results, which still work.
    """
    try:
        problem = saving.probe_writes()
        if problem is None:
            ceiling = saving.Ceiling(current_app.config["MAX_SAVED_RESULTS"], 0)
            paused = ceiling.max_rows and ceiling.recount() >= ceiling.max_rows
    except SQLAlchemyError:
        discard_session()
        problem = "unreachable"
    if problem is not None:
        return {"status": "unavailable", "database": problem, "saving": "unavailable"}, 503
    return {"status": "ready", "database": "ok", "saving": "paused" if paused else "ok"}
