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
