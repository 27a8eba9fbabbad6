"""What every template can use: navigation, static file links, and the filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import assets, glossary, labels, quoting
from .i18n import DEFAULT, LANGUAGES, language
from .sources import source_name

NAV_LINKS = (
    ("questionnaire.begin", _l("Start")),
    ("library.index", _l("Imaging tests")),
    ("pages.glossary", _l("Words explained")),
    ("pages.about", _l("About this guide")),
)
# For care teams and teachers: in the footer of every page, so the header stays short on a phone.
FOOTER_LINKS = (
    ("link.build", _l("Make a patient link")),
    ("teach.gallery", _l("Teaching")),
    ("ruletable.index", _l("Rule table")),
)


def long_date(value: dt.date | None) -> str:
    """Write a date the way people read it: 28 November 2026, or 28 de noviembre de 2026."""
    if not value:
        return _("not recorded")
    code = language()
    if code == DEFAULT:
        return f"{value.day} {value:%B %Y}"
    return format_date(value, format="long", locale=code)


# Mount points (each in every language) whose links are kept; more than this (a proxy sending
# many) starts the cache afresh.
SITE_LINKS_KEPT = 8 * len(LANGUAGES)


def _site_links() -> dict[str, Any]:
    """URLs every page shows (navigation, stylesheet, script), built once per app, mount point and language.

    Building a URL is not free and every page shows the same dozen; only the mount point
    (SCRIPT_NAME, which a proxy may set), the language of the link words and the static files'
    content can change them. The
    stylesheet, script and icon are linked by fingerprinted name (webapp/assets.py), so browsers
    keep them for a year and fetch them again only when they change.
    """
    static = assets.table()
    key = (request.script_root, static.version, language())
    cache = current_app.extensions.setdefault("site_links", {})
    links = cache.get(key)
    if links is None:
        if len(cache) >= SITE_LINKS_KEPT:
            cache.clear()
        links = cache[key] = {
            "nav": [(url_for(endpoint), str(label), endpoint) for endpoint, label in NAV_LINKS],
            "more": [(url_for(endpoint), str(label), endpoint) for endpoint, label in FOOTER_LINKS],
            "home": url_for("pages.start"),
            "css": url_for("static", filename=static.hashed_name("css/app.css")),
            "js": url_for("static", filename=static.hashed_name("js/app.js")),
            "icon": url_for("static", filename=static.hashed_name("favicon.svg")),
        }
    return links


def _globals() -> dict[str, Any]:
    return {"site": _site_links()}


def init_app(app: Flask) -> None:
    """Register template globals and filters."""
    app.context_processor(_globals)
    app.add_template_filter(glossary.template_filter, "glossary")
    app.add_template_global(labels, "labels")  # a global, so imported macro files see it too
    app.add_template_filter(source_name, "source_name")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(quoting.and_list, "and_list")
    app.add_template_filter(glossary.first_upper, "first_upper")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
