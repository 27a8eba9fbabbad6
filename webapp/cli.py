"""Command-line tools for content editors: `flask rules check` and `flask rules explain`."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .catalogue import CatalogueReport, check_catalogues
from .config import Defaults
from .readability import EASE, reading_grade
from .rulebook import (
    Report,
    Rulebook,
    RulebookError,
    describe_answers,
    evaluate,
    load,
    parse_answers,
    verify,
)
from .rulebook.codes import coverage as code_coverage
from .rulebook.verify import MAX_GRADE, MAX_MEDIAN_GRADE
from .rulebook.verify_languages import FORMULA, MIN_EASE, MIN_MEDIAN_EASE, LanguageReport

# A plain click group, not an AppGroup: checking content needs the rule files, not a running app
# (nor its secret key). It reads FLASK_RULES_DIR like the app does.
rules_cli = click.Group("rules", help="Check the rule table, or explain one result.")


def _rules_dir() -> str:
    """The rules folder when there is no app: FLASK_RULES_DIR, else the default."""
    return os.environ.get("FLASK_RULES_DIR") or Defaults.RULES_DIR


def _rulebook() -> Rulebook:
    """The app's rulebook when there is an app, else the rule files read directly."""
    if current_app:
        return current_app.extensions["rulebook"]
    try:
        return load(_rules_dir())
    except RulebookError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


def format_report(
    rulebook: Rulebook, report: Report, worst: int = 5, catalogues: tuple[CatalogueReport, ...] = ()
) -> str:
    """Render a verify report (and the interface catalogues' state) as the text `rules check` prints."""
    lines = [
        "Imaging Guide rules check",
        f"  rules version   {rulebook.version[:16]}",
        f"  walked          {report.combinations:,} answer combinations in {report.seconds:.2f} s",
        f"  content         {report.rules} rules, {report.tests} tests, {report.notes} notes, "
        f"{report.texts} texts, {report.scenarios} scenarios",
    ]
    if report.grades:
        lines.append(
            f"  reading level   median grade {report.median_grade:.1f} (bar {MAX_MEDIAN_GRADE:g}), "
            f"worst {report.grades[0].grade:.1f} (bar {MAX_GRADE:g}); the {worst} hardest:"
        )
        for g in report.grades[:worst]:
            lines.append(f"    {g.grade:5.1f}  {g.text.where} {g.text.field}: {g.text.text[:70]!r}")
    for language in report.languages:
        lines.extend(_language_lines(language, worst))
    lines += [f"  interface {c.language:5} {c.messages} messages in the catalogue" for c in catalogues]
    problems = [str(p) for p in report.problems] + [
        f"[catalogue] {p}" for c in catalogues for p in c.problems
    ]
    # What the code maps for /infobutton leave out: gaps to fill, said but not failed on.
    summary, gaps = code_coverage(rulebook)
    lines.append(f"  code maps       {summary}")
    lines.extend(f"    warning: {gap}" for gap in gaps)
    if not problems:
        lines.append("  problems        none")
    else:
        lines.append(f"  problems        {len(problems)}")
        lines.extend(f"    {p}" for p in problems)
    return "\n".join(lines)


def _language_lines(report: LanguageReport, worst: int) -> list[str]:
    """The lines about one translation: how much is translated and how easily it reads."""
    code = report.language
    lines = [f"  language {code:6} {report.translated} of {report.texts} texts translated"]
    if report.eases:
        lines.append(
            f"    reading ease  median {report.median_ease:.1f} {FORMULA.get(code, '')} "
            f"(bar {MIN_MEDIAN_EASE.get(code, 0):g} or more), hardest {report.eases[0].score:.1f} "
            f"(bar {MIN_EASE.get(code, 0):g}); the {worst} hardest:"
        )
        for e in report.eases[:worst]:
            lines.append(f"    {e.score:5.1f}  {e.text.where} {e.text.field}: {e.text.text[:70]!r}")
    return lines


@rules_cli.command("check")
def check_command() -> None:
    """Walk every answer combination and check the content; exit 1 on any problem."""
    rulebook = _rulebook()
    # The folder too, for its CHANGELOG.md (which must name this rules version).
    rules_dir = current_app.config["RULES_DIR"] if current_app else _rules_dir()
    report = verify(rulebook, grade=reading_grade, rules_dir=rules_dir, eases=EASE)
    # The interface words are checked with the content: a page is only as Spanish as both.
    catalogues = check_catalogues()
    click.echo(format_report(rulebook, report, catalogues=catalogues))
    sys.exit(0 if report.ok and not any(c.problems for c in catalogues) else 1)


def parse_pairs(pairs: tuple[str, ...]) -> dict[str, object]:
    """Turn `key=value` words into raw answers; a repeated key collects a list."""
    raw: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"'{pair}' is not key=value, like situation=screening")
        if key in raw:
            previous = raw[key]
            raw[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            raw[key] = value
    return raw


@rules_cli.command("explain")
@click.argument("answers", nargs=-1)
def explain_command(answers: tuple[str, ...]) -> None:
    """Print the result and the rules that fired for one set of answers (key=value ...)."""
    rulebook = _rulebook()
    parsed, errors = parse_answers(rulebook, parse_pairs(answers))
    if errors:
        for key, messages in errors.items():
            for message in messages:
                click.echo(f"error: {key}: {message}", err=True)
        sys.exit(2)
    result = evaluate(rulebook, parsed)
    click.echo("Answers used: " + (describe_answers(rulebook, result.answers) or "none"))
    if result.ignored:
        click.echo("Ignored (not asked for these answers): " + ", ".join(result.ignored))
    click.echo("\nTests:")
    for t in result.tests or ():
        click.echo(f"  {t.level:17} {t.id:16} {t.why}")
        click.echo(f"  {'':17} {'':16} from: {', '.join(t.rules)}")
        if t.changed:
            usual = t.usual_level or "not listed"
            click.echo(f"  {'':17} {'':16} changed by {', '.join(t.changed_by)}; usually {usual}")
        for c in t.cautions:
            click.echo(f"  {'':17} {'':16} caution ({c.topic}): {c.text}")
    if not result.tests:
        click.echo("  (none)")
    click.echo("\nNotes:")
    for n in result.notes:
        click.echo(f"  {n.topic:21} {n.id}")
    click.echo("\nTrace (rules that fired, in order):")
    for fired in result.trace:
        click.echo(f"  {fired.rule:40} because {fired.because}")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete every saved result that has expired (the app also does this on its own)."""
    from .storage.saving import purge

    click.echo(f"Deleted {purge()} expired saved result(s).")


def register(app: Flask) -> None:
    """Add the command groups to the app."""
    app.cli.add_command(rules_cli)
    app.cli.add_command(purge_command)
