"""More of the desk: returning applicant, return by the receipt's QR, Esc before discarding,
guidance sheet, scanner test scan, refusal and fee."""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import Qt

from app.services import lifecycle
from app.services.queries import get_dossier, list_dossiers
from app.services.returns import may_hand_back
from app.storage import scratch
from tests.ui.conftest import press, type_text, wait_idle, wait_job
from ui.adapters.session import service_desk
from ui.ops import print_form
from ui.views.receive import APPLICANT, PROCEDURE


def test_returning_applicant_is_found_by_id_number(qtbot, seeded):
    ctx, window = seeded
    known = get_dossier(ctx.db, list_dossiers(ctx.db, "all", limit=1).items[0]["id"]).applicant
    view = window.show_view("receive")
    view.procedure_step.choose("1.001193")
    view.go_to(APPLICANT)
    step = view.applicant_step
    type_text(step.edits["id_number"], known["id_number"])
    step.edits["id_number"].editingFinished.emit()
    assert step.fill_button.isVisibleTo(view)
    qtbot.mouseClick(step.fill_button, Qt.MouseButton.LeftButton)
    assert step.edits["full_name"].text() == known["full_name"]


def test_return_found_by_the_qr_code_on_the_receipt(qtbot, seeded, tmp_path):
    ctx, window = seeded
    item = list_dossiers(ctx.db, "awaiting_result", limit=1).items[0]
    if not may_hand_back(ctx.db, get_dossier(ctx.db, item["id"])):  # the result reached the point first
        lifecycle.record_result(service_desk(ctx), item["id"], kind="paper")
    form = print_form.DossierForm("01", item["id"], tmp_path / "r.pdf", ctx.settings)
    pdf = print_form.run(ctx.home, form, progress=lambda d, t: None, is_cancelled=lambda: False)
    doc = pdfium.PdfDocument(scratch.read(pdf))  # sealed on disk
    photo = tmp_path / "receipt-photo.png"
    doc[0].render(scale=200 / 72).to_pil().save(photo)
    doc.close()
    view = window.show_view("returns")
    wait_job(qtbot, ctx, view.read_qr_file(photo))
    assert view.code.text() == item["code"]
    assert view.box.isEnabled()


def test_escape_asks_before_discarding_and_keeps_the_draft_when_refused(qtbot, desk):
    _ctx, window = desk
    view = window.show_view("receive")
    view.procedure_step.choose("1.001193")
    view.go_to(APPLICANT)
    type_text(view.applicant_step.edits["full_name"], "Ngô Bảo Châu")
    asked = []
    view.confirm_discard = lambda: asked.append(1) or False
    press(view, Qt.Key.Key_Escape)
    assert asked and view.stack.currentIndex() == APPLICANT
    assert view.applicant_step.edits["full_name"].text() == "Ngô Bảo Châu"
    view.confirm_discard = lambda: True
    press(view, Qt.Key.Key_Escape)
    assert view.stack.currentIndex() == PROCEDURE and view.draft.procedure is None


def test_guidance_sheet_of_a_procedure_is_a_pdf(desk, tmp_path):
    ctx, _window = desk
    sheet = print_form.GuidanceSheet("2.000815", tmp_path / "g.pdf", ctx.settings)
    out = print_form.run_guidance(ctx.home, sheet, progress=lambda d, t: None, is_cancelled=lambda: False)
    doc = pdfium.PdfDocument(scratch.read(out))
    assert "Chứng thực" in doc[0].get_textpage().get_text_range()
    doc.close()


def test_guidance_sheet_takes_the_wording_the_centre_published(desk, tmp_path):
    import json

    from app.form_templates import GUIDANCE, template_path

    ctx, _window = desk
    path = template_path(ctx.home, GUIDANCE)
    path.parent.mkdir(exist_ok=True)
    doc = {"form": GUIDANCE, "version": "2026.4", "effective_date": "2026-01-01",
           "texts": {"steps_heading": "1. Các bước thực hiện"}}  # fmt: skip
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    sheet = print_form.GuidanceSheet("2.000815", tmp_path / "g.pdf", ctx.settings)
    out = print_form.run_guidance(ctx.home, sheet, progress=lambda d, t: None, is_cancelled=lambda: False)
    pdf = pdfium.PdfDocument(scratch.read(out))
    text = " ".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    assert "1. Các bước thực hiện" in text and "Trình tự thực hiện" not in text
    assert "Phiếu hướng dẫn · phiên bản 2026.4" in " ".join(text.split())


def test_settings_test_scan_with_the_sane_test_device(qtbot, desk):
    ctx, window = desk
    view = window.show_view("settings")
    wait_job(qtbot, ctx, view.find_devices())
    assert view.device.findData("sane:test:0") >= 0
    view.device.setCurrentIndex(view.device.findData("sane:test:0"))
    view.dpi.setCurrentIndex(view.dpi.findData(150))
    wait_job(qtbot, ctx, view.run_test_scan())
    assert view.preview.pixmap() is not None and not view.preview.pixmap().isNull()
    assert "thành công" in view.banner.text()


def test_refusal_and_fee_are_recorded(qtbot, seeded):
    ctx, window = seeded
    item = next(d for d in list_dossiers(ctx.db, "all", limit=50).items if d["status"] == "received")
    view = window.show_view("dossiers")
    assert view.select_code(item["code"])
    view.detail.run_action("fee", {"amount": 8000, "note": "BL-0042"})
    view.detail.run_action("refuse", {"reason": "Hồ sơ không thuộc thẩm quyền"})
    wait_idle(qtbot, ctx)
    state = get_dossier(ctx.db, item["id"])
    assert state.status.value == "refused" and state.fees_collected == 8000
    assert not view.detail.buttons["refuse"].isEnabled()
