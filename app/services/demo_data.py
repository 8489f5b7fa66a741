"""Realistic demo material: Vietnamese applicants with consistent CCCD numbers, and A4-like page images."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Xuân", "Công"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tuấn",
    "Việt",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngọc",
    "Nhung",
    "Thảo",
    "Trang",
    "Yến",
]
STREETS = [
    "Hàng Bạc",
    "Hàng Đào",
    "Lò Đúc",
    "Kim Mã",
    "Đội Cấn",
    "Láng Hạ",
    "Trần Duy Hưng",
    "Nguyễn Trãi",
    "Giải Phóng",
]
WARDS = ["Hoàn Kiếm", "Ba Đình", "Đống Đa", "Cầu Giấy", "Hai Bà Trưng", "Thanh Xuân", "Tây Hồ", "Hoàng Mai"]
PROVINCES = ["001", "001", "001", "001", "022", "026", "027", "030", "033", "034", "036", "038", "040"]
_LOREM_TEXT = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc tờ khai đăng ký hộ tịch kính gửi Ủy ban "
    "nhân dân phường họ chữ đệm tên người yêu cầu nơi cư trú giấy tờ tùy thân quan hệ với người được "
    "đăng ký đề nghị cơ quan đăng ký tôi cam đoan nội dung khai trên đây là đúng sự thật và chịu trách nhiệm"
)
LOREM = _LOREM_TEXT.split()
FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
]


def make_applicant(rng: random.Random, today: date) -> dict[str, Any]:
    """A valid applicant: the CCCD number agrees with birth year and gender."""
    is_female = rng.random() < 0.5
    name = " ".join(
        [
            rng.choice(FAMILY),
            rng.choice(MIDDLE_F if is_female else MIDDLE_M),
            rng.choice(GIVEN_F if is_female else GIVEN_M),
        ]
    )
    born = today - timedelta(days=rng.randint(18 * 365, 80 * 365))
    century_digit = (born.year // 100 - 19) * 2 + (1 if is_female else 0)
    number = f"{rng.choice(PROVINCES)}{century_digit}{born.year % 100:02d}{rng.randint(0, 999_999):06d}"
    return {
        "full_name": name,
        "id_kind": "cccd",
        "id_number": number,
        "birth_date": born.isoformat(),
        "gender": "female" if is_female else "male",
        "address": f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}, phường {rng.choice(WARDS)}, Hà Nội",
        "phone": f"09{rng.randint(0, 99_999_999):08d}",
        "email": None,
    }


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def make_page(rng: random.Random, title: str, footer: str, width: int = 620, height: int = 877) -> bytes:
    """A grey A4-proportioned PNG that looks like a typed form (title, lines of text, a signature)."""
    img = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(img)
    draw.text((width // 2, 40), title.upper(), fill=20, font=_font(16), anchor="mm")
    y = 80
    while y < height - 120:
        words = [rng.choice(LOREM) for _ in range(rng.randint(6, 11))]
        draw.text((45, y), " ".join(words), fill=rng.randint(10, 60), font=_font(13))
        y += rng.randint(22, 30)
    draw.line((width - 220, height - 70, width - 60, height - 90), fill=30, width=2)
    draw.text((45, height - 40), footer, fill=90, font=_font(10))
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=3)
    return out.getvalue()
