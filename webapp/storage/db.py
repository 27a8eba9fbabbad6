"""The database: SQLite in instance/ by default, PostgreSQL when DATABASE_URL says so."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "imaging-guide.sqlite3"
# Where a SQLite connection notes which file it opened: (path, (device, inode)).
OPENED_FILE = "ig_sqlite_file"
# Where it notes that the file could not be written when it opened it (SQLite then opens it read-only).
OPENED_READ_ONLY = "ig_sqlite_read_only"

log = logging.getLogger(__name__)


class Base(DeclarativeBase):
    """Base class of every model."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def database_url(app: Flask) -> str:
    """The database to use: DATABASE_URL if set (PostgreSQL through psycopg 3), else SQLite."""
    url = app.config.get("DATABASE_URL") or ""
    if not url:
        return f"sqlite:///{Path(app.instance_path) / SQLITE_FILE}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    """A SQLite connect hook: WAL so readers and writers work side by side, and a busy timeout."""

    def tune(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # The timeout first, so that switching to WAL also waits if another process holds the file.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return tune


class DatabaseFileProblem(SQLAlchemyError):
    """The SQLite file cannot keep a save: it is missing, replaced or read-only."""


FileIdentity = tuple[str, tuple[int, int]]


def file_identity(path: str) -> tuple[int, int] | None:
    """The device and inode of the file at path, or None if there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def sqlite_path(engine: Engine) -> str | None:
    """The file a SQLite engine uses, or None (not SQLite, or in memory)."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return name


def watch_sqlite_file(engine: Engine, path: str) -> None:
    """Never hand out a connection to a SQLite file that is no longer at its path.

    A connection keeps writing into a file that was deleted or replaced (say `instance/` was
    removed): every save would be acknowledged and then lost at the next restart. Each connection
    notes the file it opened; at checkout a different or missing file makes the pool drop it and
    open the path again, which either finds the new file or fails (so saving answers 503).
    Likewise a connection opened while the file could not be written stays read-only for good:
    once the file can be written again, it is opened anew.
    """

    def opened(_dbapi_connection: Any, record: Any) -> None:
        identity = file_identity(path)
        if identity is not None:
            record.info[OPENED_FILE] = (path, identity)
            record.info[OPENED_READ_ONLY] = not os.access(path, os.W_OK)

    def checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        noted = record.info.get(OPENED_FILE)
        if noted is None:
            return
        if file_identity(noted[0]) != noted[1]:
            raise DisconnectionError("the SQLite file is no longer at its path")
        if record.info.get(OPENED_READ_ONLY) and os.access(path, os.W_OK):
            raise DisconnectionError("the SQLite file can be written again")

    event.listen(engine, "connect", opened)
    event.listen(engine, "checkout", checkout)


def opened_file(connection: Connection) -> FileIdentity | None:
    """Which SQLite file this connection has open, as noted when it connected (None: not SQLite)."""
    return connection.info.get(OPENED_FILE)


def ensure_in_place(opened: FileIdentity | None) -> None:
    """Raise DatabaseFileProblem unless the file a connection wrote to is still the one at its path."""
    if opened is not None and file_identity(opened[0]) != opened[1]:
        raise DatabaseFileProblem("the SQLite file was deleted or replaced while saving")


def ensure_writable(engine: Engine) -> None:
    """Raise DatabaseFileProblem if the SQLite file is missing or read-only (see sqlite_file_problem)."""
    problem = sqlite_file_problem(engine)
    if problem:
        raise DatabaseFileProblem(f"the SQLite file is {problem}")


def sqlite_file_problem(engine: Engine) -> str | None:
    """Why a SQLite file cannot take writes (missing, or not writable), or None; None for PostgreSQL.

    os.access also sees `chattr +i`, which even root cannot write through; connections opened
    before it keep working, so a query through them would not notice.
    """
    path = sqlite_path(engine)
    if path is None:
        return None
    if not os.path.exists(path):
        return "missing"
    folder = os.path.dirname(path) or "."
    if not (os.access(path, os.W_OK) and os.access(folder, os.W_OK)):
        return "read-only"
    return None


def discard_session() -> None:
    """Roll back and drop the request's session; never raises (its connection may be dead)."""
    try:
        db.session.remove()
    except Exception:  # a dead connection fails its rollback; its transaction is gone anyway
        log.warning("Rolling back the database session failed; its connection is dropped")
        with suppress(Exception):
            db.session.registry().invalidate()
        db.session.registry.clear()


def _teardown_session(_error: BaseException | None) -> None:
    # Replaces Flask-SQLAlchemy's teardown, whose failing rollback would escape the app after the
    # response was made: the server would then send its own bare 500 instead (a save that was
    # stored would lose its link), without this app's headers.
    discard_session()


def init_app(app: Flask) -> None:
    """Connect the app to its database."""
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(app))
    # pool_pre_ping replaces connections a database restart has closed, instead of failing a request.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    app.teardown_appcontext_funcs.remove(db._teardown_session)
    app.teardown_appcontext(_teardown_session)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    # Hooked on this app's own engines (not every Engine), so each app uses its own busy timeout.
    busy_timeout_ms = app.config["SQLITE_BUSY_TIMEOUT_MS"]
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", sqlite_pragmas(busy_timeout_ms))
            path = sqlite_path(engine)
            if path is not None:
                watch_sqlite_file(engine, path)
