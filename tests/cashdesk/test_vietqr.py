"""VietQR payloads against the EMVCo merchant-presented layout and CRC, decoded back from a QR image."""

from __future__ import annotations

import binascii
import io

import numpy as np
import pytest
import qrcode
import zxingcpp
from PIL import Image

from app.domain.errors import ValidationError
from app.payments import vietqr
from scanner.idcard import find_qr_texts

# Public samples with their CRCs: a VietQR transfer (subiz/vietqr README, MIT) and an EMVCo merchant
# QR from UnionPay's test platform (quoted in a public article on the EMVCo CRC).
PUBLIC_VIETQR = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN"
    "62170813ung ho lu lut6304C15C"
)
PUBLIC_EMVCO = (
    "000201010211153125000344000203441000000000000065204597253033445802HK5913Test Merchant6002HK"
    "626001200000000000000000000005200000000000000000000007080000001063045855"
)
CODE = "000.00.00.H26-261201-1001"


def _qr_image(payload: str) -> np.ndarray:
    img = qrcode.make(payload, box_size=6, border=4).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def test_crc_matches_the_catalogue_check_value_and_public_samples() -> None:
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1  # CRC-16/CCITT-FALSE check value
    assert vietqr.crc_ok(PUBLIC_VIETQR)
    assert vietqr.crc_ok(PUBLIC_EMVCO)
    assert not vietqr.crc_ok(PUBLIC_VIETQR.replace("120000", "130000"))


def test_payload_decoded_from_a_qr_image_follows_the_emvco_layout() -> None:
    payload = vietqr.for_dossier("970415", "113366668888", 400_000, CODE, "Điểm Phục vụ Hoàn Kiếm")
    image = _qr_image(payload)
    direct = [r.text for r in zxingcpp.read_barcodes(image) if r.valid]
    assert direct == [payload]
    assert find_qr_texts(image) == [payload]  # the project's reader (scanner.idcard)

    objects = vietqr.parse_tlv(payload)
    tags = [t for t, _ in objects]
    assert tags == sorted(tags) and tags[-1] == "63"
    fields = dict(objects)
    assert fields["00"] == "01" and fields["01"] == "12"
    assert fields["53"] == "704" and fields["54"] == "400000" and fields["58"] == "VN"
    assert fields["59"] == "DIEM PHUC VU HOAN KIEM"
    account = dict(vietqr.parse_tlv(fields["38"]))
    assert account == {"00": "A000000727", "01": "0006970415" + "0112113366668888", "02": "QRIBFTTA"}
    assert dict(vietqr.parse_tlv(fields["62"])) == {"05": CODE, "08": CODE}
    # the CRC covers everything before it including "6304"; stdlib crc_hqx with init 0xFFFF is CCITT-FALSE
    crc = binascii.crc_hqx(payload[:-4].encode("ascii"), 0xFFFF)
    assert payload[-8:] == f"6304{crc:04X}"


def test_long_dossier_code_fits_the_25_character_reference() -> None:
    ref = vietqr.reference_of("000.00.00.H26-261201-12001")
    assert ref == "0000000H26-261201-12001" and len(ref) <= 25


@pytest.mark.parametrize(
    ("bank_bin", "account", "amount"),
    [
        ("97041", "1", 1),
        ("970415", "12 34", 1),
        ("970415", "1" * 20, 1),
        ("970415", "1", 0),
        ("970415", "1", -5),
    ],
)
def test_bad_transfer_input_is_refused_in_vietnamese(bank_bin: str, account: str, amount: int) -> None:
    with pytest.raises(ValidationError) as err:
        vietqr.for_dossier(bank_bin, account, amount, CODE)
    assert err.value.problems and all(p.endswith(".") for p in err.value.problems)
