"""rules/CHANGELOG.md: a plain-language entry for every rules version, and the check that keeps it so.

An entry starts with a level-two heading that names the date and the rules version (the first 12
characters of the hash `flask rules check` prints), then a bullet per change:

    ## 2026-12-02 · rules version 95fcef724ccb
    - Added kidney, bladder, ...

The changelog is not a rule file: load() hashes only the TOML it reads, so editing this file never
changes the version it describes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "CHANGELOG.md"
SHORT = 12  # characters of the version hash people see and write
_HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*$")
_VERSION = re.compile(r"\b[0-9a-f]{12,64}\b")
COMMENT = re.compile(r"<!--.*?-->", re.S)  # notes for editors; never an entry


@dataclass(frozen=True)
class Entry:
    """One version's entry: its heading, the version it names, and its lines below the heading."""

    title: str
    version: str | None
    lines: tuple[str, ...]


def short(version: str) -> str:
    """The version as people see it: its first 12 characters."""
    return version[:SHORT]


def entries(text: str) -> list[Entry]:
    """Split the changelog into entries, in file order (newest first by convention)."""
    found: list[Entry] = []
    title, version, lines = None, None, []
    for line in COMMENT.sub("", text).splitlines():
        heading = _HEADING.match(line)
        if heading:
            if title is not None:
                found.append(Entry(title, version, tuple(lines)))
            title = heading["title"]
            named = _VERSION.search(title)
            version, lines = (named.group(0) if named else None), []
        elif title is not None:
            lines.append(line)
    if title is not None:
        found.append(Entry(title, version, tuple(lines)))
    return found


def has_entry(text: str, version: str) -> bool:
    """Whether some entry's heading names this version (12 or more of its first characters)."""
    return any(e.version and version.startswith(e.version) for e in entries(text))


def missing_entry(rules_dir: str | Path, version: str, today: dt.date | None = None) -> str | None:
    """Say what to add when the rules folder has a changelog without an entry for `version`.

    A rules folder without a changelog (such as the small tables the engine tests build) is not
    checked.
    """
    path = Path(rules_dir) / FILE_NAME
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if has_entry(text, version):
        return None
    now, date = short(version), (today or dt.date.today()).isoformat()
    newest = next((e.version for e in entries(text) if e.version), None)
    instead = (
        f", or, if the newest entry already says what changed, change '{newest}' in its heading to '{now}'"
        if newest
        else ""
    )
    return (
        f"has no entry for rules version {now}; add what changed: at the top, a heading line "
        f"'## {date} · rules version {now}' and a '- ' line for each change in plain words{instead}"
    )
