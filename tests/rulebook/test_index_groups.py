"""The rule index narrows the rules evaluate looks at, however an editor words a site condition."""

from __future__ import annotations

import pytest

from webapp.rulebook import evaluate, load

from .conftest import edit

RULES = "rules/main.toml"
SITES = ("breast", "lung", "other")
NOT_BREAST = '{ question = "site", op = "in", value = ["lung", "other"] }'


def candidates(rulebook, situation, site):
    return [r.id for r in rulebook.candidate_rules({"situation": situation, "site": site})]


@pytest.mark.parametrize(
    "change",
    [
        None,
        ('short = "Risk"\n', 'short = "Risk"\ndefault = "average"\n'),
        ('short = "Risk"\n', 'short = "Risk"\nrequired = true\n'),
    ],
    ids=["as is", "risk has a default", "risk is required"],
)
def test_the_index_hands_evaluate_only_the_rules_its_situation_and_site_allow(mini, change):
    # Risk is asked only sometimes, so even with a default or as a required question it cannot
    # be part of the index: the index stays on situation and site and keeps narrowing.
    if change:
        edit(mini, "questions.toml", *change)
    rulebook = load(mini)
    for site in SITES:
        assert candidates(rulebook, "staging", site) == ["always", "pregnant", "staging", "pregnant-staging"]
    assert candidates(rulebook, "screening", "breast") == [
        "always",
        "pregnant",
        "breast-40-plus",
        "breast-under-40",
        "breast-no-age",
        "breast-higher",
    ]
    for site in ("lung", "other"):
        assert candidates(rulebook, "screening", site) == [
            "always",
            "pregnant",
            "breast-higher",
            "screening-not-breast",
        ]


@pytest.mark.parametrize(
    ("conditions", "sites"),
    [
        (NOT_BREAST, {"lung", "other"}),
        ('{ question = "site", op = "not_in", value = ["breast"] }', {"lung", "other"}),
        ('{ question = "site", op = "is_not", value = "breast" }', {"lung", "other"}),
        ('{ question = "site", op = "is", value = "lung" }', {"lung"}),
        (
            '{ question = "site", op = "in", value = ["breast", "lung"] },\n'
            '  { question = "site", op = "in", value = ["lung", "other"] }',
            {"lung"},
        ),
        (
            '{ question = "site", op = "is_not", value = "breast" },\n'
            '  { question = "site", op = "not_in", value = ["other"] }',
            {"lung"},
        ),
        (
            '{ question = "site", op = "not_in", value = ["breast"] },\n'
            '  { question = "site", op = "is_not", value = "other" }',
            {"lung"},
        ),
    ],
    ids=["in", "not_in", "is_not", "is", "in twice", "is_not then not_in", "not_in then is_not"],
)
def test_every_way_of_naming_sites_gives_the_same_result_through_the_index(mini, conditions, sites):
    # The "imaging is not the usual screening test" note follows the sites the rule names, and the
    # index offers the rule for exactly those sites.
    edit(mini, RULES, NOT_BREAST, conditions)
    rulebook = load(mini)
    for site in SITES:
        result = evaluate(rulebook, {"situation": "screening", "site": site, "age": 50})
        assert ("no-screen" in [n.id for n in result.notes]) is (site in sites), site
        assert ("screening-not-breast" in candidates(rulebook, "screening", site)) is (site in sites), site
        assert "screening-not-breast" not in candidates(rulebook, "staging", site)
