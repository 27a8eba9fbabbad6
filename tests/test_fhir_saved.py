"""A saved result's answers as a FHIR QuestionnaireResponse: download, valid R4, no personal data, round trip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fhir.resources.questionnaireresponse import QuestionnaireResponse
from flask import Flask

from webapp.rulebook import answers_to_dict, asked_answers
from webapp.session_answers import parse_stored
from webapp.storage.saving import new_token

from .db import close, database_app
from .test_share import SCREENING_BREAST, STAGING_LUNG, expire_all, rows, save_from_results
from .webtools import Browser

LINK_TEXT = "Download the answers for a health record (FHIR)"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = database_app(f"sqlite:///{tmp_path / 'saved.sqlite3'}")
    yield app
    close(app)


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


def download_path(token: str) -> str:
    return f"/saved/{token}/questionnaire-response.json"


def test_the_saved_page_links_to_the_download(browser):
    saved, token = save_from_results(browser)
    assert f'<a href="{download_path(token)}" download>{LINK_TEXT}</a>' in saved.html


@pytest.mark.parametrize("link", [SCREENING_BREAST, STAGING_LUNG])
def test_the_download_is_a_valid_private_attachment(browser, app, rulebook, link):
    _, token = save_from_results(browser, link)
    response = browser.client.get(download_path(token))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="imaging-guide-answers.json"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    resource = response.get_json(force=True)
    QuestionnaireResponse.parse_obj(resource)
    [row] = rows(app)
    assert resource["questionnaire"] == (
        f"http://localhost/api/v1/fhir/Questionnaire/imaging-guide|{row['rules_version']}"
    )
    assert resource["status"] == "completed"


def test_it_holds_the_answers_and_nothing_about_the_person(browser, app, rulebook):
    _, token = save_from_results(browser, STAGING_LUNG)
    resource = browser.client.get(download_path(token)).get_json(force=True)
    # No subject, author, source, identifier or free text: only the answers and the day saved.
    assert list(resource) == ["resourceType", "questionnaire", "status", "authored", "item"]
    [row] = rows(app)
    assert resource["authored"] == row["created_at"].date().isoformat()
    assert all(set(item) == {"linkId", "text", "answer"} for item in resource["item"])
    answers = {
        item["linkId"]: [a.get("valueCoding", {}).get("code", a.get("valueInteger")) for a in item["answer"]]
        for item in resource["item"]
    }
    assert answers == {
        "situation": ["staging"],
        "site": ["lung"],
        "age": [64],
        "factors": ["implant", "kidney"],
    }


@pytest.mark.parametrize("link", [SCREENING_BREAST, STAGING_LUNG])
def test_the_download_posted_back_gives_the_same_result(browser, app, rulebook, link):
    _, token = save_from_results(browser, link)
    resource = browser.client.get(download_path(token)).get_json(force=True)
    evaluated = browser.client.post("/api/v1/fhir/evaluate", json=resource)
    assert evaluated.status_code == 200, evaluated.get_json(force=True)
    [row] = rows(app)
    asked, _ = asked_answers(rulebook, parse_stored(rulebook, row["answers"]))
    answers = {k: v for k, v in answers_to_dict(rulebook, asked).items() if v != []}
    expected = browser.client.post("/api/v1/evaluate", json={"answers": answers}).get_json()
    assert evaluated.get_json() == expected


def test_expired_deleted_and_unknown_links_get_the_saved_pages_not_found(browser, app):
    saved, deleted = save_from_results(browser)
    saved.submit_form(f"/saved/{deleted}/delete")
    _, expired = save_from_results(browser)
    expire_all(app)
    not_found = browser.client.get(f"/saved/{new_token()}")
    for token in (deleted, expired, new_token(), "A" * 42):
        response = browser.client.get(download_path(token))
        assert response.status_code == 404
        assert response.get_data() == not_found.get_data()
        assert response.headers["X-Robots-Tag"].startswith("noindex")
        assert response.headers["Cache-Control"] == "no-store"
