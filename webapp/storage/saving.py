"""Keep, find, delete and purge saved results. No Flask request in here: views call these."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import sys
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from .db import db, ensure_in_place, ensure_writable, opened_file, sqlite_file_problem
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


def pack_snapshots(pages: Mapping[str, str]) -> bytes:
    """The result's HTML in each language, compressed as one JSON object: {"en": html, "es": html}."""
    return zlib.compress(json.dumps(dict(pages), ensure_ascii=False).encode("utf-8"), 6)


def unpack_snapshots(blob: bytes) -> dict[str, str]:
    """The HTML in each language; a result saved before there were languages is English HTML alone."""
    text = zlib.decompress(blob).decode("utf-8")
    return json.loads(text) if text.startswith("{") else {"en": text}


def save(
    token: str, answers: dict[str, Any], pages: Mapping[str, str], rules_version: str, lifetime: dt.timedelta
) -> str:
    """Store a result under a token and return the token's hash; saving a token twice keeps one result.

    The insert comes first, so on SQLite a writer takes its lock at once and waits for others
    (busy timeout) instead of failing when it would have to upgrade a read lock. Once the commit
    has worked nothing here touches the database again (the row's attributes expire on commit),
    so a connection that dies right after it cannot turn a stored result into an error. Raises
    DatabaseFileProblem, instead of acknowledging, if the SQLite file is read-only or missing, or was
    deleted or replaced while saving (connections opened before still write, into a file no
    request will read again).
    """
    ensure_writable(db.engine)
    token_hash = hash_token(token)
    now = utcnow()
    saved = SavedResult(
        token_hash=token_hash,
        answers=answers,
        snapshot=pack_snapshots(pages),
        rules_version=rules_version,
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(saved)
    opened = opened_file(db.session.connection())
    try:
        db.session.commit()
    except IntegrityError:  # the same token again: a double click, or a retry after a timeout
        db.session.rollback()
        if find(token) is None:
            raise
    ensure_in_place(opened)
    return token_hash


def find(token: str) -> SavedResult | None:
    """The saved result behind a token, unless it is malformed, unknown, deleted or expired."""
    if not is_token(token):
        return None
    query = select(SavedResult).where(
        SavedResult.token_hash == hash_token(token), SavedResult.expires_at > utcnow()
    )
    return db.session.scalar(query)


@dataclass(frozen=True)
class SavedPage:
    """A saved result as its page shows it: the row's fields, and its HTML ready to show."""

    id: int
    token_hash: str
    answers: dict[str, Any]
    rules_version: str
    created_at: dt.datetime
    expires_at: dt.datetime
    html: str
    language: str  # the language of `html`: the one asked for, or English for an older result


class SnapshotCache:
    """Saved results' HTML ready to show, by token hash, in one worker; least recently shown go first.

    Bounded by the memory the HTML takes. It saves fetching, decompressing and finishing the
    snapshot (and, for the page everyone but its owner sees, rendering it): `find_page` still asks
    the database on every request whether the result exists and has not expired, so a deleted or
    expired result is never shown from here, by any worker. An entry names the row it came from,
    so a result saved again under the same token after a delete is never mistaken for the old
    one; and only a request for the same token can reach it.

    Each entry holds a few variants of one result (the snapshot finished for a link, a whole
    page): a variant is whatever the caller's key says the HTML was made for.
    """

    VARIANTS = 8  # per result; more (many host names, say) start its entry afresh

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        # token hash -> (row id, expires at, {variant: html as text, or as the bytes to send})
        self._entries: OrderedDict[str, tuple[int, dt.datetime, dict[str, str | bytes]]] = OrderedDict()
        self._lock = threading.Lock()  # the development server and threaded workers share one cache

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, token_hash: object) -> bool:
        return token_hash in self._entries

    def get(self, token_hash: str, row_id: int, variant: str) -> str | bytes | None:
        """The HTML kept for this token's row and variant, or None."""
        with self._lock:
            entry = self._entries.get(token_hash)
            if entry is None or entry[0] != row_id:
                return None
            self._entries.move_to_end(token_hash)
            return entry[2].get(variant)

    def put(
        self, token_hash: str, row_id: int, expires_at: dt.datetime, variant: str, html: str | bytes
    ) -> None:
        """Keep one variant of a row's HTML, dropping the least recently shown until it fits."""
        cost = sys.getsizeof(html)
        if cost > self.max_bytes:
            return
        with self._lock:
            entry = self._entries.get(token_hash)
            if entry is None or entry[0] != row_id or len(entry[2]) >= self.VARIANTS:
                self._pop(token_hash)
                entry = self._entries[token_hash] = (row_id, expires_at, {})
            self._entries.move_to_end(token_hash)
            variants = entry[2]
            if variant in variants:
                self.size -= sys.getsizeof(variants[variant])
            variants[variant] = html
            self.size += cost
            while self.size > self.max_bytes:
                self._pop(next(iter(self._entries)))

    def drop(self, token_hash: str) -> None:
        """Forget one token's result (deleted, expired, or not found)."""
        with self._lock:
            self._pop(token_hash)

    def drop_expired(self, now: dt.datetime) -> None:
        """Forget every result that has expired by now."""
        with self._lock:
            for token_hash in [h for h, entry in self._entries.items() if entry[1] <= now]:
                self._pop(token_hash)

    def _pop(self, token_hash: str) -> None:
        entry = self._entries.pop(token_hash, None)
        if entry is not None:
            self.size -= sum(sys.getsizeof(html) for html in entry[2].values())


# Built once, in SQLAlchemy Core: a saved link asks for its row on every request, and building a
# query or going through the ORM's unit of work costs more than the query itself.
_SAVED = SavedResult.__table__
_PAGE_ROW = select(
    _SAVED.c.id, _SAVED.c.answers, _SAVED.c.rules_version, _SAVED.c.created_at, _SAVED.c.expires_at
).where(_SAVED.c.token_hash == bindparam("token_hash"), _SAVED.c.expires_at > bindparam("now"))
_SNAPSHOT = select(_SAVED.c.snapshot).where(_SAVED.c.id == bindparam("row_id"))


def _unchanged(html: str) -> str:
    return html


def find_page(
    token: str,
    cache: SnapshotCache,
    variant: str = "",
    finish: Callable[[str], str] = _unchanged,
    language: str = "en",
) -> SavedPage | None:
    """A saved result with its HTML in `language`, unless malformed, unknown, deleted or expired.

    The row is looked up every time (without its snapshot). Only when the cache does not hold it
    yet is the snapshot fetched, decompressed and passed through `finish` (what the page adds to
    it, the same for every request with this `variant`), and the outcome kept. A result saved
    before it was kept in `language` comes in English.
    """
    if not is_token(token):
        return None
    token_hash = hash_token(token)
    with db.engine.connect() as connection:
        row = connection.execute(_PAGE_ROW, {"token_hash": token_hash, "now": utcnow()}).first()
        variant = f"{language} {variant}"
        kept = cache.get(token_hash, row.id, variant) if row is not None else None
        # Kept as "<language shown>\0<html>": an older result asked for in Spanish is shown in English.
        shown, _, html = kept.partition("\0") if isinstance(kept, str) else (language, "", None)
        if row is not None and html is None:
            blob = connection.execute(_SNAPSHOT, {"row_id": row.id}).scalar()
            if blob is not None:  # None: deleted between the two queries
                pages = unpack_snapshots(blob)
                shown = language if language in pages else "en"
                html = finish(pages[shown])
                cache.put(token_hash, row.id, row.expires_at, variant, f"{shown}\0{html}")
    if row is None or html is None:
        cache.drop(token_hash)
        return None
    return SavedPage(
        row.id, token_hash, row.answers, row.rules_version, row.created_at, row.expires_at, html, shown
    )


def remove(token: str, cache: SnapshotCache | None = None) -> bool:
    """Delete a saved result at once (and from this worker's cache); True if there was one."""
    if not is_token(token):
        return False
    token_hash = hash_token(token)
    done = db.session.execute(delete(SavedResult).where(SavedResult.token_hash == token_hash))
    db.session.commit()
    if cache is not None:
        cache.drop(token_hash)
    return bool(done.rowcount)


def purge(now: dt.datetime | None = None, cache: SnapshotCache | None = None) -> int:
    """Delete every saved result that has expired (here and in this worker's cache); how many went."""
    now = now or utcnow()
    done = db.session.execute(delete(SavedResult).where(SavedResult.expires_at <= now))
    db.session.commit()
    if cache is not None:
        cache.drop_expired(now)
    return done.rowcount or 0


def count() -> int:
    """How many saved results the database holds, expired or not (they take room until purged)."""
    return db.session.scalar(select(func.count()).select_from(SavedResult)) or 0


def probe_writes() -> str | None:
    """Check that the database would accept a save now; say why not, or None. Leaves nothing behind.

    A delete that matches no row still needs a writable database (on SQLite it takes the write
    lock; a read-only PostgreSQL refuses it); it is rolled back. A SQLite file is also checked
    where it lies, since connections opened before it became read-only would not notice.
    """
    problem = sqlite_file_problem(db.engine)
    if problem:
        return problem
    db.session.execute(delete(SavedResult).where(SavedResult.id < 0))
    db.session.rollback()
    return None


class Ceiling:
    """The most saved results the database may hold, and one worker's count of what it holds.

    Counting costs about 1 ms on SQLite and 3 ms on PostgreSQL at 100,000 rows, more than the
    rest of a save, so far below the ceiling a count is trusted for `fresh_seconds` (plus this
    worker's own saves since). Within `NEAR` of the ceiling, or at it, every check counts again:
    other workers' saves are then never missed, and room made by a purge or a delete counts at once.
    """

    NEAR = 0.02  # of the ceiling

    def __init__(self, max_rows: int | None, fresh_seconds: float) -> None:
        self.max_rows = max_rows or 0  # 0 or None: no ceiling
        self.fresh_seconds = fresh_seconds
        self._rows = 0
        self._counted_at = float("-inf")
        self._lock = threading.Lock()

    def full(self, counter: Callable[[], int] = count) -> bool:
        """Whether saving must pause: the database holds max_rows results or more."""
        if not self.max_rows:
            return False
        with self._lock:
            rows, counted_at = self._rows, self._counted_at
        near = rows >= self.max_rows * (1 - self.NEAR)
        if near or time.monotonic() - counted_at >= self.fresh_seconds:
            rows = self.recount(counter)
        return rows >= self.max_rows

    def recount(self, counter: Callable[[], int] = count) -> int:
        """Count the rows again now; return how many there are."""
        rows = counter()
        with self._lock:
            self._rows, self._counted_at = rows, time.monotonic()
        return rows

    def saved_one(self) -> None:
        """Note a result this worker has just stored."""
        with self._lock:
            self._rows += 1
