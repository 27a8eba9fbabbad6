"""The interface word catalogues: every marked string translated, none fuzzy, the compiled copy current.

Interface words (buttons, headings, errors) are marked in Python and the templates and kept in
`webapp/translations/<language>/LC_MESSAGES/messages.po`; the app reads the compiled `messages.mo`
beside it. `make messages` extracts, updates and compiles them; `rules check` and the tests call
`catalogue_problems` so a string added without its translation, a fuzzy guess, or a .po edited
without compiling fails the build.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from pathlib import Path

from .config import ROOT

TRANSLATIONS = ROOT / "webapp" / "translations"
BABEL_CFG = ROOT / "babel.cfg"
# What marks a string for translation, beyond gettext's own names (`N_` marks engine messages).
KEYWORDS = {"_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "N_": None}


@dataclass(frozen=True)
class CatalogueReport:
    """How one language's catalogue stands against the strings marked in the code today."""

    language: str
    messages: int
    problems: tuple[str, ...]


def marked_strings() -> set[str | tuple[str, ...]]:
    """Every message id marked in `webapp/` and `templates/` today."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with BABEL_CFG.open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS}

    def searched(folder: str) -> bool:  # babel.cfg's patterns start at the root: look in these two only
        return Path(folder).relative_to(ROOT).parts[0] in ("webapp", "templates")

    found = extract_from_dir(ROOT, method_map, options_map, keywords=keywords, directory_filter=searched)
    return {message for _file, _line, message, _comments, _context in found}


def check_catalogue(language: str, marked: set[str | tuple[str, ...]]) -> CatalogueReport:
    """Compare one language's .po with the marked strings, and its .mo with its .po."""
    from babel.messages.pofile import read_po

    folder = TRANSLATIONS / language / "LC_MESSAGES"
    po_path, mo_path = folder / "messages.po", folder / "messages.mo"
    if not po_path.is_file():
        return CatalogueReport(language, 0, (f"{po_path.relative_to(ROOT)} is missing",))
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=language)
    where = po_path.relative_to(ROOT)
    problems = []
    if catalog.fuzzy:
        problems.append(f"{where}: the catalogue's header is marked fuzzy, so it would not compile")
    ids = set()
    for message in catalog:
        if not message.id:
            continue
        ids.add(message.id)
        shown = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            problems.append(f"{where}: {shown!r} is fuzzy (a guess): check it and remove the flag")
        elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            problems.append(f"{where}: {shown!r} has no translation")
    for message_id in sorted(marked - ids, key=str):
        shown = message_id if isinstance(message_id, str) else message_id[0]
        problems.append(f"{where}: {shown!r} is marked in the code but not in the catalogue (make messages)")
    for message_id in sorted(ids - marked, key=str):
        shown = message_id if isinstance(message_id, str) else message_id[0]
        problems.append(f"{where}: {shown!r} is no longer used (make messages)")
    problems += _compiled_problems(catalog, mo_path)
    return CatalogueReport(language, len(ids), tuple(problems))


def _compiled_problems(catalog: object, mo_path: Path) -> list[str]:
    """The .mo must say exactly what the .po says, or the app would show stale words."""
    if not mo_path.is_file():
        return [f"{mo_path.relative_to(ROOT)} is missing (make messages)"]
    with mo_path.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in catalog:  # type: ignore[attr-defined]
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, str):
            same = compiled.gettext(message.id) == (message.string or message.id)
        else:
            forms = message.string if isinstance(message.string, tuple) else ()
            same = (
                all(compiled.ngettext(message.id[0], message.id[1], n) in forms for n in (1, 2))
                if all(forms)
                else True
            )
        if not same:
            return [f"{mo_path.relative_to(ROOT)} is older than its .po (make messages)"]
    return []


def check_catalogues() -> tuple[CatalogueReport, ...]:
    """Check every language's catalogue against the strings marked today."""
    if not TRANSLATIONS.is_dir():
        return ()
    marked = marked_strings()
    languages = sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES").is_dir())
    return tuple(check_catalogue(language, marked) for language in languages)
