"""Save tokens the server issues to one browser: the only tokens a result can be saved under.

The results page carries a fresh random token and a proof: an HMAC of the token, keyed by the app's
secret and bound to this browser's session (its CSRF secret). A token someone chose, or a token
copied from another browser (a saved link, say), comes without a proof that fits this session, so
it can neither be stored nor make this browser the owner of a result it did not save.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app, session
from flask_wtf.csrf import generate_csrf

from .storage import saving


def _session_secret() -> str:
    """The CSRF secret in this browser's signed session, made if it has none yet."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field not in session:
        generate_csrf()
    return str(session.get(field, ""))


def proof(token: str) -> str:
    """The proof that this server issued `token` to this browser."""
    key = current_app.secret_key
    key = key.encode("utf-8") if isinstance(key, str) else bytes(key or b"")
    message = f"imaging-guide save token\0{_session_secret()}\0{token}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def issue() -> tuple[str, str]:
    """A fresh token for the save form, and its proof."""
    token = saving.new_token()
    return token, proof(token)


def redeem(token: str, given_proof: str) -> bool:
    """True when the token has a link's shape and was issued to this browser."""
    return saving.is_token(token) and hmac.compare_digest(given_proof.encode(), proof(token).encode())
