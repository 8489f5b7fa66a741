"""Thu phí at the desk: copies set by the clerk, the VietQR on screen, the transfer confirmed, a biên lai."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

from app.services.clerks import ensure_clerk
from app.services.intake import receive
from app.services.receipts import add_range
from tests.store_helpers import request
from ui.adapters.session import service_desk
from ui.dialogs.collect_fee import CollectFeeDialog


def test_transfer_shows_a_vietqr_and_needs_the_clerks_confirmation(qtbot, desk, tmp_path: Path):
    ctx, _window = desk
    ctx.settings.extra.update(bank_bin="970415", bank_account="113366668888", bank_beneficiary="Điểm HK")
    services = service_desk(ctx)
    head = ensure_clerk(ctx.db, "truongdiem", "Trưởng điểm", role="head")
    add_range(replace(services, clerk_id=head.id), "01BLP0-001", "AA/26P", 1, 100, ctx.settings.desk)
    state = receive(services, request(services, "2.000815", pages=3))
    dialog = CollectFeeDialog(services, state.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.copies.setValue(2)
    assert "10.000đ" in dialog.lines.text()
    next(b for b in dialog.method_group.buttons() if b.property("method") == "transfer").setChecked(True)
    assert dialog.qr.isVisible() and not dialog.qr.pixmap().isNull()
    path = tmp_path / "collect-fee-vietqr.png"
    dialog.grab().save(str(path))
    if os.environ.get("MOTCUA_SCREENSHOTS_DIR"):
        shutil.copy(path, Path(os.environ["MOTCUA_SCREENSHOTS_DIR"]) / path.name)
    import numpy as np
    from PIL import Image

    from app.services import cashdesk as cd
    from scanner.idcard import find_qr_texts

    on_screen = find_qr_texts(np.asarray(Image.open(path).convert("RGB")))
    assert on_screen == [cd.transfer_qr(services, cd.current_state(services, state.id), 10_000)]
    dialog._on_ok()
    assert dialog.collected is None and "xác nhận" in dialog.error.text()
    dialog.confirmed.setChecked(True)
    dialog._on_ok()
    assert dialog.collected is not None and dialog.collected.receipt is not None
    assert dialog.collected.receipt.number == 1 and dialog.collected.amount == 10_000


def test_a_fee_left_due_at_intake_is_collected_at_the_amount_on_the_receipt(qtbot, desk, tmp_path: Path):
    from app.services import cashdesk as cd

    ctx, _window = desk
    services = service_desk(ctx)
    head = ensure_clerk(ctx.db, "truongdiem", "Trưởng điểm", role="head")
    add_range(replace(services, clerk_id=head.id), "01BLP0-001", "AA/26P", 1, 100, ctx.settings.desk)
    asked = cd.FeeRequest(component_copies=(("ban_chinh", 2),)).to_dict()
    state, _ = cd.receive_and_collect(
        services, request(services, "2.000815", pages=3, fee_request=asked), None
    )
    dialog = CollectFeeDialog(services, state.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.as_received.isChecked() and not dialog.copies.isEnabled()
    assert "Tổng: 10.000đ" in dialog.lines.text()  # 3 pages x 2 copies, as quoted at intake
    dialog.grab().save(str(tmp_path / "collect-fee-as-received.png"))  # looked at
    dialog._on_ok()
    assert dialog.collected is not None and dialog.collected.amount == 10_000
    assert dialog.collected.state.fees_collected == dialog.collected.state.fees_quoted == 10_000
