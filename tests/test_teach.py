"""/teach: the scenario gallery and its filters, a scenario's result, and the presenter view."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from webapp.rulebook import evaluate

ANA = "ana-call-back-mammogram"
MAYA = "maya-pregnant-staging"


@pytest.fixture
def client(app):
    """A browser with no answers yet."""
    return app.test_client()


def text_of(response) -> str:
    """The page's words, tags dropped and spaces squeezed, as a person reads them."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", unescape(words))


def stories(response) -> list[str]:
    return [
        unescape(s)
        for s in re.findall(r'<h2 class="ig-scenario__story">([^<]+)</h2>', response.get_data(as_text=True))
    ]


def links(response) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', response.get_data(as_text=True))]


def test_the_gallery_shows_every_scenario_with_its_ways_in(client, rulebook):
    response = client.get("/teach")
    assert response.status_code == 200
    assert stories(response) == [s.story for s in rulebook.scenarios.values()]
    assert f"{len(rulebook.scenarios)} scenarios." in text_of(response)
    assert "Clear filters" not in text_of(response)
    hrefs = links(response)
    for scenario_id in rulebook.scenarios:
        assert f"/teach/{scenario_id}" in hrefs
        assert f"/teach/{scenario_id}/present" in hrefs
    maya = text_of(response).split("Maya, 34,")[1].split("Walk through")[0]
    assert "Staging" in maya and "Breast" in maya and "Pregnancy" in maya


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("situation=staging", lambda s: s.situation == "staging"),
        ("site=breast", lambda s: s.site == "breast"),
        ("situation=staging&site=breast", lambda s: (s.situation, s.site) == ("staging", "breast")),
    ],
)
def test_the_gallery_filters_by_situation_and_site(client, rulebook, query, keep):
    response = client.get(f"/teach?{query}")
    assert response.status_code == 200
    wanted = [s.story for s in rulebook.scenarios.values() if keep(s)]
    assert wanted and stories(response) == wanted
    assert (
        f"{len(wanted)} scenario{'s' if len(wanted) != 1 else ''} of {len(rulebook.scenarios)}."
        in text_of(response)
    )
    assert "/teach" in links(response) and "Clear filters" in text_of(response)
    for name, value in parse_qs(query).items():
        assert re.search(rf'<option value="{value[0]}" selected>', response.get_data(as_text=True)), name


def test_filters_that_match_nothing_say_so(client):
    response = client.get("/teach?situation=screening&site=bladder")
    assert response.status_code == 200
    assert stories(response) == []
    assert "No scenario fits both filters." in text_of(response)


def test_an_unknown_filter_value_is_a_clear_400_that_still_shows_the_scenarios(client, rulebook):
    response = client.get("/teach?site=spleen&situation=staging")
    assert response.status_code == 400
    assert "“spleen” is not a body area any scenario has" in text_of(response)
    assert stories(response) == [s.story for s in rulebook.scenarios.values() if s.situation == "staging"]


def test_the_walk_through_link_fills_in_every_answer_in_a_fresh_browser(app, rulebook):
    for scenario in rulebook.scenarios.values():
        client = app.test_client()
        page = client.get(f"/teach/{scenario.id}")
        walk = next(h for h in links(page) if h.startswith("/start?"))
        landed = client.get(walk)
        assert landed.status_code == 302
        assert urlsplit(landed.headers["Location"]).path == "/check", scenario.id
        results = client.get("/results")
        assert results.status_code == 200
        first = evaluate(rulebook, scenario.answers).tests[0].test.name
        assert first in text_of(results)


def test_a_scenario_result_shows_the_result_without_touching_the_visitors_answers(client, rulebook):
    client.get("/start?situation=screening&site=lung&smoking=never&factors=")
    before = text_of(client.get("/check"))
    response = client.get(f"/teach/{MAYA}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    words = text_of(response)
    assert "Example answers" in words and rulebook.scenarios[MAYA].story in words
    for t in evaluate(rulebook, rulebook.scenarios[MAYA].answers).tests:
        assert t.test.name in words
    assert text_of(client.get("/check")) == before


@pytest.mark.parametrize("path", ["/teach", f"/teach/{ANA}", f"/teach/{ANA}/present?step=3"])
def test_teach_pages_set_no_cookie(client, path):
    assert "Set-Cookie" not in client.get(path).headers


def test_the_presenter_steps_through_story_guess_answer_and_points(client, rulebook):
    scenario = rulebook.scenarios[ANA]
    result = evaluate(rulebook, scenario.answers)
    pages = [client.get(f"/teach/{ANA}/present?step={n}") for n in range(1, 5)]
    assert [p.status_code for p in pages] == [200] * 4
    headings = [
        re.search(r'<h1[^>]*id="step-heading"[^>]*>([^<]+)</h1>', p.get_data(as_text=True))[1] for p in pages
    ]
    assert headings == ["The story", "Guess first", "The answer", "Teaching points"]
    story, guess, answer, points = (text_of(p) for p in pages)
    assert scenario.story in story and "Breast" in story
    assert scenario.guess in guess
    assert scenario.guess not in story
    revealed = [t.test.name for t in result.by_level("commonly_used")]
    assert f"Commonly used: {revealed[0]} and {revealed[1]}." in answer
    assert (
        "symptoms-breast-call-back" not in answer
        and "Being called back after a screening mammogram is common" in answer
    )
    for point in scenario.points:
        assert point.text in points
        assert point.text not in answer


def test_the_presenter_answer_for_a_safety_factor_says_what_changed(client, rulebook):
    words = text_of(client.get(f"/teach/{MAYA}/present?step=3"))
    assert "Bone scan. Usually: commonly used. For Maya: not usually used for this." in words
    assert "MRI scan. Usually: not on the list. For Maya: sometimes used." in words


def test_the_presenter_links_move_one_step_and_end_at_the_gallery(client):
    def nav(step):
        html = client.get(f"/teach/{ANA}/present?step={step}").get_data(as_text=True)
        found = dict(re.findall(r'href="([^"]+)" rel="(prev|next)"', html))
        return {rel: href for href, rel in found.items()}, html

    first, html = nav(1)
    assert first == {"next": f"/teach/{ANA}/present?step=2"}
    assert 'href="/teach" data-ig-end' in html
    assert nav(2)[0] == {"prev": f"/teach/{ANA}/present?step=1", "next": f"/teach/{ANA}/present?step=3"}
    last, html = nav(4)
    assert last == {"prev": f"/teach/{ANA}/present?step=3"}
    assert re.search(r'<body class="ig-present">', html)
    assert re.search(r'<script src="/static/js/present\.[0-9a-f]+\.js" defer></script>', html)


@pytest.mark.parametrize(
    "path",
    [
        f"/teach/{ANA}/present?step=0",
        f"/teach/{ANA}/present?step=5",
        f"/teach/{ANA}/present?step=two",
        f"/teach/{ANA}/present?step=%EF%BC%92",  # a full-width 2
        "/teach/nobody",
        "/teach/nobody/present",
    ],
)
def test_a_step_or_scenario_that_does_not_exist_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_rules_check_counts_the_scenarios_and_finds_no_broken_point(runner, rulebook):
    output = runner.invoke(args=["rules", "check"]).output
    assert re.search(rf"content .*, {len(rulebook.scenarios)} scenarios$", output, re.M)
    assert "[scenario]" not in output


def test_each_scenario_leads_to_a_what_if_for_its_answers_and_the_gallery_to_the_journey(client):
    gallery = client.get("/teach")
    found = links(gallery)
    assert "/journey" in found
    what_if = next(
        h for h in found if h.startswith("/what-if?") and "situation=staging" in h and "pregnant" in h
    )
    page = client.get(what_if)
    assert page.status_code == 200
    assert "<h1>What if one answer were different?</h1>" in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/about"])
def test_the_start_and_about_pages_tell_teachers_how_to_use_the_guide(client, path):
    page = client.get(path)
    words = text_of(page)
    assert "For teachers" in words
    assert "“Scenarios for teaching”" in words
    if path == "/":
        assert "/teach" in links(page)
