"""/rules: every site's table, each cell's rules, the CSV and JSON export, and the changelog."""

from __future__ import annotations

import csv
import io
import json
import re

from click.testing import CliRunner

from tests.conftest import RULES, make_app
from webapp.cli import rules_cli
from webapp.rulebook import load
from webapp.rulebook.changelog import has_entry
from webapp.rulebook.table import EXPORT_FIELDS, build, export_rows
from webapp.views.ruletable import say_in_words


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_index_lists_every_site_the_version_the_changelog_and_the_downloads(app, rulebook):
    page = text(app.test_client().get("/rules"))
    for option in rulebook.question("site").options:
        assert f'href="/rules/{option.value}"' in page
    assert f"<code>{rulebook.version[:12]}</code>" in page
    for link in ("/rules/changelog", "/rules.csv", "/rules.json"):
        assert f'href="{link}"' in page


def test_the_breast_table_shows_mammogram_commonly_used_for_screening(app):
    page = text(app.test_client().get("/rules/breast"))
    assert "<caption>Breast: imaging tests by situation</caption>" in page
    cell = re.search(r'href="/rules/breast/screening/mammogram">([^<]+)<', page)
    assert cell and cell.group(1) == "Commonly used"
    # A cell says when other answers give other levels, and which factors can change it.
    mri = page[page.index('href="/rules/breast/screening/breast_mri"') :].split("</td>")[0]
    assert "or sometimes used or not usually used, for some answers" in mri
    assert "Can change with: Pregnancy" in mri


def test_a_cell_lists_each_rule_with_its_conditions_reason_sources_and_review_date(app, rulebook):
    page = text(app.test_client().get("/rules/breast/screening/mammogram"))
    rule = next(r for r in rulebook.rules if r.id == "screening-breast-average-45-to-74")
    assert "<code>screening-breast-average-45-to-74</code>" in page
    assert "Age: 45 to 74" in page
    why = next(t.why for t in rule.tests if t.id == "mammogram")
    assert why.replace("'", "&#39;") in page
    for url in rule.provenance.sources:
        assert f'href="{url}"' in page
    reviewed = rule.provenance.reviewed
    assert f"Last reviewed {reviewed.day} {reviewed:%B %Y}" in page


def test_a_cell_shows_the_pregnancy_change_with_its_levels_reason_and_source(app, rulebook):
    page = text(app.test_client().get("/rules/breast/screening/breast_mri"))
    rule = next(r for r in rulebook.rules if r.id == "pregnant-breast-mri")
    assert "<h2>Safety factors that change the level</h2>" in page
    assert "Pregnancy: not usually used" in page
    assert "Changes the level from commonly used or sometimes used to not usually used." in page
    assert rule.changes[0].why in page
    assert f'href="{rule.provenance.sources[0]}"' in page


def test_a_test_only_a_factor_brings_in_has_its_own_cell(app):
    page = text(app.test_client().get("/rules/breast/staging/mri"))
    assert "Not listed, unless a safety factor brings it in." in page
    assert "Changes the level from not listed to sometimes used." in page


def test_unknown_sites_situations_tests_and_empty_cells_are_404(app):
    client = app.test_client()
    for url in (
        "/rules/nowhere",
        "/rules/breast/nowhen/mammogram",
        "/rules/breast/screening/nothing",
        "/rules/lung/screening/mammogram",  # a real test no rule lists there
        "/rules/breast/screening/mammogram/more",
    ):
        assert client.get(url).status_code == 404, url


def test_csv_opens_as_is_and_round_trips_one_row_per_rule_cell(app, rulebook):
    response = app.test_client().get("/rules.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="imaging-guide-rules-{rulebook.version[:12]}.csv"' in disposition
    assert response.headers["X-Rules-Version"] == rulebook.version
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets look for to read UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(EXPORT_FIELDS)
    assert sum(row == list(EXPORT_FIELDS) for row in rows) == 1  # one header row
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    expected = export_rows(build(rulebook))
    assert (
        len(records) == len(expected) == sum(len(c.rules) + len(c.changes) for c in build(rulebook).cells())
    )
    mammogram = [
        r for r in records if (r["site"], r["situation"], r["test"]) == ("breast", "screening", "mammogram")
    ]
    assert {r["level"] for r in mammogram} == {"commonly_used", "sometimes_used", "not_usually_used"}
    one = next(r for r in mammogram if r["rule"] == "screening-breast-average-45-to-74")
    assert one["when"].split("; ")[-1] == "Age: 45 to 74"
    assert one["sources"].split(" ") == next(e["sources"] for e in expected if e["rule"] == one["rule"])
    change = next(r for r in records if r["kind"] == "factor" and r["rule"] == "pregnant-breast-mri")
    assert (change["factors"], change["level"]) == ("pregnant", "not_usually_used")


def test_json_holds_the_same_rows_and_the_version(app, rulebook):
    response = app.test_client().get("/rules.json")
    assert response.mimetype == "application/json"
    assert f"imaging-guide-rules-{rulebook.version[:12]}.json" in response.headers["Content-Disposition"]
    document = json.loads(response.data)
    assert document["rules_version"] == rulebook.version
    assert document["fields"] == list(EXPORT_FIELDS)
    assert document["rows"] == export_rows(build(rulebook, say_in_words(rulebook)))
    csv_rows = list(csv.DictReader(io.StringIO(app.test_client().get("/rules.csv").data.decode("utf-8-sig"))))
    assert [(r["rule"], r["test"], r["level"]) for r in csv_rows] == [
        (r["rule"], r["test"], r["level"]) for r in document["rows"]
    ]


def test_the_changelog_page_shows_the_entries_and_escapes_what_it_reads(rules_copy, tmp_path):
    changelog = rules_copy / "CHANGELOG.md"
    version = load(rules_copy).version
    changelog.write_text(
        "# What changed\n\n<!-- editors only -->\n\n"
        f"## 2026-12-02 · rules version {version[:12]}\n\n- Added <script>alert(1)</script> `kidney`\n"
        "  carried on\n\nA paragraph.\n"
    )
    app = make_app(tmp_path / "db.sqlite3", RULES_DIR=str(rules_copy))
    page = text(app.test_client().get("/rules/changelog"))
    assert "<h1>What changed</h1>" in page
    assert f"<h2>2026-12-02 · rules version {version[:12]}</h2>" in page
    assert "<li>Added &lt;script&gt;alert(1)&lt;/script&gt; <code>kidney</code> carried on</li>" in page
    assert "<p>A paragraph.</p>" in page
    assert "editors only" not in page
    assert "has no entry below yet" not in page
    changelog.write_text("# What changed\n\n## 2026-11-28 · rules version abcdefabcdef\n\n- Old.\n")
    assert "This version has no entry below yet." in text(app.test_client().get("/rules/changelog"))


def test_rules_check_fails_with_what_to_add_when_the_version_has_no_entry(rules_copy):
    rules = rules_copy / "rules" / "factors.toml"
    rules.write_text(rules.read_text().replace('reviewed = "2026-11-28"', 'reviewed = "2026-11-27"', 1))
    short = load(rules_copy).version[:12]
    result = CliRunner().invoke(rules_cli, ["check"], env={"FLASK_RULES_DIR": str(rules_copy)})
    assert result.exit_code == 1
    assert (
        f"[changelog] rules/CHANGELOG.md: (file): has no entry for rules version {short}; add what changed"
        in (result.output)
    )
    assert f"· rules version {short}'" in result.output


def test_the_real_changelog_has_an_entry_for_the_current_rules(rulebook):
    changelog = (RULES / "CHANGELOG.md").read_text(encoding="utf-8")
    assert has_entry(changelog, rulebook.version), (
        f"rules/CHANGELOG.md has no entry for rules version {rulebook.version[:12]}; add what changed"
    )


def test_about_page_says_clinicians_can_check_every_rule(app):
    assert "Health workers can check every rule at /rules" in text(app.test_client().get("/about"))
