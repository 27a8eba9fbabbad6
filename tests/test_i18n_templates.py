"""The interface words of the templates in each language (issue 13).

Every page says which language it is in (`<html lang>`), names the same page in each language for
search engines (hreflang alternates, x-default being the English page), and carries a language
switch in its header: one link per other language, back to the same page with the same query and
`lang` set. Under `?lang=es` the template words come out in Spanish; the scripts hold no words of
their own and read them from the page.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from flask import Flask

from tests.webtools import Browser, Page, strip_tags

ROOT = Path(__file__).resolve().parent.parent
NAMES = {"en": "English", "es": "Español"}
OTHER = {"en": "es", "es": "en"}
# Answers that reach "Check your answers" at once (no question left to ask).
ANSWERS = "/start?situation=symptoms&site=kidney&age=60&found_by=other_scan&factors=contrast_allergy"

# Pages that need no answers, each with a query worth keeping where the page takes one.
PAGES = [
    "/",
    "/about",
    "/glossary",
    "/tests",
    "/tests/ct",
    "/tests/compare?tests=ct&tests=mri",
    "/link",
    "/link?site=breast&situation=staging",
    "/link/cards?site=breast&situation=staging&per_sheet=2&paper=letter",
    "/teach",
    "/teach?situation=screening",
    "/rules",
    "/rules/breast",
    "/rules/changelog",
    "/journey",
    "/journey?site=breast&age=50",
    "/q/situation",
    "/restart",
]
# Pages that answer with an error, which still carry the switch.
ERROR_PAGES = [
    ("/nowhere", 404),
    ("/tests/compare?tests=ct", 400),
    ("/infobutton?mainSearchCriteria.v.c=X99.9&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90", 404),
]


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _switch(page: Page) -> list[dict[str, str]]:
    """The links of the header's language switch, each with its attributes and words."""
    header = re.search(r"<header\b.*?</header>", page.html, re.S)
    assert header, f"no header on {page.url}"
    nav = re.search(r'<nav class="ig-lang[^"]*" aria-label="([^"]+)">(.*?)</nav>', header.group(0), re.S)
    assert nav, f"no language switch in the header of {page.url}"
    links = []
    for attrs, words in re.findall(r"<a\b([^>]*)>(.*?)</a>", nav.group(2), re.S):
        found = {k: unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', attrs)}
        links.append({**found, "words": strip_tags(words), "label": nav.group(1)})
    return links


def _alternates(page: Page) -> dict[str, str]:
    head = re.search(r"<head>.*?</head>", page.html, re.S).group(0)
    found = re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', head)
    assert len(found) == len(dict(found)), f"an hreflang twice on {page.url}"
    return {code: unescape(url) for code, url in found}


def _html_lang(page: Page) -> str:
    return re.match(r"<!doctype html>\s*<html lang=\"(\w+)\">", page.html).group(1)


def _assert_switch_keeps_the_page(page: Page, language: str) -> None:
    """One link, to the other language, for this same page and query with only `lang` changed."""
    (link,) = _switch(page)
    other = OTHER[language]
    assert link["label"] == {"en": "Language", "es": "Idioma"}[language]
    assert (link["hreflang"], link["lang"], link["words"]) == (other, other, NAMES[other])
    target = urljoin(f"http://localhost{page.url}", link["href"])
    assert urlsplit(target).path == urlsplit(page.url).path, page.url
    kept = [(k, v) for k, v in _query(page.url) if k != "lang"]
    assert _query(target) == [*kept, ("lang", other)], page.url


@pytest.fixture
def answered(app: Flask) -> Browser:
    """A browser whose answers are complete, so results, print and saving all work."""
    browser = Browser(app.test_client())
    assert browser.get(ANSWERS).url == "/check"
    return browser


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_switch_to_the_same_page_and_says_its_language(app, url, language):
    browser = Browser(app.test_client())
    page = browser.get(url + ("&" if "?" in url else "?") + f"lang={language}")
    assert page.status == 200, url
    assert _html_lang(page) == language
    _assert_switch_keeps_the_page(page, language)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("url", "status"), ERROR_PAGES)
def test_error_pages_have_the_switch_too(app, url, status, language):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    page = Browser(app.test_client()).get(url + ("&" if "?" in url else "?") + f"lang={language}")
    assert page.status == status
    assert _html_lang(page) == language
    _assert_switch_keeps_the_page(page, language)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_pages_of_a_result_have_the_switch(answered, language):
    for url in ("/check", "/q/age?change=1", "/results", "/results/print"):
        page = answered.get(f"{url}{'&' if '?' in url else '?'}lang={language}")
        assert page.status == 200, url
        assert _html_lang(page) == language
        _assert_switch_keeps_the_page(page, language)
    saved = answered.get(f"/results?lang={language}").submit_form("/saved")
    assert saved.status == 200 and saved.url.startswith("/saved/")
    assert _html_lang(saved) == language
    _assert_switch_keeps_the_page(saved, language)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("url", ["/", "/tests/compare?tests=ct&tests=mri", "/rules/breast", "/q/situation"])
def test_hreflang_alternates_name_the_page_in_each_language_and_english_by_default(app, url, language):
    page = Browser(app.test_client()).get(url + ("&" if "?" in url else "?") + f"lang={language}")
    alternates = _alternates(page)
    assert set(alternates) == {"en", "es", "x-default"}
    assert alternates["x-default"] == alternates["en"]
    kept = [(k, v) for k, v in _query(url) if k != "lang"]
    for code in ("en", "es"):
        address = urlsplit(alternates[code])
        # From the site's root: never built from the Host header a request sent (see webapp/i18n.py).
        assert not address.scheme and not address.netloc and alternates[code].startswith("/")
        assert address.path == urlsplit(url).path
        assert _query(alternates[code]) == [*kept, ("lang", code)]


def test_the_language_chosen_stays_for_the_pages_that_follow(app):
    browser = Browser(app.test_client())
    assert _html_lang(browser.get("/tests?lang=es")) == "es"
    later = browser.get("/glossary")
    assert _html_lang(later) == "es"
    assert later.h1 == "Palabras explicadas"
    assert _html_lang(browser.get("/glossary?lang=en")) == "en"


def test_template_words_come_out_in_spanish(app, answered):
    browser = Browser(app.test_client())
    start = browser.get("/?lang=es")
    assert start.title.endswith("– Guía de Imágenes")
    assert '<a class="ig-skip-link ig-no-print" href="#main">Ir al contenido principal</a>' in start.html
    assert '<a class="ig-wordmark" href="/">Guía de Imágenes</a>' in start.html
    assert 'aria-label="Principal"' in start.html
    assert "Información educativa, no consejo médico." in strip_tags(start.html)
    assert "Otras formas de usar esta guía" in start.text
    assert "Skip to main content" not in start.html and "Education, not medical advice" not in start.html
    description = re.search(r'<meta name="description" content="([^"]+)">', start.html).group(1)
    assert description.startswith("Guía en lenguaje sencillo")

    question = browser.get("/q/situation?lang=es")
    assert question.title.startswith("Pregunta 1: ")
    assert ">Continuar</button>" in question.html
    assert question.back_link and ">Atrás</a>" in question.html
    assert "Empezar de nuevo" in question.text

    assert browser.get("/glossary?lang=es").h1 == "Palabras explicadas"
    test_page = browser.get("/tests/ct?lang=es")
    assert '<nav class="ig-contents" aria-label="En esta página">' in test_page.html
    assert "Preguntas que podría hacer" in test_page.text and "Questions you could ask" not in test_page.text

    check = answered.get("/check?lang=es")
    assert check.h1 == "Revise sus respuestas"
    assert "Cambiar" in check.text and "Change" not in check.text
    results = answered.get("/results?lang=es")
    assert "En resumen" in results.text
    assert ">Guardar y obtener un enlace</button>" in results.html
    assert "Imprimir" in results.text
    assert "Estudios por imágenes que se usan con frecuencia en su situación" in results.handout
    print_view = answered.get("/results/print?lang=es")
    assert "Imprimir esta hoja" in print_view.html and "Volver a sus resultados" in print_view.html

    missing = browser.get("/nowhere?lang=es")
    assert "Ir a las preguntas" in missing.text and "Go to the questions" not in missing.text


def test_english_pages_keep_their_english_words(app):
    browser = Browser(app.test_client())
    start = browser.get("/?lang=en")
    assert start.title.endswith("– Imaging Guide")
    assert ">Skip to main content</a>" in start.html
    assert "Education, not medical advice." in strip_tags(start.html)
    assert ">Continue</button>" in browser.get("/q/situation").html


@pytest.mark.parametrize(
    ("language", "copied", "failed"),
    [
        ("en", "Link copied", "Select the link and copy it"),
        ("es", "Enlace copiado", "Seleccione el enlace y cópielo"),
    ],
)
def test_the_copy_button_takes_its_words_from_the_page(app, language, copied, failed):
    page = Browser(app.test_client()).get(f"/link?site=breast&situation=staging&lang={language}")
    box = re.search(r'<p class="ig-copy" data-ig-copy="prefill-link"([^>]*)>', page.html)
    assert box, "no copy button"
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', box.group(1)))
    assert (unescape(attrs["data-ig-copied"]), unescape(attrs["data-ig-copy-failed"])) == (copied, failed)


@pytest.mark.parametrize("script", ["app.js", "present.js"])
def test_scripts_hold_no_words_of_their_own(script):
    source = (ROOT / "static" / "js" / script).read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)  # comments may be English
    literals = re.findall(r'"([^"\\]*)"|\'([^\'\\]*)\'', code)
    words = [
        a or b for a, b in literals if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", a or b) and a != "use strict"
    ]
    assert words == [], f"{script} holds words a person sees: {words}"
    if script == "app.js":
        assert "data-ig-copied" in code and "data-ig-copy-failed" in code
