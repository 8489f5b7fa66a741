"""The receive flow's fee step is the cash desk's quote: copies per component, the biên lai drawn from the
desk's range at the save (cash), or a VietQR shown after the save and confirmed by the clerk (transfer)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt

from app.services import cashdesk as cd
from app.services.clerks import ensure_clerk
from app.services.queries import get_dossier
from app.services.receipts import add_range
from app.storage.events import load_events
from scanner.idcard import find_qr_texts
from tests.ui.conftest import press, sample, type_text, wait_idle, wait_job
from ui.adapters.session import service_desk
from ui.views.receive import APPLICANT, DOCUMENTS, DONE, FEES, REVIEW

FORM, SERIES = "01BLP0-001", "AA/26P"


def _cash_desk(ctx):
    """The desk with a printed biên lai range of its own and the point's account for transfers."""
    ctx.settings.extra.update(bank_bin="970415", bank_account="113366668888", bank_beneficiary="Điểm HK")
    services = service_desk(ctx)
    head = ensure_clerk(ctx.db, "truongdiem", "Trưởng điểm", role="head")
    add_range(replace(services, clerk_id=head.id), FORM, SERIES, 1, 100, ctx.settings.desk)
    return services


def _to_fees(qtbot, ctx, view, pages_dir, pages):
    """Chứng thực bản sao (2.000815): the original to certify and the copy brought along, scanned."""
    view.procedure_step.choose("2.000815")
    view.go_to(APPLICANT)
    edits = view.applicant_step.edits
    type_text(edits["full_name"], "Nguyễn Thị Hồng Nhung")
    type_text(edits["id_number"], "001190012345")
    type_text(edits["phone"], "0912345678")
    assert view.next_step() and view.stack.currentIndex() == DOCUMENTS, view.banner.text()
    for row, comp in enumerate(view.draft.components):
        if comp.mandatory:
            view.documents_step.checklist.setCurrentRow(row)
            files = [
                sample(pages_dir, f"p{row}-{i}.png", "BẢN SAO GIẤY KHAI SINH") for i in range(pages[row])
            ]
            wait_job(qtbot, ctx, view.documents_step.import_files(files))
    assert view.next_step() and view.stack.currentIndex() == FEES, view.banner.text()
    return view.fees_step


def _copies(fees, row, n):
    fees.parts.cellWidget(row, 2).setValue(n)


def test_cash_at_intake_charges_copies_per_component_and_draws_the_biên_lai(qtbot, desk, pages_dir, tmp_path):
    ctx, window = desk
    services = _cash_desk(ctx)
    view = window.show_view("receive")
    fees = _to_fees(qtbot, ctx, view, pages_dir, {0: 3, 1: 1})
    names = [fees.parts.item(r, 0).text() for r in range(fees.parts.rowCount())]
    assert [fees.parts.cellWidget(r, 2).value() for r in range(len(names))] == [1, 0]  # the original counts
    assert view.draft.fees_computed_total == 2000 + 2000 + 1000
    _copies(fees, 0, 2)
    _copies(fees, 1, 1)
    assert view.draft.fees_computed_total == (2000 + 2000 + 1000) * 2 + 2000
    assert view.draft.pay_method == "cash" and fees.total.value() == 12_000
    view.grab().save(str(tmp_path / "receive-fees-cash.png"))  # looked at
    view.go_to(REVIEW)
    assert "12.000đ — Tiền mặt" in view.review_step.summary.toPlainText()
    view.grab().save(str(tmp_path / "receive-review-cash.png"))  # looked at
    press(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, ctx)
    assert view.stack.currentIndex() == DONE, view.banner.text()
    state = get_dossier(ctx.db, view.result.id)
    assert state.fees_quoted == state.fees_collected == 12_000
    assert view.result.receipt_text == f"{FORM} {SERIES} 0000001" and "Đã thu" in view.done_step.fee.text()
    events = {e.type: e.payload for e in load_events(ctx.db, state.id)}
    assert events["received"]["fee_request"]["component_copies"] == [["ban_chinh", 2], ["ban_sao", 1]]
    assert events["fee_collected"]["receipt_no"] == view.result.receipt_text
    assert (
        cd.quote(services, state.id, cd.FeeRequest.from_dict(events["received"]["fee_request"])).total
        == 12_000
    )
    assert view.done_step.bienlai_button.isVisibleTo(view)
    view.grab().save(str(tmp_path / "receive-done-cash.png"))  # looked at


def test_transfer_at_intake_shows_the_vietqr_after_the_save_and_needs_the_clerks_confirmation(
    qtbot, desk, pages_dir, tmp_path
):
    ctx, window = desk
    services = _cash_desk(ctx)
    view = window.show_view("receive")
    fees = _to_fees(qtbot, ctx, view, pages_dir, {0: 1, 1: 1})
    next(b for b in fees.method_group.buttons() if b.property("method") == "transfer").setChecked(True)
    assert "VietQR" in fees.pay_hint.text() and not fees.receipt_kind.isEnabled()
    view.go_to(REVIEW)
    press(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, ctx)
    assert view.stack.currentIndex() == DONE, view.banner.text()
    done = view.done_step
    state = get_dossier(ctx.db, view.result.id)
    assert state.fees_quoted == 2000 and state.fees_collected == 0  # due until the money arrives
    assert done.qr.isVisibleTo(view) and not done.bienlai_button.isVisibleTo(view)
    path = tmp_path / "receive-done-transfer.png"
    view.grab().save(str(path))  # looked at
    on_screen = find_qr_texts(np.asarray(Image.open(path).convert("RGB")))
    assert on_screen == [cd.transfer_qr(services, state, 2000)] and state.code in on_screen[0]
    assert done.confirm_transfer() is None and "đánh dấu" in view.banner.text()
    done.confirmed.setChecked(True)
    got = done.confirm_transfer()
    assert got is not None and got.receipt is not None and got.receipt.number == 1
    assert get_dossier(ctx.db, state.id).fees_collected == 2000
    assert "Chuyển khoản" in done.fee.text() and done.bienlai_button.isVisibleTo(view)


def test_in_bien_lai_after_the_save_makes_the_pdf_with_its_number_and_amount(
    qtbot, desk, pages_dir, tmp_path
):
    import subprocess

    ctx, window = desk
    _cash_desk(ctx)
    ctx.settings.printer = "Máy in quầy (chưa cắm)"  # no such printer: the desk says where the PDF is
    view = window.show_view("receive")
    fees = _to_fees(qtbot, ctx, view, pages_dir, {0: 1, 1: 1})
    assert view.draft.pay_method == "cash" and fees.total.value() == 2000
    view.go_to(REVIEW)
    press(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, ctx)
    assert view.stack.currentIndex() == DONE, view.banner.text()
    done = view.done_step
    with qtbot.waitSignal(done.sig_bienlai, timeout=120_000) as made:
        qtbot.mouseClick(done.bienlai_button, Qt.MouseButton.LeftButton)
    pdf = made.args[0]
    assert pdf.is_file() and pdf.name == f"bien-lai-{view.result.code}.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Số: 0000001" in text and SERIES in text and "2.000" in text and "Hai nghìn đồng" in text
    assert view.result.code in text and f"Đã tạo biên lai {pdf.name}" in view.banner.text()
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "bl")],
                   check=True, timeout=60)  # fmt: skip  # looked at


def test_a_dossier_from_the_online_portal_is_received_with_its_channel(qtbot, desk, pages_dir, tmp_path):
    ctx, window = desk
    view = window.show_view("receive")
    fees = _to_fees(qtbot, ctx, view, pages_dir, {0: 1, 1: 1})
    assert not fees.copies.isEnabled()  # a per-page fee: the copies of each paper count, not this field
    fees.channel.setFocus()
    index = fees.channel.findData("truc_tuyen")
    for _ in range(index):
        press(fees.channel, Qt.Key.Key_Down)
    assert view.draft.channel == "truc_tuyen" and view.draft.fee_request().channel == "truc_tuyen"
    view.grab().save(str(tmp_path / "receive-fees-online.png"))  # looked at
    next(b for b in fees.method_group.buttons() if b.property("method") == "later").setChecked(True)
    view.go_to(REVIEW)
    press(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, ctx)
    assert view.stack.currentIndex() == DONE, view.banner.text()
    state = get_dossier(ctx.db, view.result.id)
    assert state.channel == "truc_tuyen"
    received = next(e for e in load_events(ctx.db, state.id) if e.type == "received")
    assert received.payload["channel"] == received.payload["fee_request"]["channel"] == "truc_tuyen"
    from ui.adapters.dossier import overview_html

    assert "— Trực tuyến<br>" in overview_html(state)  # the dossier screen's Tổng quan says how it came
