"""No English left on a Spanish page: every page a journey reaches, read as a person reads it.

The words a Spanish page may not show are the English-only words: every word of the English
interface catalogue (the msgids) and of the English rule texts that appears nowhere in the Spanish
catalogue or the Spanish rule texts. Test names the same in both languages (PET/CT, DXA) are in
both, so they pass. A page is read as a person and a screen reader meet it: its text, hidden
explanations and screen-reader text included, and the attributes that are read out (aria-label,
alt, title, placeholder, a button's value). Parts marked `lang="en"` are English on purpose (the
switch's "English", the rule table's notes for editors) and are skipped; which parts may be so is
checked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from babel.messages.pofile import read_po

from webapp.catalogue import TRANSLATIONS
from webapp.rulebook import Rulebook
from webapp.rulebook.texts import patient_texts

from .webtools import Browser, Page

# Whole words only: letters inside a code such as a rules version (df9590be57c9) are not a word.
WORD = re.compile(r"\b[A-Za-zÀ-ÿ]+(?:['’][a-z]+)?\b")
READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")
# Not words: scripts and styles, and `code` (rule ids and versions, the same in every language).
SKIPPED_TAGS = {"script", "style", "template", "code"}
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Words both vocabularies have, each checked by a person: Spanish words spelled as in English
# (normal, total, plan, tumor), names (Ana, Lynch, PubMed, MedlinePlus, Image Wisely, Journal of Nuclear Medicine),
# acronyms and drug names (PSA, BRCA, NCCN, FDG), test names the same in both (PET, DXA, MUGA),
# trial and scale names (PET-NECK, Lung-RADS) and the what-if page's parameter names (change, to).
# A word that joins this list is an English word in a Spanish text until someone checks it.
SHARED_WORDS = frozenset(
    """
    aasld acr acs adt afp alcohol amir ana apasl asco atm aua brca ca cancer caps carmen cdc cea
    central change choosing clips cm colitis colon control cookie ct david dcfpyl decide dexa
    diabetes dual dxa eano easl ebus ella enema error eus extra factor favorable fdg fhir fit
    flotufolastat fna fnb frank ga gas gel general genes george glioma grace helen hepatitis
    hepatoblastoma hippel hnpcc image jeghers joan jon journal ldct li lindau local lr lung lynch
    maya mdp me medicine medlineplus melanoma melanomas metal mm molecular msv muga natural nccn
    neck net nice no normal nuclear of omar osteoporosis pancreatitis pap pelvis personal pet peutz
    piflufolastat plan png posluma pretext priya pros psa psma pubmed pylarify qr radio
    radiologyinfo rads rai raj red regular ret rosa rsna ruth sam semen simple svg tc technology ti
    to tom total trastuzumab tsh tumor use uspstf usual vagina vaginal vhl virtual virus von walter
    web wilms wisely
    """.split()  # noqa: SIM905 - a paragraph of words reads better than 155 lines
)
# Page regions written in English on purpose, by what they hold: the switch's own name, and on the
# rule table the notes for editors and the changelog (both written for editors, in English).
ENGLISH_ON_PURPOSE = {"English"}


def words(text: str) -> set[str]:
    """The words of a text, lower-cased; placeholders and markup are not words."""
    # Addresses are not words: a link's query names the public question ids, in English on purpose.
    text = re.sub(r"%\(\w+\)[sd]|<[^>]+>|&\w+;|\S*(?:://|[/?&=])\S*", " ", text)
    return {w.lower().replace("’", "'") for w in WORD.findall(text) if len(w) > 1}


def catalogue() -> list[tuple[str, str]]:
    """Every (English, Spanish) pair of the interface catalogue, plural forms included."""
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        messages = read_po(f)
    pairs = []
    for m in messages:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        pairs += [(" ".join(ids), " ".join(s for s in strings if s))]
    return pairs


@pytest.fixture(scope="module")
def english_only(rulebook: Rulebook) -> set[str]:
    """Words that are English and never Spanish, by our own two vocabularies."""
    spanish_book = rulebook.in_language("es")
    english: set[str] = set()
    spanish: set[str] = set()
    for en, es in catalogue():
        english |= words(en)
        spanish |= words(es)
    for text in patient_texts(rulebook):
        english |= words(text.text)
    for text in patient_texts(spanish_book):
        spanish |= words(text.text)
    for term in spanish_book.glossary.values():
        for form in term.forms:
            spanish |= words(form)
    return english - spanish


class _Visible(HTMLParser):
    """The text a person meets on a page, and the English-on-purpose parts set aside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.english: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, english)

    def _inside(self) -> tuple[bool, bool]:
        return (any(s for _, s, _ in self._stack), any(e for _, _, e in self._stack))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        skipped, english = self._inside()
        skipped = skipped or tag in SKIPPED_TAGS
        english = english or (
            a.get("lang") == "en" and tag != "html"
        )  # the page's own language is not a part
        if not skipped:
            spoken = [a[name] for name in READ_ATTRIBUTES if a.get(name)]
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                spoken.append(a["value"])
            (self.english if english else self.parts).extend(spoken)
        if tag not in VOID_TAGS:
            self._stack.append((tag, skipped, english))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        skipped, english = self._inside()
        if not skipped and data.strip():
            (self.english if english else self.parts).append(data)


def english_words(page: Page, english_only: set[str]) -> tuple[set[str], list[str]]:
    """The English-only words a page shows, and its parts marked as English."""
    reader = _Visible()
    reader.feed(page.html)
    shown = set().union(*(words(part) for part in reader.parts)) if reader.parts else set()
    return shown & english_only, [" ".join(p.split()) for p in reader.english]


# Answers that reach every question, together: each journey through the real questions.
JOURNEYS = [
    {
        "situation": "screening",
        "site": "lung",
        "age": "62",
        "smoking": "former",
        "pack_years": "30",
        "years_since_quit": "5",
        "factors": "none",
    },
    {"situation": "screening", "site": "breast", "age": "45", "risk": "higher", "factors": ["implant"]},
    {
        "situation": "symptoms",
        "site": "colorectal",
        "age": "58",
        "found_by": "screening_result",
        "factors": ["kidney", "contrast_allergy"],
    },
    {
        "situation": "staging",
        "site": "breast",
        "age": "51",
        "extent": "advanced",
        "factors": ["pregnant", "claustrophobia"],
    },
    {
        "situation": "follow_up",
        "site": "lymphoma",
        "age": "12",
        "follow_up_reason": "possible_return",
        "factors": ["breastfeeding"],
    },
]


def journey_pages(browser: Browser, answers: dict[str, object]) -> Iterator[Page]:
    """Every page of one journey in Spanish: each question (and one error), check, results, print."""
    page = browser.get("/start?lang=es")
    erred = False
    while page.url.startswith("/q/"):
        yield page
        question = page.url.split("?")[0].removeprefix("/q/")
        if not erred and question in ("situation", "age"):  # a page with an error, in Spanish too
            erred = True
            yield page.submit({"situation": ""} if question == "situation" else {"age": "500"})
        value = answers.get(question, "")
        page = page.submit({question: value})  # type: ignore[dict-item]
    assert page.url.startswith("/check"), page.url
    yield page
    yield browser.get("/results")
    yield browser.get("/results/print")


def other_pages(browser: Browser, book: Rulebook) -> Iterator[Page]:
    """The pages beyond the questions: library, words, about, teaching, care teams, errors."""
    for path in ("/", "/about", "/glossary", "/tests", "/tests/compare?tests=ct&tests=mri&tests=pet_ct"):
        yield browser.get(path)
    for test_id in book.tests:
        yield browser.get(f"/tests/{test_id}")
    yield browser.get("/link")
    query = urlencode({"situation": "staging", "site": "lung", "factors": "kidney"})
    yield browser.get(f"/link?{query}")
    yield browser.get("/link?situation=nope&site=lung&age=900")
    yield browser.get(f"/link/cards?{query}")
    yield browser.get("/teach")
    scenario = next(iter(book.scenarios))
    yield browser.get(f"/teach/{scenario}")
    yield browser.get(f"/teach/{scenario}/present")
    yield browser.get("/journey?site=lung")
    yield browser.get("/tests/nothing-here")
    yield browser.get("/start?site=nowhere&colour=blue")
    yield browser.get(
        "/infobutton?mainSearchCriteria.v.c=Z99.9&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
    )


def rule_table_pages(browser: Browser) -> Iterator[Page]:
    """The rule table for care teams: the overview, one body area, one cell, the changelog."""
    yield browser.get("/rules")
    yield browser.get("/rules/lung")
    yield browser.get("/rules/lung/staging/pet_ct")
    yield browser.get("/rules/changelog")


def assert_spanish(
    page: Page, english_only: set[str], allowed_english: set[str] = ENGLISH_ON_PURPOSE
) -> None:
    assert '<html lang="es"' in page.html, page.url
    found, english_parts = english_words(page, english_only)
    assert not found, f"{page.url} shows English: {sorted(found)}"
    assert set(english_parts) <= allowed_english, f"{page.url} marks as English: {english_parts}"


@pytest.mark.parametrize("answers", JOURNEYS, ids=[f"{j['situation']}-{j['site']}" for j in JOURNEYS])
def test_every_page_of_a_journey_in_spanish_has_no_english_left(app, answers, english_only):
    browser = Browser(app.test_client())
    for page in journey_pages(browser, answers):
        assert_spanish(page, english_only)
    # Saving gives a link that opens in Spanish, for its owner and for anyone else.
    results = browser.get("/results")
    saved = results.submit_form("/saved")
    assert saved.url.startswith("/saved/") and "lang=es" in saved.url
    assert_spanish(saved, english_only)
    assert_spanish(Browser(app.test_client()).get(saved.url), english_only)


def test_every_other_page_in_spanish_has_no_english_left(app, rulebook, english_only):
    browser = Browser(app.test_client())
    browser.get("/?lang=es")
    for page in other_pages(browser, rulebook):
        assert_spanish(page, english_only)


def test_the_rule_table_in_spanish_keeps_only_the_editors_notes_in_english(app, rulebook, english_only):
    browser = Browser(app.test_client())
    browser.get("/?lang=es")
    notes = {" ".join(r.about.split()) for r in rulebook.rules}
    for page in rule_table_pages(browser):
        found, english_parts = english_words(page, english_only)
        assert not found, f"{page.url} shows English: {sorted(found)}"
        # English on purpose: the switch, a rule's note for editors, the changelog's entries.
        others = [p for p in english_parts if p not in ENGLISH_ON_PURPOSE and p not in notes]
        if page.url != "/rules/changelog":
            assert not others, f"{page.url} marks as English: {others[:5]}"


def test_the_words_both_languages_share_were_each_checked(rulebook):
    """An English word left in a Spanish text would hide from the scan, so every shared word is known."""
    spanish_book = rulebook.in_language("es")
    english = set().union(
        *(words(en) for en, _ in catalogue()), *(words(t.text) for t in patient_texts(rulebook))
    )
    spanish = set().union(
        *(words(es) for _, es in catalogue()), *(words(t.text) for t in patient_texts(spanish_book))
    )
    spanish |= {w for term in spanish_book.glossary.values() for form in term.forms for w in words(form)}
    unchecked = (english & spanish) - SHARED_WORDS
    assert not unchecked, (
        f"English words in Spanish texts (translate them, or add Spanish ones to SHARED_WORDS): {sorted(unchecked)}"
    )


def test_the_scan_would_catch_an_english_word(app, english_only):
    """The check itself: the same page in English is full of English-only words."""
    page = Browser(app.test_client()).get("/?lang=en")
    found, _ = english_words(page, english_only)
    assert {"imaging", "tests", "questions"} <= found
