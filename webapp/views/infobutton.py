"""HL7 Infobutton (GET /infobutton): a health record's code leads to the questions, a test, or a feed.

The parameters, the code maps and the answer's shapes are explained in webapp/infobutton/.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from ..current import rulebook
from ..i18n import use_language
from ..infobutton import (
    JSON,
    MISSING_PAGE,
    PAGE,
    XML,
    KnowledgeRequest,
    atom_xml,
    feed,
    links_for,
    read_request,
)
from ..quoting import quote
from ..rulebook import Rulebook

bp = Blueprint("infobutton", __name__)

CACHE_SECONDS = 300


def _published(body: bytes | str, mimetype: str, book: Rulebook) -> Response:
    """A feed: the same for everyone asking the same thing, so cacheable briefly, by rules and query."""
    response = current_app.response_class(body, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    # The same parameters in another order are the same question, so they get the same tag.
    query = urlencode(sorted(request.args.items(multi=True)))
    tag = hashlib.sha256(f"{book.version}\0{book.language}\0{query}".encode()).hexdigest()[:32]
    response.set_etag(tag)
    return response.make_conditional(request)


def _no_page(book: Rulebook, page_id: str, asked: KnowledgeRequest, **context: Any) -> str:
    """The page for a code we have no page for, or a link we cannot use, with the ways in."""
    ways = book.pages[PAGE].sections[0]
    start = url_for("questionnaire.begin", **({"age": asked.age} if asked.age is not None else {}))
    hrefs = (start, url_for("library.index"), url_for("ruletable.index"))
    return render_template(
        "infobutton/not_found.html",
        page=book.pages[page_id],
        ways_heading=ways.heading,
        ways=list(zip(hrefs, ways.items, strict=False)),
        **{"problems": [], "sent": None, **context},
    )


def _problem_answer(book: Rulebook, asked: KnowledgeRequest) -> Response:
    """400: the link cannot be used; JSON for a program that asked for JSON, a page for anyone else."""
    if asked.response_type == JSON:
        body = current_app.json.dumps({"errors": {k: [v] for k, v in asked.problems.items()}})
        response = current_app.response_class(body + "\n", status=400, mimetype="application/json")
        response.headers["Cache-Control"] = "no-store"
        return response
    page = _no_page(book, MISSING_PAGE, asked, problems=list(asked.problems.values())[:5])
    return Response(page, status=400, mimetype="text/html")


@bp.get("/infobutton")
def answer() -> Response:
    """Answer an infobutton request: a redirect, a feed, or a page that says we have no page for it."""
    asked = read_request(rulebook())
    use_language(asked.language)  # its own parameter, else ?lang or Accept-Language
    book = rulebook()
    if asked.problems:
        return _problem_answer(book, asked)
    links = links_for(book, asked)
    if asked.response_type == JSON:
        body = current_app.json.dumps(feed(book, asked, links), sort_keys=False)  # MedlinePlus's order
        return _published(body + "\n", JSON, book)
    if asked.response_type == XML:
        return _published(atom_xml(feed(book, asked, links)), XML, book)
    if links:
        return redirect(links[0].href, code=303)
    first = asked.criteria[0]
    system = book.codes.system(first.system)
    sent = (quote(first.code), system.name if system else quote(first.system))
    return Response(_no_page(book, PAGE, asked, sent=sent), status=404, mimetype="text/html")
