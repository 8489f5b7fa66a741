"""Sample pages for demos and screenshots: an A4 page of Vietnamese text (Noto Sans)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
BODY = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "",
    "Kính gửi: Ủy ban nhân dân phường Hoàn Kiếm, thành phố Hà Nội",
    "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hồng Nhung",
    "Nơi cư trú: Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm",
    "Giấy tờ tùy thân: Căn cước công dân số 001190012345",
    "Quan hệ với người được khai sinh: Mẹ",
    "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
    "Họ, chữ đệm, tên: Trần Minh Đức   Ngày sinh: 02/11/2026",
    "Giới tính: Nam   Dân tộc: Kinh   Quốc tịch: Việt Nam",
    "Nơi sinh: Bệnh viện Phụ sản Hà Nội",
    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật.",
]


def _font(path: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default()


def sample_page(path: Path, title: str, dpi: int = 150) -> Path:
    """Write a white A4 page with a title and Vietnamese body text to `path` (PNG)."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    size = int(dpi / 7)
    bold, regular = _font(FONT_BOLD, size + 6), _font(FONT, size)
    y = int(dpi * 0.8)
    for i, line in enumerate(BODY[:3]):
        f = bold if i < 2 else regular
        tw = draw.textlength(line, font=f)
        draw.text(((w - tw) / 2, y), line, font=f, fill=0)
        y += int(size * 1.8)
    tw = draw.textlength(title, font=bold)
    draw.text(((w - tw) / 2, y), title, font=bold, fill=0)
    y += int(size * 3)
    for line in BODY[3:]:
        draw.text((int(dpi * 0.9), y), line, font=regular, fill=0)
        y += int(size * 1.9)
    img.save(path, dpi=(dpi, dpi))
    return path
