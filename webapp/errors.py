"""Friendly error pages in the site's own look, and the JSON error shape for the API."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from .i18n import language

# Page heading and what a person can do next, per status (said in the request's language).
PAGES = {
    400: (_l("There is a problem with that request"), _l("The page could not use what was sent.")),
    403: (_l("That form has expired"), _l("Go back, then try again. Your answers so far are kept.")),
    404: (_l("Page not found"), _l("If you typed the web address, check it is correct.")),
    405: (_l("Page not found"), _l("If you typed the web address, check it is correct.")),
    413: (
        _l("That was too much to send"),
        _l("The form sent more than this guide accepts. Go back and try again."),
    ),
    500: (_l("Sorry, there is a problem with the service"), _l("Try again later.")),
}


BARE_PAGE = (
    '<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{heading} – {site}</title>'
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>'
    '<h1>{heading}</h1><p>{advice}</p><p><a href="/">{start}</a></p></main></body></html>'
)


def bare_page(heading: str, advice: str) -> str:
    """The error page in plain HTML, for when the site's layout cannot render; never fails itself."""
    try:
        lang = language()
        site, start = _("Imaging Guide"), _("Go to the start page")
        heading, advice = str(heading), str(advice)
    except Exception:  # the words could not be looked up: say so in English
        current_app.logger.exception("The error page's words failed")
        lang, site, start = "en", "Imaging Guide", "Go to the start page"
        heading, advice = "Sorry, there is a problem with the service", "Try again later."
    return BARE_PAGE.format(
        lang=lang, heading=escape(heading), advice=escape(advice), site=escape(site), start=escape(start)
    )


def wants_json() -> bool:
    """Tell whether the error belongs to the JSON API."""
    return request.path.startswith("/api/")


# Which part of an API request an error is about, when it is not the answers.
API_ERROR_FIELDS = {404: "path", 405: "method"}


def api_error(status: int, field: str, message: str, headers: list[tuple[str, str]] | None = None):
    """Build the contract's error body: {"errors": {field: [message]}}, never cached."""
    response = jsonify({"errors": {field: [message]}})
    # Keep what the error says about itself (Allow on 405, ...), but not its HTML content type.
    response.headers.extend((k, v) for k, v in headers or () if k.lower() != "content-type")
    response.headers["Cache-Control"] = "no-store"
    return response, status


def render_error(status: int, heading: str | None = None, advice: str | None = None):
    """Render the error page for a status, with the next steps a person can take."""
    default_heading, default_advice = PAGES.get(status, PAGES[400] if status < 500 else PAGES[500])
    heading, advice = heading or default_heading, advice or default_advice
    try:
        return render_template("errors/error.html", status=status, heading=heading, advice=advice), status
    except Exception:  # the page itself failed: still answer in plain words, never a traceback
        current_app.logger.exception("Error page failed to render")
        return bare_page(heading, advice), status


def handle_http_error(error: HTTPException):
    """Answer any HTTP error: JSON for the API, a page for people."""
    status = error.code or 500
    if wants_json():
        field = API_ERROR_FIELDS.get(status, "answers" if status < 500 else "server")
        return api_error(status, field, error.description or error.name, error.get_headers())
    # A 405 names the methods the address takes (RFC 9110), on a page as in the API's JSON.
    body, status = render_error(status)
    return body, status, [(k, v) for k, v in error.get_headers() if k.lower() == "allow"]


def handle_csrf_error(error: CSRFError):
    """A form came back without a valid token: say so plainly; answers stay in the session."""
    if wants_json():
        return api_error(400, "answers", error.description)
    return render_error(400, *PAGES[403])


def handle_unexpected(error: Exception):
    """Log the failure and show the service-problem page; never a stack trace."""
    current_app.logger.exception("Unhandled error on %s", request.path)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
