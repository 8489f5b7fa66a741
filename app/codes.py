"""Dossier codes `<agency code>-YYMMDD-<seq>`, unique across every desk without talking to anyone.

The daily sequence space is split by desk number (given at enrollment): desk d uses d*1000+1 ..
d*1000+999, so desk 1 writes 1001..1999 (4 digits) and desk 12 writes 12001..12999 (5 digits). Two desks
never draw from the same range, online or not. A code is allocated inside the transaction that
writes the `received` event, so a crash can never burn or reuse one.

No code is made on the placeholder agency code a desk holds until it is enrolled or IT sets the
point's agency code (`app.domain.agency_codes`): receiving is refused with a message saying how to
get one. Codes are printed on the receipt the citizen keeps and open the status page, so a desk never
hands out a provisional code it would have to replace later.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date
from urllib.parse import urlencode

from app.domain.agency_codes import is_unset
from app.domain.errors import StorageError, ValidationError
from app.storage.db import Database

logger = logging.getLogger(__name__)

PER_DESK = 1000
NO_AGENCY_CODE_MESSAGE = (
    "Bàn chưa có mã cơ quan của điểm nên chưa cấp được mã hồ sơ. Hãy nhờ cán bộ kỹ thuật đăng ký bàn "
    "với trung tâm (mã đăng ký), hoặc nhập “Mã cơ quan (mã hồ sơ)” của điểm trong Cài đặt."
)
MAX_DESK = 99


def desk_range(desk: int) -> tuple[int, int]:
    """The first and last sequence number desk `desk` may use each day."""
    if not 1 <= desk <= MAX_DESK:
        raise ValidationError(f"desk number {desk} out of range", "Số bàn phải từ 1 đến 99.")
    return desk * PER_DESK + 1, desk * PER_DESK + PER_DESK - 1


def code_prefix(agency_code: str, day: date) -> str:
    return f"{agency_code}-{day:%y%m%d}"


def format_code(agency_code: str, day: date, seq: int) -> str:
    return f"{code_prefix(agency_code, day)}-{seq:04d}"


def allocate_code(db: Database, agency_code: str, desk: int, day: date) -> str:
    """The next code of this desk for `day` (call inside the transaction that writes `received`)."""
    if is_unset(agency_code):
        logger.warning("no dossier code made: the point's agency code is not set (desk not enrolled)")
        raise ValidationError("agency code not set", NO_AGENCY_CODE_MESSAGE)
    if "-" in agency_code:
        raise ValidationError(
            f"bad agency code {agency_code!r}", "Mã cơ quan của điểm chưa được cấu hình đúng."
        )
    low, high = desk_range(desk)
    prefix = code_prefix(agency_code, day)
    with db.transaction() as conn:
        row = conn.execute(
            "SELECT last FROM code_sequences WHERE prefix = ? AND desk = ?", (prefix, desk)
        ).fetchone()
        last = int(row[0]) if row else low - 1
        # Codes of this desk already known (e.g. pulled back from the hub after restoring an old backup)
        # must never be handed out again.
        seen = conn.execute(
            "SELECT max(code) FROM dossiers WHERE code BETWEEN ? AND ? AND length(code) = ?",
            (f"{prefix}-{low:04d}", f"{prefix}-{high:04d}", len(format_code(agency_code, day, low))),
        ).fetchone()[0]
        if seen:
            last = max(last, int(str(seen).rsplit("-", 1)[1]))
        seq = last + 1
        if seq > high:
            raise StorageError(
                f"desk {desk} used all {PER_DESK - 1} dossier codes of {day}",
                "Bàn này đã dùng hết số hồ sơ trong ngày. Hãy tiếp nhận ở bàn khác.",
            )
        conn.execute(
            "INSERT INTO code_sequences (prefix, desk, last) VALUES (?, ?, ?) "
            "ON CONFLICT (prefix, desk) DO UPDATE SET last = excluded.last",
            (prefix, desk, seq),
        )
    return format_code(agency_code, day, seq)


STATUS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper
STATUS_PATH = "/tra-cuu"  # the hub's public citizen status page


def new_status_secret() -> str:
    """Eight random characters (40 bits) printed on the receipt beside the code."""
    return "".join(secrets.choice(STATUS_ALPHABET) for _ in range(8))


def status_url(hub_url: str, code: str, secret: str) -> str:
    """What the receipt's QR carries: the hub's citizen page with the code and its secret."""
    return f"{hub_url.rstrip('/')}{STATUS_PATH}?{urlencode({'ma': code, 'k': secret})}"
