"""Procedure catalog (thủ tục hành chính): model, import/export, versions, search, fees.

The model, files, fees and the portal importer are pure (no database): the hub imports them. The
desk-store parts (`store`, `schema`, which use app.storage) load on first use, so importing
`app.catalog.portal` from the hub does not pull the desk's store in (checked by an import-linter
contract and by tests/test_catalog_portal_cli.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from app.catalog.fees import FeeLine, compute_fees, total, vnd
from app.catalog.io import SHIPPED_CATALOG, dump_catalog, parse_catalog, read_catalog, write_catalog
from app.catalog.model import (
    COPY_KIND_VI,
    LEVEL_VI,
    CatalogFile,
    Component,
    FeeRule,
    PageTier,
    Procedure,
    ProcessingTime,
)
from app.catalog.search import SearchHit, search  # sqlite3 only, no desk store
from app.catalog.text import fold

if TYPE_CHECKING:
    from app.catalog.schema import ensure_schema
    from app.catalog.store import (
        ImportReport,
        ensure_loaded,
        get_procedure,
        import_catalog,
        import_file,
        list_procedures,
        procedure_versions,
    )

_LAZY = {
    "ensure_schema": "schema",
    **dict.fromkeys(
        ("ImportReport", "ensure_loaded", "get_procedure", "import_catalog", "import_file", "list_procedures",
         "procedure_versions"),
        "store",
    ),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """The desk-store names, imported on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'app.catalog' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"app.catalog.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "COPY_KIND_VI",
    "LEVEL_VI",
    "SHIPPED_CATALOG",
    "CatalogFile",
    "Component",
    "FeeLine",
    "FeeRule",
    "ImportReport",
    "PageTier",
    "Procedure",
    "ProcessingTime",
    "SearchHit",
    "compute_fees",
    "dump_catalog",
    "ensure_loaded",
    "ensure_schema",
    "fold",
    "get_procedure",
    "import_catalog",
    "import_file",
    "list_procedures",
    "parse_catalog",
    "procedure_versions",
    "read_catalog",
    "search",
    "total",
    "vnd",
    "write_catalog",
]
