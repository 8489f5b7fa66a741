"""Reading and writing catalog files (JSON). A bad file raises `CatalogError`, naming where it broke."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from app.catalog.model import CatalogFile, Procedure
from app.domain.errors import CatalogError

logger = logging.getLogger(__name__)

CATALOG_DIR = Path(__file__).resolve().parents[2] / "resources" / "catalog"
# The catalog the desk ships with (real portal records, resources/catalog/SOURCES.md). The test suite
# points MOTCUA_SHIPPED_CATALOG at the frozen hand-written catalog its older behaviour tests were written
# against (tests/fixtures/catalog/); the real catalog has tests of its own (tests/test_catalog_shipped.py).
SHIPPED_CATALOG = Path(os.environ.get("MOTCUA_SHIPPED_CATALOG") or CATALOG_DIR / "procedures.json")
# JSON Schema of a catalog file, generated from the pydantic models (for the centre's own tools):
# python -c "import json; from app.catalog.model import CatalogFile; print(json.dumps(CatalogFile.model_json_schema(), ensure_ascii=False, indent=2))"
CATALOG_SCHEMA = CATALOG_DIR / "procedures.schema.json"
MAX_FILE_BYTES = 64 * 1024 * 1024


def _where(loc: tuple[int | str, ...], raw: Any) -> str:
    """`("procedures", 3, "fees", 0, "amount")` → `procedures[3] (code 2.000815).fees[0].amount`."""
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
            if i == 1 and loc[0] == "procedures":
                out += _code_hint(raw, part)
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


def _code_hint(raw: Any, index: int) -> str:
    try:
        code = raw["procedures"][index]["code"]
    except (KeyError, IndexError, TypeError):
        return ""
    return f" (code {code})" if isinstance(code, str) else ""


def parse_catalog(text: str, origin: str = "<text>") -> CatalogFile:
    """Parse and validate a whole catalog; nothing is returned unless every procedure is valid."""
    try:
        return _parse(text, origin)
    except CatalogError as exc:
        logger.warning("catalog rejected: %s", exc.log_message)
        raise


def _parse(text: str, origin: str) -> CatalogFile:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(
            f"catalog {origin}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            f"Tệp danh mục thủ tục bị lỗi định dạng JSON ở dòng {exc.lineno}, cột {exc.colno}. "
            "Không có thủ tục nào được nhập.",
        ) from exc
    try:
        return CatalogFile.model_validate(raw)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = _where(tuple(first["loc"]), raw)
        raise CatalogError(
            f"catalog {origin}: {exc.error_count()} problem(s); first at {where}: {first['msg']}",
            f"Tệp danh mục thủ tục không hợp lệ ({exc.error_count()} lỗi), lỗi đầu tiên ở mục {where}. "
            "Không có thủ tục nào được nhập.",
            problems=[f"{_where(tuple(e['loc']), raw)}: {e['msg']}" for e in exc.errors()[:20]],
        ) from exc


def read_catalog(path: Path) -> CatalogFile:
    """Read a catalog file from disk (UTF-8 JSON)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CatalogError(
                f"catalog {path}: {size} bytes exceeds the {MAX_FILE_BYTES} byte limit",
                "Tệp danh mục thủ tục quá lớn.",
            )
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CatalogError(
            f"catalog {path}: cannot read: {exc.strerror}", "Không đọc được tệp danh mục thủ tục."
        ) from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"catalog {path}: not UTF-8 at byte {exc.start}",
            "Tệp danh mục thủ tục không đúng bảng mã UTF-8. Không có thủ tục nào được nhập.",
        ) from exc
    return parse_catalog(text, str(path))


def dump_catalog(procedures: list[Procedure], source: str = "", published: str = "") -> str:
    """Serialise procedures as a catalog file (NFC, UTF-8, stable key order)."""
    doc = CatalogFile(source=source, published=published, procedures=tuple(procedures))
    return json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_catalog(path: Path, procedures: list[Procedure], source: str = "") -> None:
    """Write atomically: temp file, fsync, rename."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(dump_catalog(procedures, source))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    logger.info("catalog exported: %d procedure(s) to %s", len(procedures), path)
