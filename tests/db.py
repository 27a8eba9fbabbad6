"""The databases the saved-result tests run on: a SQLite file, and PostgreSQL from TEST_DATABASE_URL.

Each test session gets its own PostgreSQL schema (dropped at the end), so two test runs against
the same database never see each other's rows. Without TEST_DATABASE_URL, or when it does not
answer, the PostgreSQL tests skip and say why; under CI=true they fail instead, so CI never passes
by testing only SQLite.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from webapp import create_app
from webapp.storage.db import db

BACKENDS = ("sqlite", "postgresql")
# A PostgreSQL that cannot answer: nothing listens on port 1, and the driver gives up after a second.
UNREACHABLE_POSTGRESQL = "postgresql+psycopg://ig:ig@127.0.0.1:1/none?connect_timeout=1"


def postgresql_unavailable(reason: str) -> NoReturn:
    """Skip a PostgreSQL test, or fail it under CI=true, where PostgreSQL must be there."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def postgresql_url() -> URL:
    """TEST_DATABASE_URL for SQLAlchemy with psycopg 3, or a skip (a failure under CI) without it."""
    raw = os.environ.get("TEST_DATABASE_URL", "")
    if not raw:
        postgresql_unavailable(
            "TEST_DATABASE_URL is not set (e.g. postgresql://ig:ig@127.0.0.1:5432/ig_test)"
        )
    url = make_url(raw)
    if url.get_backend_name() != "postgresql":
        postgresql_unavailable(f"TEST_DATABASE_URL is not a PostgreSQL URL ({url.get_backend_name()})")
    return url.set(drivername="postgresql+psycopg")


@contextmanager
def postgresql_schema() -> Iterator[str]:
    """Create a schema of our own in the test database; yield a URL that works only inside it."""
    url = postgresql_url()
    admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    schema = f"ig_test_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except SQLAlchemyError as exc:
        admin.dispose()
        reason = type(getattr(exc, "orig", None) or exc).__name__
        postgresql_unavailable(f"{url.render_as_string()} does not answer ({reason})")
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def database_app(url: str, *, tables: bool = True, **config) -> Flask:
    """The app on an empty database at url: every table dropped, then created again if asked."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **config})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        if tables:
            db.create_all()
    return app


def close(app: Flask) -> None:
    """Give back every connection the app holds, so the next test can drop its tables."""
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
