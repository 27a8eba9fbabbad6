"""The lock files in requirements/ must match pyproject.toml, so installs are the versions CI ran."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Which extras each lock holds besides the app's own dependencies.
LOCKS = {"app.lock": [], "deploy.lock": ["deploy"], "test.lock": ["test"]}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def read_lock(name: str) -> dict[str, tuple[str, int]]:
    """Each pinned package's version and how many hashes it carries."""
    pins: dict[str, tuple[str, int]] = {}
    current = ""
    for line in (ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match[1])
            pins[current] = (match[2], 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def wanted(extras: list[str]) -> list[Requirement]:
    """What pyproject.toml asks for: the app's dependencies, those extras, and the build backend."""
    lines = list(PYPROJECT["project"]["dependencies"])
    for extra in extras:
        lines += PYPROJECT["project"]["optional-dependencies"][extra]
    lines += PYPROJECT["build-system"]["requires"]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_every_dependency_is_pinned_within_its_range(lock: str, extras: list[str]) -> None:
    pins = read_lock(lock)
    for requirement in wanted(extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not in {lock}: run `make lock`"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, outside pyproject.toml's {requirement.specifier}: run `make lock`"
        )


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_carries_a_hash(lock: str) -> None:
    pins = read_lock(lock)
    assert pins, f"{lock} pins nothing"
    unhashed = sorted(name for name, (_version, hashes) in pins.items() if hashes == 0)
    assert not unhashed, f"{lock} has pins without a hash, which --require-hashes refuses: {unhashed}"


def test_the_locks_agree_on_shared_packages() -> None:
    test_pins = read_lock("test.lock")
    for lock in ("app.lock", "deploy.lock"):
        for name, (version, _hashes) in read_lock(lock).items():
            assert test_pins.get(name, (version, 0))[0] == version, (
                f"{lock} and test.lock pin {name} differently: run `make lock`"
            )


def test_make_installs_only_from_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line or "INSTALL_" in line]
    assert any("--require-hashes" in line for line in installs)
    # The project itself is installed without resolving dependencies again from the index.
    self_install = next(line for line in installs if line.startswith("INSTALL_SELF ="))
    assert "--no-deps" in self_install and "--no-build-isolation" in self_install
