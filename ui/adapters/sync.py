"""The link with the centre as the status bar and the Đồng bộ page show it (sync.status)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.vocabulary import event_label_vi, vn_local_stamp, vn_size
from sync.ca_bundle import install_ca_bundle, read_ca_bundle
from sync.enroll import hub_link, installed_ca
from sync.status import status
from sync.transport import is_unencrypted
from ui.context import DeskContext
from ui.ops.enroll import is_enrolled as has_identity

SYNC_NOT_CONFIGURED = "Đồng bộ: chưa kết nối trung tâm"
UNENCRYPTED_MARK = "⚠ Kết nối KHÔNG mã hóa"
UNENCRYPTED_DETAIL = (
    "{mark}: máy đồng bộ với Trung tâm tại {address} qua http://, nên mật khẩu thiết bị và thông tin "
    "công dân đi qua mạng ở dạng đọc được. Hãy nhờ bộ phận kỹ thuật chuyển sang địa chỉ https://."
)
NO_CA_TEXT = "(dùng chứng chỉ hệ thống)"
KEPT_CA_TEXT = "Đã lưu trên máy ({name})"


@dataclass(frozen=True)
class HubLinkView:
    """What the settings and sync screens show of the link: address, CA bundle, unencrypted or not."""

    address: str
    ca_text: str
    is_unencrypted: bool

    @property
    def unencrypted_text(self) -> str:
        """The red mark's sentence ("" while the link is encrypted or on this machine)."""
        if not self.is_unencrypted:
            return ""
        return UNENCRYPTED_DETAIL.format(mark=UNENCRYPTED_MARK, address=self.address)


def hub_link_view(ctx: DeskContext) -> HubLinkView:
    """The link sync uses (enrolled), else the address in the settings."""
    link = hub_link(ctx.home)
    if link is None:
        return HubLinkView(
            ctx.settings.hub_url,
            NO_CA_TEXT,
            bool(ctx.settings.hub_url) and is_unencrypted(ctx.settings.hub_url),
        )
    return HubLinkView(link.hub_url, _ca_text(ctx.home, link.ca_bundle), link.is_unencrypted)


def _ca_text(home: Path, ca_bundle: str | None) -> str:
    if not ca_bundle:
        return NO_CA_TEXT
    kept = installed_ca(home)
    return KEPT_CA_TEXT.format(name=kept.name) if kept and str(kept) == ca_bundle else ca_bundle


def check_hub_ca(source: str) -> None:
    """ValidationError (Vietnamese) unless the file IT picked is a PEM bundle of CA certificates."""
    read_ca_bundle(Path(source))


def install_hub_ca(ctx: DeskContext, source: str) -> str:
    """Check the PEM file IT picked and keep it as the hub's CA bundle; returns the path now used."""
    return str(install_ca_bundle(ctx.home, Path(source)))


def is_enrolled(ctx: DeskContext) -> bool:
    return has_identity(ctx.home)


def sync_status_text(ctx: DeskContext) -> str:
    """One line for the status bar; the placeholder until the desk is enrolled with a hub."""
    if not is_enrolled(ctx):
        return SYNC_NOT_CONFIGURED
    info = sync_overview(ctx)
    text = f"Đồng bộ: {info['state']} · {info.get('pending_events', 0)} sự kiện, {info.get('pending_files', 0)} tệp chờ gửi"
    if hub_link_view(ctx).is_unencrypted:
        text += f" · {UNENCRYPTED_MARK}"
    return text


def sync_overview(ctx: DeskContext) -> dict[str, Any]:
    """What the Đồng bộ page shows (sync.status); before enrollment, what waits in the outbox."""
    st = status(ctx.home)
    state = "chưa kết nối trung tâm"
    if st.get("enrolled"):
        state = (
            "mất kết nối"
            if st.get("last_error")
            else "đã kết nối"
            if st.get("last_success")
            else "chưa đồng bộ lần nào"
        )
    info: dict[str, Any] = {
        "hub": ctx.settings.hub_url or ("(đã đăng ký)" if st.get("enrolled") else "(chưa cấu hình)"),
        "state": state,
        "pending_events": st.get("pending_events", 0),
        "pending_files": f"{st.get('pending_files', 0)} ({vn_size(int(st.get('pending_bytes', 0)))})",
        "last_success": vn_local_stamp(st.get("last_success")),
        "last_error": st.get("last_error"),
    }
    rows = ctx.db.conn.execute(
        "SELECT d.code, e.type, e.stored_at FROM outbox o JOIN events e ON e.id = o.event_id "
        "LEFT JOIN dossiers d ON d.id = e.dossier_id WHERE o.sent_at IS NULL AND o.rejected_reason IS NULL "
        "ORDER BY o.seq LIMIT 200"
    ).fetchall()
    info["pending"] = [
        {"code": r[0], "label": event_label_vi(r[1]), "when": vn_local_stamp(r[2])} for r in rows
    ]
    return info
