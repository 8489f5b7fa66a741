"""Files as pages, and bad input: every bad file gets a clear error, memory stays bounded."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pikepdf
import pytest
from PIL import Image

from scanner.errors import BadImageError, EncryptedPdfError, ImageTooLargeError
from scanner.sources.base import ScanSettings, never_cancelled, no_progress
from scanner.sources.files import FileSource
from tests.scanner.corpus_helper import png_bomb, save_png


def scan(*paths, dpi=300):
    return list(FileSource(list(paths)).scan(ScanSettings(dpi=dpi), no_progress, never_cancelled))


def test_png_keeps_its_dpi_and_colour(tmp_path):
    img = np.full((400, 300, 3), 255, np.uint8)
    img[10:20, 10:200] = (200, 0, 0)
    pages = scan(save_png(tmp_path / "a.png", img, dpi=200))
    assert pages[0].dpi == 200 and pages[0].mode == "color" and pages[0].image.shape == (400, 300, 3)


def test_multi_page_tiff_gives_every_frame(tmp_path):
    frames = [Image.new("L", (200, 280), v) for v in (10, 128, 250)]
    path = tmp_path / "doc.tiff"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(300, 300))
    pages = scan(path)
    assert [int(p.image.mean()) for p in pages] == [10, 128, 250]
    assert all(p.mode == "gray" for p in pages)


def test_zero_byte_file_is_refused_clearly(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(BadImageError) as info:
        scan(tmp_path / "empty.jpg")
    assert "rỗng" in info.value.user_message


def test_truncated_jpeg_is_refused_clearly(tmp_path):
    img = (np.random.default_rng(1).random((600, 400, 3)) * 255).astype(np.uint8)
    Image.fromarray(img).save(tmp_path / "full.jpg", quality=90)
    data = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(BadImageError) as info:
        scan(tmp_path / "cut.jpg")
    assert info.value.user_message


def test_garbage_bytes_are_not_an_image(tmp_path):
    (tmp_path / "x.png").write_bytes(b"not an image at all" * 10)
    with pytest.raises(BadImageError):
        scan(tmp_path / "x.png")


def test_one_pixel_image_is_refused_as_too_small(tmp_path):
    Image.new("RGB", (1, 1), "white").save(tmp_path / "dot.png")
    with pytest.raises(BadImageError) as info:
        scan(tmp_path / "dot.png")
    assert "quá nhỏ" in info.value.user_message


def test_20000_square_png_bomb_is_refused_before_decoding(tmp_path):
    path = png_bomb(tmp_path / "bomb.png")
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ImageTooLargeError) as info:
            scan(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000
    assert "quá lớn" in info.value.user_message


def test_encrypted_pdf_gets_a_password_message(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(EncryptedPdfError) as info:
        scan(tmp_path / "locked.pdf")
    assert "mật khẩu" in info.value.user_message


def test_500_page_pdf_streams_with_bounded_memory(tmp_path):
    pdf = pikepdf.new()
    for _ in range(500):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(tmp_path / "big.pdf")
    source = FileSource([tmp_path / "big.pdf"]).scan(ScanSettings(dpi=36), no_progress, never_cancelled)
    tracemalloc.start()
    try:
        count = 0
        for page in source:
            count += 1
            assert page.image.shape[:2] == (421, 298)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 500
    assert peak < 10_000_000  # one page at a time, not 500


def test_damaged_pdf_is_refused(tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7\n garbage")
    with pytest.raises(BadImageError):
        scan(tmp_path / "bad.pdf")
