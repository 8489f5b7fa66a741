"""End of day per clerk: receipts, amounts by fee and by method, counted cash and its difference, PDF."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager

import pytest

from app.config import Settings, save_settings
from app.domain.errors import ValidationError
from app.services import cashdesk as cd
from app.services.cash_report import day_report, submit
from app.services.intake import receive
from app.services.receipts import void_receipt
from tests.cashdesk.helpers import NOW, cash_desk
from tests.store_helpers import request

DAY = NOW.date().isoformat()


def _day(desk):
    """Three paid dossiers (cash 20.000, transfer 20.000, cash 10.000 copies) and one voided cash one."""
    a = receive(desk, request(desk, "1.004222"))
    cd.collect(desk, a.id, cd.FeeRequest(), cd.Payment("cash"))
    b = receive(desk, request(desk, "1.004222"))
    cd.collect(desk, b.id, cd.FeeRequest(), cd.Payment("transfer", transfer_confirmed=True))
    c = receive(desk, request(desk, "2.000815", pages=2))
    got = cd.collect(desk, c.id, cd.FeeRequest(copies=2), cd.Payment("cash"))
    assert got.receipt is not None and got.amount == 8_000
    void_receipt(desk, got.receipt, "Thu nhầm số bản")
    cd.collect(desk, c.id, cd.FeeRequest(copies=1), cd.Payment("cash"))


@contextmanager
def raises_vi(kind, words):
    with pytest.raises(kind) as err:
        yield
    assert words in err.value.user_message


def test_day_report_sums_issued_receipts_by_fee_and_by_method(tmp_path):
    desk = cash_desk(tmp_path / "d1")
    _day(desk)
    [lan] = day_report(desk.db, DAY).clerks
    assert [r.status for r in lan.receipts] == ["issued", "issued", "voided", "issued"]
    assert lan.by_method == {"cash": 24_000, "transfer": 20_000} and lan.total == 44_000
    assert lan.by_fee == {"Lệ phí đăng ký thường trú": 40_000, "Phí chứng thực bản sao từ bản chính": 4_000}
    assert lan.expected_cash == 24_000
    with raises_vi(ValidationError, "lý do"):
        submit(desk, DAY, 23_000)
    got = submit(desk, DAY, 23_000, "Trả lại tiền thừa nhầm cho công dân")
    assert (got.counted_cash, got.difference) == (23_000, -1_000)
    event = desk.db.conn.execute("SELECT payload FROM events WHERE type = 'cash_reported'").fetchone()
    assert json.loads(event[0])["difference"] == -1_000  # on its way to the hub through the outbox
    assert desk.db.conn.execute("SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id"
                                " WHERE e.type = 'cash_reported'").fetchone()[0] == 1  # fmt: skip
    desk.db.close()


def test_cash_report_command_prints_a_pdf_for_signature(tmp_path):
    home = tmp_path / "d1"
    desk = cash_desk(home)
    save_settings(Settings(point_code="HK", point_name="Điểm Phục vụ hành chính công Hoàn Kiếm"), home)
    _day(desk)
    desk.db.close()
    out = tmp_path / "cash.pdf"
    env = {**os.environ, "MOTCUA_HOME": str(home)}
    cmd = [sys.executable, "-m", "app", "cash", "report", "--day", DAY, "--clerk", "lan", "--out", str(out)]
    done = subprocess.run([*cmd, "--counted", "24000", "--json"], env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["clerks"][0]["difference"] == 0 and data["clerks"][0]["total"] == 44_000
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "BÁO CÁO THU PHÍ, LỆ PHÍ CUỐI NGÀY" in text and "44.000đ" in text and "Khớp" in text
    assert "Thu nhầm số bản" in text and "TRƯỞNG ĐIỂM" in text
    bad = subprocess.run([*cmd, "--counted", "1"], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "lý do" in bad.stderr


def test_a_malformed_remote_fee_event_is_stored_without_breaking_the_pull(tmp_path):
    from app.domain.events import Event, EventType
    from app.domain.ids import new_id
    from app.storage.outbox import apply_remote_events

    desk = cash_desk(tmp_path / "d1")
    state = receive(desk, request(desk, "1.004222"))
    at = desk.db.conn.execute("SELECT at FROM events LIMIT 1").fetchone()[0]
    bad = [{"amount": "x", "receipt": {"form": "01BLP0-001", "series": "AA/26P", "number": 5}, "at": DAY},
           {"amount": 1, "receipt": {"form": 7, "series": "AA/26P", "number": -1}, "at": DAY},
           {"amount": 1, "receipt": {"form": "F", "series": "S", "number": 9, "kind": "forged"}, "at": DAY, "lines": "x"}]  # fmt: skip
    good = {"amount": 20_000, "method": "cash", "receipt": {"form": "F", "series": "S", "number": 9},
            "at": f"{DAY}T10:00:00+07:00", "lines": [{"label": "Lệ phí", "amount": 20_000}]}  # fmt: skip
    events = [Event(new_id(), state.id, EventType.FEE_COLLECTED, at, "remote-clerk", "other-desk", p)
              for p in [*bad, good, good]]  # fmt: skip
    assert apply_remote_events(desk.db, events) == 5
    rows = desk.db.conn.execute("SELECT form, series, number, amount, clerk FROM receipts").fetchall()
    assert rows == [("F", "S", 9, 20_000, "remote-clerk")]  # only the well-formed one, once
    desk.db.close()


def test_the_cash_ledger_keeps_the_store_check_green_and_stays_out_of_the_dossier_list(tmp_path):
    from app.services.integrity import run
    from app.services.queries import list_dossiers

    desk = cash_desk(tmp_path / "d1")
    _day(desk)
    submit(desk, DAY, 24_000)
    results = {r.name: r for r in run(desk.db, desk.blobs, None, None)}
    assert all(r.ok for r in results.values()), [(r.name, r.detail) for r in results.values() if not r.ok]
    assert len(list_dossiers(desk.db, "all", limit=50).items) == 3  # the three dossiers, not the ledger
    desk.db.close()
