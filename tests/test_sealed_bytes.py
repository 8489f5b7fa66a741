"""No byte of a citizen's data in clear anywhere under MOTCUA_HOME.

Known names, 12-digit ID numbers, phones, addresses and a scanned page with known text go through the
desk's real receive path (file import -> clean -> Tesseract OCR -> blob store -> searchable PDF ->
app.services.intake.receive, the scan as fed kept beside its cleaned page), then a receipt is made for
printing and a backup is written into the home. Every file under the home (desk.db, -wal, -shm,
keys.json, blobs, logs, the temporary folder the process used, the receipt, the backup) is searched:
0 hits. The same search over a plaintext copy of the same desk finds every kind of needle, so it is a
search that can fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from app import keys
from app.backup import create_backup
from app.config import Settings, load_settings, save_settings
from app.domain.text import fold_text
from app.logs import setup_logging
from app.services import clerks
from app.services.queries import get_dossier
from app.storage import BlobStore, open_db, scratch
from app.storage.cipher import key_pragma, sqlcipher

PEOPLE = [
    {
        "full_name": "Phạm Thị Kiều Trang",
        "id_number": "001303004512",
        "birth_date": "2003-04-09",
        "gender": "female",
        "address": "Số 88 ngõ 12 phố Đội Cấn, Ba Đình",
        "phone": "0903123457",
    },
    {
        "full_name": "Hoàng Quốc Vượng",
        "id_number": "001096011223",
        "birth_date": "1996-10-21",
        "gender": "male",
        "address": "Thôn Bầu, xã Kim Chung, Đông Anh",
        "phone": "0978456123",
    },
]
PAGE_TEXT = ["ĐƠN ĐỀ NGHỊ CHỨNG THỰC", "Người đề nghị: Phạm Thị Kiều Trang", "Điện thoại 0903123457"]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def page_file(folder: Path) -> Path:
    """A 300 dpi page with known text, as a scanner or a photo would bring it in."""
    img = Image.new("L", (2480, 1754), 236)  # paper as a scanner sees it: not pure white
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 64)
    for i, line in enumerate(PAGE_TEXT):
        draw.text((160, 200 + i * 140), line, fill=0, font=font)
    path = folder / "scan.png"
    img.save(path, dpi=(300, 300))
    return path


def receive_through_the_desk(home: Path, person: dict[str, str], scan: Path) -> tuple[str, dict[str, bytes]]:
    """The receive step as the desk runs it: returns (dossier id, {kind: plaintext bytes of files})."""
    from ui.adapters.catalog import procedure_detail
    from ui.context import DeskContext
    from ui.ops import print_form, save_dossier
    from ui.ops.store import open_store
    from ui.views.receive.draft import DraftPage, ReceiveDraft, components_for
    from ui.workers.jobs import JobRunner
    from ui.workers.pages import import_pages_job

    items: list[dict] = []
    import_pages_job(
        home, [scan], emit_item=items.append, progress=lambda d, t: None, is_cancelled=lambda: False
    )
    settings = load_settings(home)
    with open_store(home) as db:  # the catalog loaded, as the desk opens its store
        clerk = clerks.get_clerk(db, "lan")
        view = procedure_detail(DeskContext(home, settings, JobRunner(), db), "2.000815")
    draft = ReceiveDraft(procedure=view, applicant=dict(person, id_kind="cccd"))
    draft.components = components_for(view)
    for i, dc in enumerate(c for c in draft.components if c.mandatory):
        if i == 0:
            dc.pages = [DraftPage(it["meta"], it["text"], None, "file", it["text_pdf"]) for it in items]
        else:
            dc.paper_only, dc.paper_note = True, "bản giấy đã kiểm tra"
    saved = save_dossier.run(
        home, draft.snapshot(settings, clerk.id), progress=lambda d, t: None, is_cancelled=lambda: False
    )
    receipt = home / "tmp" / f"giay-tiep-nhan-{saved.code}.pdf"
    form = print_form.DossierForm("01", saved.id, receipt, settings, "Nguyễn Thị Lan")
    print_form.run(home, form, progress=lambda d, t: None, is_cancelled=lambda: False)
    store = BlobStore(home / "blobs")
    files = {"page": store.read_bytes(items[0]["meta"]["sha256"]), "receipt": scratch.read(receipt)}
    with open_db(home / "desk.db") as db:
        document = get_dossier(db, saved.id).documents[0]
    assert document["pdf"] is not None
    files["pdf"] = store.read_bytes(document["pdf"]["sha256"])
    files["original"] = store.read_bytes(document["pages"][0]["original"]["sha256"])  # the scan as fed
    return saved.id, files | {"ocr": items[0]["text"].encode()}


def needles(files: dict[str, bytes]) -> dict[str, list[bytes]]:
    """What must not be found, by kind, in every encoding the desk could write it in."""
    found: dict[str, list[bytes]] = {}

    def add(kind: str, text: str) -> None:
        forms = {unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text), fold_text(text)}
        for form in forms:
            found.setdefault(kind, []).extend([form.encode("utf-8"), form.encode("utf-16-le")])

    for person in PEOPLE:
        add("name", person["full_name"])
        add("id_number", person["id_number"])
        add("phone", person["phone"])
        add("address", person["address"])
    words = [w for w in files["ocr"].decode().split() if len(w) >= 4 and not w.isdigit()]
    assert words, "Tesseract read nothing from the page"
    for word in words:
        add("page_text", word)
    for kind in ("page", "pdf", "original"):  # 48 bytes from the middle of the page, PDF and scan
        data = files[kind]
        found[kind] = [data[len(data) // 2 : len(data) // 2 + 48]]
    return found


def search(root: Path, wanted: dict[str, list[bytes]]) -> dict[str, list[str]]:
    """{kind: [files holding one of its needles]} over every byte of every file under root."""
    hits: dict[str, list[str]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for kind, items in wanted.items():
            if any(n in data for n in items):
                hits.setdefault(kind, []).append(str(path.relative_to(root)))
    return hits


def plaintext_copy(home: Path, dst: Path) -> None:
    """The same desk as an unsealed store would hold it (the control)."""
    shutil.copytree(home, dst)
    store_keys = keys.unlock(home)
    db = dst / "desk.db"
    con = sqlcipher.connect(str(db), isolation_level=None)
    con.execute(key_pragma(store_keys.db_key))
    con.execute("ATTACH DATABASE ? AS plain KEY ''", (str(dst / "plain.db"),))
    con.execute("SELECT sqlcipher_export('plain')").fetchone()
    con.close()
    for suffix in ("-wal", "-shm"):
        (dst / f"desk.db{suffix}").unlink(missing_ok=True)
    os.replace(dst / "plain.db", db)
    store = BlobStore(dst / "blobs", store_keys)
    for sha in list(store.iter_shas()):
        store.path(sha).write_bytes(store.read_bytes(sha))
    for path in (dst / "tmp").glob("*.pdf"):
        path.write_bytes(scratch.read(path))


@pytest.fixture
def sealed_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "home"
    (home / "tmp").mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(home / "tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(home / "tmp"))  # every temporary file of this process
    setup_logging(home, stderr=False)
    save_settings(Settings(point_code="HK", agency_code="000.00.01.H26", desk=1), home)
    with open_db(home / "desk.db") as db:
        clerks.add_clerk(db, "lan", "Nguyễn Thị Lan", "admin", "mat-khau-1", actor="cli")
        keys.seal(home, db.keys)
    return home


def test_no_citizen_byte_in_clear_under_the_home_and_a_plaintext_desk_would_show_them(sealed_home, tmp_path):
    home = sealed_home
    scan = page_file(tmp_path)
    files: dict[str, bytes] = {}
    for person in PEOPLE:
        _id, files = receive_through_the_desk(home, person, scan)
    (home / "backups").mkdir()
    create_backup(home / "backups" / "desk.tar", home)
    wanted = needles(files)
    live = open_db(home / "desk.db")  # the desk still running: its -wal and -shm are on disk
    clerks.login(live, "lan", "mat-khau-1")
    names = {p.name for p in home.rglob("*") if p.is_file()}
    assert {"desk.db", "desk.db-wal", "desk.db-shm", "keys.json", "motcua.log", "desk.tar"} <= names

    hits = search(home, wanted)
    live.close()
    assert hits == {}, f"citizen data in clear: {hits}"

    control = tmp_path / "control"
    plaintext_copy(home, control)
    shown = search(control, wanted)
    assert set(shown) >= {"name", "id_number", "phone", "address", "page_text", "page", "pdf", "original"}, (
        shown
    )
