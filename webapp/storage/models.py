"""What the app stores: saved results, and nothing about the people who saved them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import db


class SavedResult(db.Model):
    """A result someone chose to keep under a private link, until it expires.

    Only the SHA-256 of the link's token is kept, so the database alone cannot rebuild a link.
    There is no IP address, user agent or any other trace of the person.
    """

    __tablename__ = "saved_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The result exactly as the person saw it: its HTML, compressed.
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)
    rules_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # UTC
