"""Fixed pages: the start page, about, and the glossary."""

from __future__ import annotations

import unicodedata

from flask import Blueprint, current_app, render_template

from ..current import rulebook

bp = Blueprint("pages", __name__)

# Spanish puts "ñ" after "n" as a letter of its own; the other accents sort with their plain letter.
_ENYE = "n\N{COMBINING TILDE}"


def alphabetical(word: str) -> tuple[str, str]:
    """Sort words as a dictionary does in English and Spanish: "ecografía" before "enema", "ñ" after "n".

    Accents are ignored first (so "é" sorts with "e"), then break ties; "ñ" stays a letter of its own.
    """
    decomposed = unicodedata.normalize("NFD", word.casefold()).replace(_ENYE, "n\uffff")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain, word.casefold()


@bp.get("/")
def start() -> str:
    """Show what the guide is, who it is for, and the way in."""
    return render_template("pages/start.html", page=rulebook().pages["start"])


@bp.get("/favicon.ico")
def favicon():
    """Serve the icon browsers ask for by habit."""
    return current_app.send_static_file("favicon.svg")


@bp.get("/about")
def about() -> str:
    """Show where the content comes from and what happens to answers."""
    return render_template("pages/about.html", page=rulebook().pages["about"])


@bp.get("/glossary")
def glossary() -> str:
    """List every hard word with its plain explanation."""
    terms = sorted(rulebook().glossary.values(), key=lambda term: alphabetical(term.term))
    return render_template("pages/glossary.html", terms=terms)
