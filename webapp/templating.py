"""What every template can use: navigation, static file links, and the filters."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for

from . import glossary, labels

NAV_LINKS = (
    ("questionnaire.begin", "Start"),
    ("library.index", "Imaging tests"),
    ("pages.glossary", "Words explained"),
    ("pages.about", "About this guide"),
)


SOURCE_NAMES = {
    "cancer.org": "American Cancer Society",
    "cancer.gov": "National Cancer Institute",
    "cancer.net": "Cancer.Net (ASCO)",
    "radiologyinfo.org": "RadiologyInfo (ACR and RSNA)",
    "acr.org": "American College of Radiology",
    "acsearch.acr.org": "ACR Appropriateness Criteria",
    "gravitas.acr.org": "ACR Appropriateness Criteria",
    "uspreventiveservicestaskforce.org": "US Preventive Services Task Force",
    "fda.gov": "US Food and Drug Administration",
    "imagewisely.org": "Image Wisely",
    "choosingwisely.org": "Choosing Wisely",
    "nccn.org": "NCCN",
    "ncbi.nlm.nih.gov": "PubMed",
    "pmc.ncbi.nlm.nih.gov": "PubMed Central",
}


@lru_cache(maxsize=1024)  # a page names the same few sources many times; urlsplit is not free
def source_name(url: str) -> str:
    """Name the organisation behind a source link, falling back to its web address."""
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return SOURCE_NAMES.get(host, host)


def long_date(value: dt.date | None) -> str:
    """Write a date the way people read it: 28 November 2026."""
    return f"{value.day} {value:%B %Y}" if value else "not recorded"


def first_upper(text: str) -> str:
    """Capitalise the first letter only, so "CT scan" and "mSv" keep their capitals."""
    return text[:1].upper() + text[1:]


def _site_links() -> dict[str, Any]:
    """URLs every page shows (navigation, stylesheet, script), built once per app and mount point.

    Building a URL is not free and every page shows the same dozen; only the mount point
    (SCRIPT_NAME, which a proxy may set) can change them.
    """
    cache = current_app.extensions.setdefault("site_links", {})
    links = cache.get(request.script_root)
    if links is None:
        links = cache[request.script_root] = {
            "nav": [(url_for(endpoint), label, endpoint) for endpoint, label in NAV_LINKS],
            "home": url_for("pages.start"),
            "css": url_for("static", filename="css/app.css"),
            "js": url_for("static", filename="js/app.js"),
            "icon": url_for("static", filename="favicon.svg"),
        }
    return links


def _globals() -> dict[str, Any]:
    return {"site": _site_links()}


def init_app(app: Flask) -> None:
    """Register template globals and filters."""
    app.context_processor(_globals)
    app.add_template_filter(glossary.link_terms, "glossary")
    app.add_template_global(glossary.terms_used, "glossary_terms_used")
    app.add_template_global(labels, "labels")  # a global, so imported macro files see it too
    app.add_template_filter(source_name, "source_name")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(first_upper, "first_upper")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
