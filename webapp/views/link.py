"""The link builder for care teams: a pre-filled link, its QR code, and cards to print. Nothing is stored.

Everything is a GET: the answers travel in the query string, so the page, the QR images and the
cards are links themselves and the server keeps nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache

import segno
from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from .. import i18n, journey, result_html
from ..current import rulebook
from ..errors import render_error
from ..forms import NONE_OF_THESE
from ..messages import translate
from ..qr import qr_svg
from ..quoting import quote
from ..rulebook import asked_answers, parse_answers
from ..rulebook.model import AnswerValue, Condition, Question

bp = Blueprint("link", __name__)

PER_SHEET = ("2", "4")
PAPERS = {"a4": "A4", "letter": _l("Letter")}
# Pixels per QR module in the downloads: a PNG about 4 cm wide at 300 dpi for a typical link, sharp in a
# word processor at any size it is likely to be shown.
QR_SCALE = 10
NOT_ANSWERED = ""


@dataclass
class Built:
    """What a query asks for: the answers kept for the link, the ones dropped, and any problems."""

    given: MultiDict[str, str]  # the query as sent, to fill the form in again
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    dropped: list[Question] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def _raw_answer(question: Question, values: list[str]) -> tuple[object | None, str | None]:
    """One question's raw answer from the form's values (None: not answered), or a message."""
    chosen = [v.strip() for v in values if v.strip()]
    if question.kind == "multi":
        if NONE_OF_THESE in chosen and len(chosen) > 1:
            return None, _(
                "%(question)s: select ‘None of these’ or the things that apply, not both",
                question=question.short,
            )
        if chosen == [NONE_OF_THESE]:
            return [], None  # answered: none of them apply
        return chosen or None, None
    if len(set(chosen)) > 1:
        return None, _("%(question)s: choose one answer", question=question.short)
    return (chosen[0] if chosen else None), None


def _unknown_answer(question: Question | None, value: object) -> str | None:
    """Say a choice the form never offers (a link edited by hand) in the person's words, not in ids."""
    if question is None or not question.options:
        return None
    given = value if isinstance(value, list) else [value]
    unknown = [v for v in given if isinstance(v, str) and v not in question.values]
    if not unknown:
        return None
    return _(
        "%(question)s: %(value)s is not one of the answers we know.",
        question=question.short,
        value=quote(unknown[0]),
    )


def submitted(args: MultiDict[str, str]) -> bool:
    """Whether a query holds any answer at all (a bare /link shows the empty form)."""
    return any(question.id in args for question in rulebook().questions)


def read_query(args: MultiDict[str, str]) -> Built:
    """Read the builder's answers from a query; keep only those the patient would be asked."""
    book = rulebook()
    built = Built(given=args)
    raw: dict[str, object] = {}
    for question in book.questions:
        value, message = _raw_answer(question, args.getlist(question.id))
        if message:
            built.errors[question.id] = message
        elif value is not None:
            raw[question.id] = value
    answers, errors = parse_answers(book, raw)
    for key, messages in errors.items():
        built.errors.setdefault(
            key, _unknown_answer(book.question(key), raw.get(key)) or translate(messages[0])
        )
    asked, ignored = asked_answers(book, answers)
    for question in book.questions:
        missing = question.id not in answers and question.id not in built.errors
        if question.required and missing and question.show_when.holds(asked):
            built.errors[question.id] = question.error or _("Answer ‘%(question)s’", question=question.short)
    built.answers = {k: v for k, v in answers.items() if k not in ignored}
    built.dropped = [q for q in book.questions if q.id in ignored]
    return built


def _query(answers: dict[str, AnswerValue]) -> dict[str, str | list[str]]:
    """The builder's own query for these answers (a set of choices repeated, an empty set "none")."""
    out: dict[str, str | list[str]] = {}
    if i18n.language() != i18n.DEFAULT:  # the cards, QR files and links back stay in this language
        out[i18n.QUERY] = i18n.language()
    for question in rulebook().questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        if isinstance(value, frozenset):
            out[question.id] = [v for v in question.values if v in value] or NONE_OF_THESE
        else:
            out[question.id] = str(value)
    return out


def _describe_condition(condition: Condition) -> str:
    """Say one `show_when` condition with the question's and options' own words."""
    question = rulebook().question(condition.question)
    if question is None:
        return condition.describe()

    def named(value: object) -> str:
        option = question.option(str(value))
        return (option.short or option.label) if option else str(value)

    values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
    words = [named(v) for v in values]
    listed = (
        words[0]
        if len(words) == 1
        else _("%(items)s or %(last)s", items=", ".join(words[:-1]), last=words[-1])
    )
    subject = question.short.lower()
    if condition.op in ("is", "in"):
        return _("%(question)s is %(answers)s", question=subject, answers=listed)
    if condition.op in ("is_not", "not_in"):
        return _("%(question)s is not %(answers)s", question=subject, answers=listed)
    return condition.describe()


def asked_when(question: Question) -> str:
    """When the patient is asked this question, in words ("" when always)."""
    conditions = question.show_when.all
    if not conditions or question.show_when.any:
        return ""
    return _(
        "Asked only when %(conditions)s.",
        conditions=_(" and ").join(_describe_condition(c) for c in conditions),
    )


def _fields() -> list[dict[str, object]]:
    """Every question as the form shows it: short names, and "Not answered" first where optional.

    A care team knows the terms, so an option shows its short name, with the patient's wording
    under it where that differs; the explanations written for patients are left out.
    """
    fields = []
    for question in rulebook().questions:
        options = [
            {
                "value": o.value,
                "label": o.short or o.label,
                "hint": o.label if o.short not in ("", o.label) else "",
            }
            for o in question.options
        ]
        if question.kind == "choice" and not question.required:
            options.insert(0, {"value": NOT_ANSWERED, "label": _("Not answered"), "hint": ""})
        fields.append({"question": question, "options": options, "hint": asked_when(question)})
    return fields


def _summary(answers: dict[str, AnswerValue]) -> str:
    """The situation and body area the link fills in, in a few words ("Staging, Lung")."""
    parts = []
    for question_id in ("situation", "site"):
        question = rulebook().question(question_id)
        value = answers.get(question_id)
        option = question.option(str(value)) if question and value is not None else None
        if option:
            parts.append(option.short or option.label)
    return ", ".join(parts)


def _form_page(built: Built, status: int = 200) -> tuple[str, int]:
    """The builder's form, filled in from the query, with the link when the answers are good."""
    done = submitted(built.given) and not built.errors
    context: dict[str, object] = {}
    if done:
        link = result_html.prefill_link(built.answers)
        query = _query(built.answers)
        first = journey.first_unseen(rulebook(), built.answers, list(built.answers))
        context = {
            "link": link,
            "qr": qr_svg(link),
            "query": query,
            "rows": [row for row in journey.answer_rows(built.answers) if row["id"] in built.answers],
            "first": first,
        }
    errors = [(key, message) for key, message in built.errors.items() if rulebook().question(key)]
    return (
        render_template(
            "link/build.html",
            page=rulebook().pages["link"],
            fields=_fields(),
            given=built.given,
            errors=errors,
            field_errors=built.errors,
            form_errors=bool(errors),
            dropped=built.dropped,
            done=done,
            **context,
        ),
        status,
    )


@bp.get("/link")
def build() -> tuple[str, int]:
    """Show the form; with answers, also the pre-fill link, its QR code and the way to cards."""
    if not submitted(request.args):
        return _form_page(Built(given=MultiDict()))
    built = read_query(request.args)
    return _form_page(built, 400 if built.errors else 200)


def _built_or_error() -> tuple[Built, tuple[str, int] | None]:
    """The answers of an image or card request, or the form with what is wrong (400)."""
    built = read_query(request.args)
    if built.errors:
        return built, _form_page(built, 400)
    return built, None


def _filename(built: Built, extension: str) -> str:
    """A download name from the situation and body area: only option values, so always safe."""
    words = [str(built.answers[k]) for k in ("situation", "site") if k in built.answers]
    return "-".join(["imaging-guide", *words]).replace("_", "-") + "." + extension


@lru_cache(maxsize=256)  # the same few links come back; drawing one costs milliseconds
def _qr_file(link: str, kind: str) -> bytes:
    """The QR code of a link as a whole PNG or SVG file, with the quiet border readers need."""
    out = io.BytesIO()
    if kind == "png":
        segno.make(link, error="m").save(out, kind="png", scale=QR_SCALE, border=4)
    else:
        segno.make(link, error="m").save(out, kind="svg", scale=QR_SCALE, border=4, title="QR code")
    return out.getvalue()


def _qr_download(kind: str, mimetype: str) -> Response | tuple[str, int]:
    built, problem = _built_or_error()
    if problem:
        return problem
    body = _qr_file(result_html.prefill_link(built.answers), kind)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(built, kind)}"'
    return response


@bp.get("/link/qr.svg")
def qr_svg_file() -> Response | tuple[str, int]:
    """The link's QR code as an SVG file to download (for print and design programs)."""
    return _qr_download("svg", "image/svg+xml")


@bp.get("/link/qr.png")
def qr_png_file() -> Response | tuple[str, int]:
    """The link's QR code as a PNG file to download (for word processors)."""
    return _qr_download("png", "image/png")


@bp.get("/link/cards")
def cards() -> tuple[str, int]:
    """A sheet of 2 or 4 handout cards, each with the QR code, the link and what it shows."""
    per_sheet = request.args.get("per_sheet", "4")
    paper = request.args.get("paper", "a4")
    if per_sheet not in PER_SHEET or paper not in PAPERS:
        return render_error(
            400,
            _("Those cards cannot be made"),
            _("Cards come 2 or 4 to a sheet, on A4 or Letter paper. Go back to the link page and try again."),
        )
    built, problem = _built_or_error()
    if problem:
        return problem
    link = result_html.prefill_link(built.answers)
    return (
        render_template(
            "link/cards.html",
            card=rulebook().pages["link_card"],
            link_parts=re.split(r"(?=[?&])", link.split("://", 1)[-1]),
            qr=qr_svg(link),
            summary=_summary(built.answers),
            query=_query(built.answers),
            per_sheet=int(per_sheet),
            paper=paper,
            papers=PAPERS,
            back=url_for("link.build", **_query(built.answers)),
        ),
        200,
    )
