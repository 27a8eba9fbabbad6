"""Where each known code leads: the questions pre-filled, the rule table, or a test's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from .. import i18n
from ..rulebook import Rulebook
from ..rulebook.codes import CodeEntry
from .request import PROVIDER, KnowledgeRequest

# The rules/pages.toml pages whose words the answers borrow.
PAGE, MISSING_PAGE, START_PAGE = "infobutton", "infobutton_missing", "start"


@dataclass(frozen=True)
class Link:
    """One answer: where to go, its title and summary, and the code entry it came from."""

    href: str  # relative to the site: url_for, never anything the request sent
    title: str
    summary: str
    entry: CodeEntry


def _option_label(book: Rulebook, question_id: str, value: str | None) -> str | None:
    question = book.question(question_id)
    option = question.option(value) if question and value else None
    return option.short if option else None


def _language(asked: KnowledgeRequest) -> dict[str, str]:
    """The language part of a link: the page opens in the language the record asked for."""
    return {i18n.QUERY: asked.language} if asked.language != i18n.DEFAULT else {}


def link_for(book: Rulebook, entry: CodeEntry, asked: KnowledgeRequest) -> Link | None:
    """Where a known code leads this reader, with a title and summary from the rules' own words."""
    if entry.kind == "procedure":
        test = book.tests.get(entry.test or "")
        if test is None:
            return None
        return Link(
            url_for("library.test", test_id=test.id, **_language(asked)), test.name, test.summary, entry
        )
    place = ", ".join(
        label
        for label in (
            _option_label(book, "site", entry.site),
            _option_label(book, "situation", entry.situation),
        )
        if label
    )
    if asked.recipient == PROVIDER:
        page = book.pages.get(PAGE)
        summary = page.sections[-1].paragraphs[0] if page and page.sections[-1].paragraphs else ""
        lang = _language(asked)
        href = (
            url_for("ruletable.site", site=entry.site, **lang)
            if entry.site
            else url_for("ruletable.index", **lang)
        )
        return Link(href, _("Rules for %(place)s", place=place), summary, entry)
    answers: dict[str, Any] = {"situation": entry.situation, "site": entry.site, "age": asked.age}
    href = url_for(
        "questionnaire.begin", **{k: v for k, v in answers.items() if v is not None}, **_language(asked)
    )
    start = book.pages.get(START_PAGE)
    title = f"{start.title}: {place}" if start else place
    return Link(href, title, start.lede if start else "", entry)


def links_for(book: Rulebook, asked: KnowledgeRequest) -> list[Link]:
    """The answers for every known code, in the order sent, each place once."""
    links: list[Link] = []
    for criterion in asked.criteria:
        entry = book.codes.lookup(criterion.system, criterion.code)
        link = link_for(book, entry, asked) if entry is not None else None
        if link is not None and link.href not in {known.href for known in links}:
            links.append(link)
    return links
