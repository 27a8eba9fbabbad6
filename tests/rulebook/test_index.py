"""The rule index is only a shortcut: through it, exactly the rules a full scan finds must fire."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp.rulebook import load
from webapp.rulebook.verify import walk

from .conftest import MINI

REAL = Path(__file__).resolve().parents[2] / "rules"


@pytest.mark.parametrize("root", [MINI, REAL], ids=["small table", "real rules"])
def test_the_index_fires_the_same_rules_as_a_full_scan(root):
    rulebook = load(root)
    assert rulebook.index_questions == ("situation", "site")
    walked = 0
    for answers in walk(rulebook):
        walked += 1
        through_index = [r.id for r in rulebook.candidate_rules(answers) if r.when.holds(answers)]
        full_scan = [r.id for r in rulebook.rules if r.when.holds(answers)]
        assert through_index == full_scan, answers
    assert walked > 100


def test_the_index_keeps_a_rule_in_every_group_its_conditions_allow(mini):
    rulebook = load(mini)
    # "staging" names no site, so it sits in the group of every site.
    for site in ("breast", "lung", "other"):
        assert "staging" in [r.id for r in rulebook.index[("staging", site)]]
    assert "staging" not in [r.id for r in rulebook.index[("screening", "lung")]]
