"""Reads for the desk's lists, search and dashboard: indexed queries on the `dossiers` projection."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.domain.errors import NotFoundError, ValidationError
from app.domain.state import OPEN, STATUS_LABELS_VI, DossierState, Flag, Status
from app.domain.text import search_words
from app.domain.vocabulary import vn_today
from app.storage import Database

_OPEN = "(" + ", ".join(f"'{s.value}'" for s in sorted(OPEN)) + ")"
_AWAITING = "('received', 'supplement_requested', 'accepted', 'processing')"
_UNSYNCED = "d.pending_events > 0"
FILTERS = (
    "all",
    "today",
    "due_today",
    "due_soon",
    "overdue",
    "awaiting_result",
    "result_ready",
    "returned",
    "refused",
    "unsynced",
    "pending_extension",
)
# a clerk's request for form 04 waiting for the head: read from the folded state, carried by the
# partial index of migration 0010 (its WHERE must match this word for word)
_PENDING_EXTENSION = f"d.status IN {_OPEN} AND json_extract(d.state, '$.pending_extension') IS NOT NULL"
_COLUMNS = [
    "d.rid",
    "d.id",
    "d.code",
    "d.status",
    "d.procedure_code",
    "d.procedure_name",
    "d.applicant_name",
    "d.id_number",
    "d.received_at",
    "d.due_date",
    "d.returned_at",
    "d.fees_quoted",
    "d.fees_collected",
    "d.flag_count",
]
_COLUMN_KEYS = [c.removeprefix("d.") for c in _COLUMNS] + ["pending_extension_due"]
COLUMNS = ", ".join([*_COLUMNS, "json_extract(d.state, '$.pending_extension.new_due_date')"])
_CODE_LIKE = re.compile(r"^[0-9A-Za-z]{2,4}\.[0-9A-Za-z.]*-[0-9-]*$")  # 000.00.00.H26-261120-1001
COUNT_CAP = 1_000  # totals above this show as "1000+": counting every match of a common name costs time


def _filter_sql(name: str, today: date, due_soon_days: int) -> tuple[str, list[Any]]:
    t = today.isoformat()
    soon = (today + timedelta(days=due_soon_days)).isoformat()
    table: dict[str, tuple[str, list[Any]]] = {
        "all": ("d.code IS NOT NULL", []),  # a desk's cash ledger stream (no code) is not a dossier
        "today": ("d.received_date = ?", [t]),
        "due_today": (f"d.status IN {_OPEN} AND d.due_date = ?", [t]),
        "due_soon": (f"d.status IN {_OPEN} AND d.due_date BETWEEN ? AND ?", [t, soon]),
        "overdue": (f"d.status IN {_OPEN} AND d.due_date < ?", [t]),
        "awaiting_result": (f"d.status IN {_AWAITING}", []),
        "result_ready": ("d.status = 'result_ready'", []),
        "returned": ("d.status = 'returned'", []),
        "refused": ("d.status = 'refused'", []),
        "unsynced": (_UNSYNCED, []),
        "pending_extension": (_PENDING_EXTENSION, []),
    }
    if name not in table:
        raise ValidationError(f"unknown dossier filter {name!r}", "Bộ lọc hồ sơ không hợp lệ.")
    return table[name]


_BY_DUE = ("due_today", "due_soon", "overdue")


def _order_sql(name: str) -> str:
    """Deadline lists show the most pressing first (index dossiers_open_due); the rest newest first."""
    return "d.due_date, d.rid" if name in _BY_DUE else "d.rid DESC"


def _after_sql(name: str, after: str) -> tuple[str, list[Any]]:
    """Keyset condition: the rows after `after` (a cursor from an item) in the list's order.

    Seeking on the ordering key costs the same at row 50,000 as at row 500 (OFFSET would step over
    every earlier row)."""
    try:
        if name in _BY_DUE:
            due, rid = after.rsplit("|", 1)
            return "(d.due_date, d.rid) > (?, ?)", [due, int(rid)]
        return "d.rid < ?", [int(after)]
    except ValueError:
        raise ValidationError(
            f"bad list cursor {after!r}", "Không đọc được vị trí trong danh sách."
        ) from None


def _cursor(name: str, item: dict[str, Any]) -> str:
    return f"{item['due_date']}|{item['rid']}" if name in _BY_DUE else str(item["rid"])


def _match_sql(query: str) -> tuple[str, list[Any]]:
    """Dossiers whose code, applicant name, ID number or OCR text contain every word (prefix match)."""
    text = query.strip()
    if _CODE_LIKE.match(text):  # a (partial) dossier code: an index range scan on dossiers.code
        return "d.code >= ? AND d.code < ?", [text.upper(), text.upper() + "\U0010ffff"]
    compact = re.sub(r"[\s.\-()]", "", text)
    if re.fullmatch(r"(\+84|84|0)\d{8,10}", compact):  # a phone number typed with spaces or +84
        compact = (
            "0" + compact.removeprefix("+").removeprefix("84") if not compact.startswith("0") else compact
        )
        words = [compact]
    else:
        words = search_words(query)
    if not words:
        return "1", []
    fts = " ".join(f'"{w}"*' for w in words)
    return (
        "d.rid IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?"
        " UNION SELECT t.dossier_rid FROM document_text f JOIN document_texts t ON t.rid = f.rowid"
        " WHERE document_text MATCH ?)",
        [fts, fts],
    )


@dataclass
class DossierPage:
    items: list[dict[str, Any]]
    total: int  # capped at COUNT_CAP
    offset: int
    limit: int
    next_after: str | None = None  # pass as `after` for the next page (None: this was the last)

    @property
    def is_total_capped(self) -> bool:
        return self.total >= COUNT_CAP


def _row(r: tuple[Any, ...], today: date) -> dict[str, Any]:
    item = dict(zip(_COLUMN_KEYS, r, strict=True))
    item["status_label"] = STATUS_LABELS_VI[Status(item["status"])]
    item["is_overdue"] = bool(
        item["status"] in OPEN and item["due_date"] and item["due_date"] < today.isoformat()
    )
    return item


def list_dossiers(
    db: Database,
    filter: str = "all",
    query: str = "",
    today: date | None = None,
    limit: int = 50,
    offset: int = 0,
    due_soon_days: int = 2,
    after: str | None = None,
    with_total: bool = True,
) -> DossierPage:
    """One page of dossiers (newest first; deadline filters by due date) by filter and search words
    (code, name, ID number, OCR text).

    Scrolling: pass the previous page's `next_after` (each item's "cursor") as `after` (keyset
    paging, constant cost at any depth); `offset` still works for a first jump. `with_total=False`
    skips the capped count (the list's later pages do not need it)."""
    today = today or vn_today()
    where_f, args_f = _filter_sql(filter, today, due_soon_days)
    where_q, args_q = _match_sql(query)
    where = f"({where_f}) AND ({where_q})"
    args = args_f + args_q
    seek, seek_args = _after_sql(filter, after) if after else ("1", [])
    rows = db.conn.execute(
        f"SELECT {COLUMNS} FROM dossiers d WHERE {where} AND ({seek})"
        f" ORDER BY {_order_sql(filter)} LIMIT ? OFFSET ?",
        [*args, *seek_args, limit, offset],
    ).fetchall()
    total = (
        db.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM dossiers d WHERE {where} LIMIT {COUNT_CAP})", args
        ).fetchone()[0]
        if with_total
        else -1
    )
    items = [_row(r, today) for r in rows]
    for item in items:
        item["cursor"] = _cursor(filter, item)
    next_after = items[-1]["cursor"] if len(items) == limit else None
    return DossierPage(items, int(total), offset, limit, next_after)


def get_dossier(db: Database, dossier_id: str) -> DossierState:
    """The projected state of one dossier (as folded at its last write)."""
    row = db.conn.execute(
        "SELECT state FROM dossiers WHERE id = ? OR code = ?", (dossier_id, dossier_id)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"dossier {dossier_id} not found", "Không tìm thấy hồ sơ.")
    return state_from_json(json.loads(row[0]))


def state_from_json(data: dict[str, Any]) -> DossierState:
    data = dict(data)
    data["status"] = Status(data["status"])
    data["flags"] = [Flag(**f) for f in data.get("flags", [])]
    return DossierState(**data)


def status_counts(db: Database) -> dict[str, int]:
    """Dossiers per status plus 'returned_on_time', kept by triggers on `dossiers` (schema 5)."""
    return {str(k): int(n) for k, n in db.conn.execute("SELECT key, n FROM dossier_counts")}


def dashboard(db: Database, today: date | None = None) -> dict[str, Any]:
    """Counts for the head of point. on_time_rate (QĐ 766): (returned on time + open not overdue) /
    (returned + open), in percent, None when there is nothing to judge.

    Totals per status come from the `dossier_counts` counters; the date-dependent counts are index
    range scans (one day, or the open dossiers), so this stays fast at 100,000 dossiers."""
    t = (today or vn_today()).isoformat()
    one = lambda sql, *a: int(db.conn.execute(sql, a).fetchone()[0] or 0)  # noqa: E731
    by_status = status_counts(db)
    n = lambda *statuses: sum(by_status.get(s, 0) for s in statuses)  # noqa: E731
    open_total = n(*(s.value for s in OPEN))
    overdue = one(f"SELECT count(*) FROM dossiers WHERE status IN {_OPEN} AND due_date < ?", t)
    open_undated = one(f"SELECT count(*) FROM dossiers WHERE status IN {_OPEN} AND due_date IS NULL")
    counts: dict[str, Any] = {
        "received_today": one("SELECT count(*) FROM dossiers WHERE received_date = ?", t),
        "due_today": one(f"SELECT count(*) FROM dossiers WHERE status IN {_OPEN} AND due_date = ?", t),
        "overdue": overdue,
        "awaiting_result": n("received", "supplement_requested", "accepted", "processing"),
        "result_ready": n("result_ready"),
        "returned_today": one(
            "SELECT count(*) FROM dossiers WHERE status = 'returned' AND substr(returned_at, 1, 10) = ?", t
        ),
        "returned": n("returned"),
        "refused": n("refused"),
        "pending_extension": one(f"SELECT count(*) FROM dossiers d WHERE {_PENDING_EXTENSION}"),
    }
    on_time = n("returned_on_time") + open_total - overdue - open_undated
    judged = n("returned") + open_total
    counts["on_time_rate"] = round(100.0 * on_time / judged, 1) if judged else None
    return counts
