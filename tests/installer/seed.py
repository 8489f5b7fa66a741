"""Real dossiers in a real desk store (the store's own API), with personal data we can look for."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from app.domain.ids import new_id
from app.storage import BlobStore, open_db, record_blob
from app.storage.events import append_event


@dataclass(frozen=True)
class Person:
    full_name: str
    id_number: str
    address: str
    phone: str
    email: str


PEOPLE = [
    Person(
        "Nguyễn Thị Hoàng Yến",
        "001185012345",
        "Số 17 ngõ 42 phố Trần Quốc Hoàn, Cầu Giấy",
        "0912345678",
        "yen.nth@example.vn",
    ),
    Person(
        "Trần Văn Đức", "030091004567", "Thôn Đoài, xã Kim Chung, Đông Anh", "0987654321", "duc.tv@example.vn"
    ),
    Person("Lê Minh Khuê", "123456789", "Tổ 5 phường Phúc Xá, Ba Đình", "0243812345", "khue@example.vn"),
]


def page_png(text: str) -> bytes:
    img = Image.new("L", (240, 120), 255)
    ImageDraw.Draw(img).text((10, 50), text, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def received_payload(person: Person, n: int, page: dict[str, object]) -> dict[str, object]:
    return {
        "code": f"000.00.00.H26-261122-{n:04d}",
        "point_code": "HN-CG",
        "desk": 1,
        "procedure": {"code": "1.001612", "version": "1", "name": "Đăng ký khai sinh", "field": "Hộ tịch"},
        "applicant": {
            "full_name": person.full_name,
            "id_kind": "cccd" if len(person.id_number) == 12 else "cmnd",
            "id_number": person.id_number,
            "birth_date": "1985-03-02",
            "gender": "female",
            "address": person.address,
            "phone": person.phone,
            "email": person.email,
        },
        "checklist": [],
        "documents": [
            {
                "id": new_id(),
                "component": "TK",
                "name": "Tờ khai",
                "copy_kind": "original",
                "pages": [page],
                "pdf": None,
            }
        ],
        "fees": [],
        "fees_total": 0,
        "return_method": {
            "kind": "desk",
            "recipient_name": person.full_name,
            "address": person.address,
            "phone": person.phone,
            "service": None,
        },
        "received_at": "2026-11-22T09:00:00+07:00",
        "counted_from": "2026-11-23",
        "due_date": "2026-11-27",
        "due_time": "16:00",
    }


def seed(home: Path, people: list[Person] = PEOPLE) -> list[str]:
    """One received dossier (one scanned page) per person; returns the dossier ids."""
    db = open_db(home / "desk.db")
    blobs = BlobStore(home / "blobs")
    ids = []
    try:
        for n, person in enumerate(people, start=1):
            ref = blobs.put_bytes(page_png(f"page {n}"))
            page = {
                "sha256": ref.sha256,
                "size": ref.size,
                "mime": "image/png",
                "width": 240,
                "height": 120,
                "dpi": 300,
                "ocr_confidence": None,
                "rotation": 0,
                "skew": 0.0,
                "is_blank": False,
                "is_color": False,
            }
            dossier = new_id()
            with db.transaction():
                record_blob(db, ref, "image/png")
                append_event(db, dossier, "received", received_payload(person, n, page), "clerk-1")
            ids.append(dossier)
    finally:
        db.close()
    return ids
