"""Catalog search as the clerk types: with or without diacritics, any word order, codes, best first."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from app.catalog.text import fold

logger = logging.getLogger(__name__)

# Order: the exact code, then names that start with the query (shortest first, so "dang ky" offers
# "Đăng ký khai tử" before long variants), then names that hold the query as a phrase (shortest first:
# real portal records carry long component texts that would otherwise outweigh a short name), then bm25
# with column weights: code, name, extra.
_WEIGHTS = (20.0, 8.0, 1.0)
_SQL = f"""
SELECT p.code, p.name, p.field, p.version,
       (p.code = :code) AS exact_code,
       (substr(p.name_folded, 1, length(:folded)) = :folded) AS name_prefix,
       (instr(p.name_folded, :folded) > 0) AS name_has,
       bm25(catalog_fts, {", ".join(str(w) for w in _WEIGHTS)}) AS score
FROM catalog_fts f JOIN catalog_procedure p ON p.id = f.rowid
WHERE catalog_fts MATCH :match
ORDER BY exact_code DESC, name_prefix DESC, CASE WHEN name_prefix THEN length(p.name_folded) END,
         name_has DESC, CASE WHEN name_has THEN length(p.name_folded) END, score, p.code
LIMIT :limit
"""


@dataclass(frozen=True)
class SearchHit:
    code: str
    name: str
    field: str
    version: int
    score: float


def build_match(query: str) -> str | None:
    """FTS5 MATCH text: every folded word as a quoted prefix term, ANDed (any order)."""
    words = fold(query).split()
    if not words:
        return None
    # fold() leaves only [0-9a-z.] in a word, so quoting cannot be broken out of
    match = " AND ".join(f'"{word}"*' for word in words)
    if len(words) == 1 and len(words[0]) == 1:
        # one letter typed so far: look at codes and names only, the rest would match nearly everything
        return "{code name} : " + match
    return match


def search(conn: sqlite3.Connection, query: str, limit: int = 20) -> list[SearchHit]:
    """Current procedures matching every word of `query` (prefixes too), best first."""
    match = build_match(query)
    if match is None or limit <= 0:
        return []
    params = {"match": match, "code": query.strip(), "folded": fold(query), "limit": limit}
    rows = conn.execute(_SQL, params).fetchall()
    return [SearchHit(r[0], r[1], r[2], int(r[3]), float(r[7])) for r in rows]
