"""The CRM demo profile (data/demo_crm.py, ``python -m data.demo --profile crm``): determinism,
its vocabulary file, the contract of the tables it writes, and week-to-week consistency.

Generated once per module into tmp folders; never touches the real data/.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from data import demo, demo_crm
from data.schema import TABLES

AS_OF = dt.date(2026, 11, 22)  # a Sunday
WEEKS = 4
WRITTEN = {"regions", "reps", "products", "customers", "opportunities", "opportunity_history",
           "orders"}
NOT_WRITTEN = {"targets", "activities", "customer_scores", "industries"}
WON_STAGE = 9
DATES_UP_TO_AS_OF = {
    "customers": ("created_date",),
    "orders": ("order_date",),
    "opportunities": ("created_date", "closed_date", "last_activity_date"),
    "opportunity_history": ("entered_date",),
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crm")
    demo_crm.generate(folder, AS_OF, weeks=WEEKS)
    return folder


@pytest.fixture(scope="module")
def snapshots(data_dir) -> list[Path]:
    """The weekly snapshots, oldest first."""
    return sorted((data_dir / "snapshots").iterdir())


@pytest.fixture(scope="module")
def newest(snapshots) -> duckdb.DuckDBPyConnection:
    return connect(snapshots[-1])


def connect(snapshot: Path) -> duckdb.DuckDBPyConnection:
    """Plain views over the snapshot's Parquet files (no validation: see the brief)."""
    con = duckdb.connect()
    for file in snapshot.glob("*.parquet"):
        con.execute(f"CREATE VIEW {file.stem} AS SELECT * FROM read_parquet('{file}')")
    return con


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchone()[0]


def as_of_of(snapshot: Path) -> dt.date:
    return dt.date.fromisoformat(json.loads((snapshot / "manifest.json").read_text())["as_of"])


# ------------------------------------------------------------------------ snapshots, determinism

def test_one_snapshot_per_sunday(snapshots):
    assert [p.name for p in snapshots] == ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    assert [as_of_of(p) for p in snapshots] == [AS_OF - dt.timedelta(weeks=k)
                                                for k in (3, 2, 1, 0)]
    manifest = json.loads((snapshots[-1] / "manifest.json").read_text())
    assert "crm" in manifest["source"] and "seed=42" in manifest["source"]


def test_same_arguments_give_identical_tables(snapshots, tmp_path):
    twins = demo_crm.generate(tmp_path, AS_OF + dt.timedelta(days=3), weeks=WEEKS)
    assert [p.name for p in twins] == [p.name for p in snapshots]
    for ours, theirs in zip(snapshots, twins):
        assert sorted(p.name for p in ours.glob("*.parquet")) == sorted(
            p.name for p in theirs.glob("*.parquet"))
        for file in ours.glob("*.parquet"):
            assert pq.read_table(file).equals(pq.read_table(theirs / file.name)), \
                f"{ours.name}/{file.name} differs"


def test_another_seed_gives_other_deals(snapshots, tmp_path):
    other = demo_crm.generate(tmp_path, AS_OF, weeks=1, seed=7)
    assert not pq.read_table(other[0] / "opportunities.parquet").equals(
        pq.read_table(snapshots[-1] / "opportunities.parquet"))


def test_existing_snapshots_are_skipped(data_dir, snapshots, capsys):
    before = (snapshots[-1] / "manifest.json").read_text()
    assert demo_crm.generate(data_dir, AS_OF, weeks=WEEKS) == snapshots
    assert "skipped" in capsys.readouterr().out
    assert (snapshots[-1] / "manifest.json").read_text() == before


# ----------------------------------------------------------------------------- vocabulary file

def test_config_toml_parses_with_the_vocabulary(data_dir):
    config = tomllib.loads((data_dir / "config.toml").read_text(encoding="utf-8"))
    business = config["business"]
    assert business["currency"] == "USD"
    assert business["fiscal_year_start_month"] == 1
    assert business["fiscal_year_named_by"] == "start"
    assert business["key_opportunity_min"] == 50_000
    stages = config["stages"]
    assert len(stages["names_en"]) == len(stages["names_zh"]) == 8
    assert stages["probabilities"] == sorted(stages["probabilities"])
    assert len(stages["probabilities"]) == 8 and all(0 < p < 1 for p in stages["probabilities"])
    lines = config["product_lines"]
    assert not set(lines) & {"PC", "NB", "Server", "Service"}
    assert all("name_en" in line for line in lines.values())
    assert any("name_zh" not in line for line in lines.values())
    assert any("margin_floor" not in line for line in lines.values())
    assert all(0 < line["margin_floor"] < 1 for line in lines.values() if "margin_floor" in line)


def test_product_lines_in_the_data_are_those_of_the_config(data_dir, newest):
    lines = set(tomllib.loads((data_dir / "config.toml").read_text())["product_lines"])
    for table in ("products", "orders", "opportunities"):
        used = {row[0] for row in newest.execute(
            f"SELECT DISTINCT product_line FROM {table}").fetchall()}
        assert used == lines, table


def test_config_rewritten_only_when_identical(tmp_path, capsys):
    path = demo_crm.write_config(tmp_path)
    assert path.read_text(encoding="utf-8") == demo_crm.config_text()
    demo_crm.write_config(tmp_path)  # identical: fine, nothing to say
    assert "left unchanged" not in capsys.readouterr().out
    path.write_text('[business]\ncurrency = "EUR"\n', encoding="utf-8")
    demo_crm.write_config(tmp_path)
    assert path.read_text(encoding="utf-8") == '[business]\ncurrency = "EUR"\n'
    assert "left unchanged" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temp file left behind


# ------------------------------------------------------------------------------------ contract

def test_written_tables_and_only_those(snapshots):
    for snapshot in snapshots:
        files = {p.stem for p in snapshot.glob("*.parquet")}
        assert files == WRITTEN, snapshot.name
        assert not files & NOT_WRITTEN
        manifest = json.loads((snapshot / "manifest.json").read_text())
        assert set(manifest["tables"]) == WRITTEN
        assert all(manifest["tables"][name] > 0 for name in WRITTEN)


def test_every_column_present_and_castable(snapshots):
    for snapshot in snapshots:
        con = connect(snapshot)
        for name in WRITTEN:
            spec = TABLES[name]
            columns = {row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()}
            assert set(spec.column_names) <= columns, f"{snapshot.name}/{name}"
            for column, sql_type in spec.columns:
                bad = one(con, f"SELECT count(*) FROM {name} WHERE {column} IS NOT NULL "
                               f"AND TRY_CAST({column} AS {sql_type}) IS NULL")
                assert bad == 0, f"{snapshot.name}/{name}.{column} as {sql_type}"


def test_primary_keys_unique_and_foreign_keys_resolve(snapshots):
    for snapshot in snapshots:
        con = connect(snapshot)
        for name in WRITTEN:
            spec = TABLES[name]
            key = ", ".join(spec.primary_key)
            assert one(con, f"SELECT count(*) FROM (SELECT {key} FROM {name} "
                            f"GROUP BY ALL HAVING count(*) > 1)") == 0, f"{snapshot.name}/{name}"
            assert one(con, f"SELECT count(*) FROM {name} WHERE "
                            + " OR ".join(f"{c} IS NULL" for c in spec.primary_key)) == 0
            for column, parent, parent_column in spec.foreign_keys:
                if parent not in WRITTEN:  # industries: derived by the app from the ids
                    continue
                orphans = one(con, f"SELECT count(*) FROM {name} WHERE {column} IS NOT NULL "
                                   f"AND {column} NOT IN (SELECT {parent_column} FROM {parent})")
                assert orphans == 0, f"{snapshot.name}: {name}.{column} → {parent}"


def test_stage_status_and_closed_date_follow_the_convention(snapshots):
    """Open stages 1..8; won = stage 9 and closed; lost = closed at its last open stage."""
    for snapshot in snapshots:
        con = connect(snapshot)
        assert one(con, """
            SELECT count(*) FROM opportunities WHERE NOT CASE status
                WHEN 'won' THEN stage = 9 AND closed_date IS NOT NULL
                WHEN 'lost' THEN stage BETWEEN 1 AND 8 AND closed_date IS NOT NULL
                WHEN 'open' THEN stage BETWEEN 1 AND 8 AND closed_date IS NULL
                ELSE false END""") == 0, snapshot.name
        assert one(con, "SELECT count(DISTINCT status) FROM opportunities") == 3


def test_history_follows_each_deals_path(snapshots):
    """Each deal's latest stage entry is its current stage; only won deals entered stage 9; every
    deal entered a stage on its created date."""
    for snapshot in snapshots:
        con = connect(snapshot)
        assert one(con, """
            WITH last AS (SELECT opportunity_id, arg_max(stage, entered_date) AS stage
                          FROM opportunity_history GROUP BY ALL)
            SELECT count(*) FROM opportunities o LEFT JOIN last USING (opportunity_id)
            WHERE last.stage IS DISTINCT FROM o.stage""") == 0, snapshot.name
        assert one(con, """
            SELECT count(*) FROM opportunity_history h JOIN opportunities o USING (opportunity_id)
            WHERE h.stage = 9 AND (o.status <> 'won' OR h.entered_date <> o.closed_date)""") == 0
        assert one(con, """
            SELECT count(*) FROM opportunities o WHERE NOT EXISTS (
                SELECT 1 FROM opportunity_history h WHERE h.opportunity_id = o.opportunity_id
                AND h.entered_date = o.created_date)""") == 0
        assert one(con, "SELECT count(*) FROM opportunity_history "
                        "WHERE stage NOT BETWEEN 1 AND 9") == 0


def test_nothing_dated_after_the_snapshot(snapshots):
    for snapshot in snapshots:
        con, as_of = connect(snapshot), as_of_of(snapshot)
        for table, columns in DATES_UP_TO_AS_OF.items():
            for column in columns:
                latest = one(con, f"SELECT max({column}) FROM {table}")
                assert latest <= as_of, f"{snapshot.name}: {table}.{column} = {latest}"


def test_dates_in_order(newest):
    assert one(newest, """SELECT count(*) FROM opportunities
                          WHERE closed_date < created_date OR last_activity_date < created_date
                             OR expected_close_date < created_date
                             OR last_activity_date > coalesce(closed_date, DATE '9999-12-31')
                             OR (status <> 'open' AND expected_close_date <> closed_date)""") == 0
    assert one(newest, """SELECT count(*) FROM opportunities o JOIN customers c USING (customer_id)
                          WHERE o.created_date < c.created_date""") == 0


def test_values_in_range(newest):
    assert one(newest, "SELECT min(amount) FROM opportunities") >= 2_000
    assert one(newest, "SELECT max(amount) FROM opportunities") <= 500_000
    assert one(newest, "SELECT count(*) FROM opportunities "
                       "WHERE expected_margin_pct NOT BETWEEN 0 AND 1") == 0
    assert one(newest, "SELECT count(*) FROM opportunities "
                       "WHERE source NOT IN ('rep', 'partner', 'inbound')") == 0
    assert one(newest, "SELECT count(*) FROM orders WHERE discount_pct NOT BETWEEN 0 AND 1") == 0
    assert one(newest, "SELECT count(*) FROM orders WHERE revenue <= 0 OR quantity < 1") == 0
    assert one(newest, "SELECT count(*) FROM orders "
                       "WHERE channel NOT IN ('direct', 'partner')") == 0
    assert 0.10 <= one(newest, "SELECT 1 - sum(cost) / sum(revenue) FROM orders") <= 0.35
    assert one(newest, "SELECT avg(special_price::INT) FROM orders") < 0.2
    assert one(newest, "SELECT count(*) FROM reps WHERE role NOT IN ('AE', 'ISR')") == 0


def test_dimensions_of_this_company(newest):
    assert {row[0] for row in newest.execute("SELECT region_id FROM regions").fetchall()} == {
        "EAST", "WEST", "CENTRAL"}
    assert one(newest, "SELECT count(*) FROM regions "
                       "WHERE name_zh IS NOT NULL OR region_group IS NOT NULL") == 0
    assert 25 <= one(newest, "SELECT count(*) FROM reps") <= 35
    assert one(newest, "SELECT count(*) FROM reps WHERE manager_id IS NULL") == 3
    assert 250 <= one(newest, "SELECT count(*) FROM customers") <= 300
    assert one(newest, "SELECT count(DISTINCT industry_id) FROM customers") == 6
    assert one(newest, "SELECT count(*) FROM customers WHERE industry_id NOT IN "
                       "('retail', 'software', 'medical', 'finance', 'telecom', "
                       "'technology')") == 0


def test_open_deals_without_expected_close_and_open_key_deals(newest):
    """SPEC §9 counts open deals without a close date, so the demo must have some."""
    assert one(newest, "SELECT count(*) FROM opportunities "
                       "WHERE status = 'open' AND expected_close_date IS NULL") >= 5
    assert one(newest, "SELECT count(*) FROM opportunities "
                       "WHERE status = 'open' AND amount >= 50000") >= 5
    assert one(newest, "SELECT count(*) FROM opportunities WHERE last_activity_date IS NULL") > 0
    assert one(newest, "SELECT count(*) FROM opportunities WHERE expected_margin_pct IS NULL") > 0
    past_due = one(newest, "SELECT count(*) FROM opportunities WHERE status = 'open' "
                           "AND expected_close_date < $1", [AS_OF])
    assert past_due > 0


def test_several_thousand_deals_over_two_years(newest):
    assert 4_000 <= one(newest, "SELECT count(*) FROM opportunities") <= 5_000
    first = one(newest, "SELECT min(created_date) FROM opportunities")
    assert AS_OF - dt.timedelta(days=731) <= first <= AS_OF - dt.timedelta(days=700)


def test_orders_book_the_won_deals(newest):
    """Every won deal is booked on its closed date, its lines summing to its amount; nothing else
    is booked."""
    assert one(newest, """
        WITH booked AS (SELECT opportunity_id, min(order_date) AS first_day,
                               max(order_date) AS last_day, sum(revenue) AS revenue
                        FROM orders GROUP BY ALL)
        SELECT count(*) FROM opportunities o FULL JOIN booked b USING (opportunity_id)
        WHERE (o.status = 'won') IS DISTINCT FROM (b.opportunity_id IS NOT NULL)
           OR b.revenue <> o.amount OR b.first_day <> o.closed_date
           OR b.last_day <> o.closed_date""") == 0
    assert one(newest, """SELECT count(*) FROM orders r JOIN opportunities o USING (opportunity_id)
                          WHERE r.customer_id <> o.customer_id OR r.rep_id <> o.rep_id
                             OR r.product_line <> o.product_line""") == 0
    assert one(newest, """SELECT count(*) FROM orders r JOIN products p USING (product_id)
                          WHERE r.product_line <> p.product_line""") == 0


# -------------------------------------------------------------------------------- week to week

def test_a_deal_won_this_week_was_open_in_an_earlier_snapshot(snapshots):
    latest, earliest = connect(snapshots[-1]), connect(snapshots[0])
    won_now = {row[0] for row in latest.execute(
        "SELECT opportunity_id FROM opportunities WHERE status = 'won'").fetchall()}
    open_then = {row[0] for row in earliest.execute(
        "SELECT opportunity_id FROM opportunities WHERE status = 'open'").fetchall()}
    assert len(won_now & open_then) >= 5


def test_each_week_extends_the_last(snapshots):
    """Closed deals stay closed as they were, orders and history only grow (except for deals
    deleted from the CRM), and between weeks deals are created, won, lost, slip (later expected
    close), advance and are deleted."""
    removed = 0
    for before, after in zip(snapshots, snapshots[1:]):
        con = duckdb.connect()
        for name in ("opportunities", "opportunity_history", "orders"):
            con.execute(f"CREATE VIEW s0_{name} AS SELECT * FROM "
                        f"read_parquet('{before / (name + '.parquet')}')")
            con.execute(f"CREATE VIEW s1_{name} AS SELECT * FROM "
                        f"read_parquet('{after / (name + '.parquet')}')")
        for name in ("opportunity_history", "orders"):
            assert one(con, f"SELECT count(*) FROM (SELECT * FROM s0_{name} "
                            f"EXCEPT SELECT * FROM s1_{name}) WHERE opportunity_id IN "
                            f"(SELECT opportunity_id FROM s1_opportunities)") == 0, \
                (after.name, name)
        assert one(con, """SELECT count(*) FROM s0_opportunities WHERE status <> 'open'
                           AND opportunity_id NOT IN (SELECT opportunity_id
                                                      FROM s1_opportunities)""") == 0
        assert one(con, """SELECT count(*) FROM s0_opportunities a
                           LEFT JOIN s1_opportunities b USING (opportunity_id)
                           WHERE a.status <> 'open' AND (b.status IS DISTINCT FROM a.status
                                 OR b.stage <> a.stage OR b.closed_date <> a.closed_date
                                 OR b.amount <> a.amount)""") == 0
        moves = con.execute("""
            SELECT count(*) FILTER (WHERE a.opportunity_id IS NULL),
                   count(*) FILTER (WHERE a.status = 'open' AND b.status = 'won'),
                   count(*) FILTER (WHERE a.status = 'open' AND b.status = 'lost'),
                   count(*) FILTER (WHERE a.status = 'open' AND b.status = 'open'
                                    AND b.expected_close_date > a.expected_close_date),
                   count(*) FILTER (WHERE a.status = 'open' AND b.status = 'open'
                                    AND b.stage > a.stage)
            FROM s1_opportunities b LEFT JOIN s0_opportunities a USING (opportunity_id)
        """).fetchone()
        assert all(n > 0 for n in moves), (after.name, moves)
        removed += one(con, """SELECT count(*) FROM (
                                   SELECT opportunity_id FROM s0_opportunities
                                   EXCEPT SELECT opportunity_id FROM s1_opportunities)""")
    assert removed > 0


# ---------------------------------------------------------------------------------------- CLI

def test_cli_profile_crm(tmp_path, capsys):
    assert demo.main(["--profile", "crm", "--data-dir", str(tmp_path), "--as-of", "2026-11-25",
                      "--weeks", "1", "--deals", "800"]) == 0
    assert (tmp_path / "config.toml").is_file()
    snapshot = tmp_path / "snapshots" / "2026-W47"
    assert pq.read_metadata(snapshot / "opportunities.parquet").num_rows <= 800
    assert not (snapshot / "targets.parquet").exists()
    assert "2026-W47" in capsys.readouterr().out


def test_cli_rejects_deals_for_the_default_profile(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        demo.main(["--data-dir", str(tmp_path), "--deals", "100"])
    assert exit_info.value.code == 2
    assert not (tmp_path / "snapshots").exists()


def test_every_snapshot_validates_with_its_own_vocabulary(data_dir, snapshots):
    """With the data folder's config.toml (eight open stages, won = 9) each snapshot is valid;
    the missing industries are derived from the ids the deals use."""
    from data import config
    from data.store import SnapshotDatabase, validate

    config.use_data_dir(data_dir)
    infos = [validate(path) for path in snapshots]
    assert all(info.valid for info in infos), [info.errors for info in infos]
    assert "industries" not in infos[-1].tables and "orders" in infos[-1].tables
    con = SnapshotDatabase().cursor(infos[-1])
    derived = con.execute("SELECT count(*), count(name_zh) FROM industries").fetchone()
    used = con.execute("SELECT count(DISTINCT industry_id) FROM customers").fetchone()[0]
    assert derived == (used, 0)
