"""Cài đặt and Đồng bộ show the link with the hub: its CA bundle (a PEM file checked before it is
kept, then used by sync), and a red "Kết nối KHÔNG mã hóa" while the desk talks plain http to
another machine (the `--insecure-http` case)."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

from app.config import save_settings
from sync.enroll import CA_FILE, IDENTITY_FILE, load_tls
from ui.adapters.sync import UNENCRYPTED_MARK, sync_status_text
from ui.context import DeskContext
from ui.views.settings import SettingsView
from ui.views.sync import SyncView


def _ca(tmp: Path) -> tuple[Path, Path]:
    """A self-signed CA certificate and its private key, as IT would make one for the hub."""
    cert, key = tmp / "trungtam-ca.pem", tmp / "trungtam-ca.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=Trung tam CA"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def _enrolled_as(ctx: DeskContext, hub_url: str, allow_insecure: bool) -> None:
    """The identity and settings `python -m sync enroll [--insecure-http]` leaves (no hub answers
    at that address here)."""
    home = ctx.home
    ctx.settings.hub_url = hub_url
    save_settings(ctx.settings, home)
    identity = {"hub_url": hub_url, "device_id": "d-1", "point_code": "P01", "desk": 1}
    identity.update({"agency_code": "T001.00.H26", "ca_bundle": None, "allow_insecure": allow_insecure})
    (home / IDENTITY_FILE).write_text(json.dumps(identity), encoding="utf-8")


def test_settings_keep_a_pem_ca_bundle_and_refuse_anything_else(qtbot, desk, tmp_path: Path):
    ctx, window = desk
    view = window.show_view_as("settings", SettingsView)
    cert, key = _ca(tmp_path)
    not_pem = tmp_path / "ghi-chu.txt"
    not_pem.write_text("chứng chỉ ở ổ USB", encoding="utf-8")
    broken = tmp_path / "hong.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", encoding="ascii")
    with_key = tmp_path / "ca-va-khoa.pem"
    with_key.write_bytes(cert.read_bytes() + key.read_bytes())
    for bad in (not_pem, broken, with_key, tmp_path / "khong-co.pem"):
        assert not view.pick_ca_bundle(str(bad)), bad.name
        assert view.banner.isVisible() and "Chưa lưu gì" in view.banner.text()
        assert view.save()
        assert not (ctx.home / CA_FILE).exists() and load_tls(ctx.home) == (None, False)
    assert not view.pick_ca_bundle(str(with_key)) and "khóa bí mật" in view.banner.text()
    _enrolled_as(ctx, "https://trungtam.hanoi.gov.vn/motcua", False)
    view.refresh()
    assert view.pick_ca_bundle(str(cert)) and view.ca_bundle.text() == str(cert)
    assert view.save() and view.banner.text() == "Đã lưu cài đặt."
    kept = ctx.home / CA_FILE
    assert kept.read_bytes() == cert.read_bytes() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert load_tls(ctx.home) == (str(kept), False)  # what the sync transport passes as verify=
    assert json.loads((ctx.home / IDENTITY_FILE).read_text())["ca_bundle"] == str(kept)
    view.refresh()
    assert view.ca_bundle.text() == "Đã lưu trên máy (hub-ca.pem)" and not view.unencrypted.isVisible()
    window.resize(1280, 860)
    window.grab().save(str(tmp_path / "settings-ca.png"))


def test_plain_http_to_another_machine_is_marked_red_on_settings_sync_and_status(qtbot, desk, tmp_path: Path):
    ctx, window = desk
    _enrolled_as(ctx, "http://10.1.2.3:8765", True)
    settings = window.show_view_as("settings", SettingsView)
    assert settings.unencrypted.isVisible() and UNENCRYPTED_MARK in settings.unencrypted.text()
    assert "Kết nối KHÔNG mã hóa" in settings.unencrypted.text() and "10.1.2.3" in settings.unencrypted.text()
    window.resize(1280, 860)
    window.grab().save(str(tmp_path / "settings-unencrypted.png"))
    sync_view = window.show_view_as("sync", SyncView)
    assert sync_view.unencrypted.isVisible()
    text = sync_status_text(ctx)
    assert UNENCRYPTED_MARK in text
    window.set_sync_text(text)
    assert window.sync_label.objectName() == "Error"  # red in the status bar
    window.grab().save(str(tmp_path / "sync-unencrypted.png"))
    for safe in ("https://trungtam.hanoi.gov.vn/motcua", "http://127.0.0.1:8765"):
        _enrolled_as(ctx, safe, False)
        sync_view.refresh()
        assert not sync_view.unencrypted.isVisible(), safe
        assert UNENCRYPTED_MARK not in sync_status_text(ctx)
        window.set_sync_text(sync_status_text(ctx))
        assert window.sync_label.objectName() == ""
        settings.refresh()
        assert not settings.unencrypted.isVisible()
