"""CSRF, session cookies, security headers, and the refusal to run with a weak secret key."""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

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
            app.config["SECRET_KEY"] = "dev"
        return
    if not key or str(key).strip().lower() in INSECURE_SECRET_KEYS or len(str(key)) < 16:
        raise InsecureSecretKey(
            "Imaging Guide will not start without a secret key. Run `make run` (it writes "
            "instance/config.py with a random key) or set FLASK_SECRET_KEY to a long random value."
        )


def add_security_headers(response: Response) -> Response:
    """Add headers that keep pages private and self-contained."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    return response


def trust_proxies(app: Flask) -> None:
    """Read scheme, host and prefix from the proxies we were told about (ProxyFix)."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    """Switch on every protection."""
    check_secret_key(app)
    trust_proxies(app)
    csrf.init_app(app)
    app.session_interface = SessionCookies()
    app.after_request(add_security_headers)
