"""Hồ sơ list paging by keyset: pages joined by their cursors are the whole list, in order, for every
filter and with a search; the cursor is validated."""

from __future__ import annotations

import random
from datetime import date

import pytest

from app.domain.errors import ValidationError
from app.services.queries import list_dossiers
from app.storage import open_db
from bench.store_bench import populate

TODAY = date(2025, 1, 7)  # bench.store_bench.populate: open dossiers due 5 to 9 January


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = open_db(tmp_path_factory.mktemp("keyset") / "desk.db")
    populate(database, 1500, random.Random(7))
    yield database
    database.close()


def _walk(db, filt: str, query: str = "") -> list[str]:
    ids, after = [], None
    while True:
        page = list_dossiers(db, filt, query, today=TODAY, limit=97, after=after, with_total=False)
        ids += [item["id"] for item in page.items]
        if page.next_after is None:
            return ids
        after = page.next_after


@pytest.mark.parametrize("filt", ["all", "returned", "awaiting_result", "overdue", "due_soon", "refused"])
def test_keyset_pages_cover_the_list_exactly_in_order(db, filt):
    full = [i["id"] for i in list_dossiers(db, filt, today=TODAY, limit=100_000).items]
    assert full, filt
    assert _walk(db, filt) == full


def test_keyset_paging_keeps_search(db):
    name = db.conn.execute("SELECT applicant_name FROM dossiers LIMIT 1").fetchone()[0]
    word = name.split()[0]
    full = [i["id"] for i in list_dossiers(db, "all", word, today=TODAY, limit=100_000).items]
    assert len(full) > 97
    assert _walk(db, "all", word) == full


def test_a_bad_cursor_is_refused_in_vietnamese(db):
    with pytest.raises(ValidationError) as info:
        list_dossiers(db, "overdue", after="not-a-cursor")
    assert "danh sách" in info.value.user_message
