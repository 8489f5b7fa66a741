"""Sổ theo dõi hồ sơ (form 07): a book per year, and a số thứ tự given at receipt.

Numbers are unique across the point's desks without a link, like the codes: desk d numbers its
entries d*100000+1 .. d*100000+99999 of the year's book, printed as `dd.nnnnn` (desk 01, entry 7 is
`01.00007`). The counter lives in `code_sequences` under the prefix `register-YYYY`, and is advanced
inside the transaction that writes `received`, so a crash never burns or reuses a number. A
cancelled entry keeps its number; the register shows it as cancelled.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.config import Settings
from app.domain.errors import StorageError, ValidationError
from app.domain.state import DossierState
from app.domain.vocabulary import REGISTER_PER_DESK as PER_DESK
from app.domain.vocabulary import register_no_text, vn_date, vn_long_date
from app.form_templates import installed_template
from app.forms.register import render_register
from app.forms.register_xlsx import register_xlsx
from app.storage import Database
from app.storage.events import load_state

logger = logging.getLogger(__name__)

MAX_DESK = 99


@dataclass(frozen=True)
class RegisterEntry:
    book: str  # quyển số: the year
    no: int  # số thứ tự (desk range included)

    @property
    def no_text(self) -> str:
        return register_no_text(self.no)


def allocate_entry(db: Database, desk: int, day: date) -> RegisterEntry:
    """The next register entry of this desk in the book of `day`'s year (inside the receive transaction)."""
    if not 1 <= desk <= MAX_DESK:
        raise ValidationError(f"desk number {desk} out of range", "Số bàn phải từ 1 đến 99.")
    book = f"{day.year}"
    prefix = f"register-{book}"
    low, high = desk * PER_DESK + 1, desk * PER_DESK + PER_DESK - 1
    with db.transaction() as conn:
        row = conn.execute(
            "SELECT last FROM code_sequences WHERE prefix = ? AND desk = ?", (prefix, desk)
        ).fetchone()
        if row is None:  # first entry of the year here, or a store restored from before: ask the log
            seen = conn.execute(
                "SELECT max(CAST(json_extract(payload, '$.register.no') AS INTEGER)) FROM events "
                "WHERE type = 'received' AND json_extract(payload, '$.register.book') = ? "
                "AND CAST(json_extract(payload, '$.register.no') AS INTEGER) BETWEEN ? AND ?",
                (book, low, high),
            ).fetchone()[0]
            last = int(seen) if seen else low - 1
        else:
            last = int(row[0])
        no = last + 1
        if no > high:
            raise StorageError(
                f"desk {desk} used all register numbers of {book}",
                "Bàn này đã dùng hết số thứ tự của sổ năm nay.",
            )
        conn.execute(
            "INSERT INTO code_sequences (prefix, desk, last) VALUES (?, ?, ?) "
            "ON CONFLICT (prefix, desk) DO UPDATE SET last = excluded.last",
            (prefix, desk, no),
        )
    return RegisterEntry(book, no)


def entries(db: Database, first: date, last: date) -> list[DossierState]:
    """Every dossier received from `first` to `last` (inclusive), in register order (book, number)."""
    rows = db.conn.execute(
        "SELECT id FROM dossiers WHERE received_date BETWEEN ? AND ? ORDER BY received_at, code",
        (first.isoformat(), last.isoformat()),
    ).fetchall()
    states = [load_state(db, str(r[0])) for r in rows]
    return sorted(states, key=lambda s: (s.received_at or "", s.register.get("no", 0)))


def period_title(first: date, last: date) -> str:
    """How the register names its period: a day, a whole month, or a range of days."""
    if first == last:
        return vn_long_date(first).capitalize()
    month_end = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    if first.day == 1 and last == month_end:
        return f"Tháng {first.month:02d} năm {first.year}"
    return f"Từ ngày {vn_date(first)} đến ngày {vn_date(last)}"


def render_period(
    db: Database, settings: Settings, first: date, last: date, fmt: str = "pdf", home: Path | None = None
) -> bytes:
    """Form 07 for the days `first`..`last` (inclusive), as a PDF or an XLSX workbook; with the desk's
    `home`, in the wording of the template the centre published (`app.form_templates`)."""
    if last < first:
        raise ValidationError(
            f"register period {first}..{last} ends before it starts", "Ngày cuối phải sau ngày đầu."
        )
    if fmt not in ("pdf", "xlsx"):
        raise ValidationError(f"bad register format {fmt!r}", "Tệp ra phải có đuôi .pdf hoặc .xlsx.")
    title = period_title(first, last)
    states = entries(db, first, last)
    logger.info("register %s..%s: %d entries as %s", first, last, len(states), fmt)
    template = installed_template(home, "07")  # the centre's wording, from its effective date
    if fmt == "xlsx":
        return register_xlsx(states, settings, title, template)
    book = str(first.year) if first.year == last.year else f"{first.year}-{last.year}"
    return render_register(states, settings, first, book=book, period=title, template=template)
