"""Keep, find, delete and purge saved results. No Flask request in here: views call these."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import zlib
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .db import db
from .models import SavedResult

TOKEN_BYTES = 32  # 256 bits
# token_urlsafe(32) is 43 characters of URL-safe base64; anything else cannot be a real link.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def utcnow() -> dt.datetime:
    """The current time in UTC, without a zone (how the database columns hold it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_token() -> str:
    """A fresh link token with 256 bits from the operating system's random source."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: str) -> bool:
    """Tell whether a string has the shape of a link token (checked before any database work)."""
    return bool(TOKEN_PATTERN.match(value))


def hash_token(token: str) -> str:
    """The SHA-256 of a token, the only form of it the database holds."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def save(
    token: str, answers: dict[str, Any], html: str, rules_version: str, lifetime: dt.timedelta
) -> SavedResult:
    """Store a result under a token; saving the same token twice returns the first one.

    The insert comes first, so on SQLite a writer takes its lock at once and waits for others
    (busy timeout) instead of failing when it would have to upgrade a read lock.
    """
    now = utcnow()
    saved = SavedResult(
        token_hash=hash_token(token),
        answers=answers,
        snapshot=zlib.compress(html.encode("utf-8"), 6),
        rules_version=rules_version,
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(saved)
    try:
        db.session.commit()
    except IntegrityError:  # the same token again: a double click, or a retry after a timeout
        db.session.rollback()
        existing = find(token)
        if existing is None:
            raise
        return existing
    return saved


def find(token: str) -> SavedResult | None:
    """The saved result behind a token, unless it is malformed, unknown, deleted or expired."""
    if not is_token(token):
        return None
    query = select(SavedResult).where(
        SavedResult.token_hash == hash_token(token), SavedResult.expires_at > utcnow()
    )
    return db.session.scalar(query)


def snapshot_html(saved: SavedResult) -> str:
    """The result's HTML as it was saved."""
    return zlib.decompress(saved.snapshot).decode("utf-8")


def remove(token: str) -> bool:
    """Delete a saved result at once; True if there was one."""
    if not is_token(token):
        return False
    done = db.session.execute(delete(SavedResult).where(SavedResult.token_hash == hash_token(token)))
    db.session.commit()
    return bool(done.rowcount)


def purge(now: dt.datetime | None = None) -> int:
    """Delete every saved result that has expired; return how many went."""
    done = db.session.execute(delete(SavedResult).where(SavedResult.expires_at <= (now or utcnow())))
    db.session.commit()
    return done.rowcount or 0
