"""The catalog the desk ships (resources/catalog/procedures.json): real portal records, each with its
source and date, and a receive on one of them with its case groups, a present-only paper and a fee
exemption. (The suite's older behaviour tests use the frozen hand-written catalog, see tests/conftest.py.)"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.catalog import import_catalog, read_catalog, search
from app.catalog.fees import compute_fees
from app.catalog.io import CATALOG_DIR
from app.domain.errors import ValidationError
from app.services.demo_data import make_page
from app.services.intake import find_procedure, receive
from app.services.receive_request import DocumentIn, PageMeta, ReceiveRequest
from tests.store_helpers import applicant, make_desk

REAL = CATALOG_DIR / "procedures.json"


@pytest.fixture(scope="module")
def catalog():
    return read_catalog(REAL)


def test_every_shipped_procedure_names_its_source_and_date(catalog):
    procs = catalog.procedures
    assert len(procs) >= 250 and catalog.format == 2
    portal = [p for p in procs if p.source is not None]
    assert len(portal) >= len(procs) - 4  # the first hand-written ones the portal data cannot replace yet
    for p in portal:
        assert p.source.url.startswith("https://dichvucong.gov.vn/") and p.source.retrieved == "2026-06-10"
        assert not p.review or p.source.reviewed_by, p.code  # nothing flagged ships unreviewed
    for p in procs:
        if p.source is None:
            assert "UNCONFIRMED" in (p.note + p.processing.note + " ".join(f.note for f in p.fees)), p.code


def test_reviewed_records_say_who_reviewed_them_and_on_what_basis(catalog):
    reviewed = [p for p in catalog.procedures if p.source and p.source.reviewed_by]
    assert {p.code for p in reviewed} >= {"1.001193", "2.000815"}
    assert all("Rà soát:" in p.note for p in reviewed)


def _desk(tmp_path: Path):
    desk = make_desk(tmp_path)
    import_catalog(desk.db.conn, read_catalog(REAL), source="test")
    desk.db.ready.add("catalog")
    return desk


def test_search_finds_real_procedures(tmp_path: Path):
    desk = _desk(tmp_path)
    assert search(desk.db.conn, "dang ky khai sinh")[0].code == "1.001193"
    assert search(desk.db.conn, "thường trú")[0].code == "1.004222"


def _doc(desk, comp) -> dict:
    ref = desk.blobs.put_bytes(make_page(random.Random(1), comp.name[:40], comp.id))
    return {"component": comp.id, "name": comp.name, "copy_kind": comp.copy_kind,
            "pages": [{"sha256": ref.sha256, "size": ref.size, "mime": "image/png"}]}  # fmt: skip


def test_receive_a_real_procedure_by_case_with_an_exemption(tmp_path: Path):
    desk = _desk(tmp_path)
    proc = find_procedure(desk, "1.004222")  # Đăng ký thường trú: 8 case groups, 20.000đ, exemptions
    case = proc.cases[0].id
    docs = [_doc(desk, c) for c in proc.components if c.mandatory and c.case == case]
    who = proc.fees[0].exemptions[0].who
    base = {"procedure": proc.code, "applicant": applicant(), "documents": docs, "case": case}
    with pytest.raises(
        ValidationError
    ):  # another case's papers are not asked for, an unknown case is refused
        receive(desk, {**base, "case": "th99"})
    state = receive(desk, {**base, "exemption": who})
    by_id = {item["component"]: item for item in state.checklist}
    other = next(c for c in proc.components if c.case and c.case != case)
    assert by_id[other.id]["mandatory"] is False and by_id[docs[0]["component"]]["mandatory"] is True
    assert state.fees_quoted == 0 and "Miễn cho" in state.fee_lines[0]["basis"]
    assert compute_fees(proc, 1, 1)[0].amount == 20_000 and compute_fees(proc, 1, 1, True)[0].amount == 10_000
    desk.db.close()


def test_present_only_papers_are_checked_not_scanned(tmp_path: Path):
    desk = _desk(tmp_path)
    proc = find_procedure(desk, "1.004873")  # Xác nhận tình trạng hôn nhân: ID papers are shown
    shown = [c.id for c in proc.components if c.present_only and c.mandatory]
    docs = [_doc(desk, c) for c in proc.components if c.mandatory and not c.present_only and not c.case]
    req = {"procedure": proc.code, "applicant": applicant(), "documents": docs}
    with pytest.raises(ValidationError):
        receive(desk, req)  # the ID papers were neither shown nor scanned
    state = receive(desk, {**req, "presented": shown, "fees": [
        {"code": "le_phi", "label": "Phí, lệ phí", "amount": 0, "basis": "theo nghị quyết HĐND"}],
        "fee_override_reason": "Mức thu HĐND thành phố: nhập theo nghị quyết hiện hành"})  # fmt: skip
    marks = {i["component"]: i for i in state.checklist}
    assert all(marks[c]["presented"] and marks[c]["provided"] and not marks[c]["digitized"] for c in shown)
    desk.db.close()


def test_the_typed_request_carries_case_papers_shown_channel_and_exemption(tmp_path: Path):
    desk = _desk(tmp_path)
    proc = find_procedure(desk, "1.004222")
    case, who = proc.cases[0].id, proc.fees[0].exemptions[0].who
    docs = tuple(
        DocumentIn(
            d["component"], d["name"], d["copy_kind"], tuple(PageMeta.from_dict(p) for p in d["pages"])
        )
        for d in (_doc(desk, c) for c in proc.components if c.mandatory and c.case == case)
    )
    typed = ReceiveRequest(
        proc.code, None, tuple(applicant().items()), docs, case=case, channel="buu_chinh", exemption=who
    )
    mapping = typed.as_mapping()
    assert (mapping["case"], mapping["channel"], mapping["exemption"]) == (case, "buu_chinh", who)
    assert "presented" not in mapping and "case" not in ReceiveRequest(proc.code, None, ()).as_mapping()
    assert ReceiveRequest(proc.code, None, (), presented=("a", "b")).as_mapping()["presented"] == ["a", "b"]
    state = receive(desk, typed)
    by_id = {item["component"]: item for item in state.checklist}
    other = next(c for c in proc.components if c.case and c.case != case)
    assert by_id[other.id]["mandatory"] is False and state.fees_quoted == 0
    desk.db.close()
