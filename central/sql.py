"""Statements both dialects need in their own spelling."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def insert_ignore(s: Session, table: Any, rows: list[dict[str, Any]], key: str) -> set[str]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING key: the keys that were really new."""
    if not rows:
        return set()
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
    stmt = dialect_insert(table).values(rows).on_conflict_do_nothing().returning(getattr(table.c, key))
    return {str(r[0]) for r in s.execute(stmt)}
