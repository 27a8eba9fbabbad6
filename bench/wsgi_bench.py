"""The app as `bench/http_bench.py` serves it under gunicorn, plus a bare route to compare with.

`/__bench/hello` exists only here, never in the app: it measures what Flask and gunicorn cost
on their own, so each real page can be given as a share of that.
"""

from __future__ import annotations

import os
import secrets

from flask import Response

from webapp import create_app

# Every worker must sign the session cookie with the same key, so the bench passes one in;
# a key made here would differ per worker and each would reject the others' cookies.
SECRET_KEY = os.environ.get("IG_BENCH_SECRET_KEY") or secrets.token_hex(32)

# The database to save results in (any DATABASE_URL form); empty: the app's default, instance/ SQLite.
DATABASE_URL = os.environ.get("IG_BENCH_DATABASE_URL", "")

# No rate limits, unless IG_BENCH_LIMITS=on: a bench measures the app, and all its load comes from
# one address; bench/review_reproducers.py turns them on to check that they hold.
LIMITS = os.environ.get("IG_BENCH_LIMITS", "") == "on"

app = create_app(
    {
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": DATABASE_URL,
        "TESTING": False,
        "DEBUG": False,
        "RATELIMIT_ENABLED": LIMITS,
    }
)


@app.get("/__bench/hello")
def hello() -> Response:
    # Which worker answered, so the bench can wait until every worker has loaded the app.
    return Response("hello", mimetype="text/plain", headers={"X-Bench-Worker": str(os.getpid())})
