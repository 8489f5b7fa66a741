"""Start-up upkeep: a pending enrollment code redeemed in a job, the daily backup and "Sao lưu ngay"."""

from __future__ import annotations

import shutil
import tarfile

from app.backup_schedule import list_backups
from app.config import load_settings, save_settings
from tests.sync.hubkit import Hub, free_port
from tests.ui.conftest import wait_idle, wait_job
from ui.ops.enroll import PENDING_KEY


def _pend(ctx, hub_url: str, code: str) -> None:
    ctx.settings.extra[PENDING_KEY] = {"hub_url": hub_url, "code": code}
    save_settings(ctx.settings, ctx.home)


def test_pending_enrollment_offline_stays_pending_and_the_status_bar_says_so(qtbot, desk):
    ctx, window = desk
    _pend(ctx, f"http://127.0.0.1:{free_port()}", "ABCD-1234")  # nothing listens there
    wait_job(qtbot, ctx, window.upkeep.enroll())
    assert "sẽ thử lại" in window.statusBar().currentMessage()
    assert load_settings(ctx.home).extra.get(PENDING_KEY)


def test_pending_enrollment_is_redeemed_at_start_up_with_a_real_hub(qtbot, desk, tmp_path):
    ctx, window = desk
    hub = Hub(data=tmp_path / "hub")
    hub.data.mkdir()
    hub.start()
    try:
        _pend(ctx, hub.url, hub.enroll_code(ctx.settings.point_code or "HN-HK", ctx.settings.desk))
        window.upkeep.start()  # what the session does after login
        wait_idle(qtbot, ctx)
    finally:
        hub.stop()
    assert window.statusBar().currentMessage() == "Đã đăng ký máy với trung tâm."
    assert (ctx.home / "hub.json").exists()
    assert PENDING_KEY not in ctx.settings.extra


def test_backup_now_from_settings_then_daily_backup_and_an_unplugged_disk(qtbot, seeded, tmp_path):
    ctx, window = seeded
    usb = tmp_path / "usb"
    usb.mkdir()
    view = window.show_view("settings")
    assert "Chưa chọn thư mục" in view.backup_status.text()
    view.backup_dir.setText(str(usb))
    view.backup_keep.setValue(2)
    job = view.backup_now()
    assert not view.backup_now_button.isEnabled() and view.backup_progress.isVisible()
    wait_job(qtbot, ctx, job)
    (backup,) = list_backups(usb)
    assert tarfile.is_tarfile(backup[1])
    assert load_settings(ctx.home).backup_keep == 2
    assert "thành công" in view.backup_status.text() and backup[1].name in view.backup_status.text()
    assert view.backup_now_button.isEnabled() and not view.backup_progress.isVisible()
    # the daily check: just backed up, so not due; nothing new
    wait_job(qtbot, ctx, window.upkeep.backup_if_due())
    assert len(list_backups(usb)) == 1
    # the USB disk is unplugged: the attempt says so in Vietnamese, in the status bar and in Cài đặt
    shutil.rmtree(usb)
    wait_job(qtbot, ctx, view.backup_now())
    assert "Không tìm thấy thư mục sao lưu" in window.statusBar().currentMessage()
    assert "không thành công" in view.backup_status.text()


def test_the_timer_starts_the_scheduled_backup_when_a_folder_is_set(qtbot, seeded, tmp_path):
    ctx, window = seeded
    usb = tmp_path / "usb"
    usb.mkdir()
    ctx.settings.backup_dir = str(usb)
    save_settings(ctx.settings, ctx.home)
    window.upkeep.timer.setInterval(10)
    window.upkeep.timer.start()
    qtbot.waitUntil(lambda: len(list_backups(usb)) == 1, timeout=60_000)
    window.upkeep.timer.stop()
    wait_idle(qtbot, ctx)
    assert "Đã sao lưu" in window.statusBar().currentMessage()
