"""Thu tiền cuối ngày on screen: the head of point sees every clerk's and every desk's end-of-day cash
report (another desk's as its `cash_reported` event came through the hub's feed) and prints one; a clerk
sees only their own."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt

from app.domain.events import Event, EventType
from app.domain.hlc import HybridClock
from app.domain.ids import new_id
from app.services import cashdesk as cd
from app.services.cash_report import submit
from app.services.clerks import ensure_clerk
from app.services.receipts import add_range
from app.storage.events import insert_event, refresh_projection
from tests.store_helpers import request
from ui.adapters.session import service_desk
from ui.dialogs.cash_day import CashDayDialog

OTHER_CLERK, OTHER_DEVICE = "0195f0c2-0000-7000-8000-00000000c1e2", "0195f0c2-0000-7000-8000-0000000de5c2"


def _pulled(ctx, dossier_id: str, type_: EventType, payload: dict) -> None:
    """An event of another desk as the sync pull stores it (origin 'remote')."""
    event = Event(new_id(), dossier_id, type_, str(HybridClock().tick()), OTHER_CLERK, OTHER_DEVICE, payload)
    with ctx.db.transaction():
        insert_event(ctx.db, event, "remote")
        refresh_projection(ctx.db, dossier_id)


def _other_desk_day(ctx, day: str, counted: object = 150_000) -> None:
    """Desk 2's day as the hub passed it on: a biên lai it issued and its clerk's end-of-day report."""
    lines = [{"code": "le_phi", "label": "Lệ phí đăng ký cư trú", "amount": 180_000, "basis": ""}]
    _pulled(ctx, new_id(), EventType.FEE_COLLECTED,
            {"receipt": {"form": "01BLP0-001", "series": "AB/26P", "number": 7, "kind": "printed"},
             "at": f"{day}T10:00:00+07:00", "amount": 180_000, "method": "cash", "lines": lines})  # fmt: skip
    report = {"day": day, "clerk": OTHER_CLERK, "desk": 2, "expected_cash": 180_000, "counted_cash": counted,
              "difference": -30_000, "reason": "Trả lại tiền thừa cho công dân",
              "totals": {"total": 180_000, "by_fee": {"Lệ phí đăng ký cư trú": 180_000},
                         "by_method": {"cash": 180_000}, "issued": 1, "voided": 0}}  # fmt: skip
    _pulled(ctx, new_id(), EventType.CASH_REPORTED, report)


def _day_of_two_clerks(ctx):
    services = service_desk(ctx)
    head = ensure_clerk(ctx.db, "truongdiem", "Trần Thu Hà", role="head")
    add_range(replace(services, clerk_id=head.id), "01BLP0-001", "AA/26P", 1, 100, ctx.settings.desk)
    other = ensure_clerk(ctx.db, "canbo2", "Lê Văn Minh")
    mine = cd.receive_and_collect(services, request(services, "1.004222"), cd.Payment("cash"))[1]
    theirs = replace(services, clerk_id=other.id)
    cd.receive_and_collect(theirs, request(theirs, "1.004222"), cd.Payment("cash"))
    cd.receive_and_collect(theirs, request(theirs, "1.004222"), cd.Payment("cash"))
    assert mine is not None
    today = services.local_now().date()
    submit(services, today, 20_000)
    return head, today


def test_the_head_sees_every_desks_cash_report_and_prints_one(
    qtbot, desk, tmp_path: Path, clock_in_another_zone
):
    ctx, _window = desk
    head, today = _day_of_two_clerks(ctx)
    _other_desk_day(ctx, today.isoformat())
    ctx.clerk = head
    dialog = CashDayDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = [[dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
            for r in range(dialog.table.rowCount())]  # fmt: skip
    assert [r[0] for r in rows] == [str(ctx.settings.desk)] * 2 + ["2 (qua trung tâm)"]
    assert "canbo2" in rows[0][1] and rows[0][3] == "40.000đ" and rows[0][6] == "Chưa kiểm đếm"
    assert rows[1][3] == "20.000đ" and rows[1][5] == "20.000đ" and rows[1][6] == "Khớp"
    assert rows[2][1].startswith("tài khoản …") and rows[2][2] == "1 thu, 0 hủy"
    assert rows[2][3] == "180.000đ" and rows[2][5] == "150.000đ" and rows[2][6] == "-30.000đ"
    assert "tiền thừa" in rows[2][7]
    assert "mọi bàn" in dialog.scope.text() and "240.000đ" in dialog.total.text()
    assert dialog.rows[2].pulled and not dialog.rows[0].pulled
    shot = tmp_path / "cash-day-head.png"
    dialog.grab().save(str(shot))  # looked at
    if os.environ.get("MOTCUA_SCREENSHOTS_DIR"):
        shutil.copy(shot, Path(os.environ["MOTCUA_SCREENSHOTS_DIR"]) / shot.name)
    ctx.settings.printer = "Máy in quầy (chưa cắm)"
    dialog.table.selectRow(2)
    with qtbot.waitSignal(dialog.sig_pdf, timeout=120_000) as made:
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    text = subprocess.run(["pdftotext", "-layout", str(made.args[0]), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "BÁO CÁO THU PHÍ, LỆ PHÍ CUỐI NGÀY" in text and "180.000đ" in text and "tiền thừa" in text
    assert "Đã tạo báo cáo" in dialog.status.text()
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(made.args[0]), str(tmp_path / "c")],
                   check=True, timeout=60)  # fmt: skip  # looked at


def test_a_clerk_sees_only_their_own_cash_report(qtbot, desk, tmp_path: Path, clock_in_another_zone):
    ctx, _window = desk
    _head, today = _day_of_two_clerks(ctx)
    _other_desk_day(ctx, today.isoformat())
    dialog = CashDayDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 1 and ctx.clerk is not None
    assert (
        ctx.clerk.username in dialog.table.item(0, 1).text() and dialog.table.item(0, 3).text() == "20.000đ"
    )
    assert "của bạn" in dialog.scope.text() and "20.000đ" in dialog.total.text()
    dialog.day.setDate(dialog.day.date().addDays(-1))  # a day with nothing: the clerk's own empty row
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 3).text() == "0đ"
    dialog.grab().save(str(tmp_path / "cash-day-clerk.png"))  # looked at
