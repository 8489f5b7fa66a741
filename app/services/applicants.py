"""A returning applicant: the details given on their latest dossier, found by ID number."""

from __future__ import annotations

import json
import re
from typing import Any

from app.storage import Database


def find_returning_applicant(db: Database, id_number: str) -> dict[str, Any] | None:
    """The applicant dict of the newest dossier with this ID number (indexed), or None."""
    number = re.sub(r"\s", "", id_number).upper()
    if not number:
        return None
    row = db.conn.execute(
        "SELECT json_extract(state, '$.applicant') FROM dossiers WHERE id_number = ? ORDER BY rid DESC LIMIT 1",
        (number,),
    ).fetchone()
    if row is None or row[0] is None:
        return None
    data = json.loads(row[0])
    return data if isinstance(data, dict) else None
