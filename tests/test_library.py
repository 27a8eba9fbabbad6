"""The test library, the compare table and the glossary, as a reader (or a screen reader) meets them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from webapp.readability import reading_grade
from webapp.rulebook.texts import patient_texts
from webapp.templating import long_date

from .contract import CONTRACT_TESTS

SECTIONS = (
    "What it is like",
    "Getting ready",
    "What it uses and radiation",
    "What it shows well",
    "What it cannot do",
    "Who may need a different test or extra care",
    "Questions you could ask",
)
ROWS = (
    "What it uses",
    "Radiation",
    "Dye (contrast)",
    "Time",
    "What it is like",
    "What it shows well",
    "What it cannot do",
)
SELECT_2_OR_3 = "Select 2 or 3 tests to compare"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _popover(child: Node | str) -> bool:
    return not isinstance(child, str) and "popover" in child.attrs


# --- A small DOM, enough to ask questions about headings, links, forms and tables -------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def raw_text(self) -> str:
        """The words a person sees; explanations of hard words (popovers) open one at a time."""
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children if not _popover(c))

    def text(self) -> str:
        return re.sub(r"\s+", " ", self.raw_text()).strip()

    def all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                wanted = tag in (None, child.tag)
                if wanted and all(
                    child.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()
                ):
                    found.append(child)
                found.extend(child.all(tag, **attrs))
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def by_id(self, element_id: str) -> Node:
        return self.one(id=element_id)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def main_of(response) -> Node:
    return parse(response.get_data(as_text=True)).one("main")


def title_of(response) -> str:
    return parse(response.get_data(as_text=True)).one("title").text()


@pytest.fixture
def client(app):
    return app.test_client()


# --- One page per test -------------------------------------------------------------------------


@pytest.mark.parametrize("test_id", sorted(CONTRACT_TESTS))
def test_every_contract_test_has_a_full_page(client, rulebook, test_id):
    test = rulebook.tests[test_id]
    response = client.get(f"/tests/{test_id}")
    assert response.status_code == 200
    assert title_of(response) == f"{test.name} – Imaging Guide"
    main = main_of(response)
    assert [h.text() for h in main.all("h1")] == [test.name]

    # The plain description comes first, the other names after it.
    text = main.text()
    assert text.index(test.summary) < (text.index(test.also_called) if test.also_called else len(text))

    # Every section, in order, each reachable from the "On this page" list.
    headings = [h.text() for h in main.all("h2")]
    assert [h for h in headings if h in SECTIONS] == list(SECTIONS)
    contents = main.one("nav", aria_label="On this page")
    anchors = [(a.attrs["href"], a.text()) for a in contents.all("a")]
    assert [name for _, name in anchors] == list(SECTIONS)
    for href, name in anchors:
        assert main.by_id(href.removeprefix("#")).text() == name

    for words in (test.experience, test.prepare, test.shows_well, test.limits, test.time, *test.ask):
        assert words in text
    assert test.radiation.typical in text

    # Every caution, under the words the person ticked in the questionnaire.
    factors = {o.value: o.short for o in rulebook.question("factors").options}  # as the results say them
    h3s = [h.text() for h in main.all("h3")]
    for factor, caution in test.cautions.items():
        assert factors[factor] in h3s
        assert caution.text in text

    # Review date and every source, and a way back to the list.
    assert f"Last reviewed {long_date(test.provenance.reviewed)}" in text
    links = {a.attrs.get("href") for a in main.all("a")}
    assert set(test.provenance.sources) <= links
    page = parse(response.get_data(as_text=True))
    assert any(a.attrs.get("href") == "/tests" for a in page.all("a", class_="ig-back ig-no-print"))


def test_radiation_section_says_the_band_in_words(client, rulebook):
    main = main_of(client.get("/tests/pet_ct"))
    scale = main.one("ol", class_="ig-scale")
    current = scale.one("li", aria_current="true")
    assert current.text() == "10 to 30 mSv (this test)"
    assert "A radioactive tracer" in main.text() and "X-rays" in main.text()


@pytest.mark.parametrize("path", ["/tests/nope", "/tests/CT", "/tests/ct%00", "/tests/" + "x" * 5000])
def test_unknown_test_is_page_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert main_of(response).one("h1").text() == "Page not found"


# --- The list ------------------------------------------------------------------------------------


def test_index_lists_every_test_alphabetically_with_working_links(client, rulebook):
    response = client.get("/tests")
    assert response.status_code == 200
    assert title_of(response) == "Imaging tests – Imaging Guide"
    main = main_of(response)
    assert main.one("h1").text() == "Imaging tests"

    items = main.one("ul", class_="ig-index").all("li")
    names = [item.one("a").text() for item in items]
    assert names == sorted((t.name for t in rulebook.tests.values()), key=str.casefold)
    assert len(set(names)) == len(names)  # unique link text
    by_name = {t.name: t for t in rulebook.tests.values()}
    for item in items:
        test = by_name[item.one("a").text()]
        assert item.one("p").text() == test.summary
        href = item.one("a").attrs["href"]
        assert href == f"/tests/{test.id}"
        assert main_of(client.get(href)).one("h1").text() == test.name


def test_index_offers_the_compare_form(client, rulebook):
    main = main_of(client.get("/tests"))
    form = main.one("form")
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == "/tests/compare"
    assert form.one("legend").text() == "Choose 2 or 3 tests to compare"
    boxes = form.all("input", type="checkbox", name="tests")
    assert {box.attrs["value"] for box in boxes} == set(rulebook.tests)
    assert not any("checked" in box.attrs for box in boxes)
    for box in boxes:
        assert form.one("label", for_=box.attrs["id"]).text() == rulebook.tests[box.attrs["value"]].name
    assert form.one("button").text() == "Compare"


# --- Compare ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tests=ct&tests=mri", ["ct", "mri"]),
        ("tests=ct,mri", ["ct", "mri"]),
        ("tests=mammogram, breast_mri ,ultrasound", ["mammogram", "breast_mri", "ultrasound"]),
        ("tests=pet_ct,bone_scan&tests=xray", ["pet_ct", "bone_scan", "xray"]),
        ("tests=ct&tests=ct&tests=mri", ["ct", "mri"]),  # a repeat counts once
        ("tests=ct,mri&other=ignored", ["ct", "mri"]),
    ],
)
def test_compare_shows_a_real_table(client, rulebook, query, expected):
    response = client.get(f"/tests/compare?{query}")
    assert response.status_code == 200
    tests = [rulebook.tests[i] for i in expected]
    names = [t.name for t in tests]
    assert title_of(response).startswith("Compare ")
    assert all(name in title_of(response) for name in names)
    main = main_of(response)

    table = main.one("table", class_="ig-table ig-compare")
    caption = table.one("caption")
    assert all(name in caption.text() for name in names)
    # Nothing scrolls sideways any more, so no scrolling region (and no extra tab stop) wraps it.
    assert not main.all("div", class_="ig-table-wrap")

    assert [th.text() for th in table.all("th", scope="col")] == names
    rows = table.one("tbody").all("tr")
    assert [row.one("th", scope="row").text() for row in rows] == list(ROWS)
    # On a phone each cell is headed by its test's name (shown only there, by CSS).
    for row in rows:
        assert [td.one("span", class_="ig-compare__test").text() for td in row.all("td")] == names
    cells = {row.one("th").text(): [cell_text(td) for td in row.all("td")] for row in rows}
    for column, test in enumerate(tests):
        assert cells["Time"][column] == test.time
        assert cells["What it is like"][column] == test.experience
        assert cells["What it shows well"][column] == test.shows_well
        assert cells["What it cannot do"][column] == test.limits
        assert test.radiation.typical in cells["Radiation"][column]
        assert "contrast" in cells["Dye (contrast)"][column].lower()
    assert not re.search("[\u2713\u2714\u2717\u2718]", table.text())  # words, not ticks

    # The form underneath keeps the choice, ready to change it.
    ticked = [box.attrs["value"] for box in main.all("input", type="checkbox") if "checked" in box.attrs]
    assert sorted(ticked) == sorted(expected)


def cell_text(td: Node) -> str:
    """A compare cell's words, without the test name that heads the cell on a phone."""
    label = td.one("span", class_="ig-compare__test")
    return Node(td.tag, td.attrs, [c for c in td.children if c is not label]).text()


def test_compare_says_radiation_in_words(client):
    main = main_of(client.get("/tests/compare?tests=mri,ct,guided_biopsy"))
    row = next(r for r in main.one("tbody").all("tr") if r.one("th").text() == "Radiation")
    mri, ct, biopsy = (cell_text(td) for td in row.all("td"))
    assert mri.startswith("None")
    assert ct.startswith("1 to 10 mSv")
    assert biopsy.startswith("Varies")


TOO_LONG = "x" * 10_000
BAD_QUERIES = [
    pytest.param("", [], id="nothing"),
    pytest.param("tests=", [], id="empty"),
    pytest.param("tests=,,,", [], id="only-commas"),
    pytest.param("tests=ct", ["ct"], id="one"),
    pytest.param("tests=ct&tests=ct", ["ct"], id="repeated"),
    pytest.param("tests=" + ",".join(["mri"] * 2000), ["mri"], id="repeated-2000-times"),
    pytest.param("tests=ct,mri,pet_ct,xray", ["ct", "mri", "pet_ct", "xray"], id="four"),
    pytest.param("tests=ct,mri,nope", ["ct", "mri"], id="unknown-with-two"),
    pytest.param("tests=nope&tests=also-nope", [], id="only-unknown"),
    pytest.param("tests=CT,MRI", [], id="wrong-case"),
    pytest.param("tests=" + TOO_LONG, [], id="10k-chars"),
    pytest.param("tests=ct,%00%ff%fe,<script>alert(1)</script>", ["ct"], id="junk-bytes"),
    pytest.param("tests[]=ct&tests[]=mri", [], id="php-style"),
]


@pytest.mark.parametrize(("query", "kept"), BAD_QUERIES)
def test_a_bad_choice_shows_the_form_again_with_what_to_fix(client, rulebook, query, kept):
    response = client.get(f"/tests/compare?{query}")
    assert response.status_code == 400
    assert title_of(response) == "Error: Compare imaging tests – Imaging Guide"
    main = main_of(response)
    assert not main.all("table")

    # The summary comes before the h1, links to the first checkbox, and says what to do.
    summary = main.one("div", class_="ig-error-summary")
    assert main.children.index(summary) < main.children.index(main.one("h1"))
    assert summary.one("h2").text() == "There is a problem"
    link = summary.one("a")
    assert link.attrs["href"] == "#tests"
    assert link.text().startswith(SELECT_2_OR_3)
    form = main.one("form")
    assert form.all("input", id="tests")
    inline = form.one("p", class_="ig-error")
    assert inline.text() == f"Error: {link.text()}"

    # Valid choices stay ticked; nothing of a long query is echoed in full.
    ticked = [box.attrs["value"] for box in form.all("input", type="checkbox") if "checked" in box.attrs]
    assert sorted(ticked) == sorted(kept)
    body = response.get_data(as_text=True)
    assert "x" * 100 not in body
    assert "<script>alert" not in body


def test_unknown_tests_are_named_and_left_out(client):
    response = client.get("/tests/compare?tests=ct,mri,nope")
    message = main_of(response).one("div", class_="ig-error-summary").one("a").text()
    assert message == f"{SELECT_2_OR_3}. “nope” is not a test in this guide, so we left it out."

    many = ",".join(f"bad{i}" for i in range(10))
    message = main_of(client.get(f"/tests/compare?tests={many}")).one("div", class_="ig-error-summary").text()
    assert "“bad0”, “bad1”, “bad2” and 7 more are not tests in this guide" in message


def test_wrong_count_alone_says_only_what_to_do(client):
    message = main_of(client.get("/tests/compare?tests=ct")).one("div", class_="ig-error-summary").one("a")
    assert message.text() == SELECT_2_OR_3


@pytest.mark.parametrize(
    "query",
    [
        "tests=%E2%80%8B",
        "tests=" + "%2C" * 3000,
        "tests=ct&tests=" + "%" * 50,
        "tests=ct;mri",
        "tests=ct%2Cmri",
        "x" * 3000 + "=1",
        "tests=ct&tests=mri&tests=pet_ct&tests=xray&tests=ultrasound",
        "tests=%FF%FE%FD,mri",
        "tests=..%2F..%2Fetc%2Fpasswd,ct",
    ],
)
def test_compare_never_fails_whatever_the_link(client, query):
    assert client.get(f"/tests/compare?{query}").status_code in (200, 400)


# --- Glossary ------------------------------------------------------------------------------------


def test_glossary_words_on_a_test_page_explain_themselves_where_they_are(client, rulebook):
    main = main_of(client.get("/tests/ct_colonography"))
    words = main.all("button", class_="ig-term")
    opened = [button.attrs["popovertarget"].removeprefix("def-") for button in words]
    assert {"polyp", "colonoscopy", "contrast", "bowel_prep"} <= set(opened)
    assert len(opened) == len(set(opened))  # only the first use of each word is explained
    for term_id in opened:
        box = main.by_id(f"def-{term_id}")
        assert "popover" in box.attrs
        assert rulebook.glossary[term_id].definition in re.sub(
            r"\s+", " ", "".join(c if isinstance(c, str) else c.raw_text() for c in box.children)
        )
    assert not main.all("section", class_="ig-words")  # no list of words at the foot of the page


def test_longer_glossary_forms_win(client):
    # "virtual colonoscopy" is CT colonography, not a colonoscopy; "radiation therapy" is not "radiation".
    main = main_of(client.get("/tests/ct_colonography"))
    assert any(
        b.text() == "Virtual colonoscopy" and b.attrs["popovertarget"] == "def-ct_colonography"
        for b in main.all("button", class_="ig-term")
    )


def test_every_glossary_form_belongs_to_one_term(rulebook):
    seen: dict[str, str] = {}
    for term in rulebook.glossary.values():
        for form in term.forms:
            assert seen.setdefault(form.casefold(), term.id) == term.id, (
                f"{form!r} is in {seen[form.casefold()]}"
            )


@pytest.mark.parametrize(
    "everyday", ["scan", "scans", "test", "tests", "fit", "us", "can", "may", "care", "team"]
)
def test_no_glossary_form_is_an_everyday_word(rulebook, everyday):
    # Forms match in any letter case, so "FIT" (a stool test) would link every "fit".
    assert everyday not in {form.casefold() for term in rulebook.glossary.values() for form in term.forms}


def test_every_glossary_term_is_used_in_the_content(rulebook):
    texts = " ".join(t.text for t in patient_texts(rulebook) if not t.where.startswith("term "))
    for term in rulebook.glossary.values():
        pattern = r"\b(" + "|".join(map(re.escape, term.forms)) + r")\b"
        assert re.search(pattern, texts, re.I), f"glossary term {term.id!r} appears in no text"


def test_glossary_definitions_are_plain(rulebook):
    for term in rulebook.glossary.values():
        assert reading_grade(term.definition) <= 8, term.id
        assert term.provenance.sources and term.provenance.reviewed, term.id


def test_glossary_page_lists_every_term_alphabetically(client, rulebook):
    response = client.get("/glossary")
    assert response.status_code == 200
    main = main_of(response)
    terms = main.all("dt")
    assert [dt.attrs["id"] for dt in terms] == [
        f"word-{t.id}" for t in sorted(rulebook.glossary.values(), key=lambda t: t.term.lower())
    ]
    assert [dt.text().casefold() for dt in terms] == sorted(dt.text().casefold() for dt in terms)
    for dt, dd in zip(terms, main.all("dd"), strict=True):
        assert dd.text() == rulebook.glossary[dt.attrs["id"].removeprefix("word-")].definition


def test_glossary_keeps_the_letter_case_of_terms(client, rulebook):
    shown = {dt.attrs["id"]: dt.text() for dt in main_of(client.get("/glossary")).all("dt")}
    for term in rulebook.glossary.values():
        # A unit keeps its own capitals ("mSv", never "MSv"); any other term starts with a capital.
        own = any(letter.isupper() for letter in term.term.split(" ")[0][1:])
        assert shown[f"word-{term.id}"] == (term.term if own else term.term[:1].upper() + term.term[1:])
    assert "mSv" in shown.values()
