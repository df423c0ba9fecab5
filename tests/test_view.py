"""metrics.view helpers that are not filters: temporary tables shared by a page's statements."""

from __future__ import annotations

import duckdb
import pytest

from metrics.view import temporary_tables


def _temporary(con) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary ORDER BY table_name").fetchall()]


def test_temporary_tables_hold_their_rows_inside_the_block_only():
    con = duckdb.connect()
    tables = {"t_small": ("SELECT unnest(range($n)) AS i", {"n": 3, "unused": "x"}),
              "t_total": ("SELECT 41 + 1 AS answer", {})}
    with temporary_tables(con, tables):
        assert _temporary(con) == ["t_small", "t_total"]
        assert con.execute("SELECT sum(i) FROM t_small").fetchone()[0] == 3
        # Private to the cursor: another cursor of the same database does not see them.
        assert _temporary(con.cursor()) == []
    assert _temporary(con) == []


def test_temporary_tables_are_dropped_when_the_block_fails():
    con = duckdb.connect()
    with pytest.raises(RuntimeError, match="boom"):
        with temporary_tables(con, {"t_kept": ("SELECT 1 AS one", {})}):
            raise RuntimeError("boom")
    assert _temporary(con) == []


def test_text_frame_types_columns_as_df_does():
    """Big text results go through Arrow (twice as fast at 35k deals); the frame is the one
    ``.df()`` gives: text, doubles, integers and dates (with NULLs), in the same dtypes."""
    import pandas as pd

    from metrics.view import text_frame

    con = duckdb.connect()
    sql = """SELECT * FROM (VALUES ('D1', 'Acme **Co**', 1.5::DOUBLE, 3, DATE '2026-11-22'),
                                   ('D2', NULL, NULL, 4, NULL))
             t(id, name, amount, days, close_date) WHERE days >= $min ORDER BY id"""
    frame = text_frame(con, sql, {"min": 3})
    pd.testing.assert_frame_equal(frame, con.execute(sql, {"min": 3}).df())
    assert frame["name"].tolist()[0] == "Acme **Co**" and pd.isna(frame["name"].tolist()[1])
    assert frame["close_date"].tolist()[0] == pd.Timestamp("2026-11-22")
