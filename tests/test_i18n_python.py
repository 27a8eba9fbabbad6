"""Interface words written in Python come out in the page's language, and no kept page mixes languages."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest
from flask import Flask

from webapp import glossary, labels, limits, quoting
from webapp.messages import translate
from webapp.rulebook import parse_answers
from webapp.rulebook.messages import N_, Message
from webapp.templating import long_date

from .webtools import Browser, strip_tags

SCREENING_BREAST = "/start?situation=screening&site=breast&age=50&risk=average&factors="


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


def results(browser: Browser, link: str, lang: str):
    assert browser.get(f"{link}&lang={lang}").url == "/check"
    return browser.get(f"/results?lang={lang}")


# --- the engine's messages: English as they were, Spanish through the catalogue --------------------


def test_an_engine_message_is_its_english_text_and_keeps_what_says_it_again(rulebook):
    _, errors = parse_answers(rulebook, {"age": "500", "nope": "1"})
    (age,) = errors["age"]
    assert age == "Age must be 120 or less"  # byte for byte the English it always was
    assert isinstance(age, Message)
    assert (age.msgid, dict(age.values)) == (
        "%(name)s must be %(high)d or less",
        {"name": "Age", "high": 120},
    )
    assert errors["nope"] == ["There is no question called 'nope'"]
    copied = copy.deepcopy(age)
    assert (copied, copied.msgid) == (age, age.msgid)


def test_an_engine_message_is_said_in_the_requests_language(app, rulebook):
    _, errors = parse_answers(rulebook, {"age": "old"})
    (message,) = errors["age"]
    with app.test_request_context("/?lang=en"):
        assert translate(message) == "Enter age as a whole number, like 52" == message
    spanish = rulebook.in_language("es")
    _, errors = parse_answers(spanish, {"age": "500"})
    with app.test_request_context("/?lang=es"):
        assert translate(errors["age"][0]) == "Edad: el número máximo es 120"
        assert translate("words that are not a Message") == "words that are not a Message"
        nested = Message(N_("%(name)s must be one of: %(options)s"), name=Message(N_("None")), options="a, b")
        assert translate(nested) == "Ninguna acepta solo una de estas opciones: a, b"


# --- words in Python modules --------------------------------------------------------------------


def test_dates_labels_and_lists_follow_the_language(app):
    day = dt.date(2026, 12, 2)
    assert long_date(day) == "2 December 2026"  # outside a request: English
    with app.test_request_context("/?lang=en"):
        assert long_date(day) == "2 December 2026"
        assert str(labels.LEVELS["commonly_used"]) == "Commonly used"
        assert quoting.and_list(["a", "b", "c"]) == "a, b and c"
        assert limits.describe_wait(90) == "about 2 minutes"
    with app.test_request_context("/?lang=es"):
        assert long_date(day) == "2 de diciembre de 2026"
        assert long_date(None) == "sin registrar"
        assert str(labels.LEVELS["commonly_used"]) == "Se usa con frecuencia"
        assert str(labels.RADIATION_BANDS["1_to_10"]) == "De 1 a 10 mSv"
        assert quoting.and_list(["a", "b", "c"]) == "a, b y c"
        assert quoting.and_list(["TC", "imágenes"]) == "TC e imágenes"
        assert quoting.or_list(["siete", "ocho"]) == "siete u ocho"
        assert quoting.or_list(["a", "b"]) == "a o b"
        assert limits.describe_wait(1) == "1 segundo"
        assert limits.describe_wait(90) == "alrededor de 2 minutos"


def test_spanish_form_errors_come_from_the_catalogue(browser):
    step = browser.get("/start?situation=screening&site=breast&lang=es")
    assert step.url == "/q/age"
    page = step.submit({"age": "500"})
    assert page.status == 400
    assert "Edad: el número máximo es 120" in page.text
    page = step.submit({"age": "abc"})
    assert "Para “edad”, escriba un número entero, por ejemplo, 52" in page.text
    factors = browser.get("/q/factors")
    page = factors.submit({"factors": ["none", "kidney"]})
    assert page.status == 400
    assert "Elija ‘Ninguna de estas’ o lo que se aplica a usted, pero no ambas cosas" in page.text
    page = browser.get("/q/age?lang=en").submit({"age": "500"})
    assert "Age must be 120 or less" in page.text


SPANISH_DATE = re.compile(
    r"\b\d{1,2} de (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de \d{4}\b"
)
ENGLISH_DATE = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b"
)


def test_spanish_pages_show_spanish_levels_navigation_and_dates(browser):
    page = results(browser, SCREENING_BREAST, "es")
    assert page.status == 200
    assert "Se usa con frecuencia" in page.text
    assert "No se suele usar para esto" in page.text
    assert "Commonly used" not in page.text
    assert "Edad: de 45 a 74" in page.text  # the reasons, said in Spanish
    assert "Sociedad Americana Contra El Cáncer" in page.text
    every_word = strip_tags(page.html)
    for words in ("Estudios por imágenes", "Palabras explicadas", "Acerca de esta guía", "Tabla de reglas"):
        assert words in every_word
    assert SPANISH_DATE.search(every_word) and not ENGLISH_DATE.search(every_word)
    english = results(browser, SCREENING_BREAST, "en")
    assert ENGLISH_DATE.search(english.text) and not SPANISH_DATE.search(english.text)


def test_error_pages_are_in_spanish(app):
    client = app.test_client()
    missing = client.get("/no-such-page?lang=es")
    assert missing.status_code == 404
    text = strip_tags(missing.get_data(as_text=True))
    assert "No se encontró la página" in text
    assert "Page not found" not in text
    compare = client.get("/tests/compare?tests=ct,nope&lang=es")
    assert "Elija 2 o 3 estudios para comparar. “nope” no es un estudio de esta guía" in strip_tags(
        compare.get_data(as_text=True)
    )


# --- kept pages and caches never mix languages --------------------------------------------------


def test_a_kept_test_page_is_kept_once_per_language(app):
    client = app.test_client()
    english = client.get("/tests/ct?lang=en").get_data(as_text=True)
    spanish = client.get("/tests/ct?lang=es").get_data(as_text=True)
    again = client.get("/tests/ct?lang=en").get_data(as_text=True)
    assert "Tomografía computarizada" in spanish and "Tomografía computarizada" not in english
    assert "Estudios por imágenes" in spanish and "Estudios por imágenes" not in english
    assert english == again
    assert client.get("/tests/ct?lang=es").get_data(as_text=True) == spanish
    assert {key[-1] for key in app.extensions["test_pages"]} == {"en", "es"}


def test_a_kept_result_body_is_kept_once_per_language(app):
    browser = Browser(app.test_client())
    english = results(browser, SCREENING_BREAST, "en")
    spanish = results(browser, SCREENING_BREAST, "es")
    again = results(browser, SCREENING_BREAST, "en")
    assert "Commonly used" in english.text and "Se usa con frecuencia" not in english.text
    assert "Se usa con frecuencia" in spanish.text and "Commonly used" not in spanish.text
    assert "Commonly used" in again.text and "Se usa con frecuencia" not in again.text
    # A teaching scenario's result uses the same kept bodies.
    client = app.test_client()
    scenario = next(iter(app.extensions["rulebook"].scenarios))
    for lang, words, other in (("en", "Commonly used", "Se usa"), ("es", "Se usa", "Commonly used")):
        for _ in range(2):
            text = strip_tags(client.get(f"/teach/{scenario}?lang={lang}").get_data(as_text=True))
            assert words in text and other not in text


def test_the_rule_table_and_the_glossary_are_kept_once_per_language(app):
    client = app.test_client()
    for lang, words, other in (
        ("en", "Age: 25 to 29", "Edad: de 25 a 29"),
        ("es", "Edad: de 25 a 29", "Age: 25 to 29"),
        ("en", "Age: 25 to 29", "Edad: de 25 a 29"),
    ):
        text = strip_tags(
            client.get(f"/rules/breast/screening/breast_mri?lang={lang}").get_data(as_text=True)
        )
        assert words in text and other not in text
    assert set(app.extensions["rule_table"]) == {"en", "es"}
    for lang, words in (("en", "Close"), ("es", "Cerrar"), ("en", "Close")):
        html = client.get(f"/tests/ultrasound?lang={lang}").get_data(as_text=True)
        assert f">{words}<span" in html
    with app.test_request_context("/?lang=es"):
        assert "Cerrar" in glossary.link_terms("una biopsia")
    with app.test_request_context("/?lang=en"):
        assert "Close" in glossary.link_terms("a biopsy")


def test_a_results_link_opens_in_the_language_it_was_made_in(app):
    browser = Browser(app.test_client())
    spanish = results(browser, SCREENING_BREAST, "es")
    english = results(browser, SCREENING_BREAST, "en")
    assert "situation=screening" in spanish.handout and "lang=es" in spanish.handout
    assert "situation=screening" in english.handout and "lang=es" not in english.handout


def test_the_glossary_sorts_spanish_words_as_a_dictionary_does(app):
    text = strip_tags(app.test_client().get("/glossary?lang=es").get_data(as_text=True))
    assert text.index("Ecografía") < text.index("Enema") < text.index("Estadificación")
