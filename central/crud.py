"""Points, devices and enrollment; dossier summaries. (Events and the feed: `central.ingest`.)"""

from __future__ import annotations

import logging
import re
import time
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.agency_codes import is_placeholder
from central.auth import forget_device
from central.core import security
from central.models import Blob, Device, Dossier, DossierFile, EnrollCode, FeedItem, Point, Publication
from sync.protocol import AGENCY_CODE_PATTERN, POINT_PATTERN, PUBLICATION_KINDS, DossierSummary

logger = logging.getLogger(__name__)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def ensure_point(s: Session, code: str) -> Point:
    """The point, created on first use with the newest catalog and calendar already in its feed."""
    point = s.get(Point, code)
    if point is not None:
        return point
    point = Point(code=code, next_seq=1)
    s.add(point)
    s.flush()
    for kind in PUBLICATION_KINDS:
        newest = s.scalar(select(Publication).where(Publication.kind == kind).order_by(Publication.id.desc()))
        if newest is not None:
            add_feed(s, code, kind, publication_id=newest.id)
    return point


def lock_point(s: Session, point_code: str) -> Point:
    """Lock the point's feed counter until commit (SELECT ... FOR UPDATE; SQLite: BEGIN IMMEDIATE).

    Feed positions are therefore handed out in commit order: a reader can never see position n+1
    while n is still uncommitted, so a cursor never skips a row."""
    return s.execute(select(Point).where(Point.code == point_code).with_for_update()).scalar_one()


def add_feed(
    s: Session,
    point_code: str,
    kind: str,
    *,
    event_id: str | None = None,
    publication_id: int | None = None,
    device: str = "",
) -> int:
    """Append to a point's feed (takes the point's lock, or reuses it if this transaction holds it)."""
    point = lock_point(s, point_code)
    seq = point.next_seq
    point.next_seq = seq + 1
    s.add(
        FeedItem(
            point_code=point_code,
            seq=seq,
            kind=kind,
            event_id=event_id,
            publication_id=publication_id,
            device=device,
        )
    )
    return seq


class PointSetupError(ValueError):
    """The point has no agency code yet, or the one given is another point's or differs from its own."""


def set_agency_code(s: Session, point: Point, agency_code: str | None) -> str:
    """The point's agency code: kept once set; given the first time; never another point's."""
    if agency_code is not None and not re.match(AGENCY_CODE_PATTERN, agency_code):
        raise PointSetupError(f"agency code {agency_code!r} is not of the form 000.00.01.H26")
    if agency_code is not None and is_placeholder(agency_code):  # every unset or demo desk makes these
        raise PointSetupError(f"agency code {agency_code} is the desk's default or demo code, not a point's")
    if point.agency_code:
        if agency_code and agency_code != point.agency_code:
            raise PointSetupError(f"point {point.code} already has agency code {point.agency_code}")
        return point.agency_code
    if not agency_code:
        raise PointSetupError(f"point {point.code} has no agency code yet: give --agency-code")
    other = s.scalar(select(Point.code).where(Point.agency_code == agency_code))
    if other is not None:
        raise PointSetupError(f"agency code {agency_code} belongs to point {other}")
    point.agency_code = agency_code
    return agency_code


def create_enroll_code(
    s: Session, point_code: str, desk: int, hours: int, agency_code: str | None = None
) -> str:
    if not 1 <= desk <= 99 or not re.match(POINT_PATTERN, point_code):
        raise PointSetupError("the point code is letters, digits, '.', '_' or '-'; the desk is 1 to 99")
    set_agency_code(s, ensure_point(s, point_code), agency_code)
    code = security.new_enroll_code()
    s.add(
        EnrollCode(
            code_hash=security.hash_secret(security.normalize_code(code)),
            point_code=point_code,
            desk=desk,
            expires_at=now_ms() + hours * 3_600_000,
        )
    )
    logger.info("enrollment code issued for point %s desk %d", point_code, desk)
    return code


def redeem_enroll_code(s: Session, code: str, label: str) -> tuple[Device, str, str] | None:
    """Exchange a valid, unused, unexpired code for a new device and its secret (shown once)."""
    digest = security.hash_secret(security.normalize_code(code))
    row = s.execute(
        select(EnrollCode).where(EnrollCode.code_hash == digest).with_for_update()
    ).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at < now_ms():
        return None
    secret = security.new_secret()
    device = Device(
        id=str(uuid.uuid4()),
        point_code=row.point_code,
        desk=row.desk,
        secret_hash=security.hash_secret(secret),
        label=label[:200],
        created_at=now_ms(),
    )
    s.add(device)
    row.used_at, row.device_id = now_ms(), device.id
    logger.info("device %s enrolled for point %s desk %d", device.id, row.point_code, row.desk)
    agency_code = s.scalar(select(Point.agency_code).where(Point.code == row.point_code))
    return device, secret, str(agency_code or "")


def revoke_device(s: Session, device_id: str) -> bool:
    device = s.get(Device, device_id)
    if device is None:
        return False
    device.revoked_at = device.revoked_at or now_ms()
    forget_device(device_id)  # this process stops trusting it at once (a push re-checks it anyway)
    logger.info("device %s revoked", device_id)
    return True


def summaries(
    s: Session, point_code: str | None = None, dossier_id: str | None = None
) -> list[DossierSummary]:
    """Dossier list; file counts are computed at read time so they can never go stale."""
    expected = (
        select(DossierFile.dossier_id, func.count().label("n"), func.count(Blob.sha256).label("got"))
        .outerjoin(Blob, Blob.sha256 == DossierFile.sha256)
        .group_by(DossierFile.dossier_id)
        .subquery()
    )
    q = select(Dossier, expected.c.n, expected.c.got).outerjoin(expected, expected.c.dossier_id == Dossier.id)
    if point_code:
        q = q.where(Dossier.point_code == point_code)
    if dossier_id:
        q = q.where(Dossier.id == dossier_id)
    out = []
    for d, n, got in s.execute(q.order_by(Dossier.code, Dossier.id)):
        n, got = int(n or 0), int(got or 0)
        out.append(
            DossierSummary(
                id=d.id,
                code=d.code,
                point=d.point_code,
                state=d.state,
                files_expected=n,
                files_received=got,
                files_complete=got == n,
                flags=d.flags,
            )
        )
    return out
