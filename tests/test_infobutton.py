"""GET /infobutton: a health record's code leads to the questions, a test page, or a feed; never a 500.

Most tests run on the real rules with a small hand-checked code map of our own in rules/codes/ (so
they do not change when the real code maps grow); the last ones walk the real code maps.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp import create_app
from webapp.infobutton import whole_years
from webapp.rulebook import load

from .conftest import RULES

ICD_OID = "2.16.840.1.113883.6.90"
ICD_URI = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC_OID = "2.16.840.1.113883.6.1"
SNOMED_OID = "2.16.840.1.113883.6.96"
ICD9_OID = "2.16.840.1.113883.6.103"

SOURCED = 'sources = ["https://example.org/code"]\nreviewed = "2026-12-01"'
CODE_FILES = {
    "icd10cm.toml": f"""
[system]
name = "ICD-10-CM"
kind = "diagnosis"
oid = "{ICD_OID}"
uri = "{ICD_URI}"
{SOURCED}

[[code]]
code = "C50"
prefix = true
display = "Malignant neoplasm of breast"
site = "breast"
{SOURCED}

[[code]]
code = "C34"
prefix = true
display = "Malignant neoplasm of bronchus and lung"
site = "lung"
{SOURCED}

[[code]]
code = "Z12.31"
display = "Encounter for screening mammogram for malignant neoplasm of breast"
site = "breast"
situation = "screening"
{SOURCED}

[[code]]
code = "Z85.3"
display = "Personal history of malignant neoplasm of breast"
site = "breast"
situation = "follow_up"
{SOURCED}

[[code]]
code = "Z08"
display = "Encounter for follow-up examination after completed treatment for malignant neoplasm"
situation = "follow_up"
{SOURCED}
""",
    "loinc.toml": f"""
[system]
name = "LOINC"
kind = "procedure"
oid = "{LOINC_OID}"
uri = "http://loinc.org"
{SOURCED}

[[code]]
code = "24606-6"
display = "MG Breast Screening"
test = "mammogram"
{SOURCED}
""",
    "snomed.toml": f"""
[system]
name = "SNOMED CT"
kind = "diagnosis"
oid = "{SNOMED_OID}"
uri = "http://snomed.info/sct"
{SOURCED}

[[code]]
code = "254837009"
display = "Malignant neoplasm of breast (disorder)"
site = "breast"
{SOURCED}
""",
}


def fixture_rules(folder: Path) -> Path:
    """The real rules with our small code map in place of the real one."""
    target = folder / "rules"
    shutil.copytree(RULES, target)
    shutil.rmtree(target / "codes", ignore_errors=True)
    (target / "codes").mkdir()
    for name, text in CODE_FILES.items():
        (target / "codes" / name).write_text(text)
    return target


def make(rules: Path, **config) -> Flask:
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "RULES_DIR": str(rules), **config}
    )


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory) -> Path:
    return fixture_rules(tmp_path_factory.mktemp("infobutton"))


@pytest.fixture(scope="module")
def app(rules_dir) -> Flask:
    app = make(rules_dir)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 must come back as a response, not raise
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def ask(code: str | None = None, system: str | None = ICD_OID, **more: str) -> str:
    """An infobutton URL; `more` uses the guide's names with '_' for '.' (age_v_v=50)."""
    params = {}
    if code is not None:
        params["mainSearchCriteria.v.c"] = code
    if system is not None:
        params["mainSearchCriteria.v.cs"] = system
    params |= {k.replace("_", "."): v for k, v in more.items()}
    return "/infobutton?" + urlencode(params)


# (why, url, status, Location)
REQUESTS = [
    ("ICD-10-CM with its dot", ask("C50.911"), 303, "/start?site=breast"),
    ("ICD-10-CM without the dot", ask("C50911"), 303, "/start?site=breast"),
    ("lower case, FHIR URI", ask("c50.911", ICD_URI), 303, "/start?site=breast"),
    (
        "code system with spaces and capitals",
        ask("C34.90", " HTTP://hl7.org/fhir/sid/icd-10-cm "),
        303,
        "/start?site=lung",
    ),
    ("age in years", ask("C50.9", age_v_v="52", age_v_u="a"), 303, "/start?site=breast&age=52"),
    ("age in months", ask("C50.9", age_v_v="600", age_v_u="mo"), 303, "/start?site=breast&age=50"),
    (
        "age in weeks, rounded down",
        ask("C50.9", age_v_v="2608", age_v_u="wk"),
        303,
        "/start?site=breast&age=49",
    ),
    ("age in days", ask("C50.9", age_v_v="18263", age_v_u="d"), 303, "/start?site=breast&age=50"),
    ("age in hours", ask("C50.9", age_v_v="438300", age_v_u="h"), 303, "/start?site=breast&age=50"),
    ("age in minutes", ask("C50.9", age_v_v="26298000", age_v_u="min"), 303, "/start?site=breast&age=50"),
    ("age with decimals", ask("C50.9", age_v_v="64.9", age_v_u="a"), 303, "/start?site=breast&age=64"),
    ("baby", ask("C50.9", age_v_v="11", age_v_u="mo"), 303, "/start?site=breast&age=0"),
    ("junk age", ask("C50.9", age_v_v="fifty", age_v_u="a"), 303, "/start?site=breast"),
    ("negative age", ask("C50.9", age_v_v="-5", age_v_u="a"), 303, "/start?site=breast"),
    ("age too old", ask("C50.9", age_v_v="500", age_v_u="a"), 303, "/start?site=breast"),
    ("age without unit", ask("C50.9", age_v_v="50"), 303, "/start?site=breast"),
    ("age in an unknown unit", ask("C50.9", age_v_v="50", age_v_u="yr"), 303, "/start?site=breast"),
    ("age as an exponent", ask("C50.9", age_v_v="1e1", age_v_u="a"), 303, "/start?site=breast"),
    ("age in other digits", ask("C50.9", age_v_v="٥٠", age_v_u="a"), 303, "/start?site=breast"),
    (
        "Z12 screening",
        ask("Z12.31", age_v_v="50", age_v_u="a"),
        303,
        "/start?situation=screening&site=breast&age=50",
    ),
    ("Z85 history", ask("Z85.3"), 303, "/start?situation=follow_up&site=breast"),
    ("Z08 follow-up, no body area", ask("Z08"), 303, "/start?situation=follow_up"),
    ("LOINC", ask("24606-6", LOINC_OID), 303, "/tests/mammogram"),
    ("LOINC by URI", ask("24606-6", "http://loinc.org"), 303, "/tests/mammogram"),
    ("SNOMED CT", ask("254837009", SNOMED_OID), 303, "/start?site=breast"),
    ("clinician: the rule table", ask("C50.9", informationRecipient="PROV"), 303, "/rules/breast"),
    ("clinician, lower case", ask("C34.1", informationRecipient="prov"), 303, "/rules/lung"),
    ("clinician, no body area", ask("Z08", informationRecipient="PROV"), 303, "/rules"),
    ("clinician, a test", ask("24606-6", LOINC_OID, informationRecipient="PROV"), 303, "/tests/mammogram"),
    ("patient said so", ask("C50.9", informationRecipient="PAT"), 303, "/start?site=breast"),
    (
        "Spanish asked (MedlinePlus's 'sp'), Spanish given",
        ask("C50.9", informationRecipient_languageCode_c="sp"),
        303,
        "/start?site=breast&lang=es",
    ),
    ("task context", ask("C50.9", taskContext_c_c="PROBLISTREV"), 303, "/start?site=breast"),
    ("display name is not matched", ask("X99.9", mainSearchCriteria_v_dn="Breast cancer"), 404, None),
    (
        "the second code when the first is unknown",
        ask("X99.9")
        + "&"
        + urlencode({"mainSearchCriteria.v.c1": "24606-6", "mainSearchCriteria.v.cs1": LOINC_OID}),
        303,
        "/tests/mammogram",
    ),
    (
        "extra parameters are ignored",
        ask("C50.9") + "&patientPerson.administrativeGenderCode.c=F&x=1",
        303,
        "/start?site=breast",
    ),
    ("unknown code", ask("X99.9"), 404, None),
    ("a prefix only covers codes under it", ask("C5"), 404, None),
    ("code system we do not map", ask("174.9", ICD9_OID), 404, None),
    ("code of only spaces", ask("   "), 404, None),
    ("no code", ask(None), 400, None),
    ("empty code", ask(""), 400, None),
    ("no code system", ask("C50.9", None), 400, None),
    ("nothing at all", "/infobutton", 400, None),
    ("huge code", ask("C" * 100_000), 400, None),
    ("huge other parameter", ask("C50.9", taskContext_c_c="x" * 5000), 400, None),
    ("JSONP is not offered", ask("C50.9", knowledgeResponseType="application/javascript"), 400, None),
    ("response type in capitals", ask("C50.9", knowledgeResponseType="TEXT/HTML"), 400, None),
]


@pytest.mark.parametrize(
    ("url", "status", "location"), [r[1:] for r in REQUESTS], ids=[r[0] for r in REQUESTS]
)
def test_requests(client, url, status, location):
    response = client.get(url)
    assert response.status_code == status
    assert response.headers.get("Location") == location


def test_following_the_link_lands_on_the_questions_with_site_and_age_filled_in(client):
    response = client.get(ask("C50.911", age_v_v="600", age_v_u="mo"), follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/q/situation"  # the record does not say the situation
    with client.session_transaction() as session:
        assert session["answers"] == {"site": "breast", "age": 50}


def test_a_screening_code_fills_in_the_situation_too(client):
    response = client.get(ask("Z12.31", age_v_v="52", age_v_u="a"), follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path.startswith("/q/")
    with client.session_transaction() as session:
        assert session["answers"] == {"situation": "screening", "site": "breast", "age": 52}


def test_a_procedure_code_lands_on_the_test_page(client):
    response = client.get(ask("24606-6", LOINC_OID), follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/tests/mammogram"


def test_a_clinician_lands_on_the_rule_table(client):
    response = client.get(ask("C34.1", informationRecipient="PROV"), follow_redirects=True)
    assert response.status_code == 200
    assert "Rules for Lung" in response.get_data(as_text=True)


# --- the page for a code we have no page for --------------------------------------------------------


def test_unknown_code_page_echoes_the_code_safely_and_offers_the_ways_in(client):
    code = '<script>alert("x")</script>9'  # 28 characters: codes may have 40
    page = client.get(ask(code, age_v_v="61", age_v_u="a")).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<code>“&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;9”</code> (ICD-10-CM)" in page
    assert "This guide has no page for that code" in page
    for href in ('href="/start?age=61"', 'href="/tests"', 'href="/rules"'):
        assert href in page


def test_unknown_code_system_is_echoed_shortened(client):
    page = client.get(ask("C50.9", "urn:oid:" + "1.2" * 30)).get_data(as_text=True)
    assert "(“urn:oid:1.21.21.21.21.21.21.21.21.21.21.…”)" in page


def test_missing_code_page_says_what_is_missing(client):
    response = client.get(ask(None))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This link is missing a part" in page
    assert "mainSearchCriteria.v.c" in page
    assert 'href="/start"' in page


# --- the feed: MedlinePlus Connect's JSON, and Atom XML -----------------------------------------


def test_json_for_a_known_code_has_medlineplus_connects_shape(client):
    url = ask("C50.911", knowledgeResponseType="application/json", taskContext_c_c="PROBLISTREV")
    response = client.get(url + "&age.v.v=50&age.v.u=a")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    feed = response.get_json()["feed"]
    assert list(feed) == [
        "xsi",
        "base",
        "lang",
        "title",
        "subtitle",
        "author",
        "updated",
        "category",
        "id",
        "entry",
    ]
    assert feed["lang"] == "en"
    assert feed["title"] == {"_value": "Imaging Guide", "type": "text"}
    assert feed["subtitle"]["_value"] == "Imaging Guide results for ICD-10-CM C50.911"
    terms = {c["scheme"]: c["term"] for c in feed["category"]}
    assert terms["mainSearchCriteria.v.c"] == "C50.911"
    assert terms["mainSearchCriteria.v.cs"] == ICD_OID
    assert terms["taskContext.c.c"] == "PROBLISTREV"
    assert terms["informationRecipient"] == "PAT"
    [entry] = feed["entry"]
    assert entry["title"] == {"_value": "Imaging tests for cancer, explained: Breast", "type": "text"}
    assert entry["link"] == [
        {
            "title": "Imaging tests for cancer, explained: Breast",
            "rel": "alternate",
            "type": "html",
            "href": "http://localhost/start?site=breast&age=50",
        }
    ]
    assert entry["summary"]["type"] == "html"
    assert entry["summary"]["_value"].startswith("<p>Answer a few short questions.")
    assert entry["updated"] == {"_value": "2026-12-01T00:00:00Z"}


def test_json_for_a_procedure_has_the_tests_name_and_summary(client, app):
    feed = client.get(ask("24606-6", LOINC_OID, knowledgeResponseType="application/json")).get_json()["feed"]
    [entry] = feed["entry"]
    mammogram = app.extensions["rulebook"].tests["mammogram"]
    assert entry["title"]["_value"] == mammogram.name
    assert entry["summary"]["_value"] == f"<p>{mammogram.summary}</p>"
    assert entry["link"][0]["href"] == "http://localhost/tests/mammogram"


@pytest.mark.parametrize(
    "url",
    [
        ask("X99.9", knowledgeResponseType="application/json"),
        ask("174.9", ICD9_OID, knowledgeResponseType="application/json"),
    ],
)
def test_json_for_an_unknown_code_or_system_is_an_empty_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.get_json()["feed"]["entry"] == []


def test_json_with_several_codes_lists_each_place_once(client):
    url = (
        ask("C50.1", knowledgeResponseType="application/json")
        + "&"
        + urlencode(
            {
                "mainSearchCriteria.v.c1": "254837009",  # breast again: the same page, listed once
                "mainSearchCriteria.v.cs1": SNOMED_OID,
                "mainSearchCriteria.v.c2": "24606-6",
                "mainSearchCriteria.v.cs2": LOINC_OID,
            }
        )
    )
    entries = client.get(url).get_json()["feed"]["entry"]
    assert [e["link"][0]["href"] for e in entries] == [
        "http://localhost/start?site=breast",
        "http://localhost/tests/mammogram",
    ]


def test_json_errors_use_the_api_error_shape(client):
    response = client.get(ask(None, knowledgeResponseType="application/json"))
    assert response.status_code == 400
    assert response.get_json() == {
        "errors": {
            "mainSearchCriteria.v.c": [
                "'mainSearchCriteria.v.c' is missing: send a diagnosis or procedure code"
            ]
        }
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_feeds_are_cacheable_and_revalidate_by_rules_version_and_query(client):
    url = ask("C50.9", knowledgeResponseType="application/json")
    first = client.get(url)
    assert first.headers["Cache-Control"] == "public, max-age=300"
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    other = client.get(ask("C34.1", knowledgeResponseType="application/json"))
    assert other.headers["ETag"] != etag


def test_xml_is_an_atom_feed_with_the_same_entries_escaped(client):
    response = client.get(
        ask("C50.9", knowledgeResponseType="text/xml", mainSearchCriteria_v_dn='Breast <cancer> & "more"')
    )
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(response.data)  # noqa: S314 - our own answer, parsed to check it
    assert root.tag == f"{atom}feed"
    terms = {c.get("scheme"): c.get("term") for c in root.iter(f"{atom}category")}
    assert terms["mainSearchCriteria.v.dn"] == 'Breast <cancer> & "more"'
    [entry] = root.findall(f"{atom}entry")
    assert entry.find(f"{atom}link").get("href") == "http://localhost/start?site=breast"
    assert entry.find(f"{atom}summary").get("type") == "html"


def test_the_api_limit_applies(rules_dir):
    limited = make(rules_dir, RATELIMIT_ENABLED=True, API_LIMITS_PER_CLIENT="2 per minute")
    client = limited.test_client()
    statuses = [client.get(ask("C50.9")).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]


@pytest.mark.parametrize(
    ("value", "unit", "years"),
    [
        ("50", "a", 50),
        ("50", "A", None),
        ("0.5", "a", 0),
        ("120", "a", 120),
        ("121", "a", None),
        ("", "a", None),
        ("1" * 10, "min", None),
    ],
)
def test_whole_years(value, unit, years):
    assert whole_years(value, unit, 120) == years


# --- the OpenAPI document describes every answer ------------------------------------------------


@pytest.fixture(scope="module")
def schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


DOCUMENTED = [
    ("redirect", {"mainSearchCriteria.v.c": "C50.9", "mainSearchCriteria.v.cs": ICD_OID}, {}, 303),
    (
        "json",
        {
            "mainSearchCriteria.v.c": "C50.9",
            "mainSearchCriteria.v.cs": ICD_OID,
            "knowledgeResponseType": "application/json",
        },
        {},
        200,
    ),
    (
        "empty json",
        {
            "mainSearchCriteria.v.c": "X",
            "mainSearchCriteria.v.cs": ICD_OID,
            "knowledgeResponseType": "application/json",
        },
        {},
        200,
    ),
    (
        "xml",
        {
            "mainSearchCriteria.v.c": "24606-6",
            "mainSearchCriteria.v.cs": LOINC_OID,
            "knowledgeResponseType": "text/xml",
        },
        {},
        200,
    ),
    ("page", {"mainSearchCriteria.v.c": "X", "mainSearchCriteria.v.cs": ICD_OID}, {}, 404),
    ("json error", {"mainSearchCriteria.v.c": "C50.9", "knowledgeResponseType": "application/json"}, {}, 400),
    ("page error", {"mainSearchCriteria.v.cs": ICD_OID}, {}, 400),
]


@pytest.mark.parametrize(
    ("query", "headers", "status"), [d[1:] for d in DOCUMENTED], ids=[d[0] for d in DOCUMENTED]
)
def test_every_answer_is_as_the_openapi_document_says(schema, app, query, headers, status):
    case = schema["/infobutton"]["GET"].Case(query=query, headers=headers)
    response = case.call(app=app)
    assert response.status_code == status
    case.validate_response(response)


def test_a_revalidated_feed_is_documented_too(schema, app, client):
    query = {
        "mainSearchCriteria.v.c": "C50.9",
        "mainSearchCriteria.v.cs": ICD_OID,
        "knowledgeResponseType": "application/json",
    }
    etag = client.get("/infobutton?" + urlencode(query)).headers["ETag"]
    case = schema["/infobutton"]["GET"].Case(query=query, headers={"If-None-Match": etag})
    response = case.call(app=app)
    assert response.status_code == 304
    case.validate_response(response)


# --- generated junk: never a 500 ------------------------------------------------------------------

NAMES = [
    "mainSearchCriteria.v.c",
    "mainSearchCriteria.v.cs",
    "mainSearchCriteria.v.dn",
    "mainSearchCriteria.v.c1",
    "mainSearchCriteria.v.cs1",
    "mainSearchCriteria.v.c9",
    "mainSearchCriteria.v.cs9",
    "knowledgeResponseType",
    "informationRecipient",
    "informationRecipient.languageCode.c",
    "age.v.v",
    "age.v.u",
    "taskContext.c.c",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
VALUES = st.one_of(
    TEXT,
    st.sampled_from(
        ["C50.9", "c50911", "Z08", "24606-6", "254837009", ICD_OID, ICD_URI, LOINC_OID, SNOMED_OID]
    ),
    st.sampled_from(
        ["text/html", "application/json", "text/xml", "PROV", "PAT", "sp", "a", "mo", "wk", "min"]
    ),
    st.builds(
        lambda n, tail: str(n) + tail, st.integers(-(10**12), 10**12), st.sampled_from(["", ".5", "e9", " "])
    ),
    st.builds(lambda n: "9" * n, st.integers(30, 300)),
)


@settings(
    max_examples=500, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
@given(query=st.lists(st.tuples(st.one_of(st.sampled_from(NAMES), TEXT), VALUES), max_size=8))
def test_no_query_gives_a_500(app, query):
    client = app.test_client()
    response = client.get("/infobutton?" + urlencode(query))
    assert response.status_code in (200, 303, 400, 404), response.get_data(as_text=True)[:300]
    if response.status_code == 303:
        assert response.headers["Location"].startswith(("/start", "/tests/", "/rules"))
    if response.status_code == 200:
        assert (
            "feed" in response.get_json()
            if response.mimetype == "application/json"
            else ET.fromstring(response.data) is not None  # noqa: S314
        )


# --- the real code maps ----------------------------------------------------------------------------

REAL = load(RULES)
REAL_ENTRIES = [(s.oid, e) for s in REAL.codes.systems for e in s.entries]


@pytest.fixture(scope="module")
def real_client():
    return make(RULES).test_client()


@pytest.mark.parametrize(
    ("oid", "entry"), REAL_ENTRIES, ids=[f"{e.system} {e.code}" for _, e in REAL_ENTRIES]
)
def test_every_real_code_leads_where_its_entry_says(real_client, oid, entry):
    location = real_client.get(ask(entry.code, oid)).headers.get("Location", "")
    if entry.kind == "procedure":
        assert location == f"/tests/{entry.test}"
    else:
        assert location.startswith("/start?")
        assert (f"site={entry.site}" in location) == bool(entry.site)
        assert (f"situation={entry.situation}" in location) == bool(entry.situation)
