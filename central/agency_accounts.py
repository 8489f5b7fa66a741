"""Agency accounts: one random token per agency (shown once, stored hashed), scoped, revocable."""

from __future__ import annotations

import logging
import re

from sqlalchemy.orm import Session

from central.core import security
from central.crud import now_ms
from central.models import Agency

logger = logging.getLogger(__name__)
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class AgencyAccountError(ValueError):
    pass


def add(s: Session, name: str, points: list[str], procedures: list[str]) -> str:
    """Create an agency; returns its token (the only time it is shown)."""
    if not NAME.match(name):
        raise AgencyAccountError("agency name: lowercase letters, digits, '.', '_', '-' (at most 64)")
    if not points:
        raise AgencyAccountError("give at least one --point (or --point '*')")
    agency = s.get(Agency, name)
    if agency is not None and agency.revoked_at is None:
        raise AgencyAccountError(f"agency {name} exists (revoke it first to issue a new token)")
    if agency is None:
        agency = Agency(name=name, created_at=now_ms())
        s.add(agency)
    token = security.new_secret()
    agency.token_hash, agency.revoked_at = security.hash_secret(token), None
    agency.points = ",".join(sorted(set(points)))
    agency.procedures = ",".join(sorted(set(procedures))) or "*"
    logger.info("agency %s added for %d points", name, len(set(points)))
    return token


def revoke(s: Session, name: str) -> bool:
    agency = s.get(Agency, name)
    if agency is None:
        return False
    agency.revoked_at = agency.revoked_at or now_ms()  # its token now gets 401 auth_revoked
    logger.info("agency %s revoked", name)
    return True
