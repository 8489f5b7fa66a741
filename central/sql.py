"""Statements both dialects need in their own spelling."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert


def insert_ignore(s: Session, table: Any, rows: list[dict[str, Any]], key: str) -> set[str]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING key: the keys that were really new.

    One statement, compiled once per table and dialect and sent with all rows as its parameters
    (SQLAlchemy's insertmanyvalues: one multi-row INSERT per round trip, RETURNING kept)."""
    if not rows:
        return set()
    stmt = _statement(s.get_bind().dialect.name, table, key)
    return {str(r[0]) for r in s.execute(stmt, rows)}


@cache
def _statement(dialect: str, table: Table, key: str) -> Insert:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
    return dialect_insert(table).on_conflict_do_nothing().returning(getattr(table.c, key))
