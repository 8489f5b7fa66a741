"""Test access to the bench corpus generators (Vietnamese pages, CCCD cards) and small file makers."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from bench.ocr.cards import SAMPLE_PAYLOAD, card_image, phone_photo
from bench.ocr.corpus import cer, make_page

__all__ = ["SAMPLE_PAYLOAD", "card_image", "cer", "make_page", "phone_photo", "png_bomb", "save_png"]


def save_png(path: Path, image: np.ndarray, dpi: int = 300) -> Path:
    Image.fromarray(image).save(path, dpi=(dpi, dpi))
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(path: Path, side: int = 20_000) -> Path:
    """A valid 1-bit PNG of side×side white pixels: a few tens of KB that would decode to 400 Mpx."""
    comp = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    body = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")
    )
    return path
