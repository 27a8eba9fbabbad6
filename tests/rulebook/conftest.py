"""Fixtures for engine tests: a small rule table that tests may break one piece at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

MINI = Path(__file__).resolve().parent / "mini_rules"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the small rule table, as `<tmp>/rules`."""
    target = tmp_path / "rules"
    shutil.copytree(MINI, target)
    return target


def edit(root: Path, file: str, old: str, new: str) -> None:
    """Replace one exact piece of a rule file; fail loudly if it is not there exactly once."""
    path = root / file
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} appears {text.count(old)} times in {file}"
    path.write_text(text.replace(old, new))
