"""QR codes of links, drawn on the server as SVG, so no outside service ever sees a link."""

from __future__ import annotations

import re
from functools import lru_cache

import segno
from flask_babel import gettext as _
from markupsafe import Markup, escape


def qr_svg(url: str) -> Markup:
    """A QR code of the link as inline SVG, named for screen readers (the link is printed beside it)."""
    return _drawn(url, _("QR code of the link"))


@lru_cache(maxsize=256)  # drawing a QR code costs milliseconds; the same links come back
def _drawn(url: str, name: str) -> Markup:
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    # segno gives a size but no viewBox, so a code drawn smaller than that size (a printed handout
    # or card) would be cut off, not scaled: the viewBox makes it scale to any width.
    size = re.match(r'<svg width="(\d+)" height="(\d+)"', svg)
    box = f'viewBox="0 0 {size[1]} {size[2]}" ' if size else ""
    named = re.sub(r"^<svg ", f'<svg role="img" aria-label="{escape(name)}" {box}', svg)
    return Markup(named)  # noqa: S704 - segno writes only path data and colours, never the link's text
