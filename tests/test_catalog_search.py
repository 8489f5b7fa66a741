"""Catalog search: diacritics or not, đ → d, any word order, prefixes, codes, best first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.catalog import ensure_loaded, fold, search
from app.catalog.schema import connect


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    c = connect(Path(tmp_path_factory.mktemp("cat")) / "desk.db")
    ensure_loaded(c)
    return c


def codes(conn: sqlite3.Connection, query: str, limit: int = 20) -> list[str]:
    return [h.code for h in search(conn, query, limit)]


def test_fold_strips_marks_and_maps_d_bar() -> None:
    assert fold("Đăng ký ĐỊA CHỈ, đất đai.") == "dang ky dia chi dat dai"
    assert fold("1.001193.") == "1.001193"


@pytest.mark.parametrize(
    "query", ["đăng ký khai sinh", "dang ky khai sinh", "DANG KY KHAI SINH", "Đang ky khai sinh"]
)
def test_with_or_without_diacritics(conn: sqlite3.Connection, query: str) -> None:
    assert codes(conn, query)[0] == "1.001193"


def test_d_bar_typed_as_d_and_d_typed_as_d_bar(conn: sqlite3.Connection) -> None:
    assert "1.004222" in codes(conn, "dang ky thuong tru")
    assert "1.004222" in codes(conn, "đang ky thuong tru")
    assert codes(conn, "giam ho")[0] == codes(conn, "giám hộ")[0] == "1.004837"


def test_words_in_any_order(conn: sqlite3.Connection) -> None:
    assert codes(conn, "khai sinh dang ky")[0] == "1.001193"
    assert codes(conn, "tru thuong xoa") == ["1.003197"]


def test_prefix_as_you_type(conn: sqlite3.Connection) -> None:
    assert codes(conn, "chung th")[0].startswith("2.000")
    assert "1.000894" in codes(conn, "ket h")
    assert codes(conn, "tam v") == ["1.003677"]


def test_full_code_comes_first(conn: sqlite3.Connection) -> None:
    assert codes(conn, "2.000815")[0] == "2.000815"
    assert codes(conn, " 1.004222 ") == ["1.004222"]


def test_code_prefix(conn: sqlite3.Connection) -> None:
    assert codes(conn, "1.0011") == ["1.001193"]
    hits = codes(conn, "2.000")
    assert {"2.000815", "2.000884", "2.000908", "2.000635", "2.000720"} == set(hits)


def test_code_without_its_leading_digit(conn: sqlite3.Connection) -> None:
    assert codes(conn, "001193") == ["1.001193"]


def test_name_that_starts_with_the_query_ranks_first(conn: sqlite3.Connection) -> None:
    assert codes(conn, "dang ky thuong tru")[0] == "1.004222"  # before "Xóa đăng ký thường trú"


def test_limit_and_empty_or_punctuation_query(conn: sqlite3.Connection) -> None:
    assert len(codes(conn, "dang ky", limit=3)) == 3
    assert codes(conn, "") == [] and codes(conn, '"*()-') == []


def test_hostile_fts_syntax_is_plain_text(conn: sqlite3.Connection) -> None:
    assert codes(conn, 'khai OR "sinh" NEAR(x) *') == []
    assert codes(conn, "khai AND sinh")[:1] == []  # "and" is just a word that is not in the name


def test_component_names_are_searchable_too(conn: sqlite3.Connection) -> None:
    assert codes(conn, "giay chung sinh")[0] == "1.001193"
