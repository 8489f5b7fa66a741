"""Identifiers made on the device without asking anyone: UUIDv7 (time-ordered, random tail)."""

from __future__ import annotations

import uuid6


def new_id() -> str:
    """A new UUIDv7 as a lowercase string."""
    return str(uuid6.uuid7())
