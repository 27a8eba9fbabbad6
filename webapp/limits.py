"""Limits on saving and on the JSON API (Flask-Limiter), and the 429 answers: a page, or the API's JSON.

Only two things are limited: saving a result (POST /saved, per client and for everyone together)
and the JSON API (per client, all its routes together). Questions, results, saved links, /healthz,
/readyz and static files never are. Counts live in RATELIMIT_STORAGE_URI: memory:// (each worker
process counts on its own) or redis://... (every worker and server shares one count). If that
storage stops answering, each worker counts in its own memory until it answers again; a request
never fails because of it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import time

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import TooManyRequests

from .errors import api_error, render_error, wants_json

log = logging.getLogger(__name__)

EXTENSION = "ig_limiter"
SAVE_ENDPOINT = "share.create"
API_BLUEPRINT = "api"
# The blueprints that share the API's count: the FHIR endpoints are the same API in FHIR's shapes, and
# /infobutton answers health records as well as people clicking (cheap, but a program can hammer it).
API_BLUEPRINTS = (API_BLUEPRINT, "fhir", "infobutton")
# The key every client shares for the limit on all saves together.
EVERYONE = "everyone"
# A Redis that stops answering must cost a request a fraction of a second, not the operating
# system's connect timeout (minutes); the worker then counts in memory and asks again later.
REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
WAIT_HEADING = _l("Please wait a moment")


class ForwardToAppLog(logging.Handler):
    """Pass Flask-Limiter's messages (the storage failed, fell back, recovered) on to our own log.

    Flask-Limiter gives its logger a NullHandler, so without this its warnings would reach no
    one under gunicorn; ours end up in the app's log beside every other warning.
    """

    def emit(self, record: logging.LogRecord) -> None:
        """Log the same message, level and traceback under this module's name."""
        log.log(record.levelno, "Rate limits: %s", record.getMessage(), exc_info=record.exc_info)


def forward_limiter_log() -> None:
    """Attach the forwarding handler to Flask-Limiter's logger, once per process."""
    limiter_log = logging.getLogger("flask-limiter")
    if not any(isinstance(h, ForwardToAppLog) for h in limiter_log.handlers):
        limiter_log.addHandler(ForwardToAppLog(logging.INFO))
        limiter_log.propagate = False  # one line per event, ours, not a second copy from the root


def is_enabled(app: Flask) -> bool:
    """Whether limits apply: RATELIMIT_ENABLED, or when unset, always except under TESTING."""
    setting = app.config.get("RATELIMIT_ENABLED")
    return not app.testing if setting is None else bool(setting)


def client_group(address: str) -> str:
    """The address limits count by: an IPv4 address, or the /64 network an IPv6 address is in."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        # One home or phone is given a whole /64: counting single addresses would let it
        # step round the limit by changing the last 64 bits.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_key() -> str:
    """The client's key: its address group, keyed with SECRET_KEY so the storage holds no address."""
    group = client_group(request.remote_addr or "")
    secret = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, group.encode(), hashlib.sha256).hexdigest()[:32]


def everyone() -> str:
    """The one key all clients share, for the limit on all saves together."""
    return EVERYONE


def retry_after_seconds(error: TooManyRequests) -> int:
    """Whole seconds until the limit that was hit lets a request through again (at least 1)."""
    limiter = current_app.extensions.get(EXTENSION)
    hit = limiter.current_limit if limiter is not None else None
    try:
        if hit is not None:
            return max(1, math.ceil(hit.window[0] - time.time()))
    except Exception:  # the storage failed since the limit was checked: fall back to the window
        log.warning("Could not read when the rate limit resets")
    if isinstance(error, RateLimitExceeded):
        return max(1, int(error.limit.limit.get_expiry()))
    return 60


def hit_by_everyone() -> bool:
    """Whether the limit hit is the one on all clients together (not this client's own)."""
    limiter = current_app.extensions.get(EXTENSION)
    hit = limiter.current_limit if limiter is not None else None
    return hit is not None and EVERYONE in hit.request_args


def retry_message(seconds: int) -> str:
    """What a program is told when over a limit, in the request's language (JSON API and FHIR alike)."""
    return _("Too many requests from this address. Try again in %(seconds)d seconds.", seconds=seconds)


def describe_wait(seconds: int) -> str:
    """A wait in plain words, rounded up: "30 seconds", "about 2 minutes", "about 3 hours"."""
    if seconds < 60:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    if seconds < 3600:
        return ngettext("about %(num)d minute", "about %(num)d minutes", math.ceil(seconds / 60))
    return ngettext("about %(num)d hour", "about %(num)d hours", math.ceil(seconds / 3600))


def too_many_requests(error: TooManyRequests):
    """Answer a request over a limit: the API's JSON error, or a page that keeps the answers."""
    seconds = retry_after_seconds(error)
    headers = {"Retry-After": str(seconds), "Cache-Control": "no-store"}
    if wants_json():
        return api_error(429, "rate", retry_message(seconds), list(headers.items()))
    # Nothing here touches the session: the answers stay as they were.
    try:
        page = render_template(
            "errors/too_many.html", wait=describe_wait(seconds), everyone=hit_by_everyone()
        )
    except Exception:  # still a plain answer, never a traceback
        log.exception("The too-many-requests page failed to render")
        body, _status = render_error(
            429, WAIT_HEADING, _("Try again in a few minutes. Your answers are kept.")
        )
        return body, 429, headers
    return page, 429, headers


def init_app(app: Flask) -> None:
    """Limit saving and the API, as configured; answer 429s. Call after the views are registered."""
    app.register_error_handler(TooManyRequests, too_many_requests)
    enabled = is_enabled(app)
    app.config["RATELIMIT_ENABLED"] = enabled
    if not enabled:
        return
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    options = dict(REDIS_OPTIONS) if storage.startswith(("redis", "rediss")) else {}
    # One Limiter per app: Flask-Limiter keeps its storage and limits on the instance, and a
    # process may hold several apps (the tests do), each with its own settings.
    limiter = Limiter(client_key, storage_options=options)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    forward_limiter_log()

    # Applied here rather than as decorators in the views, so they bind to this app's Limiter.
    save = app.view_functions[SAVE_ENDPOINT]
    save = limiter.shared_limit(app.config["SAVE_LIMITS_GLOBAL"], scope="save-everyone", key_func=everyone)(
        save
    )
    app.view_functions[SAVE_ENDPOINT] = limiter.limit(app.config["SAVE_LIMITS_PER_CLIENT"])(save)
    # One count per client across every API route, so spreading calls over routes gains nothing.
    api_limit = limiter.shared_limit(app.config["API_LIMITS_PER_CLIENT"], scope="api")
    for name in API_BLUEPRINTS:
        if name in app.blueprints:
            api_limit(app.blueprints[name])
