"""The later actions through the real window: each records its event and prints its form to PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.services import clerks, lifecycle
from app.services.queries import get_dossier, list_dossiers
from app.storage import scratch
from tests.ui.conftest import wait_idle
from ui.adapters.session import service_desk
from ui.dialogs.lifecycle import (
    CancelDialog,
    CorrectDialog,
    HandoffDialog,
    PostalDialog,
    ResultDialog,
    StopDialog,
)

HEAD = ("truongdiem", "Lê Thị Mai", "mat-khau-truong-1")


def open_dossier(window, item):
    view = window.show_view("dossiers")
    assert view.select_code(item["code"])
    return view


def a_dossier(ctx, status="received"):
    items = [d for d in list_dossiers(ctx.db, "all", limit=50).items if d["status"] == status]
    assert items, f"no demo dossier in state {status}"
    return items[0]


def text_of(pdf: Path) -> str:
    """The text of a printed form, which the desk writes sealed (app.storage.scratch): decrypted in memory."""
    data = scratch.read(pdf)
    assert not pdf.read_bytes().startswith(b"%PDF")  # never clear on disk
    out = subprocess.run(
        ["pdftotext", "fd://0", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def add_head(ctx) -> None:
    clerks.add_clerk(ctx.db, HEAD[0], HEAD[1], "head", HEAD[2], "system")


def run(qtbot, ctx, view, action, dialog) -> Path | None:
    assert dialog.problem() == "", dialog.problem()
    view.detail.last_form_pdf = None
    view.detail.run_action(action, dialog.values())
    wait_idle(qtbot, ctx)
    return view.detail.last_form_pdf


def test_correct_applicant_reprints_form_01_marked_as_replacing_the_old(qtbot, seeded):
    ctx, window = seeded
    item = a_dossier(ctx)
    view = open_dossier(window, item)
    assert view.detail.buttons["correct"].isEnabled()
    dialog = CorrectDialog(view.detail.detail["applicant"], view)
    dialog.edits["phone"].setText("0987654321")
    dialog.reason.setPlainText("Nhập sai số điện thoại")
    pdf = run(qtbot, ctx, view, "correct", dialog)
    assert get_dossier(ctx.db, item["id"]).applicant["phone"] == "0987654321"
    text = text_of(pdf)
    assert "Mẫu số 01" in text and "0987654321" in text and "thay thế Giấy tiếp nhận đã cấp trước đó" in text


def test_handoff_to_the_agency_prints_form_06_from_the_log(qtbot, seeded):
    ctx, window = seeded
    item = a_dossier(ctx)
    view = open_dossier(window, item)
    dialog = HandoffDialog(ctx.settings.point_name, ctx.clerk_name, view)
    dialog.to_unit.setText("Công an xã")
    dialog.taker.setText("Phạm Văn Hùng")
    pdf = run(qtbot, ctx, view, "handoff", dialog)
    assert get_dossier(ctx.db, item["id"]).handoffs[0]["taker"] == "Phạm Văn Hùng"
    text = text_of(pdf)
    assert "Mẫu số 06" in text and "Phạm Văn Hùng" in text and "Công an xã" in text
    assert "Giao nhận hồ sơ" in view.detail.timeline.toPlainText()


def test_result_recorded_at_the_point_then_the_return_is_offered(qtbot, seeded):
    ctx, window = seeded
    item = next(
        d
        for d in list_dossiers(ctx.db, "awaiting_result", limit=50).items
        if not open_dossier(window, d).detail.buttons["return"].isEnabled()
    )
    view = open_dossier(window, item)
    dialog = ResultDialog(view)
    run(qtbot, ctx, view, "record_result", dialog)
    assert get_dossier(ctx.db, item["id"]).status.value == "result_ready"
    assert view.detail.buttons["return"].isEnabled()


def test_stop_notice_needs_the_head_and_prints_form_05(qtbot, seeded):
    ctx, window = seeded
    add_head(ctx)
    item = a_dossier(ctx)
    view = open_dossier(window, item)
    dialog = StopDialog(view)
    dialog.reason.setPlainText("Người nộp đề nghị dừng giải quyết")
    dialog.head_user.setText(HEAD[0])
    dialog.head_password.setText("sai-mat-khau")
    assert run(qtbot, ctx, view, "stop", dialog) is None  # a wrong password approves nothing
    assert get_dossier(ctx.db, item["id"]).status.value == "received"
    dialog.head_password.setText(HEAD[2])
    pdf = run(qtbot, ctx, view, "stop", dialog)
    assert get_dossier(ctx.db, item["id"]).status.value == "stopped"
    text = text_of(pdf)
    assert "Mẫu số 05" in text and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and HEAD[1] in text


def test_cancel_an_entry_made_in_error_with_the_heads_approval(qtbot, seeded):
    ctx, window = seeded
    add_head(ctx)
    desk = service_desk(ctx)
    from app.services import intake
    from tests.store_helpers import request

    fresh = intake.receive(desk, request(desk))  # received today, by this clerk
    view = window.show_view("dossiers")
    assert view.select_code(fresh.code)
    dialog = CancelDialog(view)
    dialog.reason.setPlainText("Nhập nhầm thủ tục")
    dialog.head_user.setText(HEAD[0])
    dialog.head_password.setText(HEAD[2])
    run(qtbot, ctx, view, "cancel", dialog)
    state = get_dossier(ctx.db, fresh.id)
    assert state.status.value == "cancelled" and "Đã hủy" in view.detail.header.text()
    assert not view.detail.buttons["cancel"].isEnabled()  # never a second cancellation


def test_postal_return_with_tracking_then_returned_to_sender(qtbot, seeded):
    ctx, window = seeded
    desk = service_desk(ctx)
    item = a_dossier(ctx)
    lifecycle.record_result(desk, item["id"])
    view = open_dossier(window, item)
    from ui.dialogs.actions import ReturnDialog

    ret = ReturnDialog("Bưu điện Hoàn Kiếm", view)
    ret.by_post.setChecked(True)
    ret.tracking.setText("EB123456789VN")
    run(qtbot, ctx, view, "return", ret)
    assert get_dossier(ctx.db, item["id"]).postal["tracking_no"] == "EB123456789VN"
    assert view.detail.buttons["postal"].isEnabled()
    dialog = PostalDialog(view.detail.detail["tracking_no"], view)
    dialog.status.setCurrentIndex(dialog.status.findData("returned_to_sender"))
    run(qtbot, ctx, view, "postal", dialog)
    state = get_dossier(ctx.db, item["id"])
    assert state.postal["status"] == "returned_to_sender" and state.status.value == "result_ready"


def test_form_02_at_intake_receives_nothing_and_prints_the_guidance(qtbot, desk):
    ctx, window = desk
    from tests.ui.test_bad_input import fill_applicant
    from ui.views.receive import APPLICANT

    view = window.show_view("receive")
    view.procedure_step.choose("1.004222")
    view.go_to(APPLICANT)
    fill_applicant(view)
    before = ctx.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    items = [{"component": None, "name": "Giấy tờ chứng minh chỗ ở hợp pháp", "copy_kind": "certified"}]
    job = view.give_guidance({"items": items, "reason": "Thiếu giấy tờ chứng minh chỗ ở"})
    assert job is not None
    wait_idle(qtbot, ctx)
    assert ctx.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == before  # nothing received
    text = text_of(view.last_guidance_pdf)
    assert "Mẫu số 02" in text and "Giấy tờ chứng minh chỗ ở hợp pháp" in text and "Lê Thị Thu Hà" in text
    assert "chưa được tiếp nhận" in view.banner.text()
    n = ctx.db.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'guidance.supplement'").fetchone()[
        0
    ]
    assert n == 1


def test_papers_brought_back_after_form_02_are_added_and_a_new_slip_printed(qtbot, seeded, pages_dir):
    ctx, window = seeded
    from app.services import intake
    from tests.ui.conftest import sample

    desk = service_desk(ctx)
    item = a_dossier(ctx)
    intake.request_supplement(desk, item["id"], [{"name": "Bản sao giấy khai sinh"}], "Thiếu bản sao")
    view = open_dossier(window, item)
    assert view.detail.buttons["add_documents"].isEnabled()
    page = sample(pages_dir, "bo-sung.png", "BAN SAO GIAY KHAI SINH")
    view.detail.last_form_pdf = None
    assert view.detail.add_document_files([page], "Bản sao giấy khai sinh") is not None
    qtbot.waitUntil(lambda: view.detail.last_form_pdf is not None, timeout=120_000)
    state = get_dossier(ctx.db, item["id"])
    assert state.status.value == "received" and state.documents[-1]["name"] == "Bản sao giấy khai sinh"
    assert state.due_history[-1]["kind"] == "supplement"  # the time was counted again
    text = text_of(view.detail.last_form_pdf)
    due = state.due_date or ""
    assert (
        "Mẫu số 01" in text and f"ngày {due[8:10]} tháng {due[5:7]} năm {due[:4]}" in text
    )  # new appointment
    assert "GIAY KHAI SINH" in document_pdf_text(ctx, state.documents[-1])  # a searchable PDF, as at intake


def document_pdf_text(ctx, document) -> str:
    """The text layer of a document's stored PDF (a sealed blob, read in memory)."""
    from ui.adapters.dossier import blob_bytes

    assert document["pdf"], "the document has no searchable PDF"
    data = blob_bytes(ctx, document["pdf"]["sha256"])
    assert data.startswith(b"%PDF")
    out = subprocess.run(["pdftotext", "fd://0", "-"], input=data, capture_output=True, check=True).stdout
    return " ".join(out.decode("utf-8").split())


def test_papers_brought_back_are_scanned_from_the_scanner_as_at_intake(qtbot, seeded):
    ctx, window = seeded  # the desk's scanner is the SANE test device
    from app.services import intake
    from tests.ui.conftest import wait_job
    from ui.dialogs.brought_back import NO_PAGES_VI, BroughtBackDialog

    desk = service_desk(ctx)
    item = a_dossier(ctx)
    intake.request_supplement(desk, item["id"], [{"name": "Bản sao sổ hộ khẩu"}], "Thiếu bản sao")
    view = open_dossier(window, item)
    dialog = view.detail.brought_back_dialog()
    assert isinstance(dialog, BroughtBackDialog) and dialog.name.currentText() == "Bản sao sổ hộ khẩu"
    assert dialog.problem() == NO_PAGES_VI  # nothing scanned yet: OK is refused
    assert dialog.scan_button.shortcut().toString() == "F5"
    wait_job(qtbot, ctx, dialog.scan())
    assert dialog.pages and dialog.problem() == "" and dialog.list.count() == len(dialog.pages)
    assert not dialog.busy() and "đã nhận dạng" in dialog.status.text()
    # the intake pipeline: from the device, cleaned up (steps recorded), read by OCR (a text layer)
    assert all(p.source == "sane:test:0" and p.meta["steps"] and p.text_pdf for p in dialog.pages)
    dialog.grab().save(str(Path(ctx.home) / "brought-back.png"))
    v = dialog.values()
    view.detail.last_form_pdf = None
    assert view.detail.add_brought_back(v["name"], v["pages"]) is not None
    qtbot.waitUntil(lambda: view.detail.last_form_pdf is not None, timeout=180_000)
    state = get_dossier(ctx.db, item["id"])
    added = state.documents[-1]
    assert state.status.value == "received" and added["name"] == "Bản sao sổ hộ khẩu"
    assert [p["sha256"] for p in added["pages"]] == [p.meta["sha256"] for p in dialog.pages]
    assert state.due_history[-1]["kind"] == "supplement"
    import pypdfium2 as pdfium

    from ui.adapters.dossier import blob_bytes

    pdf = pdfium.PdfDocument(blob_bytes(ctx, added["pdf"]["sha256"]))
    assert len(pdf) == len(added["pages"])  # one searchable PDF of every page scanned
    assert "Mẫu số 01" in text_of(view.detail.last_form_pdf)  # the new appointment slip


def test_an_organisation_and_its_representative_are_entered_at_the_applicant_step(qtbot, desk):
    _ctx, window = desk
    from tests.ui.test_bad_input import fill_applicant
    from ui.views.receive import APPLICANT

    view = window.show_view("receive")
    view.procedure_step.choose("1.001612")
    view.go_to(APPLICANT)
    fill_applicant(view)
    step = view.applicant_step
    step.filer.role.setCurrentIndex(step.filer.role.findData("representative"))
    step.filer.org_name.setText("Công ty TNHH Hoa Sen")
    step.filer.tax_code.setText("0101234567")
    step.filer.legal_rep.setText("Phạm Quốc Bảo")
    step.filer.authorisation.setText("Giấy ủy quyền số 12/UQ")
    a = step.applicant()
    assert (a["kind"], a["org_name"], a["tax_code"], a["role"]) == (
        "organisation",
        "Công ty TNHH Hoa Sen",
        "0101234567",
        "representative",
    )
    step.filer.tax_code.setText("123")
    assert "Mã số thuế" in step.problems.text()


def test_a_clerk_asks_for_form_04_it_shows_pending_then_the_head_approves_and_signs(qtbot, seeded):
    ctx, window = seeded  # the demo clerk (role clerk) is logged in
    from PySide6.QtCore import QDate

    from ui.dialogs.lifecycle import ExtensionRequestDialog, HeadApologyDialog
    from ui.views.dossier_detail import APPROVE_APOLOGY_VI, action_of

    add_head(ctx)
    item = a_dossier(ctx)
    view = open_dossier(window, item)
    dialog = view.detail._dialog_for("apology")
    assert isinstance(dialog, ExtensionRequestDialog)  # the clerk only asks
    new = QDate.fromString(item["due_date"], "yyyy-MM-dd").addDays(7)
    while new.dayOfWeek() > 5:
        new = new.addDays(1)
    dialog.new_date.setDate(new)
    dialog.reason.setPlainText("Cơ quan chuyên môn cần xác minh thêm")
    assert run(qtbot, ctx, view, action_of("apology", dialog), dialog) is None  # no form 04 yet
    state = get_dossier(ctx.db, item["id"])
    assert state.due_date == item["due_date"] and state.pending_extension["new_due_date"] == new.toString(
        "yyyy-MM-dd"
    )
    assert view.detail.pending.isVisible() and "chờ trưởng điểm duyệt" in view.detail.pending.text()
    assert "chờ trưởng điểm duyệt" in view.detail.overview.toPlainText()
    assert view.detail.buttons["apology"].text() == APPROVE_APOLOGY_VI
    assert "Đề nghị gia hạn" in view.detail.timeline.toPlainText()

    approve = view.detail._dialog_for("apology")
    assert isinstance(approve, HeadApologyDialog)  # the head approves with their own login
    assert approve.new_date.date() == new and approve.reason.toPlainText().startswith("Cơ quan")
    assert "trưởng điểm" in approve.problem()
    approve.head_user.setText(HEAD[0])
    approve.head_password.setText("sai-mat-khau")
    assert run(qtbot, ctx, view, action_of("apology", approve), approve) is None  # approves nothing
    assert get_dossier(ctx.db, item["id"]).pending_extension is not None
    approve.head_password.setText(HEAD[2])
    pdf = run(qtbot, ctx, view, action_of("apology", approve), approve)
    state = get_dossier(ctx.db, item["id"])
    assert state.due_date == new.toString("yyyy-MM-dd") and state.apologies[-1]["signer"] == HEAD[1]
    assert state.pending_extension is None and not view.detail.pending.isVisible()
    text = text_of(pdf)
    assert "Mẫu số 04" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text and HEAD[1] in text


def ask_for_extension(qtbot, ctx, view, item) -> str:
    """The logged-in clerk asks for form 04 on the dossier screen; returns the date asked for."""
    from PySide6.QtCore import QDate

    from ui.views.dossier_detail import action_of

    dialog = view.detail._dialog_for("apology")
    new = QDate.fromString(item["due_date"], "yyyy-MM-dd").addDays(7)
    while new.dayOfWeek() > 5:
        new = new.addDays(1)
    dialog.new_date.setDate(new)
    dialog.reason.setPlainText("Cơ quan chuyên môn cần xác minh thêm")
    run(qtbot, ctx, view, action_of("apology", dialog), dialog)
    return new.toString("yyyy-MM-dd")


def list_status_of(window, code: str) -> str:
    view = window.show_view("dossiers")
    view.model.reload()
    rows = [view.model.row_data(r) for r in range(view.model.rowCount())]
    return next(r["status_label"] for r in rows if r["code"] == code)


def test_the_head_declines_and_the_clerk_withdraws_a_pending_extension_request(qtbot, seeded):
    ctx, window = seeded  # the demo clerk (role clerk) is logged in
    from ui.dialogs.lifecycle import DeclineExtensionDialog, WithdrawExtensionDialog

    add_head(ctx)
    item = a_dossier(ctx)
    home = window.show_view("home")
    assert home.values["pending_extension"].text() == "0"
    view = open_dossier(window, item)
    assert not view.detail.buttons["decline_extension"].isEnabled()  # nothing pending yet
    asked = ask_for_extension(qtbot, ctx, view, item)
    # pending: marked in the list and its filter, counted on the dashboard
    assert list_status_of(window, item["code"]).endswith("· chờ duyệt gia hạn")
    pending_rows = list_dossiers(ctx.db, "pending_extension").items
    assert [r["code"] for r in pending_rows] == [item["code"]]
    home = window.show_view("home")
    assert home.values["pending_extension"].text() == "1"
    home.grab().save(str(Path(ctx.home) / "home-pending.png"))

    view = open_dossier(window, item)
    window.grab().save(str(Path(ctx.home) / "detail-pending.png"))
    assert view.detail.buttons["decline_extension"].isEnabled()
    assert view.detail.buttons["withdraw_extension"].isEnabled()
    decline = view.detail._dialog_for("decline_extension")
    assert isinstance(decline, DeclineExtensionDialog) and "lý do" in decline.problem()
    decline.reason.setPlainText("Chưa đủ căn cứ để gia hạn")
    assert "trưởng điểm" in decline.problem().lower()  # a plain clerk is logged in: the head's login
    decline.grab().save(str(Path(ctx.home) / "decline.png"))
    decline.head_user.setText(HEAD[0])
    decline.head_password.setText("sai-mat-khau")
    assert run(qtbot, ctx, view, "decline_extension", decline) is None
    assert get_dossier(ctx.db, item["id"]).pending_extension is not None  # a wrong password decides nothing
    decline.head_password.setText(HEAD[2])
    assert run(qtbot, ctx, view, "decline_extension", decline) is None  # no form: nothing is signed
    state = get_dossier(ctx.db, item["id"])
    assert state.pending_extension is None and state.due_date == item["due_date"] and not state.apologies
    assert state.extension_outcomes[-1] == {
        "outcome": "declined",
        "reason": "Chưa đủ căn cứ để gia hạn",
        "new_due_date": asked,
        "signer": HEAD[1],
    }
    assert not view.detail.pending.isVisible() and not view.detail.buttons["decline_extension"].isEnabled()
    assert "không duyệt đề nghị gia hạn" in view.detail.timeline.toPlainText()
    assert not list_status_of(window, item["code"]).endswith("chờ duyệt gia hạn")

    view = open_dossier(window, item)  # the clerk may ask again, then withdraw the request
    ask_for_extension(qtbot, ctx, view, item)
    assert view.detail.buttons["withdraw_extension"].isEnabled()
    withdraw = view.detail._dialog_for("withdraw_extension")
    assert isinstance(withdraw, WithdrawExtensionDialog)
    withdraw.reason.setPlainText("Cơ quan chuyên môn trả kết quả đúng hẹn")
    assert run(qtbot, ctx, view, "withdraw_extension", withdraw) is None
    state = get_dossier(ctx.db, item["id"])
    assert state.pending_extension is None and state.extension_outcomes[-1]["outcome"] == "withdrawn"
    assert "Rút đề nghị gia hạn" in view.detail.timeline.toPlainText()
    audit = {
        action: ctx.db.conn.execute("SELECT count(*) FROM audit_log WHERE action = ?", (action,)).fetchone()[
            0
        ]
        for action in ("event.extension_declined", "event.extension_withdrawn")
    }
    assert audit == {"event.extension_declined": 1, "event.extension_withdrawn": 1}
    assert window.show_view("home").values["pending_extension"].text() == "0"


def test_the_register_of_a_range_of_days_is_printed_from_the_dossiers_screen(qtbot, seeded):
    from datetime import date

    from ui.dialogs.register import RegisterDialog

    ctx, window = seeded
    view = window.show_view("dossiers")
    assert view.register_button.isVisible() and view.register_button.isEnabled()
    dossiers = list_dossiers(ctx.db, "all", limit=50).items
    days = sorted({get_dossier(ctx.db, d["id"]).received_at[:10] for d in dossiers})
    assert len(days) >= 2, days
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-2])  # leaves the newest day out
    dialog = RegisterDialog(date.fromisoformat(days[-1]), view)
    dialog.set_range(dialog.today, dialog.today.addDays(-1))
    assert dialog.problem()  # a range that ends before it starts is refused
    dialog.month_button.click()
    assert dialog.values()["first"].day == 1
    dialog.first.setDate(dialog.first.date().fromString(days[0], "yyyy-MM-dd"))
    dialog.last.setDate(dialog.last.date().fromString(days[-2], "yyyy-MM-dd"))
    assert dialog.problem() == "" and dialog.values() == {"first": first, "last": last}
    job = view.print_register(**dialog.values())
    assert not view.register_button.isEnabled()  # built off the UI thread, one at a time
    wait_idle(qtbot, ctx)
    assert view.register_button.isEnabled() and view.last_register_pdf is not None
    text = text_of(view.last_register_pdf)
    assert job.name.startswith("Tạo sổ") and "Mẫu số 07" in text and "SỔ THEO DÕI HỒ SƠ" in text
    assert f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}" in text
    for d in dossiers:
        received = get_dossier(ctx.db, d["id"]).received_at[:10]
        assert (d["code"] in text) == (days[0] <= received <= days[-2]), d["code"]
