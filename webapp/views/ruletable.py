"""The rule table in the open: every site's table, each cell's rules, CSV and JSON, and the changelog."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import presenting
from ..current import rulebook
from ..i18n import DEFAULT, language
from ..messages import translate
from ..quoting import or_list
from ..rulebook import FACTORS_QUESTION, Rulebook
from ..rulebook.changelog import COMMENT, has_entry, short
from ..rulebook.changelog import FILE_NAME as CHANGELOG_FILE
from ..rulebook.model import Condition
from ..rulebook.table import EXPORT_FIELDS, RuleTable, build, export_rows

bp = Blueprint("ruletable", __name__)

LEVEL_WORDS = {
    "commonly_used": _l("Commonly used"),
    "sometimes_used": _l("Sometimes used"),
    "not_usually_used": _l("Not usually used"),
    "not_listed": _l("Not listed"),
}


def say_in_words(book: Rulebook) -> Callable[[Condition], str]:
    """Say a condition as results do (in the request's language); a safety factor by its short name."""
    factors = presenting.all_factors(book)

    def say(condition: Condition) -> str:
        if condition.question == FACTORS_QUESTION and condition.op in ("includes", "excludes"):
            values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
            names = or_list([factors[v].short if v in factors else str(v) for v in values])
            if condition.op == "includes":
                return _("Safety factor: %(factors)s", factors=names)
            return _("Safety factor: not %(factors)s", factors=names)
        return presenting.condition_in_words(book, condition)

    return say


@dataclass(frozen=True)
class _Kept:
    """The table and its exports for one rules version and language, worked out once per worker."""

    table: RuleTable
    csv: bytes
    json: bytes


def _csv_text(rows: list[dict]) -> bytes:
    """The rows as CSV a spreadsheet opens as-is: UTF-8 with a byte order mark, one header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: " ".join(value) if key in ("sources", "from_levels", "factors") else value
                for key, value in row.items()
            }
            | {"when": "; ".join(row["when"]), "reviewed": row["reviewed"] or ""}
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def kept() -> _Kept:
    """The table for the loaded rules in this request's language, built on first use (about 40 ms) and kept.

    Its words (test names, reasons, conditions) are in the request's language, so each language
    has its own table and its own downloads.
    """
    book = rulebook()
    tables = current_app.extensions.setdefault("rule_table", {})
    found = tables.get(language())
    if found is None or found.table.version != book.version:
        table = build(book, say_in_words(book), translate)
        rows = export_rows(table)
        document = {"rules_version": book.version, "fields": list(EXPORT_FIELDS), "rows": rows}
        found = _Kept(table, _csv_text(rows), json.dumps(document, ensure_ascii=False, indent=1).encode())
        tables[language()] = found
    return found


def _context(book: Rulebook) -> dict:
    return {
        "version": book.version,
        "short_version": short(book.version),
        "levels": LEVEL_WORDS,
        "factors": presenting.all_factors(book),
    }


@bp.get("/rules")
def index() -> str:
    """Every site, how to read the table, the downloads and the version."""
    book = rulebook()
    return render_template("ruletable/index.html", table=kept().table, **_context(book))


@bp.get("/rules/<site>")
def site(site: str) -> str:
    """One site's table: situations by tests, each cell the level and a link to its rules."""
    book = rulebook()
    found = kept().table.site(site)
    if found is None:
        abort(404)
    return render_template("ruletable/site.html", area=found, **_context(book))


@bp.get("/rules/<site>/<situation>/<test>")
def cell(site: str, situation: str, test: str) -> str:
    """One cell: every rule that sets the level, with its reasons and sources, and the factor changes."""
    book = rulebook()
    table = kept().table.site(site)
    found = table.cell(situation, test) if table else None
    if found is None:
        abort(404)
    situation_option = next(o for o in table.situations if o.value == situation)  # type: ignore[union-attr]
    return render_template(
        "ruletable/cell.html",
        area=table,
        situation=situation_option,
        test=book.tests[test],
        cell=found,
        **_context(book),
    )


def _download(body: bytes, mimetype: str, extension: str) -> Response:
    version = rulebook().version
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="imaging-guide-rules-{short(version)}.{extension}"'
    )
    response.headers["X-Rules-Version"] = version
    return response


@bp.get("/rules.csv")
def as_csv() -> Response:
    """The whole table, one row per rule cell, as CSV."""
    return _download(kept().csv, "text/csv; charset=utf-8", "csv")


@bp.get("/rules.json")
def as_json() -> Response:
    """The whole table as JSON, with the rules version."""
    return _download(kept().json, "application/json", "json")


# --- The changelog: a tiny, safe reading of a Markdown subset (headings, lists, paragraphs, `code`).


@dataclass(frozen=True)
class Block:
    """One block of the changelog: a heading, a paragraph or a list; text as (is_code, text) pieces."""

    kind: str  # "h1" (only first), "h2", "h3", "p" or "ul"
    parts: tuple[tuple[tuple[bool, str], ...], ...]  # one for a heading or paragraph; one per item


def _inline(text: str) -> tuple[tuple[bool, str], ...]:
    """Split text on backticks: odd pieces are code. Everything is escaped by the template."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick is just a character
        pieces = [text]
    return tuple((i % 2 == 1, piece) for i, piece in enumerate(pieces) if piece)


def markdown_blocks(text: str) -> list[Block]:
    """Read the changelog's Markdown subset into blocks; anything else shows as plain text."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("p", (_inline(" ".join(paragraph)),)))
            paragraph.clear()
        if items:
            blocks.append(Block("ul", tuple(_inline(item) for item in items)))
            items.clear()

    for raw in COMMENT.sub("", text).splitlines():
        line = raw.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if not line:
            flush()
        elif heading:
            flush()
            # One h1 (the file's title, taken as the page's); deeper headings stop at h3.
            depth = len(heading[1])
            kind = "h1" if depth == 1 and not blocks else f"h{min(max(depth, 2), 3)}"
            blocks.append(Block(kind, (_inline(heading[2]),)))
        elif line.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(line[2:].strip())
        elif items and raw.startswith((" ", "\t")):
            items[-1] += " " + line  # a list item carried on to the next line
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return blocks


@bp.get("/rules/changelog")
def changelog() -> str:
    """What changed in the rules, and when, from rules/CHANGELOG.md."""
    book = rulebook()
    path = Path(current_app.config["RULES_DIR"]) / CHANGELOG_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    blocks = markdown_blocks(text)
    # The file's own title becomes the page's h1 in English; the file is English, so another
    # language gets the page's own title, and the entries below are marked as English.
    title = _("What changed in the rules")
    if blocks and blocks[0].kind == "h1":
        if language() == DEFAULT:
            title = "".join(piece for _, piece in blocks[0].parts[0])
        blocks = blocks[1:]
    return render_template(
        "ruletable/changelog.html",
        title=title,
        blocks=blocks,
        listed=has_entry(text, book.version),
        **_context(book),
    )
