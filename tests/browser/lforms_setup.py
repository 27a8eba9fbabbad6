"""Install NLM's LHC-Forms from the npm lockfile when needed, and serve it with a harness page on 127.0.0.1.

The package is pinned in tests/browser/lforms/package-lock.json, every file checked against its
`integrity` hash by `npm ci`; no install script runs (--ignore-scripts, and .npmrc says so too). The
browser then loads only this loopback server's files, never a CDN.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.exceptions import NotFound
from werkzeug.middleware.shared_data import SharedDataMiddleware

from .conftest import serving

HERE = Path(__file__).parent / "lforms"
LOCKFILE = HERE / "package-lock.json"
NODE_MODULES = HERE / "node_modules"
PACKAGE = NODE_MODULES / "lforms"
# What npm writes into node_modules once an install has finished: newer than the lockfile means done.
INSTALLED_LOCK = NODE_MODULES / ".package-lock.json"
DIST = PACKAGE / "dist" / "lforms"
# The files the harness page loads; an install missing any of them is no use.
FILES = (
    "webcomponent/styles.css",
    "webcomponent/assets/lib/zone.min.js",
    "webcomponent/lhc-forms.js",
    "fhir/R4/lformsFHIR.min.js",
)
NPM_CI = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
# A cold install fetches about 135 packages (250 MB); this is far beyond what it takes (15-30 s).
NPM_TIMEOUT = 600


class LFormsUnavailable(Exception):
    """LHC-Forms could not be installed; the message says why."""


def pinned_version() -> str:
    """The lforms version the lockfile pins."""
    return json.loads(LOCKFILE.read_text())["packages"]["node_modules/lforms"]["version"]


def installed_version() -> str | None:
    """The lforms version in node_modules, or None when it is not there."""
    try:
        return json.loads((PACKAGE / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def needs_install() -> bool:
    """True when node_modules is missing, half-installed, another version, or older than the lockfile."""
    if installed_version() != pinned_version() or not INSTALLED_LOCK.exists():
        return True
    if INSTALLED_LOCK.stat().st_mtime < LOCKFILE.stat().st_mtime:
        return True
    return not all((DIST / name).is_file() for name in FILES)


def install() -> str:
    """Run `npm ci` if needed; return the installed version, or raise LFormsUnavailable."""
    if needs_install():
        npm = shutil.which("npm")
        if npm is None:
            raise LFormsUnavailable("npm is missing (apt-get install nodejs npm)")
        try:
            done = subprocess.run(
                [npm, *NPM_CI[1:]], cwd=HERE, capture_output=True, text=True, timeout=NPM_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise LFormsUnavailable(f"npm ci took over {NPM_TIMEOUT} s in {HERE}") from None
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise LFormsUnavailable(f"npm ci failed in {HERE}: {' / '.join(tail)}")
        if needs_install():
            raise LFormsUnavailable(f"npm ci finished but {DIST} lacks the files the harness loads")
    return str(installed_version())


def _nothing_else(environ: dict, start_response) -> object:
    return NotFound()(environ, start_response)


@contextmanager
def serving_lforms() -> Iterator[str]:
    """Serve the harness at /harness.html and the package's dist/lforms at /lforms/; yield the base URL."""
    app = SharedDataMiddleware(
        _nothing_else,
        {"/harness.html": str(HERE / "harness.html"), "/lforms": str(DIST)},
        cache=False,
    )
    with serving(app, "lforms-server") as url:
        yield url
