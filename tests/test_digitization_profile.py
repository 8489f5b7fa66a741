"""The digitization profile the centre publishes: its rules, and the default when there is none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.digitization import DEFAULT_PROFILE, PROFILE_FILE, installed_profile, parse_profile
from app.domain.errors import ValidationError


def test_the_default_is_the_small_black_and_white_output_and_changes_no_setting(tmp_path: Path) -> None:
    assert installed_profile(tmp_path) == DEFAULT_PROFILE
    assert DEFAULT_PROFILE.mode == "bw" and not DEFAULT_PROFILE.keeps_tones
    assert DEFAULT_PROFILE.min_dpi == 150  # the lowest dpi the desk offers: never raises the clerk's


def test_a_colour_profile_at_300_dpi_is_read_with_a_name_in_vietnamese() -> None:
    profile = parse_profile(json.dumps({"mode": "color", "min_dpi": 300, "kb_per_page": 250}))
    assert (profile.mode, profile.min_dpi, profile.kb_per_page) == ("color", 300, 250)
    assert profile.keeps_tones and profile.name == "Số hóa màu 300 dpi"


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ({"mode": "gray", "min_dpi": 150}, "Nghị định 30/2020"),  # tones need 200 dpi or more
        ({"mode": "sepia"}, "chế độ màu"),
        ({"min_dpi": True}, "Độ phân giải tối thiểu"),
        ({"min_dpi": 1200}, "Độ phân giải tối thiểu"),
        ({"kb_per_page": 5}, "Dung lượng mỗi trang"),
        ({"quality": 90}, "không được hỗ trợ"),
        ([], "không đúng định dạng"),
    ],
)
def test_a_profile_breaking_a_rule_is_refused_in_vietnamese(raw: object, said: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_profile(json.dumps(raw))
    assert said in err.value.user_message and err.value.user_message.startswith("Cấu hình số hóa")


def test_a_broken_installed_file_is_not_used(tmp_path: Path) -> None:
    (tmp_path / PROFILE_FILE).write_text("{not json", encoding="utf-8")
    assert installed_profile(tmp_path) == DEFAULT_PROFILE
