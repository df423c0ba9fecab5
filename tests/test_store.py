"""Snapshot store: discovery, validation of broken snapshots, atomic writes (SPEC §3)."""

from __future__ import annotations

import json
from dataclasses import replace
import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import store
from data.store import SnapshotDatabase, discover, newest_valid, validate, write_snapshot
from tests.builders import D, build_tables, make_snapshot, order


def _good(data_dir, as_of="2026-11-22"):
    return make_snapshot(data_dir, as_of, orders=[order("2026-11-02", 100, 80)])


def test_good_snapshot_is_valid(tmp_path):
    info = _good(tmp_path)
    assert info.valid and info.errors == ()
    assert info.snapshot_id == "2026-W47" and info.as_of == D("2026-11-22")
    assert info.row_counts["orders"] == 1 and info.row_counts["regions"] == 3


def test_snapshots_are_immutable(tmp_path):
    _good(tmp_path)
    with pytest.raises(FileExistsError):
        write_snapshot(tmp_path, D("2026-11-22"), build_tables(), source="again")


def test_missing_column_is_reported(tmp_path):
    info = _good(tmp_path)
    table = pq.read_table(info.path / "orders.parquet").drop_columns(["discount_pct"])
    pq.write_table(table, info.path / "orders.parquet")
    report = validate(info.path)
    assert not report.valid
    assert any("orders: columns missing: discount_pct" in e for e in report.errors)


def test_duplicate_primary_key_is_reported(tmp_path):
    tables = build_tables(orders=[order("2026-11-02", 100, 80), order("2026-11-03", 5, 4)])
    tables["orders"] = tables["orders"].set_column(
        0, "order_id", pa.array(["O1", "O1"]))
    info = validate(write_snapshot(tmp_path, D("2026-11-22"), tables, source="dupes"))
    assert not info.valid
    assert any("orders: 1 duplicate primary keys" in e for e in info.errors)


def test_orphan_foreign_key_and_bad_values_are_reported(tmp_path):
    info = make_snapshot(tmp_path, "2026-11-22", orders=[
        order("2026-11-02", 100, 80, customer_id="NOPE", discount_pct=1.5),
        order("2026-11-30", 100, 80),
    ])
    assert not info.valid
    joined = "\n".join(info.errors)
    assert "orders.customer_id: 1 values not found in customers.customer_id" in joined
    assert "discount_pct outside [0, 1]" in joined
    assert "dated after as_of" in joined


def test_uncastable_values_are_reported(tmp_path):
    info = _good(tmp_path)
    table = pq.read_table(info.path / "orders.parquet")
    index = table.column_names.index("quantity")
    table = table.set_column(index, "quantity", pa.array(["one"]))
    pq.write_table(table, info.path / "orders.parquet")
    report = validate(info.path)
    assert any("orders: values not castable: quantity" in e for e in report.errors)


def test_half_written_and_foreign_folders_never_crash(tmp_path):
    good = _good(tmp_path, "2026-11-15")
    half = tmp_path / "snapshots" / "2026-W47"
    half.mkdir()
    shutil.copy(good.path / "orders.parquet", half / "orders.parquet")
    (tmp_path / "snapshots" / "notes").mkdir()
    (tmp_path / "snapshots" / "notes" / "manifest.json").write_text("{not json")
    (tmp_path / "snapshots" / ".2026-W48.tmp").mkdir()  # a write in progress: skipped
    infos = discover(tmp_path)
    assert [i.snapshot_id for i in infos if i.valid] == ["2026-W46"]
    by_id = {i.snapshot_id: i for i in infos}
    assert set(by_id) == {"2026-W46", "2026-W47", "notes"}
    assert any("manifest.json missing" in e for e in by_id["2026-W47"].errors)
    assert any("unreadable" in e for e in by_id["notes"].errors)
    assert newest_valid(infos).snapshot_id == "2026-W46"


def test_newest_invalid_snapshot_falls_back_to_newest_valid(tmp_path):
    _good(tmp_path, "2026-11-15")
    newer = _good(tmp_path, "2026-11-22")
    manifest = json.loads((newer.path / "manifest.json").read_text())
    manifest["tables"]["orders"] = 999
    (newer.path / "manifest.json").write_text(json.dumps(manifest))
    infos = discover(tmp_path)
    assert infos[0].snapshot_id == "2026-W47" and not infos[0].valid
    assert "orders: 1 rows, manifest says 999" in infos[0].errors
    assert newest_valid(infos).snapshot_id == "2026-W46"


def test_missing_data_dir_has_no_snapshots(tmp_path):
    assert discover(tmp_path / "nothing") == []


# --------------------------------------------------------------------- recorded validation

def _forget_this_process():
    """What a freshly started process knows: nothing but what is on disk."""
    store._validation_cache.clear()


def _records(data_dir):
    return sorted((data_dir / "cache").glob("2026-W47-*/record.json"))


def test_validation_is_recorded_and_read_back_by_the_next_process(tmp_path, monkeypatch):
    info = make_snapshot(tmp_path, "2026-11-22",
                         orders=[order("2026-11-02", 100, 80, order_id="A"),
                                 order("2026-11-03", 50, 40, order_id="A", line_no=2)])
    [record] = _records(tmp_path)
    assert sorted(p.name for p in record.parent.iterdir()) == [
        "customer_orders.parquet", "daily_sums.parquet", "open_deal_stages.parquet",
        "order_product_lines.parquet",
        "order_totals.parquet", "ordered_opportunities.parquet", "record.json",
        "weekly_sums.parquet"]
    _forget_this_process()
    monkeypatch.setattr(store, "_validate_uncached",
                        lambda path: pytest.fail("validated again despite the record"))
    again = validate(info.path)
    assert (again.valid, again.errors, again.as_of) == (True, (), D("2026-11-22"))
    assert again.row_counts == info.row_counts and again.foreign_keys == info.foreign_keys
    con = SnapshotDatabase().cursor(again)
    assert con.execute("SELECT order_id, revenue::DOUBLE, lines FROM order_totals").fetchall() \
        == [("A", 150.0, 2)]
    # Monday 2026-11-02 and Tuesday 11-03 are one ISO week.
    assert con.execute("SELECT week_start, revenue::DOUBLE, cost::DOUBLE FROM weekly_sums"
                       ).fetchall() == [(D("2026-11-02"), 150.0, 120.0)]
    # One row per day: Monday's line and Tuesday's.
    assert con.execute("SELECT order_date, revenue::DOUBLE, cost::DOUBLE, positive_lines "
                       "FROM daily_sums ORDER BY order_date").fetchall() == [
        (D("2026-11-02"), 100.0, 80.0, 1), (D("2026-11-03"), 50.0, 40.0, 1)]


def test_daily_sums_hold_each_days_lines_per_filtered_column(tmp_path):
    """The daily sums extract: one row per day and filterable column, revenue and cost summed,
    gross margin per line (a line without a cost has none), lines and lines with positive revenue
    counted, and the product's high-margin flag."""
    info = make_snapshot(tmp_path, "2026-11-22", orders=[
        order("2026-11-02", 100, 80, order_id="A"),
        order("2026-11-02", 50, None, order_id="A", line_no=2),       # no cost: no margin
        order("2026-11-02", -30, -20, order_id="B"),                   # a return
        order("2026-11-02", 40, 10, order_id="C", product_line="NB"),  # another line, high margin
        order("2026-11-03", 70, 60, order_id="D")])
    con = SnapshotDatabase().cursor(info)
    rows = con.execute(
        "SELECT order_date, product_line, high_margin, revenue::DOUBLE, cost::DOUBLE, "
        "gross_margin::DOUBLE, lines, positive_lines FROM daily_sums ORDER BY ALL").fetchall()
    assert rows == [
        # 100 + 50 - 30 = 120 revenue; 80 - 20 = 60 cost; margin 20 - 10 (B) = 10; three lines,
        # A's two with positive revenue.
        (D("2026-11-02"), "NB", True, 40.0, 10.0, 30.0, 1, 1),
        (D("2026-11-02"), "PC", False, 120.0, 60.0, 10.0, 3, 2),
        (D("2026-11-03"), "PC", False, 70.0, 60.0, 10.0, 1, 1)]


def test_big_tables_are_served_from_the_database_validation_stored(tmp_path, monkeypatch):
    """Tables over LOAD_ROWS rows (at 10M lines: order lines, activities) are copied into a DuckDB
    file beside the record and served from it, with the same numbers as from Parquet."""
    from metrics import dashboard
    from metrics.periods import parse_period
    from metrics.view import View

    monkeypatch.setattr(store, "LOAD_ROWS", 5)  # six order lines make orders "big"
    make_snapshot(tmp_path, "2026-11-22",
                  orders=[order(f"2026-11-{day:02d}", 10 * day, 5 * day) for day in range(1, 7)])
    _forget_this_process()  # as the next process sees it: from the record
    [info] = discover(tmp_path)
    [record] = _records(tmp_path)
    assert json.loads(record.read_text())["stored"] == ["orders"]
    assert info.stored == record.parent / store.STORED_FILE and info.stored.is_file()
    con = SnapshotDatabase().cursor(info)
    [definition] = con.execute("SELECT sql FROM duckdb_views() "
                               "WHERE schema_name = 's_2026_w47' AND view_name = 'orders'"
                               ).fetchone()
    assert "s_2026_w47_stored" in definition
    view = View("2026-W47", D("2026-11-22"), parse_period("FY26Q3"))
    from_parquet = SnapshotDatabase().cursor(replace(info, stored=None))
    assert dashboard.kpis(con, view) == dashboard.kpis(from_parquet, view)
    assert dashboard.kpis(con, view)["revenue"] == 210  # 10 + 20 + … + 60: every line


def test_a_damaged_stored_database_falls_back_to_parquet(tmp_path, monkeypatch):
    """A stored copy damaged after it was recorded is not served; the Parquet files are."""
    from metrics import dashboard
    from metrics.periods import parse_period
    from metrics.view import View

    monkeypatch.setattr(store, "LOAD_ROWS", 5)
    make_snapshot(tmp_path, "2026-11-22",
                  orders=[order(f"2026-11-{day:02d}", 10 * day, 5 * day) for day in range(1, 7)])
    _forget_this_process()
    [info] = discover(tmp_path)
    info.stored.write_bytes(b"not a database")
    con = SnapshotDatabase().cursor(info)
    view = View("2026-W47", D("2026-11-22"), parse_period("FY26Q3"))
    assert dashboard.kpis(con, view)["revenue"] == 210


def test_order_totals_are_recorded_largest_first(tmp_path):
    """Key orders (revenue ≥ a threshold) are read from the first row groups only."""
    make_snapshot(tmp_path, "2026-11-22",
                  orders=[order("2026-11-02", 100, 80, order_id="A"),
                          order("2026-11-03", 50, 40, order_id="A", line_no=2),
                          order("2026-11-04", 300, 200, order_id="B"),
                          order("2026-11-05", 20, 10, order_id="C")])
    [record] = _records(tmp_path)
    totals = pq.read_table(record.parent / "order_totals.parquet")
    assert totals.column("order_id").to_pylist() == ["B", "A", "C"]
    lines = pq.read_table(record.parent / "order_product_lines.parquet").to_pylist()
    assert [(r["product_line"], r["lines"]) for r in lines] == [("PC", 4)]


def test_no_connection_draws_a_progress_bar(tmp_path):
    """DuckDB draws a progress bar on stderr for a statement over 2 s (sorting the order totals of
    millions of lines does) when it runs in a terminal: not in the server log, the report's or
    the demo's output. Each connection here starts with the bar on, as in a terminal."""
    settings = []

    class Recorded:
        """A connection that notes its progress-bar setting when it is closed."""

        def __init__(self, con):
            self._con = con

        def __getattr__(self, name):
            return getattr(self._con, name)

        def close(self):
            settings.append(self._con.execute(
                "SELECT current_setting('enable_progress_bar')").fetchone()[0])
            self._con.close()

    def connect(*args, **kwargs):
        con = duckdb_connect(*args, **kwargs)
        con.execute("SET enable_progress_bar = true")
        return Recorded(con)

    duckdb_connect = duckdb.connect
    info = make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-11-02", 100, 80)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store.duckdb, "connect", connect)
        _forget_this_process()
        shutil.rmtree(tmp_path / "cache")
        assert validate(info.path).valid
        db = SnapshotDatabase()
        cur = db.cursor(info)
        assert cur.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
        db.close()
    assert settings == [False, False, False]  # validation, the extracts, the served database


def test_an_invalid_snapshot_is_recorded_with_its_errors(tmp_path, monkeypatch):
    bad = make_snapshot(tmp_path, "2026-11-22",
                        orders=[order("2026-11-02", 100, 80, customer_id="NOPE")])
    assert not bad.valid
    _forget_this_process()
    monkeypatch.setattr(store, "_validate_uncached",
                        lambda path: pytest.fail("validated again despite the record"))
    again = validate(bad.path)
    assert not again.valid and again.errors == bad.errors
    assert "orders.customer_id: 1 values not found in customers.customer_id" in again.errors


def test_a_changed_file_is_validated_again_and_its_old_record_removed(tmp_path):
    info = _good(tmp_path)
    [before] = _records(tmp_path)
    table = pq.read_table(info.path / "orders.parquet").drop_columns(["discount_pct"])
    pq.write_table(table, info.path / "orders.parquet")
    report = validate(info.path)
    assert not report.valid
    [after] = _records(tmp_path)
    assert after != before and not before.exists()


def test_without_a_writable_cache_extracts_are_computed_when_served(tmp_path, monkeypatch):
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    info = _good(tmp_path)
    assert info.valid and info.extracts == {} and _records(tmp_path) == []
    con = SnapshotDatabase().cursor(info)
    assert con.execute("SELECT count(*) FROM order_totals").fetchone()[0] == 1
    assert con.execute("SELECT revenue_lifetime::DOUBLE FROM customer_orders").fetchone()[0] \
        == 100.0


def _rewrite(info, table: str, transform) -> None:
    """Replace one table's file (as someone editing a snapshot by hand would) and forget the
    recorded validation so the next validate() reads the files again."""
    path = info.path / f"{table}.parquet"
    pq.write_table(transform(pq.read_table(path)), path, row_group_size=2)
    _forget_this_process()


def _set_column(table: pa.Table, name: str, values: list) -> pa.Table:
    index = table.column_names.index(name)
    return table.set_column(index, name, pa.array(values, type=table.schema.field(name).type))


def test_null_primary_keys_are_reported(tmp_path):
    info = _good(tmp_path)
    _rewrite(info, "regions", lambda t: _set_column(t, "region_id", [None, "R2", "R3"]))
    report = validate(info.path)
    assert any("regions: 1 rows without a primary key (region_id)" in e for e in report.errors)


def test_a_nan_discount_is_found_in_any_row_group(tmp_path):
    """Parquet min/max statistics leave NaN out: a WHERE on them would skip the row group."""
    info = make_snapshot(tmp_path, "2026-11-22",
                         orders=[order("2026-11-02", 100, 80) for _ in range(6)])
    _rewrite(info, "orders", lambda t: _set_column(
        t, "discount_pct", [0.1, 0.1, 0.1, 0.1, float("nan"), 0.1]))
    report = validate(info.path)
    assert not report.valid
    assert any("orders: 1 lines with discount_pct outside [0, 1]" in e for e in report.errors)


def test_scores_outside_one_to_ten_are_reported(tmp_path):
    info = make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-11-02", 100, 80)],
                         customer_scores=[{"customer_id": "C1", "criterion": "location",
                                           "score": 11.0},
                                          {"customer_id": "C2", "criterion": "location",
                                           "score": 10.0}])
    assert not info.valid
    assert any("customer_scores: 1 scores outside 1–10" in e for e in info.errors)


def test_as_of_must_be_the_sunday_of_the_week(tmp_path):
    info = _good(tmp_path)
    manifest = json.loads((info.path / "manifest.json").read_text())
    manifest["as_of"] = "2026-11-20"  # the Friday of 2026-W47
    (info.path / "manifest.json").write_text(json.dumps(manifest))
    _forget_this_process()
    report = validate(info.path)
    assert any("as_of 2026-11-20 is not the Sunday of its week" in e for e in report.errors)


@pytest.mark.parametrize("manifest", [None, "{not json", "[1, 2]"])
def test_a_newest_snapshot_with_a_broken_manifest_still_sorts_first(tmp_path, manifest):
    """So the app and the report notice it and say they fall back to an older one."""
    _good(tmp_path, "2026-11-15")
    newest = _good(tmp_path, "2026-11-22")
    if manifest is None:
        (newest.path / "manifest.json").unlink()
    else:
        (newest.path / "manifest.json").write_text(manifest)
    _forget_this_process()
    infos = discover(tmp_path)
    assert [i.snapshot_id for i in infos] == ["2026-W47", "2026-W46"]
    assert not infos[0].valid and newest_valid(infos).snapshot_id == "2026-W46"


# ------------------------------------------------------------------ background preparation

def _wait_prepared(data_dir, seconds: float = 60) -> None:
    import time
    deadline = time.monotonic() + seconds
    while store.preparing(data_dir) is not None or any(
            not store._prepared(p) for p in (data_dir / "snapshots").iterdir()):
        assert time.monotonic() < deadline, "the background preparation did not finish"
        time.sleep(0.05)


def test_a_new_snapshot_is_prepared_in_the_background_while_the_ready_one_is_served(
        tmp_path, monkeypatch):
    ready = make_snapshot(tmp_path, "2026-11-15", orders=[order("2026-11-02", 100, 80)])
    write_snapshot(tmp_path, D("2026-11-22"), build_tables(orders=[order("2026-11-16", 7, 5)]),
                   source="test fixture")
    import threading
    release = threading.Event()
    checked = []
    original = store._validate_uncached

    def slow(path):  # the new week is checked only when the test lets it
        assert release.wait(30)
        checked.append(path.name)
        return original(path)
    monkeypatch.setattr(store, "_validate_uncached", slow)

    infos = discover(tmp_path, wait=False)  # returns at once: nothing is validated inline
    assert [(i.snapshot_id, i.valid, i.preparing) for i in infos] == [
        ("2026-W47", False, True), ("2026-W46", True, False)]
    assert infos[0].as_of == D("2026-11-22")  # read from the manifest
    assert newest_valid(infos) == ready
    assert store.preparing(tmp_path)[0] == "2026-W47"
    release.set()
    _wait_prepared(tmp_path)
    assert checked == ["2026-W47"]  # once, in the background
    infos = discover(tmp_path, wait=False)
    assert [(i.snapshot_id, i.valid, i.preparing) for i in infos] == [
        ("2026-W47", True, False), ("2026-W46", True, False)]


def test_a_folder_is_validated_once_when_two_ask_at_the_same_time(tmp_path, monkeypatch):
    path = write_snapshot(tmp_path, D("2026-11-22"), build_tables(orders=[order("2026-11-16", 7, 5)]),
                          source="test fixture")
    import threading
    calls = []
    original = store._validate_uncached

    def counted(p):
        calls.append(p.name)
        return original(p)
    monkeypatch.setattr(store, "_validate_uncached", counted)
    results = []
    threads = [threading.Thread(target=lambda: results.append(validate(path))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["2026-W47"] and all(r.valid for r in results)


def test_the_watcher_prepares_a_snapshot_written_while_the_app_runs(tmp_path):
    (tmp_path / "snapshots").mkdir()
    store.watch(tmp_path, every_s=0.05)
    write_snapshot(tmp_path, D("2026-11-22"), build_tables(orders=[order("2026-11-16", 7, 5)]),
                   source="test fixture")
    _wait_prepared(tmp_path)
    assert _records(tmp_path), "no validation record written in the background"
    [info] = discover(tmp_path, wait=False)
    assert info.valid and not info.preparing
