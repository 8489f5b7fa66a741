"""Fee rules are catalog data; the calculator applies tiers, caps, per copy, online price, free."""

from __future__ import annotations

import pytest

from app.catalog import compute_fees, read_catalog, total, vnd
from app.catalog.io import SHIPPED_CATALOG
from app.domain.errors import ValidationError

PROCS = {p.code: p for p in read_catalog(SHIPPED_CATALOG).procedures}


@pytest.mark.parametrize(
    ("pages", "copies", "expected"),
    [(1, 1, 2_000), (2, 1, 4_000), (3, 1, 5_000), (10, 3, 36_000), (198, 1, 200_000), (500, 2, 400_000)],
)
def test_certified_copy_tiers_and_cap(pages: int, copies: int, expected: int) -> None:
    lines = compute_fees(PROCS["2.000815"], pages, copies)
    assert total(lines) == expected


def test_cap_is_said_in_the_basis() -> None:
    (line,) = compute_fees(PROCS["2.000815"], 400, 1)
    assert "tối đa" in line.basis and line.code == "phi_chung_thuc"


def test_fixed_per_copy_online_and_free() -> None:
    assert total(compute_fees(PROCS["2.000884"], 5, 4)) == 10_000
    assert total(compute_fees(PROCS["2.000635"], 1, 3)) == 24_000
    assert total(compute_fees(PROCS["1.004222"], 1, 1)) == 20_000
    assert total(compute_fees(PROCS["1.004222"], 1, 1, online=True)) == 10_000
    (free,) = compute_fees(PROCS["1.001193"], 2, 1)
    assert free.amount == 0 and free.basis.startswith("Miễn")


def test_fee_line_matches_the_received_payload_shape() -> None:
    (line,) = compute_fees(PROCS["2.000884"], 1, 1)
    assert set(line.to_dict()) == {"code", "label", "amount", "basis"}


def test_out_of_range_input_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        compute_fees(PROCS["2.000815"], 3, 0)


def test_vnd_format() -> None:
    assert vnd(1234567) == "1.234.567đ" and vnd(0) == "0đ"


def test_procedure_gives_the_received_payload_parts() -> None:
    proc = PROCS["1.001193"]
    assert proc.snapshot() == {
        "code": "1.001193",
        "version": 1,
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
    }
    first = proc.checklist()[0]
    assert set(first) == {"component", "name", "copy_kind", "count", "mandatory", "provided"}
    assert first["provided"] is False
