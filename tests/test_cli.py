"""`flask rules check` and `flask rules explain`, as a content editor runs them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from webapp.cli import rules_cli

ROOT = Path(__file__).resolve().parent.parent


def test_check_passes_on_the_real_rules_and_prints_the_figures(runner):
    result = runner.invoke(args=["rules", "check"])
    assert result.exit_code == 0, result.output
    assert re.search(r"walked\s+[\d,]+ answer combinations in \d+\.\d\d s", result.output)
    assert re.search(r"content\s+\d+ rules, \d+ tests, \d+ notes, \d+ texts", result.output)
    assert re.search(r"median grade \d+\.\d \(bar 7\)", result.output)
    # The five hardest texts in English, then in Spanish (Fernández-Huerta reading ease, bar 60).
    assert len(re.findall(r"^\s+\d+\.\d  ", result.output, re.M)) == 10
    assert re.search(r"language es\s+(\d+) of \1 texts translated", result.output)
    assert re.search(r"median \d+\.\d Fernández-Huerta \(bar 70 or more\)", result.output)
    assert result.output.rstrip().endswith("problems        none")


def test_check_fails_and_names_each_problem(rules_copy):
    rules = rules_copy / "rules" / "common.toml"
    rules.write_text(rules.read_text().replace('"limits-general", ', ""))
    result = CliRunner().invoke(rules_cli, ["check"], env={"FLASK_RULES_DIR": str(rules_copy)})
    assert result.exit_code == 1
    assert "[gap] rules/rules: situation=screening site=breast: no 'limits' note in" in result.output
    assert "[unused] rules/notes/core.toml: note 'limits-general': no rule adds it" in result.output


def test_broken_rules_stop_the_command_with_file_id_and_reason(rules_copy):
    tests = rules_copy / "tests.toml"
    tests.write_text(tests.read_text().replace('band = "10_to_30"', 'band = "lots"', 1))
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "rules", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "FLASK_RULES_DIR": str(rules_copy)},
        timeout=60,
    )
    assert done.returncode == 1
    assert "The rules have 1 problem(s)" in done.stderr
    assert "rules/tests.toml: test 'pet_ct' radiation: 'band' is 'lots'" in done.stderr
    assert "Traceback" not in done.stderr


def test_explain_prints_the_result_and_the_trace(runner):
    result = runner.invoke(
        args=["rules", "explain", "situation=screening", "site=breast", "age=50", "factors=pregnant"]
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"^\s+commonly_used\s+mammogram\s", result.output, re.M)
    assert re.search(r"^\s+not_usually_used\s+breast_mri\s", result.output, re.M)
    assert "caution (pregnancy):" in result.output
    assert "Trace (rules that fired, in order):" in result.output
    assert re.search(r"^\s+every-result\s+because always$", result.output, re.M)
    assert re.search(r"^\s+factor-pregnant\s+because factors includes pregnant$", result.output, re.M)


def test_explain_says_which_factor_changed_a_level(runner):
    result = runner.invoke(args=["rules", "explain", "situation=staging", "site=lung", "factors=pregnant"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^\s+not_usually_used\s+pet_ct\s", result.output, re.M)
    assert "changed by pregnant; usually commonly_used" in result.output
    assert "changed by pregnant; usually not listed" in result.output  # ultrasound, brought forward


def test_explain_names_ignored_answers(runner):
    result = runner.invoke(args=["rules", "explain", "situation=staging", "site=lung", "smoking=current"])
    assert result.exit_code == 0
    assert "Ignored (not asked for these answers): smoking" in result.output


def test_explain_refuses_bad_answers_with_a_message(runner):
    result = runner.invoke(args=["rules", "explain", "situation=worried", "age=old"])
    assert result.exit_code == 2
    assert "error: situation: Situation has no option 'worried'" in result.output
    assert "error: age: Enter age as a whole number, like 52" in result.output
    result = runner.invoke(args=["rules", "explain", "situation"])
    assert result.exit_code == 2
    assert "'situation' is not key=value" in result.output
