"""CCCD QR: decoding from scans and phone photos, parsing variants, cross-checks as warnings."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from scanner.errors import QrNotFoundError
from scanner.idcard import parse_qr_payload, read_idcard
from tests.conftest import ROOT
from tests.scanner.corpus_helper import SAMPLE_PAYLOAD, card_image, phone_photo, save_png


def test_flat_scan_of_the_card_is_read_and_valid():
    data = read_idcard(card_image())
    assert data.valid and data.warnings == []
    assert data.id_number == "001185012345" and data.old_id_number == "012345678"
    assert data.full_name == "Nguyễn Thị Hương"
    assert (data.birth_date, data.gender, data.issue_date) == ("1985-03-15", "female", "2021-05-10")


def test_rotated_perspective_phone_photo_is_read():
    data = read_idcard(phone_photo(card_image(), angle=25))
    assert data.id_number == "001185012345" and data.address.startswith("Số 12")


def test_diacritics_stripped_by_reader_still_parse_with_a_warning():
    data = parse_qr_payload("001185012345||NGUYEN THI HUONG|15031985|Nu|So 12 Hang Bac|10052021")
    assert data.gender == "female" and data.old_id_number is None
    assert any("không có dấu" in w for w in data.warnings)


def test_extra_fields_are_kept_and_flagged():
    data = parse_qr_payload(SAMPLE_PAYLOAD + "|extra|more")
    assert len(data.fields) == 9 and data.id_number == "001185012345"
    assert any("9 trường" in w for w in data.warnings)


def test_gender_digit_and_birth_year_are_cross_checked():
    data = parse_qr_payload("001085012345|012345678|Nguyễn Thị Hương|15031986|Nữ|Hà Nội|10052021")
    assert not data.valid
    assert any("Giới tính" in w for w in data.warnings)
    assert any("Năm sinh" in w for w in data.warnings)


def test_2000s_century_digit_matches():
    data = parse_qr_payload("001203012345||Trần Văn An|01012003|Nam|Hà Nội|01012021")
    assert data.valid, data.warnings


def test_wrong_layout_gives_warnings_not_guesses():
    data = parse_qr_payload("https://example.com/not-a-card")
    assert not data.valid and data.full_name is None and data.birth_date is None
    assert data.warnings


def test_image_without_qr_raises_a_clear_error():
    with pytest.raises(QrNotFoundError) as info:
        read_idcard(np.full((400, 600, 3), 240, np.uint8))
    assert "mã QR" in info.value.user_message


def test_cli_prints_json_and_exits_2_without_a_code(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    good = save_png(tmp_path / "card.png", phone_photo(card_image()))
    blank = save_png(tmp_path / "blank.png", np.full((300, 400, 3), 255, np.uint8))
    ok = subprocess.run(
        [sys.executable, "-m", "scanner", "idcard", str(good)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and '"id_number": "001185012345"' in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "scanner", "idcard", str(blank)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "mã QR" in bad.stderr


def test_a_2024_card_with_11_fields_gets_no_needless_warning_and_keeps_old_numbers():
    payload = (
        "001185012345|012345678|Nguyễn Thị Hương|15031985|Nữ|Hà Nội|10072024|001185099999|||Nguyễn Văn A"
    )
    data = parse_qr_payload(payload)
    assert data.valid and data.warnings == [], data.warnings
    assert data.id_number == "001185012345" and data.other_numbers == ["001185099999"]


def test_a_garbled_name_warns():
    data = parse_qr_payload("001185012345||Nguy\ufffdn Th\ufffd H\u01b0\u01a1ng|15031985|Nữ|Hà Nội|10052021")
    assert any("ký tự lỗi" in w for w in data.warnings)
