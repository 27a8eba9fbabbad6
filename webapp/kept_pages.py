"""Pages rendered once and kept, with nothing of any one visitor in them.

A page that is the same for everyone (a test's page, a saved result) need not be rendered on
every request. What could make a kept page wrong for the next visitor, and how it is kept out:

- the CSRF token in a form: the page is rendered with a slot in its place, and each request
  fills the slot with its own visitor's token;
- a notice flashed for this visitor: while one waits, the page is rendered for them alone;
- anything else that differs between visitors (being a saved result's owner, the mount point):
  part of the key the caller keeps the page under.

The templates of kept pages show nothing else from the session; tests/test_page_caches.py
renders them for a visitor with answers and for one without and requires the same page.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, g, session
from flask_wtf.csrf import generate_csrf

# Stands for the visitor's CSRF token in a kept page (a real token never has this form).
CSRF_SLOT = "csrf-slot:6b1f0e2a"
_SLOT = CSRF_SLOT.encode("ascii")


def render(make: Callable[[], str]) -> tuple[bytes, bool]:
    """Render a page with a CSRF slot; the page encoded, and whether it may be kept for everyone.

    Flask-WTF's csrf_token() gives the token it finds in `g` for this request, so while this
    renders it gives the slot. Had it made a real token (a later Flask-WTF, say), `g` would hold
    that token afterwards, or the session would have changed, and the page is not kept.
    """
    if "_flashes" in session:  # a notice waiting for this visitor goes on their page alone
        return make().encode("utf-8"), False
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.pop(field, None)
    modified = session.modified
    session.modified = False
    setattr(g, field, CSRF_SLOT)
    try:
        page = make().encode("utf-8")
        for_everyone = g.get(field) == CSRF_SLOT and not session.modified
    finally:
        g.pop(field, None)
        if token is not None:
            setattr(g, field, token)
        session.modified = session.modified or modified
    return page, for_everyone


def send(page: bytes) -> Response:
    """Answer with a kept page, its CSRF slot filled with this visitor's own token."""
    if _SLOT in page:
        page = page.replace(_SLOT, generate_csrf().encode("ascii"))
    return Response(page, mimetype="text/html")
