"""Spanish for programs and links: the JSON and FHIR APIs, Infobutton, saved results and the language choice.

Content words come from rules/es/ (through the Spanish rule table); interface words from the templates
are not checked here. Structure is checked instead: lang attributes, `language` fields,
Content-Language, ETags and links.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from typing import Any

import pytest
from fhir.resources.codesystem import CodeSystem
from fhir.resources.operationoutcome import OperationOutcome
from fhir.resources.questionnaire import Questionnaire
from sqlalchemy import update

from webapp.fhir import response_from_answers
from webapp.qr import qr_svg
from webapp.rulebook import Rulebook, evaluate, parse_answers
from webapp.storage.db import db
from webapp.storage.models import SavedResult
from webapp.storage.saving import hash_token, new_token, save

from .test_api import evaluate as post_evaluate
from .test_infobutton import ICD_OID, LOINC_OID, ask
from .test_share import SCREENING_BREAST, results, save_token_on
from .webtools import Browser, Page

SPANISH_BROWSER = {"Accept-Language": "es-US,es;q=0.9"}
ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}
PUBLISHED = ("/api/v1/tests", "/api/v1/questionnaire")
FHIR_BASE = "http://localhost/api/v1/fhir"
# Answer sets whose results differ: screening; staging in pregnancy (factors change levels); follow-up.
ANSWER_SETS = [
    {"situation": "screening", "site": "breast", "age": 50, "risk": "average", "factors": []},
    {"situation": "staging", "site": "lung", "age": 64, "factors": ["pregnant", "kidney"]},
    {"situation": "follow_up", "site": "colorectal", "age": 70, "factors": ["implant"]},
]
# Pages a person can land on, each of which must remember `?lang=es` for the next one.
PAGES = (
    "/",
    "/about",
    "/tests",
    "/tests/ct",
    "/glossary",
    "/rules",
    "/rules/breast",
    "/teach",
    "/q/situation",
)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def spanish(rulebook: Rulebook) -> Rulebook:
    return rulebook.in_language("es")


def html_lang(html: str) -> str | None:
    match = re.search(r'<html\b[^>]*\blang="([^"]*)"', html)
    return match.group(1) if match else None


def session_of(client) -> dict[str, Any]:
    with client.session_transaction() as session:
        return dict(session)


def api_ids(result: dict[str, Any]) -> dict[str, Any]:
    """What a result decides, without its words."""
    return {
        "answers": result["answers"],
        "ignored": result["ignored"],
        "rules_version": result["rules_version"],
        "tests": [
            (
                t["id"],
                t["level"],
                t["usual_level"],
                t["changed_by"],
                t["rules"],
                [c["factor"] for c in t["cautions"]],
            )
            for t in result["tests"]
        ],
        "notes": [(n["id"], n["topic"]) for n in result["notes"]],
    }


# --- The JSON API


@pytest.mark.parametrize("path", PUBLISHED)
@pytest.mark.parametrize(
    ("query", "headers"), [("?lang=es", {}), ("", SPANISH_BROWSER), ("?lang=ES", ENGLISH_BROWSER)]
)
def test_published_data_is_in_spanish_by_lang_or_accept_language(client, spanish, path, query, headers):
    response = client.get(path + query, headers=headers)
    assert response.status_code == 200
    data = response.get_json()
    assert data["language"] == "es"
    assert response.headers["Content-Language"] == "es"
    assert "Accept-Language" in response.vary
    assert response.get_etag() == (f"{spanish.version}-es", False)
    if path.endswith("/tests"):
        assert {t["id"]: t["name"] for t in data["tests"]} == {t.id: t.name for t in spanish.tests.values()}
        assert data["tests"][0]["summary"] == spanish.tests[data["tests"][0]["id"]].summary
    else:
        assert [q["label"] for q in data["questions"]] == [q.label for q in spanish.questions]
        situation = data["questions"][0]
        assert situation["label"] == "¿Qué está pasando ahora?"  # rules/es/questions.toml
        assert [o["label"] for o in situation["options"]] == [
            o.label for o in spanish.question("situation").options
        ]


@pytest.mark.parametrize("path", PUBLISHED)
@pytest.mark.parametrize(
    ("query", "headers"), [("", {}), ("?lang=en", SPANISH_BROWSER), ("", ENGLISH_BROWSER)]
)
def test_published_data_is_in_english_by_default_and_by_lang_en(client, rulebook, path, query, headers):
    response = client.get(path + query, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["language"] == "en"
    assert response.headers["Content-Language"] == "en"
    assert response.get_etag() == (rulebook.version, False)
    if path.endswith("/tests"):
        assert response.get_json()["tests"][0]["name"] == rulebook.tests["mammogram"].name


@pytest.mark.parametrize("path", [*PUBLISHED, "/api/v1/tests/ct", "/api/v1/openapi.json"])
def test_etags_differ_by_language_and_revalidate_only_in_their_own(client, path):
    english = client.get(path).headers["ETag"]
    spanish_tag = client.get(path + "?lang=es").headers["ETag"]
    assert english != spanish_tag
    assert client.get(path + "?lang=es", headers={"If-None-Match": spanish_tag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": spanish_tag, **SPANISH_BROWSER}).status_code == 304
    # The Spanish tag never stands for the English data, nor the English tag for the Spanish.
    assert client.get(path, headers={"If-None-Match": spanish_tag}).status_code == 200
    assert (
        client.get(path + "?lang=en", headers={"If-None-Match": spanish_tag, **SPANISH_BROWSER}).status_code
        == 200
    )
    assert client.get(path + "?lang=es", headers={"If-None-Match": english}).status_code == 200
    assert client.get(path, headers={"If-None-Match": english}).status_code == 304


def test_ids_levels_and_bands_are_the_same_in_both_languages(client):
    en = client.get("/api/v1/tests").get_json()
    es = client.get("/api/v1/tests?lang=es").get_json()

    def logic(test: dict[str, Any]) -> tuple:
        return (
            test["id"],
            test["uses"],
            test["radiation"]["band"],
            test["contrast"]["use"],
            [c["factor"] for c in test["cautions"]],
        )

    assert [logic(t) for t in es["tests"]] == [logic(t) for t in en["tests"]]
    assert es["rules_version"] == en["rules_version"]
    en_q = client.get("/api/v1/questionnaire").get_json()["questions"]
    es_q = client.get("/api/v1/questionnaire?lang=es").get_json()["questions"]

    def shape(question: dict[str, Any]) -> tuple:
        values = [o["value"] for o in question.get("options", [])]
        return (question["id"], question["kind"], question["required"], question["show_when"], values)

    assert [shape(q) for q in es_q] == [shape(q) for q in en_q]


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_evaluate_in_spanish_gives_the_same_result_in_spanish_words(client, spanish, answers):
    english = post_evaluate(client, answers)
    by_query = client.post("/api/v1/evaluate?lang=es", json={"answers": answers})
    by_browser = post_evaluate(client, answers, headers=SPANISH_BROWSER)
    overridden = client.post("/api/v1/evaluate?lang=en", json={"answers": answers}, headers=SPANISH_BROWSER)
    assert [r.status_code for r in (english, by_query, by_browser, overridden)] == [200] * 4
    en, es = english.get_json(), by_query.get_json()
    assert (en["language"], es["language"], by_browser.get_json()["language"]) == ("en", "es", "es")
    assert overridden.get_json() == en
    assert (english.headers["Content-Language"], by_query.headers["Content-Language"]) == ("en", "es")
    assert by_browser.get_json() == es
    assert api_ids(es) == api_ids(en)
    assert es["tests"] and es["notes"]
    for s, e in zip(es["tests"], en["tests"], strict=True):
        assert s["name"] == spanish.tests[s["id"]].name != e["name"]
        assert s["why"] != e["why"]
    for s, e in zip(es["notes"], en["notes"], strict=True):
        assert s["text"] == spanish.notes[s["id"]].text != e["text"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/tests"),
        ("get", "/api/v1/questionnaire"),
        ("get", "/api/v1/tests/ct"),
        ("post", "/api/v1/evaluate"),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "xx", "es-MX"])
def test_a_language_we_do_not_have_is_a_400_naming_lang(client, method, path, lang):
    kwargs = {"json": {"answers": ANSWER_SETS[0]}} if method == "post" else {}
    response = getattr(client, method)(f"{path}?lang={lang}", **kwargs)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert list(errors) == ["lang"]
    assert len(errors["lang"]) == 1 and lang in errors["lang"][0]
    assert "ETag" not in response.headers


def test_the_api_never_remembers_a_language_in_a_session(client):
    for response in (
        client.get("/api/v1/tests?lang=es"),
        client.get("/api/v1/questionnaire?lang=es"),
        client.post("/api/v1/evaluate?lang=es", json={"answers": ANSWER_SETS[0]}),
        client.get("/api/v1/fhir/Questionnaire?lang=es"),
    ):
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    assert client.get_cookie("ig_session") is None
    assert client.get("/api/v1/tests").get_json()["language"] == "en"
    # Nor does a person's choice on the pages leak into what the same browser's programs get.
    assert html_lang(client.get("/tests?lang=es").get_data(as_text=True)) == "es"
    assert session_of(client).get("lang") == "es"
    assert client.get("/api/v1/tests").get_json()["language"] == "en"
    assert client.get("/api/v1/fhir/Questionnaire").get_json()["language"] == "en"


# --- FHIR


def test_the_fhir_questionnaire_in_spanish_is_valid_and_the_same_form(client, rulebook, spanish):
    english = client.get("/api/v1/fhir/Questionnaire").get_json()
    for response in (
        client.get("/api/v1/fhir/Questionnaire?lang=es"),
        client.get("/api/v1/fhir/Questionnaire/imaging-guide", headers=SPANISH_BROWSER),
    ):
        assert response.status_code == 200
        assert response.headers["Content-Language"] == "es"
        resource = response.get_json()
        Questionnaire.parse_obj(resource)  # valid FHIR R4
        assert (resource["language"], english["language"]) == ("es", "en")
        items = {i["linkId"]: i for i in resource["item"]}
        assert items["situation"]["text"] == spanish.question("situation").label == "¿Qué está pasando ahora?"
        assert [i["text"] for i in resource["item"]] == [q.label for q in spanish.questions]
        assert resource["title"] == spanish.pages["start"].title != english["title"]
        assert resource["version"] == english["version"] == rulebook.version
        assert structure(resource) == structure(english)
        hints = [sub["text"] for i in resource["item"] for sub in i.get("item", [])]
        assert hints == [q.hint for q in spanish.questions if q.hint]


def without_display(condition: dict[str, Any]) -> dict[str, Any]:
    """An enableWhen without the label its coding carries (a text, so it is translated)."""
    if "answerCoding" in condition:
        coding = {k: v for k, v in condition["answerCoding"].items() if k != "display"}
        return {**condition, "answerCoding": coding}
    return condition


def structure(resource: dict[str, Any]) -> list[tuple]:
    """A Questionnaire without its words: linkIds, types, codes and conditions."""

    def codes(item: dict[str, Any]) -> list[tuple]:
        return [(o["valueCoding"]["system"], o["valueCoding"]["code"]) for o in item.get("answerOption", [])]

    return [
        (
            i["linkId"],
            i["type"],
            i["required"],
            codes(i),
            [without_display(e) for e in i.get("enableWhen", [])],
            [e for e in i.get("extension", []) if "valueCoding" not in e],
            [sub["linkId"] for sub in i.get("item", [])],
        )
        for i in resource["item"]
    ]


@pytest.mark.parametrize("question_id", ["situation", "site", "factors"])
def test_fhir_code_systems_have_spanish_displays_and_the_same_codes(client, rulebook, spanish, question_id):
    path = f"/api/v1/fhir/CodeSystem/{question_id}"
    english = client.get(path).get_json()
    resource = client.get(path + "?lang=es").get_json()
    CodeSystem.parse_obj(resource)
    assert (resource["language"], english["language"]) == ("es", "en")
    assert [c["code"] for c in resource["concept"]] == [c["code"] for c in english["concept"]]
    assert [c["display"] for c in resource["concept"]] == [
        o.label for o in spanish.question(question_id).options
    ]
    assert all(
        s["display"] != e["display"] for s, e in zip(resource["concept"], english["concept"], strict=True)
    )
    assert (resource["version"], resource["count"], resource["url"]) == (
        english["version"],
        english["count"],
        english["url"],
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/fhir/Questionnaire"),
        ("get", "/api/v1/fhir/Questionnaire/imaging-guide"),
        ("get", "/api/v1/fhir/CodeSystem/situation"),
        ("post", "/api/v1/fhir/evaluate"),
    ],
)
def test_fhir_with_a_language_we_do_not_have_is_a_400_operation_outcome(client, method, path):
    kwargs = (
        {"json": {"resourceType": "QuestionnaireResponse", "status": "completed"}} if method == "post" else {}
    )
    response = getattr(client, method)(path + "?lang=xx", **kwargs)
    assert response.status_code == 400
    assert response.mimetype == "application/fhir+json"
    outcome = response.get_json()
    OperationOutcome.parse_obj(outcome)
    (issue,) = outcome["issue"]
    assert (issue["severity"], issue["code"]) == ("error", "value")
    assert "'xx'" in issue["diagnostics"]


@pytest.mark.parametrize("answers", ANSWER_SETS[:2])
def test_fhir_evaluate_in_spanish_gives_spanish_words_and_the_same_ids(client, rulebook, spanish, answers):
    typed, errors = parse_answers(rulebook, answers)
    assert not errors
    body = response_from_answers(rulebook, typed, FHIR_BASE, rulebook.version)
    english = client.post("/api/v1/fhir/evaluate", json=body)
    in_spanish = client.post("/api/v1/fhir/evaluate?lang=es", json=body)
    by_browser = client.post("/api/v1/fhir/evaluate", json=body, headers=SPANISH_BROWSER)
    assert [r.status_code for r in (english, in_spanish, by_browser)] == [200] * 3
    en, es = english.get_json(), in_spanish.get_json()
    assert (en["language"], es["language"]) == ("en", "es")
    assert by_browser.get_json() == es
    assert api_ids(es) == api_ids(en)
    assert [t["name"] for t in es["tests"]] == [spanish.tests[t["id"]].name for t in es["tests"]]
    assert all(s["why"] != e["why"] for s, e in zip(es["tests"], en["tests"], strict=True))
    assert [n["text"] for n in es["notes"]] == [spanish.notes[n["id"]].text for n in es["notes"]]
    # The same answers through the JSON API in Spanish: the same result (an empty list of factors
    # has no place in a QuestionnaireResponse, so only the echoed answers may differ).
    through_json = client.post("/api/v1/evaluate?lang=es", json={"answers": answers}).get_json()
    assert {k: v for k, v in es.items() if k != "answers"} == {
        k: v for k, v in through_json.items() if k != "answers"
    }


# --- Infobutton


@pytest.mark.parametrize("code", ["es", "sp", "ES", "SP"])
def test_infobutton_in_spanish_redirects_to_the_questions_in_spanish(client, spanish, code):
    response = client.get(ask("C50.911", ICD_OID, informationRecipient_languageCode_c=code))
    assert response.status_code == 303
    assert response.headers["Location"] == "/start?site=breast&lang=es"
    page = Browser(client).follow(response, response.headers["Location"])
    assert page.status == 200
    assert html_lang(page.html) == "es"
    assert spanish.question("situation").label in page.html  # the first question left, in Spanish


def test_infobutton_json_feed_in_spanish(client, spanish):
    start, site = spanish.pages["start"], spanish.question("site").option("breast")
    feed = client.get(
        ask(
            "C50.911",
            ICD_OID,
            informationRecipient_languageCode_c="es",
            knowledgeResponseType="application/json",
        )
    ).get_json()["feed"]
    assert feed["lang"] == "es"
    terms = {c["scheme"]: c["term"] for c in feed["category"]}
    assert terms["informationRecipient.languageCode.c"] == "es"
    [entry] = feed["entry"]
    assert entry["lang"] == "es"
    assert entry["title"]["_value"] == f"{start.title}: {site.short}"
    assert entry["summary"]["_value"].startswith(f"<p>{start.lede[:40]}")
    assert entry["link"][0]["href"] == "http://localhost/start?site=breast&lang=es"

    test_feed = client.get(
        ask(
            "24606-6",
            LOINC_OID,
            informationRecipient_languageCode_c="sp",
            knowledgeResponseType="application/json",
        )
    ).get_json()["feed"]
    [entry] = test_feed["entry"]
    mammogram = spanish.tests["mammogram"]
    assert (test_feed["lang"], entry["lang"]) == ("es", "es")
    assert entry["title"]["_value"] == mammogram.name == "Mamografía"
    assert entry["summary"]["_value"] == f"<p>{mammogram.summary}</p>"
    assert entry["link"][0]["href"] == "http://localhost/tests/mammogram?lang=es"


def test_infobutton_atom_feed_in_spanish(client, spanish):
    response = client.get(
        ask("24606-6", LOINC_OID, informationRecipient_languageCode_c="es", knowledgeResponseType="text/xml")
    )
    assert response.status_code == 200
    root = ET.fromstring(response.data)  # noqa: S314 - our own answer, parsed to check it
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.get(xml_lang) == "es"
    [entry] = root.findall(f"{atom}entry")
    assert entry.get(xml_lang) == "es"
    assert entry.find(f"{atom}title").text == spanish.tests["mammogram"].name
    assert entry.find(f"{atom}link").get("href") == "http://localhost/tests/mammogram?lang=es"


@pytest.mark.parametrize(
    ("headers", "extra", "lang"),
    [
        (SPANISH_BROWSER, {}, "es"),
        ({}, {}, "en"),
        (ENGLISH_BROWSER, {}, "en"),
        (SPANISH_BROWSER, {"informationRecipient_languageCode_c": "en"}, "en"),  # the record's word wins
        (ENGLISH_BROWSER, {"informationRecipient_languageCode_c": "es"}, "es"),
    ],
)
def test_infobutton_without_its_parameter_follows_the_browser(client, rulebook, headers, extra, lang):
    redirect = client.get(ask("C50.911", ICD_OID, **extra), headers=headers)
    assert redirect.status_code == 303
    expected = "/start?site=breast" + ("&lang=es" if lang == "es" else "")
    assert redirect.headers["Location"] == expected
    feed = client.get(
        ask("24606-6", LOINC_OID, knowledgeResponseType="application/json", **extra), headers=headers
    )
    data = feed.get_json()["feed"]
    assert data["lang"] == lang
    assert data["entry"][0]["title"]["_value"] == rulebook.in_language(lang).tests["mammogram"].name
    assert "Set-Cookie" not in redirect.headers and "Set-Cookie" not in feed.headers


# --- Saved results


def saved_in_spanish(client) -> tuple[Page, str]:
    """Answer in Spanish (the session remembers ?lang=es), open the results and save them."""
    browser = Browser(client)
    page = results(browser, SCREENING_BREAST + "&lang=es")
    assert html_lang(page.html) == "es"
    token = save_token_on(page)
    saved = page.submit_form("/saved")
    return saved, token


def result_ids(rulebook: Rulebook) -> list[str]:
    answers, errors = parse_answers(
        rulebook, {"situation": "screening", "site": "breast", "age": 50, "risk": "average"}
    )
    assert not errors
    return [t.id for t in evaluate(rulebook, answers).tests]


def test_a_result_saved_in_spanish_opens_in_spanish_and_also_in_english(app, client, rulebook, spanish):
    saved, token = saved_in_spanish(client)
    assert (saved.status, saved.url) == (200, f"/saved/{token}?lang=es")  # the redirect keeps the language
    assert html_lang(saved.html) == "es"
    ids = result_ids(rulebook)
    assert "mammogram" in ids
    for test_id in ids:
        assert spanish.tests[test_id].name in saved.html
    assert rulebook.tests["mammogram"].name not in saved.html

    # The same link in English, for someone else: the same result, in English words.
    other = Browser(app.test_client())
    english = other.get(f"/saved/{token}?lang=en")
    assert english.status == 200
    assert html_lang(english.html) == "en"
    for test_id in ids:
        assert rulebook.tests[test_id].name in english.html
    assert spanish.tests["mammogram"].name not in english.html
    # And the bare link follows the visitor: English for a new browser, Spanish for a Spanish one.
    assert html_lang(Browser(app.test_client()).get(f"/saved/{token}").html) == "en"
    fresh = app.test_client()
    assert html_lang(fresh.get(f"/saved/{token}", headers=SPANISH_BROWSER).get_data(as_text=True)) == "es"


def qr_path(link: str) -> str:
    """The drawing of a link's QR code (segno's path data of its dark modules), whatever the SVG around it says."""
    paths = re.findall(r'<path[^>]*\bd="([^"]+)"', str(qr_svg(link)))
    assert paths
    return max(paths, key=len)  # the other path is the light background square


def test_the_link_and_qr_code_shown_to_the_owner_carry_the_language(client):
    saved, token = saved_in_spanish(client)
    link = f"http://localhost/saved/{token}?lang=es"
    (field,) = [i for i in saved.reader.inputs if i.get("id") == "share-link"]
    assert field["value"] == link
    assert qr_path(link) in saved.html
    assert qr_path(f"http://localhost/saved/{token}") not in saved.html


OLD_SNAPSHOT = (
    '<section class="ig-old-snapshot"><h2>Commonly used</h2><h3>Mammogram</h3>'
    "<p>An X-ray picture of the breast, saved before the guide spoke Spanish.</p></section>"
)


def old_style_row(app, answers: dict[str, Any]) -> str:
    """A result saved before languages: its snapshot is the English HTML alone, zlib-compressed."""
    token = new_token()
    with app.app_context():
        save(token, answers, {"en": "placeholder"}, app.extensions["rulebook"].version, dt.timedelta(days=30))
        db.session.execute(
            update(SavedResult)
            .where(SavedResult.token_hash == hash_token(token))
            .values(snapshot=zlib.compress(OLD_SNAPSHOT.encode("utf-8")))
        )
        db.session.commit()
    return token


@pytest.mark.parametrize("query", ["?lang=es", "?lang=en", ""])
def test_a_result_saved_before_languages_still_shows_in_english(app, client, query):
    token = old_style_row(app, {"situation": "screening", "site": "breast", "age": 50})
    response = client.get(f"/saved/{token}{query}", headers=SPANISH_BROWSER)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert OLD_SNAPSHOT in html
    assert html_lang(html) == (
        "en" if query == "?lang=en" else "es"
    )  # the page around it follows the visitor


class _LanguageAt(HTMLParser):
    """The language in force (the nearest lang attribute) at the first element with a given class."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    )

    def __init__(self, css_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.stack: list[tuple[str, str | None]] = []
        self.found: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in self.VOID:
            return
        self.stack.append((tag, a.get("lang")))
        if self.found is None and self.css_class in (a.get("class") or "").split():
            self.found = next((lang for _, lang in reversed(self.stack) if lang is not None), "")

    def handle_endtag(self, tag: str) -> None:
        for n in range(len(self.stack) - 1, -1, -1):
            if self.stack[n][0] == tag:
                del self.stack[n:]
                break


def language_at(html: str, css_class: str) -> str | None:
    parser = _LanguageAt(css_class)
    parser.feed(html)
    return parser.found


def test_an_english_snapshot_on_a_spanish_page_is_marked_english(app, client):
    """WCAG 3.1.2 (language of parts): English text inside a Spanish page says it is English."""
    token = old_style_row(app, {"situation": "screening", "site": "breast", "age": 50})
    html = client.get(f"/saved/{token}?lang=es").get_data(as_text=True)
    assert html_lang(html) == "es"
    assert language_at(html, "ig-old-snapshot") == "en"


# --- Pages: the choice is remembered


@pytest.mark.parametrize("path", PAGES)
def test_lang_on_any_page_is_remembered_for_the_next_one(client, spanish, rulebook, path):
    first = client.get(path + ("&" if "?" in path else "?") + "lang=es")
    assert first.status_code == 200, path
    assert html_lang(first.get_data(as_text=True)) == "es"
    assert first.headers["Content-Language"] == "es"
    assert {"Accept-Language", "Cookie"} <= set(first.vary)
    assert session_of(client)["lang"] == "es"
    # The next page, with no ?lang and an English browser: still Spanish.
    page = Browser(client).get("/tests/mammogram")
    assert html_lang(page.html) == "es"
    assert page.h1.startswith(spanish.tests["mammogram"].name)
    # ?lang=en switches back, and that is remembered too.
    assert (
        html_lang(client.get(path + ("&" if "?" in path else "?") + "lang=en").get_data(as_text=True)) == "en"
    )
    page = Browser(client).get("/tests/mammogram")
    assert html_lang(page.html) == "en"
    assert page.h1.startswith(rulebook.tests["mammogram"].name)


def test_a_new_visitor_gets_the_browsers_language_until_they_choose(client, spanish, rulebook):
    response = client.get("/tests/mammogram", headers=SPANISH_BROWSER)
    assert html_lang(response.get_data(as_text=True)) == "es"
    assert spanish.tests["mammogram"].name in response.get_data(as_text=True)
    assert response.headers["Content-Language"] == "es"
    assert "lang" not in session_of(client)  # the browser's word is not a choice to remember
    assert html_lang(client.get("/tests/mammogram").get_data(as_text=True)) == "en"
    # A choice beats the browser.
    client.get("/tests?lang=en", headers=SPANISH_BROWSER)
    response = client.get("/tests/mammogram", headers=SPANISH_BROWSER)
    assert html_lang(response.get_data(as_text=True)) == "en"
    assert rulebook.tests["mammogram"].name in response.get_data(as_text=True)


def test_a_prefilled_link_with_lang_fills_the_answers_and_speaks_spanish(client, spanish):
    response = client.get("/start?site=breast&situation=screening&lang=es")
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/q/age"  # situation and site are answered
    session = session_of(client)
    assert session["answers"] == {"site": "breast", "situation": "screening"}
    assert session["lang"] == "es"
    assert not session.get("_flashes")  # no notice that `lang` is not one of our questions
    page = Browser(client).get("/q/age")
    assert html_lang(page.html) == "es"
    assert spanish.question("age").label in page.html
