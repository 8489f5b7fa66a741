"""Helpers for the store/services tests: a desk on a real SQLite file with a real blob store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app.calendar import TZ
from app.config import Settings
from app.services.clerks import ensure_clerk
from app.services.context import Desk
from app.services.demo_data import make_page
from app.storage import BlobStore, open_db

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=TZ)  # a Friday, a working day


def make_desk(home: Path, desk_no: int = 1, now: datetime = NOW, agency_code: str = "000.00.01.H26") -> Desk:
    db = open_db(home / "desk.db")
    clerk = ensure_clerk(db, "lan", "Nguyễn Thị Lan")
    settings = Settings(point_code="HK", agency_code=agency_code, desk=desk_no)
    return Desk(db, BlobStore(home / "blobs"), settings, clerk.id, now=lambda: now)


def applicant(**kw):
    base = {
        "full_name": "Nguyễn Văn Đức",
        "id_kind": "cccd",
        "id_number": "001090012345",
        "birth_date": "1990-05-01",
        "gender": "male",
        "address": "12 Hàng Bạc, Hoàn Kiếm",
        "phone": "0912345678",
        "email": None,
    }
    return {**base, **kw}


def request(desk: Desk, procedure: str = "2.000815", pages: int = 1, text: str = "", **kw):
    """A complete request for `procedure` (one document per mandatory component)."""
    import random

    from app.services.intake import find_procedure

    proc = find_procedure(desk, procedure)
    rng = random.Random()
    docs = []
    for comp in proc.components:
        if not comp.mandatory:
            continue
        refs = [desk.blobs.put_bytes(make_page(rng, comp.name, str(rng.random()))) for _ in range(pages)]
        docs.append(
            {
                "component": comp.id,
                "name": comp.name,
                "copy_kind": comp.copy_kind,
                "pages": [{"sha256": r.sha256, "size": r.size, "mime": "image/png"} for r in refs],
                "ocr_text": text,
            }
        )
    return {"procedure": procedure, "applicant": applicant(), "documents": docs, **kw}
