"""The link builder for care teams (/link): the form, the pre-fill link, its QR codes and the cards."""

from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

from webapp.rulebook import asked_answers

from .conftest import make_app
from .webtools import Browser, strip_tags

STAGING_LUNG = "situation=staging&site=lung&age=64"
LINK = "http://localhost/start?situation=staging&site=lung&age=64"


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


def link_of(html: str) -> str:
    """The pre-fill link in the page's read-only field."""
    match = re.search(r'id="prefill-link"[^>]*>([^<]+)</textarea>', html)
    assert match, "no link on the page"
    return unescape(match.group(1))


def hrefs(html: str, path: str) -> list[str]:
    return [unescape(h) for h in re.findall(rf'href="({re.escape(path)}[^"]*)"', html)]


def decode_qr(png: bytes) -> list[str]:
    """What a QR reader finds in a PNG image."""
    import zxingcpp
    from PIL import Image

    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_the_empty_form_asks_every_question_and_only_the_situation_is_required(browser, rulebook):
    page = browser.get("/link")
    assert page.status == 200
    assert page.h1 == rulebook.pages["link"].title
    assert rulebook.pages["link"].lede in unescape(page.main)
    legends = [
        strip_tags(x) for x in re.findall(r'<legend class="ig-legend">(.*?)</legend>', page.main, re.S)
    ]
    labels = [
        strip_tags(x) for x in re.findall(r'<label class="ig-label"[^>]*>(.*?)</label>', page.main, re.S)
    ]
    for question in rulebook.questions:
        shown = question.short if question.required else f"{question.short} (optional)"
        assert shown in legends + labels, f"{question.id} is not on the form"
    assert 'id="prefill-link"' not in page.html  # no link before there are answers
    # Optional choices start at "Not answered", so leaving one alone leaves it to the patient.
    assert page.checked("site") == [""] and page.checked("situation") == []
    assert "Asked only when situation is Screening and body area is Lung." in page.text
    # Short names for the care team, with what the patient reads under each where it differs.
    staging = rulebook.question("situation").option("staging")
    assert re.search(
        rf">{staging.short}</label>\s*<p class=\"ig-choice__hint\"[^>]*>{staging.label}<", page.html
    )


def test_the_answers_give_a_link_to_the_start_with_the_request_host(browser):
    page = browser.get(f"/link?{STAGING_LUNG}&risk=&found_by=&factors=")
    assert page.status == 200
    assert link_of(page.html) == LINK
    assert '<svg role="img" aria-label="QR code of the link"' in page.html
    # The downloads and the cards carry the same answers as the link.
    for path in ("/link/qr.png", "/link/qr.svg", "/link/cards"):
        (href,) = hrefs(page.html, path)
        query = [(k, v) for k, v in parse_qsl(urlsplit(href).query) if k not in ("per_sheet", "paper")]
        assert query == [("situation", "staging"), ("site", "lung"), ("age", "64")], href
    # The form keeps the answers, to change one and build again.
    assert page.checked("situation") == ["staging"] and page.field_value("age") == "64"


def test_the_link_host_follows_an_allowed_host_and_another_host_is_refused(tmp_path):
    app = make_app(tmp_path / "hosts.sqlite3", ALLOWED_HOSTS=["guide.example.org"])
    client = app.test_client()
    page = client.get(f"/link?{STAGING_LUNG}", base_url="https://guide.example.org")
    assert link_of(page.get_data(as_text=True)) == f"https://guide.example.org/start?{STAGING_LUNG}"
    assert client.get(f"/link?{STAGING_LUNG}", base_url="http://evil.example").status_code == 400


def test_opening_the_link_fills_in_the_answers_and_lands_on_the_first_question_left(app, browser):
    built = link_of(browser.get(f"/link?{STAGING_LUNG}").html)
    assert "the question “Do any of these apply to you?”" in browser.get(f"/link?{STAGING_LUNG}").text
    patient = Browser(app.test_client())  # someone else's browser
    landed = patient.get(built.removeprefix("http://localhost"))
    assert landed.url == "/q/factors"
    assert patient.get("/q/age").field_value("age") == "64"


def test_none_of_these_goes_in_the_link_so_the_patient_lands_on_check_answers(app, browser):
    page = browser.get(f"/link?{STAGING_LUNG}&factors=none")
    assert link_of(page.html) == LINK + "&factors="
    assert "goes to “Check your answers”" in page.text
    patient = Browser(app.test_client())
    landed = patient.get(link_of(page.html).removeprefix("http://localhost"))
    assert landed.url == "/check"
    assert landed.summary_rows()["Things to tell the care team"] == "None of these"


def test_answers_to_questions_the_patient_would_not_be_asked_are_left_out_and_named(browser, rulebook):
    query = (
        "situation=staging&site=lung&risk=higher&smoking=former&pack_years=30&factors=kidney&factors=implant"
    )
    page = browser.get(f"/link?{query}")
    assert page.status == 200
    link = link_of(page.html)
    assert link == "http://localhost/start?situation=staging&site=lung&factors=implant,kidney"
    notice = page.region("Left out of the link")
    assert "Risk, Smoking, Pack-years" in notice
    # What the link fills in is exactly what the patient would be asked.
    answers = dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))
    _, ignored = asked_answers(rulebook, answers)
    assert ignored == ()


BAD = [
    ("site=lung&age=64", "situation", "Select what is happening now"),
    ("situation=spleen", "situation", "Situation: “spleen” is not one of the answers we know."),
    ("situation=staging&situation=screening", "situation", "Situation: choose one answer"),
    ("situation=staging&age=about+fifty", "age", "Enter age as a whole number, like 52"),
    ("situation=staging&age=" + "9" * 5000, "age", "Age must be 120 or less"),
    ("situation=staging&age=-1", "age", "Age must be 0 or more"),
    ("situation=staging&factors=none&factors=kidney", "factors", "select ‘None of these’ or the things"),
    ("situation=staging&factors=lasers", "factors", "“lasers” is not one of the answers we know."),
    ("situation=staging&site=%00%ff%F0%9F%98%80", "site", "Body area: “"),
]


@pytest.mark.parametrize(("query", "field", "message"), BAD)
@pytest.mark.parametrize("path", ["/link", "/link/qr.png", "/link/qr.svg", "/link/cards"])
def test_bad_answers_show_the_form_again_with_a_clear_message(browser, path, query, field, message):
    page = browser.get(f"{path}?{query}")
    assert page.status == 400
    assert page.title.startswith("Error: ")
    summary = page.error_summary()
    assert [anchor for anchor, _ in summary] == [f"#{field}"]
    assert message in unescape(summary[0][1])
    assert 'id="prefill-link"' not in page.html  # no link from answers that are wrong
    if "age=about" in query:
        assert page.field_value("age") == "about fifty"  # nothing typed is lost


def test_the_qr_downloads_are_attachments_of_the_link(browser):
    png = browser.client.get(f"/link/qr.png?{STAGING_LUNG}")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.headers["Content-Disposition"] == 'attachment; filename="imaging-guide-staging-lung.png"'
    assert decode_qr(png.data) == [LINK]
    svg = browser.client.get("/link/qr.svg?situation=follow_up&factors=none")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.headers["Content-Disposition"] == 'attachment; filename="imaging-guide-follow-up.svg"'
    assert svg.get_data(as_text=True).lstrip().startswith("<?xml") and "<svg" in svg.get_data(as_text=True)


@pytest.mark.parametrize(("per_sheet", "paper"), [("2", "a4"), ("4", "a4"), ("2", "letter"), ("4", "letter")])
def test_the_card_sheet_has_the_cards_asked_for_each_with_the_code_the_link_and_what_it_shows(
    browser, rulebook, per_sheet, paper
):
    page = browser.get(f"/link/cards?{STAGING_LUNG}&per_sheet={per_sheet}&paper={paper}")
    assert page.status == 200
    assert page.h1 == "Cards to print"
    cards = re.findall(r'<div class="ig-linkcard"', page.html)
    assert len(cards) == int(per_sheet)
    assert f"ig-linkcards--{paper}" in page.html
    words = rulebook.pages["link_card"]
    line = f"{words.sections[0].heading}: Staging, Lung. {words.sections[0].paragraphs[0]}"
    text = unescape(page.html).replace("<wbr>", "")  # the link may wrap before each "?" and "&"
    assert text.count(line) == int(per_sheet)
    assert text.count("localhost/start?situation=staging&site=lung&age=64<") == int(per_sheet)
    assert text.count('aria-label="QR code of the link"') == int(per_sheet)
    # The settings form keeps the answers, so another size is one press away.
    assert page.checked("per_sheet") == [per_sheet] and page.checked("paper") == [paper]
    assert page.back_link == f"/link?{STAGING_LUNG}"


@pytest.mark.parametrize("query", ["per_sheet=3", "paper=a3", "per_sheet=%00"])
def test_a_card_size_that_does_not_exist_is_a_400(browser, query):
    page = browser.get(f"/link/cards?{STAGING_LUNG}&{query}")
    assert page.status == 400
    assert "Cards come 2 or 4 to a sheet, on A4 or Letter paper" in page.text


def test_nothing_is_stored_or_remembered(browser):
    for path in ("/link", "/link/qr.png", "/link/qr.svg", "/link/cards"):
        response = browser.client.get(f"{path}?{STAGING_LUNG}")
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path
    # The builder's answers never become the clinician's own answers in progress.
    assert browser.get("/q/situation").checked("situation") == []


@pytest.mark.parametrize("path", ["/", "/about"])
def test_the_start_and_about_pages_tell_care_teams_about_links(browser, rulebook, path):
    page = browser.get(path)
    assert "For care teams" in page.text
    assert "“Make a link for a patient”" in unescape(page.text)
