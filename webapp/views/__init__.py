"""The blueprints: one module per area of the site, each with `bp` beside its views."""

from __future__ import annotations

from flask import Flask

from . import (
    api,
    fhir,
    health,
    infobutton,
    library,
    link,
    pages,
    questionnaire,
    results,
    ruletable,
    share,
    teach,
    whatif,
)


def register(app: Flask) -> None:
    """Attach one blueprint per area of the site."""
    areas = (pages, questionnaire, results, share, library, api, fhir, health, whatif, link, ruletable, teach)
    areas += (infobutton,)
    for module in areas:
        app.register_blueprint(module.bp)
