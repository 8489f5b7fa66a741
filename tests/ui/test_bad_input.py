"""Bad input at the desk: a Vietnamese message in the window, and nothing already entered is lost."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.ui.conftest import make_card_image, open_desk, sample, type_text, wait_job
from ui.views.receive import APPLICANT, DONE, REVIEW


def fill_applicant(view) -> None:
    a = view.applicant_step
    type_text(a.edits["full_name"], "Lê Thị Thu Hà")
    type_text(a.edits["address"], "Số 3 phố Hàng Đào, Hoàn Kiếm")


def test_wrong_id_number_is_explained_and_the_form_keeps_its_text(qtbot, desk):
    _ctx, window = desk
    view = window.show_view("receive")
    view.procedure_step.choose("1.001193")
    view.go_to(APPLICANT)
    fill_applicant(view)
    type_text(view.applicant_step.edits["id_number"], "09919001234")  # 11 digits: the law fixes 12
    assert "Số CCCD" in view.applicant_step.problems.text()
    assert not view.next_step()
    assert view.stack.currentIndex() == APPLICANT
    assert "chưa hợp lệ" in view.banner.text()
    assert view.applicant_step.edits["full_name"].text() == "Lê Thị Thu Hà"
    assert view.applicant_step.edits["id_number"].property("invalid") is True


def test_unreadable_qr_says_so_and_keeps_what_was_typed(qtbot, desk, pages_dir):
    ctx, window = desk
    view = window.show_view("receive")
    view.procedure_step.choose("1.001193")
    view.go_to(APPLICANT)
    fill_applicant(view)
    wait_job(qtbot, ctx, view.applicant_step.read_qr_file(sample(pages_dir, "no-qr.png", "KHÔNG CÓ MÃ")))
    assert "Không đọc được mã QR" in view.banner.text()
    assert view.applicant_step.edits["full_name"].text() == "Lê Thị Thu Hà"


def test_qr_with_wrong_fields_warns_instead_of_guessing(qtbot, desk, tmp_path):
    ctx, window = desk
    view = window.show_view("receive")
    view.procedure_step.choose("1.001193")
    view.go_to(APPLICANT)
    card = make_card_image(tmp_path / "bad.png", "001190012345||Nguyễn Văn An|14051990|Nam|Hà Nội|01072021")
    wait_job(qtbot, ctx, view.applicant_step.read_qr_file(card))
    assert view.applicant_step.warnings.text() or view.applicant_step.problems.text()


def test_corrupt_image_file_is_refused_and_pages_already_scanned_stay(qtbot, desk, pages_dir):
    ctx, window = desk
    view = window.show_view("receive")
    view.procedure_step.choose("2.000815")
    view.go_to(2)
    steps = view.documents_step
    wait_job(qtbot, ctx, steps.import_files([sample(pages_dir, "good.png", "BẢN CHÍNH")]))
    bad = pages_dir / "hong.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" + os.urandom(300))
    wait_job(qtbot, ctx, steps.import_files([bad]))
    assert "Tệp" in view.banner.text() or "ảnh" in view.banner.text(), view.banner.text()
    assert len(view.draft.components[0].pages) == 1


def saved_receive(qtbot, ctx, view, pages_dir):
    view.procedure_step.choose("2.000815")
    view.go_to(APPLICANT)
    a = view.applicant_step
    a.set_applicant(
        {
            "full_name": "Phạm Minh Tuấn",
            "id_kind": "cccd",
            "id_number": "001085012345",
            "birth_date": "1985-03-02",
            "gender": "male",
            "phone": "0987654321",
        }
    )
    assert view.next_step()
    steps = view.documents_step
    for row, comp in enumerate(view.draft.components):
        if comp.mandatory:
            steps.checklist.setCurrentRow(row)
            wait_job(qtbot, ctx, steps.import_files([sample(pages_dir, f"m{row}.png", "GIẤY KHAI SINH")]))
    while view.stack.currentIndex() < REVIEW:
        assert view.next_step(), view.banner.text()


def test_printer_missing_gives_a_message_and_the_pdf_can_still_be_saved(qtbot, desk, pages_dir, tmp_path):
    ctx, window = desk
    view = window.show_view("receive")
    saved_receive(qtbot, ctx, view, pages_dir)
    wait_job(qtbot, ctx, view.save())
    assert view.stack.currentIndex() == DONE
    ctx.settings.printer = "May in quay 1"  # configured, but not connected to this machine
    wait_job(qtbot, ctx, view.print_receipt())
    assert "Không tìm thấy máy in" in view.banner.text()
    target = tmp_path / "receipt.pdf"
    wait_job(qtbot, ctx, view.save_receipt_pdf(target))
    assert target.exists()


@pytest.fixture
def small_home(tmp_path, monkeypatch):
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], check=True)
    monkeypatch.setenv("MOTCUA_HOME", str(mount))
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


@pytest.fixture
def small_desk(qtbot, small_home):
    yield from open_desk(qtbot, small_home)


def test_disk_full_at_save_keeps_the_draft_and_saving_again_works(qtbot, small_home, small_desk, pages_dir):
    ctx, window = small_desk
    view = window.show_view("receive")
    saved_receive(qtbot, ctx, view, pages_dir)
    pages_before = view.draft.page_count()
    filler = small_home / "filler"
    with open(filler, "wb", buffering=0) as fh:  # unbuffered: nothing left to flush at close on a full disk
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
    wait_job(qtbot, ctx, view.save())
    assert "Ổ đĩa đã đầy" in view.banner.text(), view.banner.text()
    assert view.stack.currentIndex() == REVIEW
    assert view.draft.page_count() == pages_before
    assert view.applicant_step.edits["full_name"].text() == "Phạm Minh Tuấn"
    assert ctx.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
    filler.unlink()
    wait_job(qtbot, ctx, view.save())
    assert view.stack.currentIndex() == DONE, view.banner.text()
