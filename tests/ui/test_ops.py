"""The desk's operations (ui.ops) called as plain functions: no window, no job thread.

Each runs on the real store, the real catalog and blob store under a fresh $MOTCUA_HOME.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest

from app.config import load_settings, save_settings
from app.services.demo_data import make_page
from app.services.queries import get_dossier
from app.storage import Database, scratch
from app.storage.outbox import pending_files
from scanner.processing.geometry import rotate
from scanner.sources.base import ScanSettings
from sync.publications import apply_publication
from tests.scanner.corpus_helper import make_page as make_corpus_page
from tests.scanner.corpus_helper import save_png
from tests.sync.hubkit import free_port
from tests.ui.conftest import make_card_image
from ui.adapters.catalog import procedure_detail
from ui.adapters.session import DEMO_POINT, demo_clerk
from ui.context import DeskContext
from ui.ops import digitize, enroll, print_form, read_idcard, save_dossier
from ui.ops.base import never_cancelled, no_progress
from ui.ops.digitize import DigitizeInput
from ui.ops.scan_source import PageFrom
from ui.ops.store import blob_store, open_store
from ui.views.receive.draft import DraftPage, ReceiveDraft, components_for
from ui.workers.jobs import JobRunner

APPLICANT = {
    "full_name": "Nguyễn Thị Hồng Nhung",
    "id_kind": "cccd",
    "id_number": "001190012345",
    "birth_date": "1990-05-14",
    "gender": "female",
    "address": "Số 12 ngõ 34 phố Hàng Bạc, Hoàn Kiếm, Hà Nội",
    "phone": "0912345678",
}


@pytest.fixture
def store(motcua_home: Path):
    settings = load_settings(motcua_home)
    for key, value in DEMO_POINT.items():
        setattr(settings, key, value)
    save_settings(settings, motcua_home)
    db = open_store(motcua_home)
    yield motcua_home, settings, db
    db.close()


def _page(home: Path, title: str) -> DraftPage:
    ref = blob_store(home).put_bytes(make_page(random.Random(1), title, "trang 1"))
    meta = {"sha256": ref.sha256, "size": ref.size, "mime": "image/png", "width": 620, "height": 877}
    return DraftPage({**meta, "dpi": 75, "ocr_confidence": 91.0}, text=title)


def _draft(home: Path, db: Database, settings) -> ReceiveDraft:
    """A filled-in draft of procedure 1.001193 with one page on each mandatory component."""
    ctx = DeskContext(home, settings, JobRunner(), db)
    draft = ReceiveDraft(procedure=procedure_detail(ctx, "1.001193"), applicant=dict(APPLICANT))
    draft.components = components_for(draft.procedure)
    for comp in draft.components:
        if comp.mandatory:
            comp.pages.append(_page(home, comp.name))
    return draft


def test_save_works_on_its_snapshot_when_the_draft_changes_under_it(store):
    home, settings, db = store
    clerk = demo_clerk(db)
    draft = _draft(home, db, settings)
    pages_before = draft.page_count()
    job = draft.snapshot(settings, clerk.id)
    # the clerk goes on editing while the job waits for its thread
    draft.applicant["full_name"] = "Người Khác"
    draft.components[0].pages.clear()
    draft.components[0].pages.append(_page(home, "trang khác"))
    draft.components[0].pages.append(_page(home, "trang thứ hai"))
    settings.agency_code = "999.99.99.H26"
    saved = save_dossier.run(home, job, no_progress, never_cancelled)
    state = get_dossier(db, saved.id)
    assert state.applicant["full_name"] == APPLICANT["full_name"]
    assert sum(len(d["pages"]) for d in state.documents) == pages_before
    assert all(d["pdf"] for d in state.documents)  # one searchable PDF per document
    assert saved.code.startswith(DEMO_POINT["agency_code"])  # the settings it started with
    assert saved.due_text == f"{saved.due_date[8:10]}/{saved.due_date[5:7]}/{saved.due_date[:4]}"


def _askew_scan(folder: Path) -> tuple[Path, np.ndarray]:
    """A gray 300 dpi scan fed 2.5° askew: the clean-up must move its pixels."""
    page = make_corpus_page("clean", n_lines=3, seed=6)
    gray = np.ascontiguousarray(rotate(cv2.cvtColor(page.image, cv2.COLOR_RGB2GRAY), 2.5))
    return save_png(folder / "quet.png", gray), gray


def test_the_saved_page_keeps_its_steps_and_the_scan_as_a_synced_file(store, tmp_path):
    home, settings, db = store
    path, scan = _askew_scan(tmp_path)
    items: list[dict] = []
    digitize.run(DigitizeInput(home, paths=(path,), workers=0), no_progress, never_cancelled, items.append)
    [item] = items
    draft = _draft(home, db, settings)
    comp = next(c for c in draft.components if c.mandatory)
    comp.pages = [DraftPage(item["meta"], item["text"], None, "file", item["text_pdf"])]
    saved = save_dossier.run(home, draft.snapshot(settings, demo_clerk(db).id), no_progress, never_cancelled)

    doc = next(d for d in get_dossier(db, saved.id).documents if d["component"] == comp.component)
    [page] = doc["pages"]
    [step] = page["steps"]  # recorded in the event: what moved the pixels, and by how much
    assert step["step"] == "deskew" and abs(float(step["degrees"]) + 2.5) < 0.5
    original = page["original"]
    assert original["sha256"] != page["sha256"] and original["mime"] == "image/png"
    data = blob_store(home).read_bytes(original["sha256"])
    assert np.array_equal(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED), scan)
    assert blob_store(home).is_sealed(original["sha256"])  # sealed on disk like the page
    assert original["sha256"] in {f.sha256 for f in pending_files(db)}  # registered, goes to the hub


def test_a_page_left_as_scanned_has_no_copy_until_the_clerk_turns_it(store, tmp_path):
    from ui.workers.pages import rotate_page_job

    home = store[0]
    clean = make_corpus_page("clean", n_lines=3, seed=6).image  # born digital: nothing to clean
    path = save_png(tmp_path / "so.png", cv2.cvtColor(clean, cv2.COLOR_RGB2GRAY))
    items: list[dict] = []
    digitize.run(DigitizeInput(home, paths=(path,), workers=0), no_progress, never_cancelled, items.append)
    meta = items[0]["meta"]
    assert meta["steps"] == [] and "original" not in meta  # the page is the scan: no second file
    turned = rotate_page_job(home, meta, 90, progress=no_progress, is_cancelled=never_cancelled)["meta"]
    assert turned["steps"] == [{"step": "rotate", "degrees": 90, "by": "clerk"}]
    assert turned["original"]["sha256"] == meta["sha256"] != turned["sha256"]  # the scan is kept


@pytest.mark.parametrize(("mode", "background"), [("color", "/DeviceRGB"), ("gray", "/DeviceGray")])
def test_the_desk_scans_and_saves_under_the_profile_the_centre_published(store, mode, background):
    home, settings, db = store
    profile = {"mode": mode, "min_dpi": 200, "kb_per_page": 300}
    assert apply_publication(db, home, "digitization", 1, profile) is None
    items: list[dict] = []
    asked = ScanSettings(dpi=150, mode="bw", max_pages=1)  # what the clerk's settings would ask
    digitize.run(
        DigitizeInput(home, device="sane:test:0", scan=asked, workers=0),
        no_progress,
        never_cancelled,
        items.append,
    )
    [item] = items
    assert item["meta"]["dpi"] == 200 and item["meta"]["is_color"] == (mode == "color")  # dpi, tones
    draft = _draft(home, db, settings)
    comp = next(c for c in draft.components if c.mandatory)
    comp.pages = [DraftPage(item["meta"], item["text"], None, "scanner", item["text_pdf"])]
    saved = save_dossier.run(home, draft.snapshot(settings, demo_clerk(db).id), no_progress, never_cancelled)

    doc = next(d for d in get_dossier(db, saved.id).documents if d["component"] == comp.component)
    pdf_bytes = blob_store(home).read_bytes(doc["pdf"]["sha256"])
    assert len(pdf_bytes) <= 300 * 1024
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        xobjects = pdf.pages[0].obj.Resources.XObject
        kinds = {("mask" if x.get("/ImageMask") else str(x.ColorSpace)) for x in xobjects.values()}
    assert kinds == {"mask", background}  # the text mask over the page's colour or gray background


def test_a_cancelled_save_writes_nothing(store):
    from app.domain.errors import CancelledError

    home, settings, db = store
    job = _draft(home, db, settings).snapshot(settings, demo_clerk(db).id)
    with pytest.raises(CancelledError):
        save_dossier.run(home, job, no_progress, lambda: True)
    assert db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0


def test_a_fee_raised_by_the_clerk_is_saved_with_its_reason(store):
    home, settings, db = store
    draft = _draft(home, db, settings)
    draft.fees = [{"code": "le_phi", "label": "Lệ phí", "amount": 8000, "basis": ""}]
    draft.fees_computed_total = 8000
    draft.fees_total = 13000
    draft.fee_override_reason = "Thu thêm phí sao y"
    request = draft.request()
    assert request.fee_adjustment is not None
    assert [line["amount"] for line in request.fee_adjustment.lines] == [8000, 5000]


def test_receipt_form_of_a_saved_dossier_is_a_pdf(store, tmp_path):
    home, settings, db = store
    job = _draft(home, db, settings).snapshot(settings, demo_clerk(db).id)
    saved = save_dossier.run(home, job, no_progress, never_cancelled)
    form = print_form.DossierForm("01", saved.id, tmp_path / "r.pdf", settings, "Cán bộ A")
    out = print_form.run(home, form, no_progress, never_cancelled)
    assert scratch.read(out).startswith(b"%PDF") and not out.with_name("r.pdf.part").exists()
    assert not out.read_bytes().startswith(b"%PDF")  # sealed on disk (app.storage.scratch)
    with pytest.raises(ValueError):
        print_form.DossierForm("09", saved.id, tmp_path / "x.pdf", settings)  # type: ignore[arg-type]


def test_id_card_is_read_from_an_image_file(tmp_path):
    card = read_idcard.run(
        PageFrom.file(make_card_image(tmp_path / "cccd.png")), no_progress, never_cancelled
    )
    assert card.valid and card.id_number == "001190012345"
    assert card.full_name == "Nguyễn Thị Hồng Nhung"


def test_id_card_from_the_sane_test_scanner_without_a_qr_says_so():
    from scanner.errors import QrNotFoundError

    where = PageFrom("scanner", device="sane:test:0", dpi=150, mode="gray")
    with pytest.raises(QrNotFoundError):
        read_idcard.run(where, no_progress, never_cancelled)


def test_enroll_offline_keeps_the_code_pending(motcua_home):
    hub = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    request = enroll.SetupRequest(
        point_code="HN-CG", agency_code="000.00.17.H26", desk=2, hub_url=hub, enroll_code=" AB-12 "
    )
    assert enroll.run(motcua_home, request, no_progress, never_cancelled) == "pending"
    settings = load_settings(motcua_home)
    assert settings.point_code == "HN-CG" and settings.desk == 2
    assert settings.extra[enroll.PENDING_KEY] == {"hub_url": hub, "code": "AB-12"}
    assert enroll.has_pending(settings) and not enroll.is_enrolled(motcua_home)


def test_enroll_without_a_point_code_is_refused_in_vietnamese(motcua_home):
    from app.domain.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        enroll.run(motcua_home, enroll.SetupRequest(point_code=" "), no_progress, never_cancelled)
    assert "mã điểm phục vụ" in err.value.user_message
