"""The answer as a feed, in MedlinePlus Connect's JSON shape and as Atom XML."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from markupsafe import escape

from ..rulebook import Rulebook
from .links import PAGE, Link
from .request import AGE, AGE_UNIT, CODE, DISPLAY, LANGUAGE, SYSTEM, TASK, KnowledgeRequest

ATOM = "http://www.w3.org/2005/Atom"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _stamp(date: dt.date | None) -> str:
    return f"{(date or dt.date(2026, 1, 1)).isoformat()}T00:00:00Z"


def _categories(asked: KnowledgeRequest) -> list[dict[str, str]]:
    """The request's parameters, echoed as MedlinePlus Connect does (scheme = parameter, term = value)."""
    pairs = []
    for c in asked.criteria:
        pairs += [(CODE + c.suffix, c.code), (SYSTEM + c.suffix, c.system), (DISPLAY + c.suffix, c.display)]
    pairs += [("informationRecipient", asked.recipient), (LANGUAGE, asked.language)]
    if asked.age is not None:
        pairs += [(AGE, str(asked.age)), (AGE_UNIT, "a")]
    if asked.task:
        pairs.append((TASK, asked.task))
    return [{"scheme": scheme, "term": term} for scheme, term in pairs]


def _subtitle(book: Rulebook, asked: KnowledgeRequest) -> str:
    named = []
    for c in asked.criteria:
        system = book.codes.system(c.system)
        named.append(f"{system.name if system else c.system} {c.code}")
    return _("%(site)s results for %(codes)s", site=_("Imaging Guide"), codes="; ".join(named))


def feed(book: Rulebook, asked: KnowledgeRequest, links: list[Link]) -> dict[str, Any]:
    """The answer as MedlinePlus Connect writes its JSON: an Atom feed, values under `_value`."""
    page = book.pages.get(PAGE)
    dates = [link.entry.provenance.reviewed for link in links if link.entry.provenance.reviewed]
    updated = _stamp(max(dates) if dates else page.provenance.reviewed if page else None)
    lang = asked.language  # the view answers in it (webapp/views/infobutton.py)
    entries = []
    for link in links:
        href = request.host_url.rstrip("/") + link.href
        entries.append(
            {
                "lang": lang,
                "title": {"_value": link.title, "type": "text"},
                "link": [{"title": link.title, "rel": "alternate", "type": "html", "href": href}],
                "id": {"_value": href},
                "updated": {"_value": _stamp(link.entry.provenance.reviewed)},
                "summary": {"_value": f"<p>{escape(link.summary)}</p>", "type": "html"},
            }
        )
    return {
        "feed": {
            "xsi": XSI,
            "base": url_for("pages.start", _external=True),
            "lang": lang,
            "title": {"_value": _("Imaging Guide"), "type": "text"},
            "subtitle": {"_value": _subtitle(book, asked), "type": "text"},
            "author": {
                "name": {"_value": _("Imaging Guide")},
                "uri": {"_value": url_for("pages.start", _external=True)},
            },
            "updated": {"_value": updated},
            "category": _categories(asked),
            "id": {"_value": request.url},
            "entry": entries,
        }
    }


def atom_xml(data: dict[str, Any]) -> bytes:
    """The same feed as Atom XML (MedlinePlus Connect's default), escaped by ElementTree."""
    top = data["feed"]
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    root.set("{http://www.w3.org/XML/1998/namespace}base", top["base"])
    root.set("{http://www.w3.org/XML/1998/namespace}lang", top["lang"])

    def add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
        child = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
        child.text = text
        return child

    add(root, "title", top["title"]["_value"], type="text")
    add(root, "subtitle", top["subtitle"]["_value"], type="text")
    author = add(root, "author")
    add(author, "name", top["author"]["name"]["_value"])
    add(author, "uri", top["author"]["uri"]["_value"])
    add(root, "updated", top["updated"]["_value"])
    for category in top["category"]:
        add(root, "category", scheme=category["scheme"], term=category["term"])
    add(root, "id", top["id"]["_value"])
    for item in top["entry"]:
        entry = add(root, "entry")
        entry.set("{http://www.w3.org/XML/1998/namespace}lang", item["lang"])
        add(entry, "title", item["title"]["_value"], type="text")
        for link in item["link"]:
            add(entry, "link", **link)
        add(entry, "id", item["id"]["_value"])
        add(entry, "updated", item["updated"]["_value"])
        add(entry, "summary", item["summary"]["_value"], type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
