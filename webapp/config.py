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
    # The host names the site answers to; a name starting with "." allows its subdomains (any port
    # is accepted; IPv6 addresses cannot be listed). Links and QR codes are built from the Host header
    # (X-Forwarded-Host behind a trusted proxy), so any other host gets a 400, except /healthz and
    # /readyz. Loopback only, for `make run`; a server lists its own names
    # (FLASK_ALLOWED_HOSTS="guide.example.org"). Empty is refused in production.
    ALLOWED_HOSTS = ("localhost", "127.0.0.1")
    # Strict-Transport-Security, sent only on answers that came over HTTPS: browsers then use HTTPS
    # for this host for that long. 0 sends max-age=0, which tells browsers to forget it.
    HSTS_SECONDS = 365 * 24 * 3600
    # Off: a site on a subdomain of a bigger organisation must not force HTTPS on its siblings.
    HSTS_INCLUDE_SUBDOMAINS = False
    # Off: asking browsers to build the rule in is hard to undo (needs includeSubDomains and a year).
    HSTS_PRELOAD = False
    # How long a SQLite writer waits for another to finish before giving up, in milliseconds.
    SQLITE_BUSY_TIMEOUT_MS = 5000
    # A ceiling on stored saved results (rows, expired or not): at it, saving answers 503 "saving is
    # paused" while questions and results keep working, and /readyz says so. A row is about 6 KB,
    # so 100,000 is about 600 MB. 0: no ceiling.
    MAX_SAVED_RESULTS = 100_000
    # How long a worker trusts its count of saved results while far below the ceiling, in seconds
    # (near it, it counts at every save).
    SAVED_COUNT_SECONDS = 10
    # Limits on saving and on the JSON API (webapp/limits.py, Flask-Limiter; README "Limits").
    # None: on, except under TESTING (tests that check limits turn them on); False: off.
    RATELIMIT_ENABLED: bool | None = None
    # Saves from one address (a whole IPv6 /64). A class of 30 behind one school address can each
    # save a few results in a lesson; one client can add at most 300 rows (about 2 MB) a day.
    SAVE_LIMITS_PER_CLIENT = "30 per minute; 100 per hour; 300 per day"
    # Saves from everyone together, however many addresses: caps how fast the database grows
    # (5,000 a day is about 32 MB, under 1 GB for 30 days of kept results).
    SAVE_LIMITS_GLOBAL = "120 per minute; 1000 per hour; 5000 per day"
    # JSON API calls from one address, all routes together: ample for a program, not a flood.
    API_LIMITS_PER_CLIENT = "600 per minute"
    # Where counts live: memory:// (each worker process counts on its own) or redis://host:6379/0
    # (one count shared by every worker and server).
    RATELIMIT_STORAGE_URI = "memory://"
    # Keeps these counts apart from anything else kept in the same Redis.
    RATELIMIT_KEY_PREFIX = "imaging-guide"
    # If the storage stops answering: count in each worker's memory meanwhile, ask it again now and
    # then, and never fail a request because of it.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # The base of the canonical URLs of our FHIR Questionnaire and CodeSystems, such as
    # "https://guide.example.org/api/v1/fhir". Empty: this server's own address as each request names it.
    FHIR_CANONICAL_BASE = ""
