"""Default settings; `instance/config.py` and FLASK_* environment variables override them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Keys that must never run in production: empty, or the well-known examples.
INSECURE_SECRET_KEYS = frozenset({"", "dev", "change-me", "changeme", "secret", "test"})


class Defaults:
    """Settings every instance starts from."""

    SECRET_KEY: str | None = None
    RULES_DIR = str(ROOT / "rules")
    # Forms and API bodies are tiny; anything larger is refused with 413.
    MAX_CONTENT_LENGTH = 16 * 1024
    MAX_FORM_MEMORY_SIZE = 16 * 1024
    MAX_FORM_PARTS = 100
    SESSION_COOKIE_NAME = "ig_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # The CSRF token lives as long as the session, so a tab left open for an hour still works.
    WTF_CSRF_TIME_LIMIT = None
    JSON_SORT_KEYS = False
    # Saved results: how long a link works, and how often expired ones are swept away.
    SAVED_RESULT_DAYS = 30
    PURGE_EVERY_SECONDS = 3600
    # Memory each worker may use to keep saved results' pages ready to send (unpacked, rendered), so
    # a link shown again skips that work; whether the link still works is asked every time.
    SAVED_SNAPSHOT_CACHE_BYTES = 8 * 1024 * 1024
    DATABASE_URL = ""  # empty: SQLite in instance/; else e.g. postgresql://user:pass@host/db
    # How many proxies stand in front of the app (0: none). Behind one, set 1 so links, HTTPS and
    # Secure cookies follow the X-Forwarded-* headers that proxy sets, and no one else's.
    TRUSTED_PROXIES = 0
    # How long a SQLite writer waits for another to finish before giving up, in milliseconds.
    SQLITE_BUSY_TIMEOUT_MS = 5000
