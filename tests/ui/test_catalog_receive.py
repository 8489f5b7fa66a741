"""The receive flow on a real portal procedure (Đăng ký thường trú, 1.004222): the clerk picks the
applicant's case, only that case's papers are required, a present-only paper is checked without a scan,
and a fee exemption with its proof brings the fee to 0."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.catalog import import_catalog, read_catalog
from app.catalog.io import CATALOG_DIR
from app.services.queries import get_dossier
from tests.ui.conftest import make_card_image, press, sample, type_text, wait_idle, wait_job
from ui.views.receive import APPLICANT, DOCUMENTS, DONE, FEES, REVIEW


def test_receive_a_real_procedure_by_case_with_an_exemption(qtbot, desk, pages_dir, tmp_path):
    ctx, window = desk
    import_catalog(ctx.db.conn, read_catalog(CATALOG_DIR / "procedures.json"), source="test")
    view = window.show_view("receive")
    view.procedure_step.choose("1.004222")
    view.go_to(APPLICANT)
    wait_job(qtbot, ctx, view.applicant_step.read_qr_file(make_card_image(tmp_path / "cccd.png")))
    type_text(view.applicant_step.edits["phone"], "0912345678")
    assert view.next_step() and view.stack.currentIndex() == DOCUMENTS
    docs = view.documents_step
    assert docs.case_box.isVisibleTo(view) and docs.case_box.count() == len(view.draft.cases) + 1
    assert not any(c.mandatory for c in view.draft.components if c.case)  # no case chosen yet
    docs.case_box.setCurrentIndex(1)
    case = view.draft.case
    required = [i for i, c in enumerate(view.draft.components) if c.mandatory]
    assert required and all(view.draft.components[i].case in ("", case) for i in required)
    for row in required:
        docs.checklist.setCurrentRow(row)
        wait_job(qtbot, ctx, docs.import_files([sample(pages_dir, f"p{row}.png", "TỜ KHAI CT01")]))
    view.grab().save(str(tmp_path / "receive-case.png"))  # looked at when the screen changed
    view.go_to(FEES)
    fees = view.fees_step
    assert fees.exemption.count() >= 2 and view.draft.fees_computed_total == 20_000
    fees.exemption.setCurrentIndex(1)
    assert "Giấy tờ chứng minh" in fees.proof.text()
    assert not view.next_step() and "giấy tờ chứng minh" in fees.problem()  # the paper seen is required
    type_text(fees.exempt_proof, "Giấy xác nhận số 15/GXN")
    assert view.draft.fees_computed_total == 0 and not fees.problem()
    view.grab().save(str(tmp_path / "receive-exemption.png"))
    view.go_to(REVIEW)
    press(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, ctx)
    assert view.stack.currentIndex() == DONE, view.banner.text()
    state = get_dossier(ctx.db, view.result.id)
    marks = {i["component"]: i for i in state.checklist}
    assert all(marks[view.draft.components[i].component]["mandatory"] for i in required)
    assert state.fees_quoted == 0 and "Miễn cho" in state.fee_lines[0]["basis"]
    assert "đã xem: Giấy xác nhận số 15/GXN" in state.fee_lines[0]["basis"]
