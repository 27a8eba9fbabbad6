"""Fixed pages: the start page, about, and the glossary."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..current import rulebook

bp = Blueprint("pages", __name__)


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
    terms = sorted(rulebook().glossary.values(), key=lambda term: term.term.lower())
    return render_template("pages/glossary.html", terms=terms)
