"""Thành phần step: a mandatory component checked on paper only, with its reason, is saved without pages."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.services.queries import get_dossier
from tests.ui.conftest import make_card_image, press, sample, type_text, wait_idle, wait_job
from ui.views.receive import DOCUMENTS, DONE, REVIEW

REASON = "Bản chính chỉ xuất trình, đã trả lại"


def test_paper_only_component_with_reason_is_saved_and_the_banner_explains(qtbot, desk, pages_dir, tmp_path):
    ctx, window = desk
    view = window.show_view("receive")
    type_text(view.procedure_step.search.query, "dang ky khai sinh")
    qtbot.waitUntil(lambda: view.procedure_step.search.results.count() > 0)
    press(view.procedure_step.search.query, Qt.Key.Key_Return)
    wait_job(qtbot, ctx, view.applicant_step.read_qr_file(make_card_image(tmp_path / "cccd.png")))
    assert view.next_step() and view.stack.currentIndex() == DOCUMENTS
    steps = view.documents_step
    mandatory = [i for i, c in enumerate(view.draft.components) if c.mandatory]
    first, paper_rows = mandatory[0], mandatory[1:]
    assert paper_rows
    steps.checklist.setCurrentRow(first)
    wait_job(qtbot, ctx, steps.import_files([sample(pages_dir, "p.png", "GIẤY CHỨNG SINH")]))
    assert not steps.paper_check.isEnabled()  # a scanned component is digitized
    for row in paper_rows:
        steps.checklist.setCurrentRow(row)
        name = view.draft.components[row].name
        assert "bản giấy" in steps.warnings.text() and name in steps.warnings.text()
        assert steps.paper_check.isEnabled() and not steps.paper_note.isEnabled()
        steps.paper_check.setChecked(True)
        assert steps.paper_note.isEnabled() and steps.paper_note.hasFocus()
        assert "lý do" in steps.warnings.text().lower()
        type_text(steps.paper_note, REASON)
        assert name not in steps.warnings.text()
        assert "bản giấy, không số hóa" in steps.checklist.item(row).text()
    for _ in range(3):
        assert view.next_step(), view.banner.text()
    assert view.stack.currentIndex() == REVIEW
    view.save()
    wait_idle(qtbot, ctx)
    assert view.stack.currentIndex() == DONE, view.banner.text()
    state = get_dossier(ctx.db, view.result.id)
    items = {c["component"]: c for c in state.checklist}
    for row in paper_rows:
        item = items[view.draft.components[row].component]
        assert (item["provided"], item["digitized"], item["paper_note"]) == (True, False, REASON)
    assert items[view.draft.components[first].component]["digitized"] is True
