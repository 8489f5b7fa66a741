"""The Đồng bộ page and the status bar show the hub's warning on this desk's audit chain (real hub)."""

from __future__ import annotations

import pytest

from app.storage.audit import chain_head
from sync.audit_head import AUDIT_WARNING_VI
from sync.enroll import enroll, load_identity
from sync.protocol import AuditHeadPost
from sync.transport import HubTransport
from tests.sync.hubkit import Hub
from tests.ui.conftest import wait_idle, wait_job
from ui.adapters.sync import AUDIT_WARNING_SHORT


@pytest.fixture
def hub(tmp_path):
    h = Hub(data=tmp_path / "hub")
    h.data.mkdir()
    h.start()
    yield h
    h.stop()


def push_as_a_clone(home, seq: int) -> None:
    """What a copy of this desk, with the same enrollment and a longer chain of its own, pushes."""
    url, creds = load_identity(home)
    transport = HubTransport(url, creds)
    try:
        assert transport.push_audit_head(AuditHeadPost(seq=seq, mac="ab" * 32)).status == "ok"
    finally:
        transport.close()


def test_a_desk_behind_its_clone_shows_the_hubs_warning(qtbot, desk, hub, tmp_path):
    ctx, window = desk
    enroll(ctx.home, hub.url, hub.enroll_code("HK", 1))
    view = window.show_view("sync")
    wait_job(qtbot, ctx, window.sync.run_now())
    wait_idle(qtbot, ctx)
    view.refresh()
    assert view.audit_warning.isHidden()
    assert AUDIT_WARNING_SHORT not in window.sync_label.text()

    push_as_a_clone(ctx.home, chain_head(ctx.db)[0] + 100)
    wait_job(qtbot, ctx, window.sync.run_now())
    wait_idle(qtbot, ctx)
    view.refresh()
    assert not view.audit_warning.isHidden()
    assert (
        view.audit_warning.text().startswith("Cảnh báo (từ ")
        and AUDIT_WARNING_VI in view.audit_warning.text()
    )
    qtbot.waitUntil(lambda: AUDIT_WARNING_SHORT in window.sync_label.text(), timeout=10_000)
    window.grab().save(str(tmp_path / "sync-audit-warning.png"))
