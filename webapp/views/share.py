"""Save a result under a private link, show it, and let its owner delete it."""

from __future__ import annotations

import datetime as dt
import logging
import time

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from werkzeug import Response

from .. import assets, i18n, journey, kept_pages, result_html, save_tokens, session_answers
from ..current import rulebook
from ..errors import render_error
from ..fhir import response_from_answers
from ..fhir.openapi import FHIR_JSON
from ..qr import qr_svg
from ..rulebook import answers_to_dict, asked_answers
from ..storage import saving
from ..storage.db import discard_session
from ..storage.models import SavedResult
from .api import json_response
from .fhir import canonical_base

bp = Blueprint("share", __name__)
log = logging.getLogger(__name__)

STALE_SAVE = (
    "That save button could not be used",
    "Go back to your results and press “Save and get a link” again. Your answers are still here.",
)
OWNED = "owned"  # the token hashes this browser saved: the proof that lets it delete them
MAX_OWNED = 20
# Minus infinity, not 0: time.monotonic() counts from boot, so on a machine up for less than
# PURGE_EVERY_SECONDS a 0 here would put off the first sweep.
_last_purge = float("-inf")
# At the ceiling, expired results are swept at most this often (per worker) to make room.
PURGE_AT_CEILING_SECONDS = 60
_last_ceiling_purge = float("-inf")


def _owned() -> list[str]:
    owned = session.get(OWNED) or []
    return [h for h in owned if isinstance(h, str)]


def _remember(token_hash: str) -> None:
    session[OWNED] = [token_hash, *(h for h in _owned() if h != token_hash)][:MAX_OWNED]


def _forget(token_hash: str) -> None:
    session[OWNED] = [h for h in _owned() if h != token_hash]


def _purge_now_and_then() -> None:
    """Sweep expired results every so often, so no cron job is needed."""
    global _last_purge
    if time.monotonic() - _last_purge < current_app.config["PURGE_EVERY_SECONDS"]:
        return
    _last_purge = time.monotonic()
    _purge()


def _purge() -> int:
    """Sweep expired results now; how many went. A failure is logged, never raised."""
    try:
        removed = saving.purge(cache=_snapshots())
    except SQLAlchemyError:  # runs after a save has been stored: it must not cost that save its link
        discard_session()
        log.warning("Purging expired saved results failed")
        return 0
    if removed:
        log.info("Purged %d expired saved result(s)", removed)
    return removed


def _ceiling() -> saving.Ceiling:
    """The ceiling on stored results as this worker counts it, made at first use."""
    ceiling = current_app.extensions.get("saved_ceiling")
    if ceiling is None:
        config = current_app.config
        ceiling = saving.Ceiling(config["MAX_SAVED_RESULTS"], config["SAVED_COUNT_SECONDS"])
        current_app.extensions["saved_ceiling"] = ceiling
    return ceiling


def _saving_paused() -> bool:
    """Whether the database holds as many results as it may; sweeps expired ones first to make room."""
    global _last_ceiling_purge
    ceiling = _ceiling()
    if not ceiling.full():
        return False
    if time.monotonic() - _last_ceiling_purge < PURGE_AT_CEILING_SECONDS:
        return True
    _last_ceiling_purge = time.monotonic()
    if _purge():
        return ceiling.recount() >= ceiling.max_rows
    return True


def _paused() -> tuple[str, int]:
    log.warning("Saving is paused: the saved results have reached MAX_SAVED_RESULTS")
    return render_template("share/paused.html"), 503


def _unavailable(save_token: str = "") -> tuple[str, int]:
    discard_session()
    log.warning("The database is unavailable")
    # The retry form keeps the same token (and its proof), so a retry stores one result.
    save_proof = save_tokens.proof(save_token) if save_token else ""
    page = render_template("share/unavailable.html", save_token=save_token, save_proof=save_proof)
    return page, 503


def _not_found() -> tuple[str, int]:
    return render_template("share/not_found.html", keep_days=current_app.config["SAVED_RESULT_DAYS"]), 404


def _lookup(token: str) -> tuple[SavedResult | None, tuple[str, int] | None]:
    """The saved result behind a token, or the page to show instead (not found, or unavailable)."""
    try:
        saved = saving.find(token)
    except SQLAlchemyError:
        return None, _unavailable()
    return (saved, None) if saved is not None else (None, _not_found())


@bp.after_request
def _private(response: Response) -> Response:
    """Saved results are private: never cached, never indexed, never leaked in a Referer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.post("/saved")
def create():
    """Save the current result and go to its link."""
    book = rulebook()
    answers = session_answers.load_answers(book)
    if not journey.is_complete(book, answers, session_answers.load_seen()):
        return journey.next_page(answers, session_answers.load_seen())
    token = request.form.get("save_token", "")
    # Only a token this server issued to this browser: a chosen token, or one copied from someone
    # else's link, must neither be stored nor hand over a result this browser did not save.
    if not save_tokens.redeem(token, request.form.get("save_proof", "")):
        return render_error(400, *STALE_SAVE)
    try:
        # A retry of a save that was stored (its answer lost on the way) still gets its link.
        if _saving_paused() and saving.find(token) is None:
            return _paused()
    except SQLAlchemyError:
        return _unavailable(token)
    # The snapshot holds the result as the page shows it and as the handout prints it, in every
    # language, so the link shows it in either one as it was on the day it was saved.
    pages = {}
    for code in i18n.LANGUAGES:
        with force_locale(code):
            pages[code] = result_html.snapshot(answers)
    lifetime = dt.timedelta(days=current_app.config["SAVED_RESULT_DAYS"])
    try:
        token_hash = saving.save(token, answers_to_dict(book, answers), pages, book.version, lifetime)
    except SQLAlchemyError:
        return _unavailable(token)
    # Stored: from here on nothing may fail the request, or the person would get no link.
    _ceiling().saved_one()
    _remember(token_hash)
    _purge_now_and_then()
    return redirect(url_for("share.show", token=token, **_in_language()), 303)


def _in_language() -> dict[str, str]:
    """The language part of a saved link: a link saved in Spanish opens in Spanish."""
    code = i18n.language()
    return {i18n.QUERY: code} if code != i18n.DEFAULT else {}


def _snapshots() -> saving.SnapshotCache:
    """The saved results' HTML this worker keeps, made at first use with the configured size."""
    cache = current_app.extensions.get("saved_snapshots")
    if cache is None:
        cache = saving.SnapshotCache(current_app.config["SAVED_SNAPSHOT_CACHE_BYTES"])
        current_app.extensions["saved_snapshots"] = cache
    return cache


@bp.get("/saved/<token>")
def show(token: str):
    """Show a saved result exactly as it was, or the same not-found page for any bad link.

    Only the database's answer (does the link still work?) is fresh on every request; the page
    itself is rendered once per worker, link and kind of visitor (its owner or not), and kept.
    """
    link = url_for("share.show", token=token, _external=True, **_in_language())

    def finish(html: str) -> Markup:
        # Printing a saved result gives its handout, pointing back to this link.
        # The snapshot is our own rendered page, stored by us; the link block is escaped markup.
        return Markup(html.replace(result_html.LINK, result_html.link_block(link)))  # noqa: S704

    try:
        # Asks the database every time, so a delete or an expiry on any worker counts at once;
        # the snapshot, decompressed and finished for this link, comes from this worker's cache.
        saved = saving.find_page(token, _snapshots(), variant=link, finish=finish, language=i18n.language())
    except SQLAlchemyError:
        return _unavailable()
    if saved is None:
        return _not_found()
    owner = saved.token_hash in _owned()
    rules_changed = saved.rules_version != rulebook().version

    def render() -> str:
        return render_template(
            "share/show.html",
            saved=saved,
            token=token,
            snapshot=Markup(saved.html),  # noqa: S704 - finished above from our own snapshot
            snapshot_language=saved.language,
            rules_changed=rules_changed,
            owner=owner,
            link=link,
            qr=qr_svg(link) if owner else None,
        )

    # Kept beside the snapshot, so it goes when the result is deleted or expires. The owner's page
    # (link, QR code, delete form) is the same for any browser that saved it; the CSRF token in
    # its forms is filled in per request (webapp/kept_pages.py).
    cache = _snapshots()
    who = ("owner" if owner else "other") + (" older-rules" if rules_changed else "")
    variant = f"page {who} {i18n.language()} {link} {assets.table().version} {dt.date.today().isoformat()}"
    page = cache.get(saved.token_hash, saved.id, variant)
    if not isinstance(page, bytes):
        page, for_everyone = kept_pages.render(render)
        if for_everyone:
            cache.put(saved.token_hash, saved.id, saved.expires_at, variant, page)
    return kept_pages.send(page)


@bp.post("/saved/<token>/delete")
def remove(token: str):
    """Delete a saved result now, if this browser is the one that saved it."""
    token_hash = saving.hash_token(token) if saving.is_token(token) else ""
    if token_hash not in _owned():
        return _not_found()
    try:
        saving.remove(token, _snapshots())
    except SQLAlchemyError:
        return _unavailable()
    _forget(token_hash)
    return render_template("share/deleted.html")


@bp.get("/saved/<token>/questionnaire-response.json")
def answers_for_record(token: str) -> Response | tuple[str, int]:
    """The saved answers as a FHIR QuestionnaireResponse, to keep in a health record; no personal data."""
    saved, page = _lookup(token)
    if saved is None:
        return page
    book = rulebook()
    asked, _ = asked_answers(book, session_answers.parse_stored(book, saved.answers))
    # The day only, as the saved page shows it: no time of day, and no subject or author at all.
    authored = saved.created_at.date().isoformat()
    resource = response_from_answers(book, asked, canonical_base(), saved.rules_version, authored)
    response = json_response(resource)
    response.headers["Content-Type"] = f"{FHIR_JSON}; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="imaging-guide-answers.json"'
    return response


@bp.post("/saved/<token>/use")
def use(token: str) -> Response | tuple[str, int]:
    """Carry a saved result's answers into this browser and show the current result for them."""
    saved, page = _lookup(token)
    if saved is None:
        return page
    book = rulebook()
    answers = session_answers.parse_stored(book, saved.answers)
    session_answers.save(answers, [q.id for q in journey.applicable(book, answers)])
    return redirect(url_for("results.show"), 303)
