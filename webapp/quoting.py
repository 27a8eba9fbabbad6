"""Echo what a person or a program sent, safely: short, printable, and only the first few."""

from __future__ import annotations

from collections.abc import Sequence

SHOWN_VALUES, SHOWN_CHARS = 3, 40


def quote(value: str) -> str:
    """A value in quotes, cut to 40 characters, with control and direction characters replaced."""
    shown = "".join(
        char if char.isprintable() else "\N{REPLACEMENT CHARACTER}" for char in value[:SHOWN_CHARS]
    )
    return f"“{shown}…”" if len(value) > SHOWN_CHARS else f"“{shown}”"


def and_list(items: Sequence[str]) -> str:
    """Join words as a sentence does: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def quote_some(values: Sequence[str]) -> str:
    """The first few values quoted, and how many more there were: “a”, “b”, “c” and 92 more."""
    names = [quote(value) for value in values[:SHOWN_VALUES]]
    if len(values) > SHOWN_VALUES:
        names.append(f"{len(values) - SHOWN_VALUES} more")
    return and_list(names)
