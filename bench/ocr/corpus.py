"""Synthetic corpus of Vietnamese A4 pages at 300 dpi, clean and degraded, with their true text.

Kinds: clean, rotated (quarter turn + skew), phone (perspective, table background, shadow, noise,
JPEG), lowres (150 dpi), stamp (colour page with a red round stamp and a blue signature), blank.
Used by bench/ocr/run.py and by tests/scanner (through tests/scanner/corpus_helper.py).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

A4_300 = (2480, 3508)
FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu")]
FONT_NAMES = ["NotoSerif-Regular.ttf", "NotoSans-Regular.ttf", "DejaVuSerif.ttf", "DejaVuSans.ttf"]
KINDS = ["clean", "rotated", "phone", "lowres", "stamp"]
SENTENCES = [
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và Nghị định số 123/2015/NĐ-CP.",
    "Ủy ban nhân dân phường Hoàn Kiếm tiếp nhận hồ sơ đăng ký khai sinh của công dân.",
    "Người đề nghị cần xuất trình bản chính giấy tờ tùy thân còn giá trị sử dụng.",
    "Thời hạn giải quyết là một ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
    "Trường hợp hồ sơ chưa đầy đủ, cán bộ tiếp nhận hướng dẫn bổ sung, hoàn thiện.",
    "Lệ phí chứng thực bản sao là hai nghìn đồng một trang, từ trang thứ ba một nghìn đồng.",
    "Kết quả được trả trực tiếp tại bộ phận một cửa hoặc qua dịch vụ bưu chính công ích.",
    "Đề nghị ông bà kiểm tra kỹ họ tên, ngày tháng năm sinh, nơi cư trú trước khi ký nhận.",
    "Giấy chứng nhận quyền sử dụng đất được cấp cho hộ gia đình, cá nhân đủ điều kiện.",
    "Sở Tư pháp thành phố Hà Nội hướng dẫn thực hiện thủ tục hành chính theo quy định.",
    "Công dân phản ánh, kiến nghị về quy định hành chính qua đường dây nóng của Trung tâm.",
    "Xác nhận tình trạng hôn nhân để sử dụng vào mục đích kết hôn tại cơ quan có thẩm quyền.",
]


@dataclass
class CorpusPage:
    kind: str
    image: np.ndarray  # RGB uint8
    dpi: int
    text: str  # the truth, lines joined by "\n"


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    names = ["NotoSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"] if bold else FONT_NAMES
    for d in FONT_DIRS:
        for n in names:
            if (d / n).exists():
                return ImageFont.truetype(str(d / n), size)
    raise FileNotFoundError("no TTF font with Vietnamese glyphs (install fonts-noto-core)")


def truth_lines(n_lines: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(SENTENCES) for _ in range(n_lines)]


def render_text_page(lines: list[str], size_pt: float = 12.0, dpi: int = 300) -> Image.Image:
    """White A4 page with the lines set in a serif font, left-aligned, as a printed form would be."""
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(page)
    px = round(size_pt / 72 * dpi)
    f = font(px)
    title = font(round(px * 1.2), bold=True)
    y = round(1.0 * dpi)
    draw.text((w // 2, y), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=title, fill="black", anchor="mt")
    y += round(px * 2.5)
    for line in lines:
        draw.text((round(0.8 * dpi), y), line, font=f, fill=(20, 20, 20))
        y += round(px * 1.6)
    return page


def page_truth(lines: list[str]) -> str:
    return "\n".join(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", *lines])


def add_stamp(page: Image.Image, center: tuple[int, int], radius: int) -> None:
    """A red round seal over the signature area and a blue handwritten-looking signature."""
    draw = ImageDraw.Draw(page)
    red = (200, 30, 35)
    cx, cy = center
    for r, wdt in ((radius, 10), (radius - 28, 5)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=wdt)
    draw.regular_polygon((cx, cy, radius // 4), 5, fill=red)
    f = font(radius // 6, bold=True)
    draw.text((cx, cy + radius // 2), "UBND PHƯỜNG", font=f, fill=red, anchor="mm")
    pts = [
        (cx - radius + i * 12, cy - radius // 3 + int(40 * np.sin(i / 3))) for i in range(2 * radius // 12)
    ]
    draw.line(pts, fill=(30, 50, 170), width=7)


def to_phone_photo(page: np.ndarray, seed: int) -> np.ndarray:
    """Page laid on a darker table, photographed at an angle, with a shadow, noise and JPEG."""
    rng = np.random.default_rng(seed)
    h, w = page.shape[:2]
    out_w, out_h = 3000, 4000
    bg = np.full((out_h, out_w, 3), (95, 80, 65), np.uint8)
    bg = np.clip(bg + rng.normal(0, 12, bg.shape), 0, 255).astype(np.uint8)
    m = 0.08
    jitter = rng.uniform(-0.04, 0.04, size=(4, 2))
    dst = np.array([[m, m], [1 - m, m * 1.4], [1 - m * 1.2, 1 - m], [m * 1.3, 1 - m * 0.8]]) + jitter
    dst = (dst * [out_w, out_h]).astype(np.float32)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(page, matrix, (out_w, out_h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (out_w, out_h))
    photo = np.where(mask[..., None] > 0, warped, bg)
    xs = np.linspace(0.55, 1.05, out_w, dtype=np.float32)[None, :]
    ys = np.linspace(1.0, 0.8, out_h, dtype=np.float32)[:, None]
    photo = photo.astype(np.float32) * (xs * ys)[..., None] * np.array([1.0, 0.97, 0.9], np.float32)
    photo += rng.normal(0, 6, photo.shape).astype(np.float32)
    photo = cv2.GaussianBlur(np.clip(photo, 0, 255).astype(np.uint8), (3, 3), 0)
    return jpeg_roundtrip(photo, 70)


def jpeg_roundtrip(image: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def rotate_page(page: np.ndarray, quarter: int, skew: float) -> np.ndarray:
    img = Image.fromarray(page).rotate(-quarter, expand=True).rotate(skew, expand=True, fillcolor="white")
    return np.asarray(img)


def make_page(kind: str, n_lines: int = 30, seed: int = 1) -> CorpusPage:
    """One corpus page of the given kind, deterministic for a seed."""
    lines = truth_lines(n_lines, seed)
    page = render_text_page(lines)
    if kind == "stamp":
        w, h = page.size
        add_stamp(page, (int(w * 0.68), min(h - 400, round(1.0 * 300 + (n_lines + 4) * 80))), 230)
    if kind == "blank":
        page = Image.new("RGB", page.size, "white")
        return CorpusPage(kind, jpeg_roundtrip(np.asarray(page), 85), 300, "")
    arr = np.asarray(page)
    text, dpi = page_truth(lines), 300
    if kind == "rotated":
        arr = rotate_page(arr, 90, 3.0)
    elif kind == "phone":
        arr, dpi = to_phone_photo(arr, seed), 72
    elif kind == "lowres":
        arr = cv2.resize(arr, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        arr, dpi = jpeg_roundtrip(arr, 80), 150
    elif kind == "stamp":
        arr = jpeg_roundtrip(arr, 90)
    return CorpusPage(kind, np.ascontiguousarray(arr), dpi, text)


def cer(truth: str, text: str) -> float:
    """Character error rate: edit distance over the truth's length, whitespace runs collapsed."""
    a, b = " ".join(truth.split()), " ".join(text.split())
    if not a:
        return 0.0 if not b else 1.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / len(a)
