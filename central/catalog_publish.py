"""From a reviewed catalog draft to the catalog the points receive: what it would change against the
hub's published catalog, and publishing it. Shared by `python -m central catalog` and the console."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog.io import dump_catalog, parse_catalog
from app.catalog.model import Procedure
from app.catalog.portal.diff import CatalogDiff, diff
from app.catalog.portal.draft import Draft, Publishable, publishable, to_catalog, with_versions
from app.domain.errors import CatalogError
from central import ingest
from central.models import Publication


@dataclass(frozen=True)
class Published:
    """The hub's newest catalog publication (id 0 and no procedures if there is none)."""

    id: int
    procedures: list[Procedure]


@dataclass(frozen=True)
class Preview:
    diff: CatalogDiff
    ready: Publishable


def published(s: Session) -> Published:
    """The catalog the points have now; an old malformed publication counts as empty (all new)."""
    row = s.execute(
        select(Publication.id, Publication.body)
        .where(Publication.kind == "catalog")
        .order_by(Publication.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return Published(0, [])
    try:
        return Published(int(row[0]), list(parse_catalog(row[1], "hub publication").procedures))
    except CatalogError:
        return Published(int(row[0]), [])


def preview(draft: Draft, current: list[Procedure]) -> Preview:
    """What publishing the draft would change for the points, and the records it holds back."""
    ready = publishable(draft)
    now = {p.code: p for p in current}
    shown = diff(current, with_versions(ready.procedures, now))
    held = {code for code, _reason in ready.held}  # in the draft, only held back: listed as held
    shown.not_in_draft = [c for c in shown.not_in_draft if c.code not in held]
    return Preview(shown, ready)


def catalog_text(draft: Draft, current: list[Procedure], source: str = "") -> tuple[str, Publishable]:
    """The catalog file to publish: the current catalog with the draft's ready procedures merged in,
    each at its next version if it changed."""
    ready = publishable(draft)
    now = {p.code: p for p in current}
    merged = now | {p.code: p for p in with_versions(ready.procedures, now)}
    source = source or "Cổng Dịch vụ công quốc gia: " + ", ".join(draft.sources[:5])
    catalog = to_catalog(sorted(merged.values(), key=lambda p: p.code), source, date.today().isoformat())
    return dump_catalog(list(catalog.procedures), catalog.source, catalog.published), ready


def publish_draft(s: Session, draft: Draft, current: list[Procedure], source: str = "") -> tuple[int, int]:
    """Publish the merged catalog to every point; (publication id, procedures in it)."""
    text, _ready = catalog_text(draft, current, source)
    body = json.loads(text)
    return ingest.publish(s, "catalog", body), len(body.get("procedures") or [])
