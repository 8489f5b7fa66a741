"""Demo data through the same services the desk uses: `seed_demo(db, blobs, settings, dossiers, pages)`."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from app.calendar import TZ
from app.catalog import Procedure, ensure_loaded, list_procedures
from app.config import Settings
from app.domain.errors import AppError
from app.services import intake, lifecycle, returns
from app.services.clerks import demo_clerk, ensure_clerk
from app.services.context import Desk, vn_now
from app.services.demo_data import make_applicant, make_page
from app.services.dossier_write import current_state
from app.storage import BlobStore, Database

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def _documents(
    rng: random.Random, desk: Desk, proc: Procedure, pages: int, serial: int
) -> list[dict[str, Any]]:
    components = [c for c in proc.components if c.mandatory] or list(proc.components[:1])
    docs: list[dict[str, Any]] = [
        {"component": c.id, "name": c.name, "copy_kind": c.copy_kind, "pages": []} for c in components
    ]
    for n in range(pages):
        doc = docs[n % len(docs)]
        data = make_page(rng, doc["name"], f"Hồ sơ mẫu {serial} - trang {n + 1}")
        ref = desk.blobs.put_bytes(data)
        doc["pages"].append(
            {
                "sha256": ref.sha256,
                "size": ref.size,
                "mime": "image/png",
                "width": 620,
                "height": 877,
                "dpi": 75,
            }
        )
    for doc in docs:
        doc["ocr_text"] = f"{doc['name']} {proc.name}"
    return docs


def _received_at(rng: random.Random, desk: Desk, now: datetime, index: int, total: int) -> datetime:
    """Spread dossiers over the last three weeks' reception days, the newest today (never in the future)."""
    age = int((total - 1 - index) * 15 / max(total, 1))
    day = now.date() - timedelta(days=age)
    while not desk.calendar.is_working_day(day) and day > now.date() - timedelta(days=40):
        day -= timedelta(days=1)
    moment = datetime.combine(day, time(8, 0), TZ) + timedelta(minutes=rng.randint(0, 8 * 60))
    return min(moment, now)


def _follow_up(rng: random.Random, desk: Desk, dossier_id: str, due: date, today: date) -> None:
    """Move an older dossier along its life: fee, result handed back, rating; some late, some refused."""
    roll = rng.random()
    if roll < 0.05:
        intake.refuse(desk, dossier_id, "Hồ sơ không thuộc thẩm quyền giải quyết.")
        return
    if roll < 0.10:
        intake.request_supplement(
            desk,
            dossier_id,
            [{"name": "Bản sao giấy tờ tùy thân", "copy_kind": "certified"}],
            "Thiếu giấy tờ",
        )
        return
    if due >= today:
        return
    if roll < 0.20:
        desk.now = vn_now
        new_due = desk.calendar.add_working_days(today, 3)
        head = replace(desk, clerk_id=ensure_clerk(desk.db, "truongdiem", "Lê Thị Mai", "head").id)
        returns.issue_apology(head, dossier_id, "Cần xác minh thêm thông tin.", new_due)
        return
    if not returns.may_hand_back(desk.db, current_state(desk, dossier_id)):
        unit = desk.settings.point_name or "Bộ phận một cửa"
        lifecycle.hand_off(
            desk, dossier_id, "to_agency", "Cán bộ tiếp nhận", "Cán bộ thụ lý", unit, "Cơ quan giải quyết"
        )
        lifecycle.hand_off(
            desk, dossier_id, "to_point", "Cán bộ thụ lý", "Cán bộ tiếp nhận", "Cơ quan giải quyết", unit
        )
        lifecycle.record_result(desk, dossier_id, kind="paper")
    if roll < 0.85:
        state = returns.return_result(desk, dossier_id, "Người nộp hồ sơ")
        if state.fees_quoted:
            returns.record_fee(desk, dossier_id, state.fees_quoted)
        returns.rate(desk, dossier_id, rng.choice(["rat_hai_long", "hai_long", "hai_long", "khong_hai_long"]))


# one dossier in ten came online through the portal, one in ten by the public postal service
DEMO_CHANNELS = (
    ("truc_tiep",) * 3 + ("truc_tuyen",) + ("truc_tiep",) * 3 + ("buu_chinh",) + ("truc_tiep",) * 2
)


def seed_demo(
    db: Database,
    blobs: BlobStore,
    settings: Settings,
    dossiers: int = 30,
    pages: int = 1,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    seed: int | None = None,
) -> list[str]:
    """Receive `dossiers` realistic dossiers with `pages` generated page images each; returns their ids."""
    rng = random.Random(seed)
    ensure_loaded(db.conn)
    procedures = list_procedures(db.conn)
    clerk = demo_clerk(db)
    real_now = vn_now()
    clock = [real_now]
    desk = Desk(db, blobs, settings, clerk.id, now=lambda: clock[0])
    done: list[str] = []
    for index in range(dossiers):
        if is_cancelled and is_cancelled():
            break
        proc = rng.choice(procedures)
        clock[0] = _received_at(rng, desk, real_now, index, dossiers)
        request = {
            "procedure": proc.code,
            "applicant": make_applicant(rng, clock[0].date()),
            "documents": _documents(rng, desk, proc, pages, index + 1),
            "return_method": {"kind": "desk"},
            "channel": DEMO_CHANNELS[index % len(DEMO_CHANNELS)],
        }
        state = intake.receive(desk, request)
        done.append(state.id)
        due = date.fromisoformat(state.due_date or "9999-12-31")
        received_at = clock[0]
        if due < real_now.date():  # handed back on the appointment day, like most dossiers
            clock[0] = max(received_at, datetime.combine(due, time(10, rng.randint(0, 59)), TZ))
        try:
            _follow_up(
                rng, desk, state.id, date.fromisoformat(state.due_date or "9999-12-31"), real_now.date()
            )
        except AppError as exc:  # a demo step the rules refuse is skipped, the dossier stays as it is
            logger.info("demo follow-up skipped for %s: %s", state.id, exc.log_message)
        desk.now = lambda: clock[0]
        if progress:
            progress(index + 1, dossiers)
    logger.info("demo: %d dossiers received", len(done))
    return done
