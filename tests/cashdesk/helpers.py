"""A desk with a head's account and biên lai ranges, on a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.services.clerks import ensure_clerk
from app.services.context import Desk
from app.services.receipts import add_range
from tests.store_helpers import NOW, make_desk

FORM, SERIES = "01BLP0-001", "AA/26P"


def cash_desk(home: Path, desk_no: int = 1, first: int | None = None, size: int = 100) -> Desk:
    """Desk `desk_no` with the printed range first..first+size-1 of (FORM, SERIES) (default: by desk)."""
    desk = make_desk(home, desk_no)
    desk.settings.extra.update(bank_bin="970415", bank_account="113366668888", bank_beneficiary="Điểm HK")
    head = ensure_clerk(desk.db, "thuha", "Trần Thu Hà", role="head")
    start = first if first is not None else (desk_no - 1) * size + 1
    add_range(replace(desk, clerk_id=head.id), FORM, SERIES, start, start + size - 1, desk_no, "printed")
    return desk


__all__ = ["FORM", "NOW", "SERIES", "cash_desk"]
