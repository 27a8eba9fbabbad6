"""axe-core finds no accessibility problem on any page, in any state a person can reach."""

from __future__ import annotations

import pytest

from .tools import axe_violations, path_of

pytestmark = pytest.mark.browser

EVERY_FACTOR = "pregnant,breastfeeding,implant,kidney,contrast_allergy,claustrophobia"
LUNG_SCREENING = "/start?situation=screening&site=lung&age=60"

# (name, links to follow in order, where the last one lands); every page answers 200 but the 404 one.
PAGES = [
    ("start", ["/"], "/"),
    ("situation", ["/start"], "/q/situation"),
    ("site", ["/start?situation=screening"], "/q/site"),
    ("age", ["/start?situation=screening&site=lung"], "/q/age"),
    ("risk", ["/start?situation=screening&site=breast&age=52"], "/q/risk"),
    ("found_by", ["/start?situation=symptoms&site=breast&age=52"], "/q/found_by"),
    ("extent", ["/start?situation=staging&site=prostate&age=70"], "/q/extent"),
    ("follow_up_reason", ["/start?situation=follow_up&site=colorectal&age=60"], "/q/follow_up_reason"),
    ("smoking", [LUNG_SCREENING], "/q/smoking"),
    ("pack_years", [LUNG_SCREENING + "&smoking=former"], "/q/pack_years"),
    ("years_since_quit", [LUNG_SCREENING + "&smoking=former&pack_years=30"], "/q/years_since_quit"),
    ("factors", [LUNG_SCREENING + "&smoking=former&pack_years=30&years_since_quit=5"], "/q/factors"),
    ("link with a bad value", ["/start?situation=staging&site=spleen"], "/q/site"),
    ("check answers", ["/start?situation=staging&site=lung&age=60&factors=kidney"], "/check"),
    (
        "results with every factor",
        [f"/start?situation=staging&site=lung&age=60&factors={EVERY_FACTOR}", "/results"],
        "/results",
    ),
    (
        "print view",
        [f"/start?situation=staging&site=lung&age=60&factors={EVERY_FACTOR}", "/results/print"],
        "/results/print",
    ),
    ("test library", ["/tests"], "/tests"),
    ("one test", ["/tests/pet_ct"], "/tests/pet_ct"),
    (
        "compare three tests",
        ["/tests/compare?tests=ct&tests=mri&tests=pet_ct"],
        "/tests/compare?tests=ct&tests=mri&tests=pet_ct",
    ),
    ("glossary", ["/glossary"], "/glossary"),
    ("about", ["/about"], "/about"),
    ("page not found", ["/no-such-page"], "/no-such-page"),
]


@pytest.mark.parametrize(("links", "lands_on"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_axe_finds_no_problem(page, links, lands_on):
    for link in links:
        response = page.goto(link)
    assert path_of(page) == lands_on
    assert response.status == (404 if lands_on == "/no-such-page" else 200)
    assert axe_violations(page) == []


def test_axe_finds_no_problem_on_a_step_showing_an_error(page):
    page.goto("/q/situation")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert axe_violations(page) == []
