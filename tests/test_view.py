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


def _snapshot_tables(con) -> list[str]:
    return sorted(row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, 'derived_')"
    ).fetchall())


_ONCE = "SELECT random() AS drawn, sum(revenue) + $extra AS total FROM orders"


def test_snapshot_tables_are_computed_once_per_served_snapshot_and_parameters(tmp_path):
    """On a served snapshot's cursors, rows that depend only on the snapshot and the parameters
    are computed once and read by every later cursor (another session, another view); other
    parameters get their own table."""
    from data.store import SnapshotDatabase
    from metrics.view import snapshot_tables
    from tests.builders import make_snapshot, order

    info = make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-11-02", 100, 80)])
    db = SnapshotDatabase()
    first, second = db.cursor(info), db.cursor(info)
    with snapshot_tables(first, {"t_once": (_ONCE, {"extra": 1, "unused": "x"})}):
        drawn, total = first.execute("SELECT drawn, total FROM t_once").fetchone()
    assert total == 101 and len(_snapshot_tables(first)) == 1
    # The cursor's view of it is gone after the block.
    assert not first.execute("SELECT * FROM duckdb_views() WHERE temporary AND "
                             "view_name = 't_once'").fetchall()
    with snapshot_tables(second, {"t_once": (_ONCE, {"extra": 1})}):
        assert second.execute("SELECT drawn, total FROM t_once").fetchone() == (drawn, total)
    with snapshot_tables(second, {"t_once": (_ONCE, {"extra": 2})}):
        assert second.execute("SELECT total FROM t_once").fetchone()[0] == 102
    assert len(_snapshot_tables(first)) == 2


def test_snapshot_tables_are_dropped_when_the_snapshot_is_attached_again(tmp_path):
    """The same snapshot id served from another folder is attached again: the rows computed
    for the first one are dropped and computed anew from the new files."""
    from data.store import SnapshotDatabase
    from metrics.view import snapshot_tables
    from tests.builders import make_snapshot, order

    old = make_snapshot(tmp_path / "a", "2026-11-22", orders=[order("2026-11-02", 100, 80)])
    new = make_snapshot(tmp_path / "b", "2026-11-22", orders=[order("2026-11-02", 300, 80)])
    db = SnapshotDatabase()
    con = db.cursor(old)
    with snapshot_tables(con, {"t_once": (_ONCE, {"extra": 0})}):
        assert con.execute("SELECT total FROM t_once").fetchone()[0] == 100
    con = db.cursor(new)
    assert _snapshot_tables(con) == []
    with snapshot_tables(con, {"t_once": (_ONCE, {"extra": 0})}):
        assert con.execute("SELECT total FROM t_once").fetchone()[0] == 300


def test_snapshot_tables_reading_another_snapshot_follow_its_attach(tmp_path):
    """A snapshot table that also reads a comparison snapshot (``reads``) is computed once per
    attach of both: the comparison attached again from other files gets a table of its own."""
    from data.store import SnapshotDatabase
    from metrics.view import snapshot_tables
    from tests.builders import make_snapshot, order

    served = make_snapshot(tmp_path / "a", "2026-11-22", orders=[order("2026-11-02", 100, 80)])
    old = make_snapshot(tmp_path / "a", "2026-11-15", orders=[order("2026-11-02", 7, 5)])
    new = make_snapshot(tmp_path / "b", "2026-11-15", orders=[order("2026-11-02", 9, 5)])
    both = ("SELECT (SELECT sum(revenue) FROM orders) "
            "+ (SELECT sum(revenue) FROM s_2026_w46.orders) AS total")
    db = SnapshotDatabase()
    for compare, total, made in ((old, 107, 1), (old, 107, 1), (new, 109, 2)):
        con = db.cursor(served, also=(compare,))
        with snapshot_tables(con, {"t_both": (both, {})}, reads=("s_2026_w46",)):
            assert con.execute("SELECT total FROM t_both").fetchone()[0] == total
        assert len(_snapshot_tables(con)) == made


def test_snapshot_tables_elsewhere_are_temporary_tables():
    """A connection that is not a served snapshot's (a test's, a script's) may change its
    tables: it gets temporary tables, computed on every use and dropped after the block."""
    from metrics.view import snapshot_tables

    con = duckdb.connect()
    con.execute("CREATE TABLE orders AS SELECT 5 AS revenue")
    with snapshot_tables(con, {"t_once": (_ONCE, {"extra": 0})}):
        assert _temporary(con) == ["t_once"]
        assert con.execute("SELECT total FROM t_once").fetchone()[0] == 5
    con.execute("UPDATE orders SET revenue = 6")
    with snapshot_tables(con, {"t_once": (_ONCE, {"extra": 0})}):
        assert con.execute("SELECT total FROM t_once").fetchone()[0] == 6
    assert _temporary(con) == [] and _snapshot_tables(con) == []


def test_only_the_newest_snapshot_tables_of_a_name_are_kept(tmp_path, monkeypatch):
    """Each configuration makes its own table (new weights, new floors): beyond
    ``SNAPSHOT_TABLES_KEPT`` per schema and name the oldest are dropped, so a server whose
    configuration changes keeps a bounded memory."""
    from data.store import SnapshotDatabase
    from metrics import view as view_module
    from metrics.view import snapshot_tables
    from tests.builders import make_snapshot, order

    monkeypatch.setattr(view_module, "SNAPSHOT_TABLES_KEPT", 2)
    info = make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-11-02", 100, 80)])
    con = SnapshotDatabase().cursor(info)
    drawn = {}
    for extra in (1, 2, 3):
        with snapshot_tables(con, {"t_once": (_ONCE, {"extra": extra})}):
            drawn[extra] = con.execute("SELECT drawn FROM t_once").fetchone()[0]
    assert len(_snapshot_tables(con)) == 2
    # The newest two are still the tables made: the same rows come back.
    for extra in (2, 3):
        with snapshot_tables(con, {"t_once": (_ONCE, {"extra": extra})}):
            assert con.execute("SELECT drawn FROM t_once").fetchone()[0] == drawn[extra]
    # The oldest is computed again when asked for.
    with snapshot_tables(con, {"t_once": (_ONCE, {"extra": 1})}):
        assert con.execute("SELECT total FROM t_once").fetchone()[0] == 101
    assert len(_snapshot_tables(con)) == 2


def test_snapshot_tables_are_kept_beside_the_record_for_a_restart(tmp_path):
    """A snapshot with a validation record keeps its snapshot tables as files in the record's
    folder: a restarted app (another database) reads them back instead of computing them; other
    parameters are computed and kept on their own, and an unreadable file is computed again."""
    from data.store import SnapshotDatabase
    from metrics.view import DERIVED_DIR, snapshot_tables
    from tests.builders import make_snapshot, order

    info = make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-11-02", 100, 80)])
    drawn = {}
    for run in ("first", "restart"):
        con = SnapshotDatabase().cursor(info)
        with snapshot_tables(con, {"t_once": (_ONCE, {"extra": 1})}):
            drawn[run] = con.execute("SELECT drawn, total FROM t_once").fetchone()
    assert drawn["first"] == drawn["restart"] and drawn["first"][1] == 101
    kept = sorted((info.stored or next(iter(info.extracts.values()))).parent.joinpath(
        DERIVED_DIR).glob("t_once_*.parquet"))
    assert len(kept) == 1
    con = SnapshotDatabase().cursor(info)
    with snapshot_tables(con, {"t_once": (_ONCE, {"extra": 2})}):
        assert con.execute("SELECT total FROM t_once").fetchone()[0] == 102
    kept[0].write_bytes(b"not parquet")
    con = SnapshotDatabase().cursor(info)
    with snapshot_tables(con, {"t_once": (_ONCE, {"extra": 1})}):
        again = con.execute("SELECT drawn, total FROM t_once").fetchone()
    assert again[1] == 101 and again[0] != drawn["first"][0]
    assert kept[0].read_bytes()[:4] == b"PAR1"  # written again
