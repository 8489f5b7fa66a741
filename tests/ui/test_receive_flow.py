"""A whole receive at the desk, driven like a clerk: procedure, QR, scanner and file pages, fee,
postal return, save with Ctrl+Enter, receipt printed to PDF."""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import Qt

from app.domain.agency_codes import UNSET_AGENCY_CODE
from app.services.queries import get_dossier
from tests.ui.conftest import make_card_image, press, sample, type_text, wait_idle, wait_job
from ui.views.receive import APPLICANT, DOCUMENTS, DONE, FEES, PROCEDURE, RETURN, REVIEW


def test_whole_receive_from_qr_scanner_and_files_to_printed_receipt(qtbot, desk, pages_dir, tmp_path):
    ctx, window = desk
    view = window.show_view("receive")
    # 1. procedure: type without diacritics, Enter picks the best hit and moves on
    type_text(view.procedure_step.search.query, "dang ky khai sinh")
    qtbot.waitUntil(lambda: view.procedure_step.search.results.count() > 0)
    press(view.procedure_step.search.query, Qt.Key.Key_Return)
    assert view.stack.currentIndex() == APPLICANT
    assert view.draft.procedure["code"] == "1.001193"
    # 2. applicant from the QR code of the ID card (an image file)
    job = view.applicant_step.read_qr_file(make_card_image(tmp_path / "cccd.png"))
    wait_job(qtbot, ctx, job)
    assert view.applicant_step.edits["full_name"].text() == "Nguyễn Thị Hồng Nhung"
    assert view.applicant_step.edits["id_number"].text() == "001190012345"
    type_text(view.applicant_step.edits["phone"], "0912345678")
    assert view.next_step()
    assert view.stack.currentIndex() == DOCUMENTS
    # 3. pages: the first component from the SANE test scanner, the others from files
    steps = view.documents_step
    steps.checklist.setCurrentRow(0)
    wait_job(qtbot, ctx, steps.scan())
    assert len(view.draft.components[0].pages) == 1
    mandatory = [i for i, c in enumerate(view.draft.components) if c.mandatory and not c.pages]
    for row in mandatory:
        steps.checklist.setCurrentRow(row)
        wait_job(qtbot, ctx, steps.import_files([sample(pages_dir, f"p{row}.png", "GIẤY CHỨNG SINH")]))
    assert all(c.pages for c in view.draft.components if c.mandatory)
    page = view.draft.components[mandatory[-1]].pages[0]
    assert page.meta["ocr_confidence"] is not None and "CHỨNG SINH" in page.text.upper()
    steps.pages.setCurrentRow(0)
    steps.rotate(90)
    wait_idle(qtbot, ctx)
    assert view.draft.components[mandatory[-1]].pages[0].meta["rotation"] % 360 == 90
    assert view.next_step()
    # 4. fee: the catalog's amount, changed by the clerk with a reason
    assert view.stack.currentIndex() == FEES
    view.fees_step.total.setValue(view.draft.fees_computed_total + 5000)
    assert not view.next_step()  # a reason is required
    type_text(view.fees_step.reason, "Thu thêm phí sao y theo yêu cầu")
    assert view.next_step()
    # 5. return by public post
    assert view.stack.currentIndex() == RETURN
    view.return_step.post.setChecked(True)
    assert view.return_step.recipient.text() == "Nguyễn Thị Hồng Nhung"
    type_text(view.return_step.address, "Số 5 phố Lý Thái Tổ, Hoàn Kiếm, Hà Nội")
    assert view.next_step()
    assert view.stack.currentIndex() == REVIEW
    # 6. save with Ctrl+Enter
    press(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, ctx)
    assert view.stack.currentIndex() == DONE, view.banner.text()
    state = get_dossier(ctx.db, view.result.id)
    assert state.applicant["full_name"] == "Nguyễn Thị Hồng Nhung"
    assert state.return_method["kind"] == "post"
    assert state.fees_quoted == view.draft.fees_computed_total + 5000
    assert all(d["pdf"] for d in state.documents)  # one searchable PDF per document
    # 7. receipt (form 01) printed through QPrinter into a PDF file
    target = tmp_path / "giay-tiep-nhan.pdf"
    wait_job(qtbot, ctx, view.save_receipt_pdf(target))
    assert target.exists(), view.banner.text()
    assert len(pdfium.PdfDocument(str(target))) == 2  # Liên 1 and Liên 2


def test_a_desk_without_its_points_agency_code_says_so_before_the_clerk_types(qtbot, desk, tmp_path):
    """Not enrolled and no agency code from IT: no dossier code can be made, and the clerk is told
    on opening Tiếp nhận, not after typing a whole dossier."""
    ctx, window = desk
    ctx.settings.agency_code = UNSET_AGENCY_CODE
    view = window.show_view("receive")
    assert not view.banner.isHidden() and "chưa có mã cơ quan" in view.banner.text()
    type_text(view.procedure_step.search.query, "dang ky khai sinh")
    qtbot.waitUntil(lambda: view.procedure_step.search.results.count() > 0)
    press(view.procedure_step.search.query, Qt.Key.Key_Return)
    assert view.stack.currentIndex() == PROCEDURE  # it goes no further
    assert "“Mã cơ quan (mã hồ sơ)” của điểm trong Cài đặt" in view.banner.text()
    window.grab().save(str(tmp_path / "receive-no-agency-code.png"))


def test_a_search_still_due_from_the_typing_never_rechooses_the_procedure_of_a_draft(qtbot, desk, pages_dir):
    """The search runs 120 ms after the last key. A clerk who moves on sooner (the Tiếp tục button)
    used to get that late search on a later step: clearing the hit list announced every other hit
    as chosen, the draft was reset to each in turn, and the pages scanned meanwhile were lost."""
    ctx, window = desk
    view = window.show_view("receive")
    search = view.procedure_step.search
    chosen: list[str] = []
    search.sig_selected.connect(chosen.append)
    search.query.setText("khai sinh")
    search.search()  # as the first timer shot would; the one just started is still due
    assert chosen == [search.current_code()]  # one hit announced: the first, and only once
    assert view.next_step()  # the procedure as shown
    code = view.draft.procedure["code"]
    assert view.go_to(DOCUMENTS)  # the applicant is not needed to scan
    steps = view.documents_step
    row = next(i for i, c in enumerate(view.draft.components) if c.mandatory)
    steps.checklist.setCurrentRow(row)
    wait_job(qtbot, ctx, steps.import_files([sample(pages_dir, "p.png", "GIẤY CHỨNG SINH")]))
    qtbot.wait(400)  # well past the search's delay
    assert view.draft.procedure["code"] == code
    assert len(view.draft.components[row].pages) == 1
