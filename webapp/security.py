"""CSRF, session cookies, security headers (HSTS over HTTPS), allowed hosts, and refusing weak settings."""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted

from . import errors
from .config import INSECURE_SECRET_KEYS

csrf = CSRFProtect()

# Everything the pages use is served by the app itself; nothing may load from anywhere else.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class InsecureSecretKey(RuntimeError):
    """The app was asked to run in production without a proper secret key."""


class UnsafeSetting(RuntimeError):
    """A deployment setting is missing or cannot be used (allowed hosts, HSTS)."""


UNKNOWN_HOST_HEADING = _l("This guide does not answer at that address")
UNKNOWN_HOST_ADVICE = _l("Check that the web address is typed correctly.")
# Answers that hold no link, so any Host may ask for them (a load balancer uses the server's address).
HOST_FREE_ENDPOINTS = frozenset({"health.healthz", "health.readyz"})


class SessionCookies(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Use the setting, or HTTPS of the current request."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def check_secret_key(app: Flask) -> None:
    """Refuse to run in production with a missing or well-known secret key."""
    key = app.config.get("SECRET_KEY")
    if app.testing or app.debug:
        if not key:
            app.config["SECRET_KEY"] = "dev"  # noqa: S105 - tests and debug only; production refuses it
        return
    if not key or str(key).strip().lower() in INSECURE_SECRET_KEYS or len(str(key)) < 16:
        raise InsecureSecretKey(
            "Imaging Guide will not start without a secret key. Run `make run` (it writes "
            "instance/config.py with a random key) or set FLASK_SECRET_KEY to a long random value."
        )


def check_allowed_hosts(app: Flask) -> None:
    """Read ALLOWED_HOSTS as a list; refuse to run in production answering to any host at all."""
    hosts = app.config.get("ALLOWED_HOSTS")
    if isinstance(hosts, str):  # FLASK_ALLOWED_HOSTS="a.example, b.example" rather than a JSON list
        hosts = re.split(r"[\s,]+", hosts)
    elif not isinstance(hosts, list | tuple | set | frozenset):
        hosts = [] if hosts is None else [hosts]
    hosts = [str(host).strip().lower() for host in hosts if str(host).strip()]
    app.config["ALLOWED_HOSTS"] = hosts
    if not hosts and not (app.testing or app.debug):
        raise UnsafeSetting(
            "Imaging Guide will not start without a list of the host names it answers to, since links "
            'and QR codes are built from the Host header. Set FLASK_ALLOWED_HOSTS="guide.example.org" '
            "(several names separated by commas)."
        )


def refuse_unknown_host() -> None:
    """Answer 400 to a request for a host not in ALLOWED_HOSTS, before any other hook or view runs."""
    hosts = current_app.config["ALLOWED_HOSTS"]
    # Health checks build no links, and load balancers send them to the server's own address.
    if (
        hosts
        and request.endpoint not in HOST_FREE_ENDPOINTS
        and not host_is_trusted(request.host.lower(), hosts)
    ):
        raise SecurityError()


def handle_unknown_host(error: SecurityError):
    """Answer a request for an unknown host with a plain 400 that links only within the site."""
    # Also reached from Flask's own TRUSTED_HOSTS check, if an operator sets it: then request.host
    # would raise again, so the raw header is logged instead, shortened and quoted.
    sent = request.environ.get("HTTP_HOST", "")[:100]
    current_app.logger.warning("Refused a request for host %r: it is not in ALLOWED_HOSTS", sent)
    if errors.wants_json():
        return errors.api_error(400, "host", f"{UNKNOWN_HOST_HEADING}.")
    if isinstance(request.routing_exception, SecurityError):
        # Flask's check left no URL adapter, so the site's layout cannot render: a bare page.
        return errors.bare_page(UNKNOWN_HOST_HEADING, UNKNOWN_HOST_ADVICE), 400
    return errors.render_error(400, UNKNOWN_HOST_HEADING, UNKNOWN_HOST_ADVICE)


def hsts_header(app: Flask) -> str:
    """The Strict-Transport-Security value the settings ask for (max-age=0 tells browsers to forget)."""
    try:
        seconds = int(app.config.get("HSTS_SECONDS") or 0)
    except (TypeError, ValueError):
        seconds = -1
    if seconds < 0:
        raise UnsafeSetting(
            f"HSTS_SECONDS must be a whole number of seconds, 0 or more, not {app.config['HSTS_SECONDS']!r}."
        )
    value = f"max-age={seconds}"
    if app.config.get("HSTS_INCLUDE_SUBDOMAINS"):
        value += "; includeSubDomains"
    if app.config.get("HSTS_PRELOAD"):
        value += "; preload"
    return value


def add_security_headers(response: Response) -> Response:
    """Add headers that keep pages private and self-contained, and HSTS on answers sent over HTTPS."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    # Only over HTTPS: browsers ignore it on plain HTTP, and is_secure follows X-Forwarded-Proto only
    # from the proxies TRUSTED_PROXIES names, so a client cannot spoof it onto a plain connection.
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", current_app.extensions["ig_hsts"])
    return response


def trust_proxies(app: Flask) -> None:
    """Read scheme, host and prefix from the proxies we were told about (ProxyFix)."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    """Switch on every protection."""
    check_secret_key(app)
    check_allowed_hosts(app)
    app.extensions["ig_hsts"] = hsts_header(app)
    trust_proxies(app)
    # First of all request hooks, so no limit, CSRF check or view runs for an unknown host.
    app.before_request(refuse_unknown_host)
    app.register_error_handler(SecurityError, handle_unknown_host)
    csrf.init_app(app)
    app.session_interface = SessionCookies()
    app.after_request(add_security_headers)
