"""Catalog files: validation, all-or-nothing import, versions that leave received dossiers intact."""

from __future__ import annotations

import json
import logging
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from app.catalog import (
    SHIPPED_CATALOG,
    ensure_loaded,
    get_procedure,
    import_file,
    list_procedures,
    procedure_versions,
    read_catalog,
    search,
    write_catalog,
)
from app.catalog.schema import connect, ensure_schema
from app.domain.errors import CatalogError

DOMAIN_CODES = {
    "1.001193", "1.000894", "1.000656", "2.000635", "1.004873", "1.004859", "1.001022", "1.004837",
    "2.000815", "2.000884", "2.000908", "1.004222", "1.004194", "1.003197", "1.003677", "1.001612",
    "2.000720", "1.001776",
}  # fmt: skip


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    c = connect(tmp_path / "desk.db")
    ensure_loaded(c)
    return c


def _raw() -> dict:
    return json.loads(SHIPPED_CATALOG.read_text(encoding="utf-8"))


def _write(tmp_path: Path, doc: object, name: str = "cat.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_shipped_catalog_has_every_domain_procedure_in_nfc() -> None:
    text = SHIPPED_CATALOG.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text
    codes = {p.code for p in read_catalog(SHIPPED_CATALOG).procedures}
    assert codes >= DOMAIN_CODES


def test_unconfirmed_values_are_marked_in_a_note() -> None:
    tam_tru = next(p for p in read_catalog(SHIPPED_CATALOG).procedures if p.code == "1.004194")
    assert "UNCONFIRMED" in tam_tru.processing.note and "UNCONFIRMED" in tam_tru.fees[0].note


def test_ensure_schema_is_idempotent(conn: sqlite3.Connection) -> None:
    ensure_schema(conn)
    ensure_schema(conn)
    assert ensure_loaded(conn) == len(DOMAIN_CODES)


def test_malformed_json_names_line_and_column_and_imports_nothing(tmp_path: Path, caplog) -> None:
    c = connect(tmp_path / "desk.db")
    bad = _write(tmp_path, '{"format": 1, "procedures": [\n  {"code": "1.001193",,}\n]}')
    with caplog.at_level(logging.WARNING), pytest.raises(CatalogError) as err:
        import_file(c, bad)
    assert any("catalog rejected" in r.message and "line 2 column" in r.message for r in caplog.records)
    assert "line 2 column" in err.value.log_message
    assert "dòng 2" in err.value.user_message and "Không có thủ tục nào được nhập" in err.value.user_message
    assert list_procedures(c) == []


def test_invalid_field_is_named_with_its_procedure_and_nothing_is_imported(tmp_path: Path) -> None:
    c = connect(tmp_path / "desk.db")
    doc = _raw()
    doc["procedures"][8]["fees"][0]["tiers"][0]["amount"] = -5
    with pytest.raises(CatalogError) as err:
        import_file(c, _write(tmp_path, doc))
    code = doc["procedures"][8]["code"]
    assert f"procedures[8] (code {code}).fees[0].tiers[0].amount" in err.value.log_message
    assert "không hợp lệ" in err.value.user_message
    assert list_procedures(c) == []


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["procedures"][0].pop("components"), "procedures[0] (code 1.001193).components"),
        (lambda d: d["procedures"][1].update(code="ABC"), "procedures[1] (code ABC).code"),
        (lambda d: d["procedures"][2]["processing"].update(kind="soon"), "processing.kind"),
        (lambda d: d["procedures"][3]["processing"].update(kind="working_days"), "procedures[3]"),
        (lambda d: d["procedures"][4]["components"][0].update(copy_kind="scan"), "components[0].copy_kind"),
        (lambda d: d["procedures"].append(d["procedures"][0]), "duplicate procedure(s): 1.001193 v1"),
        (lambda d: d.update(format=3), "format"),
        (lambda d: d.update(procedures={}), "procedures"),
    ],
)
def test_each_kind_of_bad_catalog_is_rejected(tmp_path: Path, mutate, expected: str) -> None:
    doc = _raw()
    mutate(doc)
    with pytest.raises(CatalogError) as err:
        read_catalog(_write(tmp_path, doc))
    assert expected in err.value.log_message


def test_not_utf8_and_missing_file_are_catalog_errors(tmp_path: Path) -> None:
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"procedures": ["Đăng ký"]}'.encode("utf-16"))
    with pytest.raises(CatalogError, match="not UTF-8"):
        read_catalog(latin)
    with pytest.raises(CatalogError, match="cannot read"):
        read_catalog(tmp_path / "missing.json")


def test_bad_file_leaves_the_existing_catalog_intact(conn: sqlite3.Connection, tmp_path: Path) -> None:
    doc = _raw()
    doc["procedures"][0]["version"] = 2
    doc["procedures"][0]["name"] = "Đăng ký khai sinh (mẫu mới)"
    doc["procedures"][5]["fees"][0]["kind"] = "gratis"  # one bad procedure spoils the whole file
    with pytest.raises(CatalogError):
        import_file(conn, _write(tmp_path, doc))
    assert get_procedure(conn, "1.001193").name == "Đăng ký khai sinh"
    assert procedure_versions(conn, "1.001193") == [1]


def test_update_makes_new_version_current_and_keeps_the_old_for_received_dossiers(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    doc = _raw()
    doc["procedures"][0].update(version=2, name="Đăng ký khai sinh lưu động")
    report = import_file(conn, _write(tmp_path, doc))
    assert report.updated == ["1.001193 v2"] and len(report.unchanged) == len(DOMAIN_CODES) - 1
    assert get_procedure(conn, "1.001193").name == "Đăng ký khai sinh lưu động"
    assert get_procedure(conn, "1.001193", version=1).name == "Đăng ký khai sinh"  # a dossier's snapshot
    assert [h.code for h in search(conn, "luu dong")] == ["1.001193"]
    assert procedure_versions(conn, "1.001193") == [1, 2]


def test_same_version_with_changed_content_is_refused(conn: sqlite3.Connection, tmp_path: Path) -> None:
    doc = _raw()
    doc["procedures"][0]["name"] = "Tên khác"
    with pytest.raises(CatalogError, match="a change needs a new version"):
        import_file(conn, _write(tmp_path, doc))
    assert get_procedure(conn, "1.001193").name == "Đăng ký khai sinh"


def test_older_version_is_stored_as_history_but_not_made_current(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    doc = _raw()
    doc["procedures"][0].update(version=3, name="Khai sinh v3")
    import_file(conn, _write(tmp_path, doc, "v3.json"))
    doc["procedures"][0].update(version=2, name="Khai sinh v2")
    report = import_file(conn, _write(tmp_path, doc, "v2.json"))
    assert report.stale == ["1.001193 v2"]
    assert get_procedure(conn, "1.001193").version == 3


def test_export_then_import_round_trips(conn: sqlite3.Connection, tmp_path: Path, caplog) -> None:
    out = tmp_path / "export.json"
    with caplog.at_level(logging.INFO):
        write_catalog(out, list_procedures(conn))
    fresh = connect(tmp_path / "other.db")
    report = import_file(fresh, out)
    assert len(report.added) == len(DOMAIN_CODES)
    assert list_procedures(fresh) == list_procedures(conn)


def test_non_nfc_input_is_stored_nfc(tmp_path: Path) -> None:
    doc = _raw()
    doc["procedures"][0]["name"] = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    c = connect(tmp_path / "desk.db")
    import_file(c, _write(tmp_path, doc))
    assert get_procedure(c, "1.001193").name == unicodedata.normalize("NFC", "Đăng ký khai sinh")


def test_shipped_json_schema_matches_the_models() -> None:
    from app.catalog.io import CATALOG_SCHEMA
    from app.catalog.model import CatalogFile

    assert json.loads(CATALOG_SCHEMA.read_text(encoding="utf-8")) == CatalogFile.model_json_schema()
