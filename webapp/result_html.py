"""The HTML of a result: the body on screen and the printed handout, each rendered once per answers."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import render_template, request, url_for
from markupsafe import Markup

from . import journey, presenting
from .current import rulebook
from .i18n import DEFAULT, QUERY, language
from .qr import qr_svg
from .rulebook import answers_to_dict, evaluate
from .rulebook.model import AnswerValue

# Rendered results kept per worker. There are few distinct answer sets in practice, and a body
# depends only on the answers, the rules, the language and the mode (a handout also on its link
# and the day), so a repeat costs no rendering.
CACHE_SIZE = 256
# Where the results page puts its Save and Print buttons: they carry a fresh token per page view,
# so they cannot be part of a body rendered once for everyone with the same answers.
ACTIONS = "<!-- ig:actions -->"
# Where a saved result's handout gets its link back: the saved page fills it in when it is shown,
# since the database keeps only a hash of the link's token, never the link.
LINK = "<!-- ig:link -->"

AnswersKey = tuple[tuple[str, AnswerValue], ...]


def _key(answers: dict[str, AnswerValue]) -> AnswersKey:
    return tuple(sorted(answers.items()))


def _view(answers: dict[str, AnswerValue]) -> presenting.ResultsView:
    book = rulebook()
    return presenting.build(book, evaluate(book, answers), journey.answer_rows(answers))


def render_body(answers: dict[str, AnswerValue], mode: str) -> str:
    """Render the on-screen body for these answers: "live" (with the actions slot) or "snapshot"."""
    slot = Markup(ACTIONS) if mode == "live" else ""  # noqa: S704 - a fixed comment, no input
    return render_template("results/_body.html", view=_view(answers), mode=mode, ACTIONS=slot)


def link_block(link: str) -> Markup:
    """The handout's way back online: a QR code of the link, and the link in print."""
    html = render_template("results/_handout_link.html", link=link, qr=qr_svg(link))
    return Markup(html)  # noqa: S704 - our autoescaped template


def render_handout(answers: dict[str, AnswerValue], link: str | None, day: dt.date | None = None) -> str:
    """Render the printed handout, pointing back to the result at `link` (None leaves LINK, a slot)."""
    return render_template(
        "results/_handout.html",
        link_block=link_block(link) if link else Markup(LINK),  # noqa: S704 - a fixed slot comment
        today=day or dt.date.today(),
        view=_view(answers),
    )


@lru_cache(maxsize=CACHE_SIZE)
def _cached_body(rules_version: str, lang: str, mode: str, script_root: str, answers: AnswersKey) -> Markup:
    # Part of the key only: a new rulebook must never reuse old bodies, a Spanish body must never
    # reach an English page (nor the other way round), and links in a body made under one path
    # prefix (X-Forwarded-Prefix from a trusted proxy) must not go to another.
    del rules_version, lang, script_root
    return Markup(render_body(dict(answers), mode))  # noqa: S704 - our autoescaped template


@lru_cache(maxsize=CACHE_SIZE)
def _cached_handout(rules_version: str, lang: str, day: dt.date, link: str, answers: AnswersKey) -> Markup:
    del rules_version, lang
    return Markup(render_handout(dict(answers), link, day))  # noqa: S704 - our autoescaped template


def body(answers: dict[str, AnswerValue], mode: str) -> Markup:
    """The on-screen body, rendered once per answers, rules, language, mode and path prefix."""
    return _cached_body(rulebook().version, language(), mode, request.script_root, _key(answers))


def handout(answers: dict[str, AnswerValue], link: str) -> Markup:
    """The handout, rendered once per answers, rules, language, link and day (it prints the date)."""
    return _cached_handout(rulebook().version, language(), dt.date.today(), link, _key(answers))


def snapshot(answers: dict[str, AnswerValue]) -> str:
    """What a saved link keeps: the body as shown, and the handout (printed only) with a LINK slot."""
    printed = render_handout(answers, None)
    shown = body(answers, "snapshot")
    return f'<div class="ig-screen">{shown}</div><div class="ig-print-only">{printed}</div>'


def prefill_link(answers: dict[str, AnswerValue]) -> str:
    """The full link that fills in these answers again (sets of choices comma-separated).

    Made on a page in another language than English, it opens in that language too (`lang=es`).
    """
    plain = answers_to_dict(rulebook(), answers)
    query = {k: ",".join(v) if isinstance(v, list) else v for k, v in plain.items()}
    if language() != DEFAULT:
        query[QUERY] = language()
    return url_for("questionnaire.begin", _external=True, **query)
