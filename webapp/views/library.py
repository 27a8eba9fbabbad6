"""The imaging test library: every test, one test, and a side-by-side comparison."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import assets, kept_pages, presenting
from ..current import rulebook
from ..i18n import LANGUAGES, language
from ..quoting import quote, quote_some
from ..rulebook import Rulebook
from ..rulebook.model import ImagingTest, Option

bp = Blueprint("library", __name__)

COMPARE_MIN, COMPARE_MAX = 2, 3
COMPARE_ERROR = _l("Select 2 or 3 tests to compare")
# A link can carry any amount of text; the message names only the first few unknown ids, cut short.
# Rendered test pages kept per test: one per mount point (SCRIPT_NAME) and language, and there is
# usually one mount point.
TEST_PAGES_KEPT = 4 * len(LANGUAGES)


def _by_name() -> list[ImagingTest]:
    """Every test in the catalogue, in alphabetical order of name."""
    return sorted(rulebook().tests.values(), key=lambda test: test.name.casefold())


def _choices() -> list[Option]:
    """The compare form's checkboxes: one per test, in the order of the list."""
    return [Option(value=test.id, label=test.name) for test in _by_name()]


def _requested_ids() -> list[str]:
    """The test ids asked for: `tests` may repeat or be comma-separated; repeats count once."""
    parts = (part.strip() for value in request.args.getlist("tests") for part in value.split(","))
    return list(dict.fromkeys(part for part in parts if part))


def compare_error(count: int, unknown: list[str]) -> str | None:
    """Say what is wrong with a compare request of `count` known tests, or None when it can be shown."""
    if not unknown and COMPARE_MIN <= count <= COMPARE_MAX:
        return None
    if not unknown:
        return str(COMPARE_ERROR)
    if len(unknown) == 1:
        left_out = _("%(name)s is not a test in this guide, so we left it out.", name=quote(unknown[0]))
    else:
        left_out = _("%(names)s are not tests in this guide, so we left them out.", names=quote_some(unknown))
    return f"{COMPARE_ERROR}. {left_out}"


@bp.get("/tests")
def index() -> str:
    """List every imaging test, then offer the compare form."""
    return render_template("library/index.html", tests=_by_name(), choices=_choices(), chosen=())


def _render_test(book: Rulebook, imaging_test: ImagingTest) -> str:
    return render_template("library/test.html", test=imaging_test, factors=presenting.all_factors(book))


@bp.get("/tests/<test_id>")
def test(test_id: str) -> Response:
    """Show everything the guide says about one imaging test.

    The page depends only on the rulebook, the test, the language and the mount point, so each
    worker renders it once per language and keeps it; a notice waiting for one visitor still
    reaches them alone (see webapp/kept_pages.py for what a kept page may not hold).
    """
    book = rulebook()
    imaging_test = book.tests.get(test_id)
    if imaging_test is None:
        abort(404)
    cache = current_app.extensions.setdefault("test_pages", {})
    key = (book.version, test_id, request.script_root, assets.table().version, language())
    page = cache.get(key)
    if page is None:
        page, for_everyone = kept_pages.render(lambda: _render_test(book, imaging_test))
        if for_everyone:
            if len(cache) >= TEST_PAGES_KEPT * max(1, len(book.tests)):  # many mount points: afresh
                cache.clear()
            cache[key] = page
    return kept_pages.send(page)


@bp.get("/tests/compare")
def compare():
    """Put 2 or 3 tests side by side; anything else shows the form again with what to fix."""
    tests = rulebook().tests
    requested = _requested_ids()
    valid = [test_id for test_id in requested if test_id in tests]
    unknown = [test_id for test_id in requested if test_id not in tests]
    error = compare_error(len(valid), unknown)
    if error is None:
        return render_template(
            "library/compare.html",
            tests=[tests[test_id] for test_id in valid],
            choices=_choices(),
            chosen=valid,
        )
    return (
        render_template(
            "library/compare.html",
            tests=[],
            choices=_choices(),
            chosen=valid,
            error=error,
            errors=[("tests", error)],
            form_errors=True,
        ),
        400,
    )
