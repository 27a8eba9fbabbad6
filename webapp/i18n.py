"""The language of each request (English or Spanish) and the switch between them.

A person's choice wins: `?lang=es` on any link (remembered in the session for the pages that
follow), then what they chose before, then the browser's `Accept-Language`, then English. Programs
(the JSON, FHIR and Infobutton APIs) keep no session: `?lang` or `Accept-Language` only, and a view
may set the language itself (`use_language`), as /infobutton does from its own parameter.

Interface words live in gettext catalogues (webapp/translations/, see `make messages`); content
words live in `rules/` and its language folders, so `current.rulebook()` gives the table in the
language chosen here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, has_request_context, request, session
from flask_babel import Babel, get_locale, refresh

LANGUAGES = ("en", "es")
DEFAULT = "en"
NAMES = {"en": "English", "es": "Español"}
QUERY = "lang"  # the query parameter on any page or API call
MAX_KEPT_QUERY = 1000  # characters of a page's query the switch repeats
SESSION_KEY = "lang"
# Blueprints that answer programs: they never read or write the session's choice. (/infobutton
# answers a person clicking a link in their health record too, so it follows their choice.)
PROGRAM_BLUEPRINTS = frozenset({"api", "fhir", "health"})

babel = Babel()


def asked_language() -> str | None:
    """The language a link asks for with `?lang=`, if it names one we have."""
    value = request.args.get(QUERY, "").strip().lower()
    return value if value in LANGUAGES else None


def bad_language() -> str | None:
    """Say what is wrong when `?lang=` names a language we do not have (a program gets a 400)."""
    value = request.args.get(QUERY)
    if value is None or value.strip().lower() in LANGUAGES:
        return None
    return f"'{value[:20]}' is not a language of this guide; use one of: {', '.join(LANGUAGES)}"


def for_program() -> bool:
    """Whether this request is a program's (an API call), which keeps no session."""
    return request.blueprint in PROGRAM_BLUEPRINTS


def select_language() -> str:
    """The language of this request: a view's choice, the link's, the session's, the browser's."""
    if not has_request_context():  # a command or a test outside a request: English
        return DEFAULT
    chosen = g.get("language")
    if chosen:
        return chosen
    asked = asked_language()
    if asked:
        return asked
    if not for_program():
        remembered = session.get(SESSION_KEY)
        if remembered in LANGUAGES:
            return remembered
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def use_language(language: str) -> None:
    """Answer this request in `language` whatever the link or browser says (a view's own parameter)."""
    g.language = language if language in LANGUAGES else DEFAULT
    refresh()  # Flask-Babel keeps the language it chose first; choose again


def language() -> str:
    """The code of the language this request is answered in ("en" or "es")."""
    return str(get_locale() or DEFAULT)


def _remember_choice() -> None:
    """Keep a person's `?lang=` choice for the pages that follow (never for a program)."""
    asked = asked_language()
    if asked and not for_program() and session.get(SESSION_KEY) != asked:
        session[SESSION_KEY] = asked


def query_in(code: str) -> str:
    """Return this page's query with `lang` set to `code`, keeping the rest: a link to the same place.

    Only the query, so the link never repeats the address itself (a saved result's token, whatever
    path a mistyped link had) and a not-found page reads the same for every address.
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k != QUERY]
    query = urlencode([*args, (QUERY, code)])
    # A real page's query is short; a junk one (thousands of characters) is not worth repeating.
    return "?" + (query if len(query) <= MAX_KEPT_QUERY else urlencode([(QUERY, code)]))


# Pages search engines never index (saved results) carry no alternates that would name them.
NO_ALTERNATES = frozenset({"share"})


def _alternates() -> list[tuple[str, str]]:
    """Give this page in each language, for search engines and browsers (hreflang), if it is one to find."""
    if request.blueprint in NO_ALTERNATES or request.routing_exception is not None:
        return []
    # From the site's root, never with the host the request named: that is not trusted yet on a
    # page that refuses an unknown host, and must never end up in a link.
    here = f"{request.script_root}{request.path}"
    return [(code, here + query_in(code)) for code in LANGUAGES]


def _template_globals() -> dict[str, Any]:
    code = language()
    return {
        "language": code,
        "language_switch": [(other, NAMES[other], query_in(other)) for other in LANGUAGES if other != code],
        "language_alternates": _alternates(),
    }


def _mark_response(response: Response) -> Response:
    """Say which language the answer is in, and that it can differ by browser and by choice."""
    if request.blueprint is None and request.endpoint in ("static", None):
        return response
    response.headers["Content-Language"] = language()
    response.vary.add("Accept-Language")
    if not for_program():
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Choose each request's language and give templates the switch and alternates."""
    babel.init_app(app, locale_selector=select_language, default_translation_directories="translations")
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks ignore line breaks
    app.before_request(_remember_choice)
    app.context_processor(_template_globals)
    app.after_request(_mark_response)
