"""The database: SQLite in instance/ by default, PostgreSQL when DATABASE_URL says so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "imaging-guide.sqlite3"


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


def init_app(app: Flask) -> None:
    """Connect the app to its database."""
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(app))
    # pool_pre_ping replaces connections a database restart has closed, instead of failing a request.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    # Hooked on this app's own engines (not every Engine), so each app uses its own busy timeout.
    busy_timeout_ms = app.config["SQLITE_BUSY_TIMEOUT_MS"]
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", sqlite_pragmas(busy_timeout_ms))
