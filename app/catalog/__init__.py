"""Procedure catalog (thủ tục hành chính): model, import/export, versions, search, fees."""

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
from app.catalog.schema import ensure_schema
from app.catalog.search import SearchHit, search
from app.catalog.store import (
    ImportReport,
    ensure_loaded,
    get_procedure,
    import_catalog,
    import_file,
    list_procedures,
    procedure_versions,
)
from app.catalog.text import fold

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
