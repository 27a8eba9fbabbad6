"""Prepare `instance/` for a local run: a config file with a random secret key, written once."""

from __future__ import annotations

import secrets
import sys

from .config import ROOT

CONFIG = ROOT / "instance" / "config.py"


def ensure_config() -> bool:
    """Write instance/config.py with a fresh secret key if there is none; True if it was written."""
    if CONFIG.exists():
        return False
    CONFIG.parent.mkdir(parents=True, exist_ok=True)
    CONFIG.write_text(
        "# Local settings for this machine; never commit this file.\n"
        f"SECRET_KEY = {secrets.token_hex(32)!r}\n",
        encoding="utf-8",
    )
    CONFIG.chmod(0o600)
    return True


if __name__ == "__main__":
    written = ensure_config()
    print(f"{'Wrote' if written else 'Kept'} {CONFIG.relative_to(ROOT)}", file=sys.stderr)
