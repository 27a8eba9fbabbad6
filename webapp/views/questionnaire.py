"""The questions, one step at a time: pre-filled links, each step, check answers, start over."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import Response
from werkzeug.exceptions import HTTPException

from .. import i18n, journey, session_answers
from ..current import rulebook
from ..forms import answer_from, field_value, make_form
from ..quoting import quote, quote_some
from ..rulebook import parse_answers
from ..rulebook.model import AnswerValue, Question

bp = Blueprint("questionnaire", __name__)

# "No, go back" on the start-over page may lead only to these areas of the site (not to a saved
# link, whose token must stay out of other links, nor to the API).
RETURN_BLUEPRINTS = frozenset({"questionnaire", "results", "pages", "library"})
RETURN_MAX_CHARS = 500


def _link_answers() -> dict[str, object]:
    """Answers from a pre-filled link; `factors` may repeat or be comma-separated."""
    raw: dict[str, object] = {}
    for key in request.args:
        if key == i18n.QUERY:  # the language the link asks for, not an answer (webapp/i18n.py)
            continue
        values = [part for v in request.args.getlist(key) for part in v.split(",") if part.strip()]
        question = rulebook().question(key)
        if question is not None and question.kind == "multi":
            raw[key] = values
        else:
            raw[key] = values[-1] if values else ""
    return raw


def _link_given() -> bool:
    """Whether the address holds answers (or anything but the language it asks for)."""
    return any(key != i18n.QUERY for key in request.args)


def _read_link() -> tuple[dict[str, AnswerValue], list[str]]:
    """The answers a pre-filled link gives, and a notice for each part of it that was left out."""
    book = rulebook()
    raw = _link_answers()
    answers, errors = parse_answers(book, raw)
    # One notice per question at most, and one for all unknown keys together, each echoing only a
    # few short, printable values: a link with a hundred odd keys must not overflow the cookie.
    notices = [
        _(
            "%(question)s: %(value)s is not one of the answers we know.",
            question=question.short,
            value=quote(str(raw[key])),
        )
        for key in errors
        if (question := book.question(key)) is not None
    ]
    unknown = [key for key in errors if book.question(key) is None]
    if len(unknown) == 1:
        notices.append(
            _("The link asked about %(name)s, which is not one of our questions.", name=quote(unknown[0]))
        )
    elif unknown:
        notices.append(
            _("The link asked about %(names)s, which are not our questions.", names=quote_some(unknown))
        )
    return answers, notices


def _given(answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """The answers a person can see: those to questions that apply (the check page shows these)."""
    return {q.id: answers[q.id] for q in journey.applicable(rulebook(), answers) if q.id in answers}


def _use_link(answers: dict[str, AnswerValue], notices: list[str]) -> Response:
    """Put the link's answers in place of any others and go to the first question they leave open."""
    for notice in notices:
        flash(notice, "notice")
    seen = [q.id for q in rulebook().questions if q.id in answers]
    session_answers.save(answers, seen)
    return journey.next_page(answers, seen)


def _carry_on_url(answers: dict[str, AnswerValue], seen: list[str]) -> str:
    """Where a person with these answers was going: the next question, or the results when done."""
    question = journey.first_unseen(rulebook(), answers, seen)
    if question is None:
        return url_for("results.show")
    return url_for("questionnaire.step", question_id=question.id)


@bp.get("/start")
def begin() -> Response | str:
    """Start, or carry on; a link with answers fills them in, asking first if it would change any.

    A GET never replaces answers already given, so a link on another site cannot change them
    behind the person's back: it shows both sets and a form that posts the same link back.
    """
    now = session_answers.load_answers(rulebook())
    seen = session_answers.load_seen()
    if not _link_given():
        return journey.next_page(now, seen)
    answers, notices = _read_link()
    given_now, given_link = _given(now), _given(answers)
    if not given_now:
        return _use_link(answers, notices)
    if given_link.items() <= given_now.items():
        # Nothing new in the link: keep every answer (using it as it is would only drop some).
        for notice in notices:
            flash(notice, "notice")
        return journey.next_page(now, seen)
    changed = [q.short for q in rulebook().questions if given_link.get(q.id) != given_now.get(q.id)]
    # The link goes back exactly as it came, to be read again by the same parser when posted.
    again = url_for("questionnaire.begin") + "?" + urlencode(list(request.args.items(multi=True)))
    return render_template(
        "questionnaire/replace.html",
        link_rows=[row for row in journey.answer_rows(answers) if row["id"] in given_link],
        now_rows=[row for row in journey.answer_rows(now) if row["id"] in given_now],
        changed=changed,
        notices=notices,
        action=again,
        keep=_carry_on_url(now, seen),
    )


@bp.post("/start")
def replace() -> Response:
    """Use a pre-filled link's answers once the person has said yes (the form's token proves it)."""
    if not _link_given():
        return journey.next_page(session_answers.load_answers(rulebook()), session_answers.load_seen())
    return _use_link(*_read_link())


def _render_step(question: Question, form, answers: dict[str, AnswerValue], change: bool, status: int = 200):
    book = rulebook()
    previous, _ = journey.neighbours(book, answers, question.id)
    number, total = journey.position(book, answers, question.id)
    if change:
        back = url_for("questionnaire.check")
    elif previous:
        back = url_for("questionnaire.step", question_id=previous.id)
    else:
        back = url_for("pages.start")
    errors = [(question.id, message) for message in form.answer_field.errors]
    return (
        render_template(
            "questionnaire/step.html",
            question=question,
            options=question.options_for(answers),
            field=form.answer_field,
            errors=errors,
            form_errors=bool(errors),
            back=back,
            number=number,
            total=total,
            change=change,
        ),
        status,
    )


@bp.route("/q/<question_id>", methods=["GET", "POST"])
def step(question_id: str):
    """Ask one question; on a good answer, save it and move on."""
    book = rulebook()
    question = book.question(question_id)
    if question is None:
        abort(404)
    answers = session_answers.load_answers(book)
    seen = session_answers.load_seen()
    if question.id not in {q.id for q in journey.applicable(book, answers)}:
        return journey.next_page(answers, seen)
    change = request.values.get("change") == "1"

    if request.method == "GET":
        form = make_form(
            book, question, formdata=None, **{question.id: field_value(question, answers.get(question.id))}
        )
        return _render_step(question, form, answers, change)

    form = make_form(book, question)
    if not form.validate_on_submit():
        return _render_step(question, form, answers, change, status=400)
    answer = answer_from(form)
    if answer is None:
        answers.pop(question.id, None)
    else:
        answers[question.id] = answer
    seen.append(question.id)
    session_answers.save(answers, seen)
    if change:
        return journey.next_page(answers, seen, change=True)
    _, following = journey.neighbours(book, answers, question.id)
    if following is not None:
        return redirect(url_for("questionnaire.step", question_id=following.id))
    return journey.next_page(answers, seen)


@bp.get("/check")
def check():
    """Show every answer with a way to change it, before the results."""
    book = rulebook()
    answers = session_answers.load_answers(book)
    seen = session_answers.load_seen()
    if not journey.is_complete(book, answers, seen):
        return journey.next_page(answers, seen)
    return render_template("questionnaire/check.html", rows=journey.answer_rows(answers))


def safe_return(raw: str | None) -> str | None:
    """The page of this site a `return` value names, or None if it is missing or could lead elsewhere.

    Only a plain path that one of our own pages answers to is kept ("/q/age?change=1"), so the "No,
    go back" link can never point off the site, at a script, or at a saved link's token.
    """
    if not raw or len(raw) > RETURN_MAX_CHARS or not raw.startswith("/") or raw.startswith("//"):
        return None
    if "\\" in raw or not raw.isprintable():
        # Browsers read a backslash as a slash, so "/" and a backslash before a host name lead to
        # that host; control characters can hide what follows them.
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return None
    try:
        endpoint, _ = current_app.create_url_adapter(request).match(parts.path, method="GET")
    except HTTPException:  # not found, not a page, or a redirect to a tidier path
        return None
    if endpoint.partition(".")[0] not in RETURN_BLUEPRINTS or endpoint == "questionnaire.confirm_restart":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.get("/restart")
def confirm_restart() -> str:
    """Ask before clearing anything: say what goes, what stays, and offer the way back."""
    back = safe_return(request.args.get("return")) or url_for("questionnaire.begin")
    return render_template(
        "questionnaire/restart.html", back=back, keep_days=current_app.config["SAVED_RESULT_DAYS"]
    )


@bp.post("/restart")
def restart() -> Response:
    """Forget every answer and go back to the first question; saved links are left as they are."""
    session_answers.clear()
    return redirect(url_for("questionnaire.step", question_id=rulebook().questions[0].id))
