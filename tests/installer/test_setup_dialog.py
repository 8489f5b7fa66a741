"""The first-run setup dialog writes the same settings as `motcua setup`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from app.config import load_settings
from ui.dialogs.setup_dialog import SetupDialog


def test_setup_dialog_saves_point_desk_scanner_and_a_pending_code(qtbot, motcua_home: Path) -> None:
    dialog = SetupDialog(motcua_home, load_settings(motcua_home))
    qtbot.addWidget(dialog)
    dialog.point_code.setText("HN-BD")
    dialog.point_name.setText("Điểm phục vụ Ba Đình")
    dialog.agency_code.setText("000.00.05.H26")
    dialog.desk.setValue(4)
    dialog.saturday.setChecked(True)
    dialog.hub_url.setText("http://127.0.0.1:9")  # nothing listens: enrollment waits
    dialog.enroll_code.setText("CODE-1")
    assert dialog.scanner.count() >= 1  # the SANE test device
    dialog.scanner.setCurrentIndex(0)

    with qtbot.waitSignal(dialog.sig_saved, timeout=30000) as saved:
        dialog.save()

    assert saved.args == ["pending"]
    data = tomllib.loads((motcua_home / "config.toml").read_text(encoding="utf-8"))
    assert (data["point_code"], data["desk"], data["saturday_reception"]) == ("HN-BD", 4, True)
    assert data["scanner_device"].startswith("sane:test:")
    assert data["pending_enrollment"]["code"] == "CODE-1"
    assert "khi có mạng" in dialog.status.text()


def test_setup_dialog_test_scan_reports_the_page(qtbot, motcua_home: Path) -> None:
    dialog = SetupDialog(motcua_home, load_settings(motcua_home))
    qtbot.addWidget(dialog)
    dialog.scanner.setCurrentIndex(0)
    dialog._on_test_scan_clicked()
    qtbot.waitUntil(lambda: "quét thử được" in dialog.status.text(), timeout=30000)
