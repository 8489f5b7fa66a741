"""Regenerate resources/samples/ocr_sample.png (the page the self-test OCRs) and its expected text."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "Bộ phận một cửa kiểm tra thành phần hồ sơ",
]
EXPECTED = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def main() -> None:
    font = ImageFont.truetype(FONT, 42)
    img = Image.new("L", (1700, 420), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(LINES):
        draw.text((80, 50 + i * 85), line, font=font, fill=0)
    out = ROOT / "resources" / "samples"
    out.mkdir(parents=True, exist_ok=True)
    img.save(out / "ocr_sample.png", dpi=(300, 300), optimize=True)
    (out / "ocr_sample.txt").write_text(EXPECTED + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
