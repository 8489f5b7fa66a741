"""The support bundle carries logs, versions, settings and counts, and no personal data."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from pathlib import Path

from app.config import Settings, save_settings
from app.diagnostics import collect
from tests.installer.seed import PEOPLE, seed


def archive_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(name).decode("utf-8", "replace") for name in zf.namelist())


def test_diagnostics_hold_no_name_id_number_address_phone_or_email(motcua_home: Path, tmp_path: Path) -> None:
    seed(motcua_home)
    settings = Settings(point_code="HN-CG", point_name="Điểm phục vụ Cầu Giấy")
    settings.extra["pending_enroll_code"] = "ENROLL-SECRET-42"
    save_settings(settings, motcua_home)
    logs = motcua_home / "logs"
    logs.mkdir()
    leaks = [f"{p.full_name} {p.id_number} {p.address} {p.phone} {p.email}" for p in PEOPLE]
    # a careless line, as an old version or a library might have written it, straight into the file
    (logs / "motcua.log.1").write_text(
        "\n".join(f"INFO app.x received for {leak}" for leak in leaks), "utf-8"
    )
    (logs / "motcua.log").write_text("WARNING app.y applicant 079203000123 called from 0901234567\n", "utf-8")

    out = collect(tmp_path / "diag.zip", motcua_home, include_self_test=False)

    text = unicodedata.normalize("NFC", archive_text(out)).lower()
    for p in PEOPLE:
        for value in (p.full_name, p.id_number, p.address, p.phone, p.email):
            assert unicodedata.normalize("NFC", value).lower() not in text, value
    for value in ("079203000123", "0901234567", "enroll-secret-42"):
        assert value not in text
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        stats = json.loads(zf.read("db_stats.json"))
        settings_out = json.loads(zf.read("settings.json"))
    assert {
        "versions.json",
        "settings.json",
        "db_stats.json",
        "logs/motcua.log",
        "logs/motcua.log.1",
    } <= names
    assert stats["events_by_type"] == {"received": len(PEOPLE)}
    assert stats["blobs"]["count"] == len(PEOPLE)
    assert settings_out["point_code"] == "HN-CG"


def test_diagnostics_include_the_self_test_table(motcua_home: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    out = collect(tmp_path / "diag.zip", motcua_home)
    with zipfile.ZipFile(out) as zf:
        table = zf.read("self-test.txt").decode()
    assert "tesseract" in table and "printing" in table and "checks passed" in table
