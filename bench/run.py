"""Performance benchmark (issue 8): ``make bench`` / ``python -m bench.run``.

Generates (or reuses) demo data with 1M and 10M order lines under ``bench/data/`` (git-ignored),
then for each size measures, each in a fresh subprocess so nothing is shared between runs:

- first validation: ``data.store.discover`` on snapshots it has never seen (every table scanned,
  extracts and validation records written; once per snapshot) and its peak RSS;
- per page: the metric calls that page makes (read from pages/views/*.py), cold (the first call
  after opening the snapshot in a fresh process and a fresh ``SnapshotDatabase``; median of
  ``COLD_RUNS`` processes) and warm (median of ``WARM_RUNS`` repeats in the same process), called
  directly with a cursor (no ``st.cache_data``);
- the app process: start (``discover`` reading the records) plus every page cold and warm in one
  process, peak RSS;
- a naive pandas implementation of the dashboard KPI tiles on the same files, and the ratio
  to ``dashboard.kpis``.

Prints a table and writes ``bench/results.json``. No assertions: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results.json"
SIZES = (1_000_000, 10_000_000)
AS_OF = "2026-11-22"  # fixed, so generated data is reused across runs
WEEKS = 2  # two snapshots: week-over-week metrics (movement, slipped deals) have a comparison
COLD_RUNS = 3
WARM_RUNS = 7
PAGES = ("dashboard", "pipeline", "customers", "scorecard", "alerts", "data")
TARGETS = {"warm_ms": 150, "cold_ms": 2000, "rss_mib": 2048, "pandas_ratio": 10}  # warm: SPEC §8


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------- data

def ensure_data(size: int) -> dict:
    """The data dir for ``size`` order lines, generated once; returns its generation record."""
    data_dir = BENCH_DATA / f"orders_{size}"
    record_file = data_dir / "generation.json"
    if record_file.is_file() and list((data_dir / "snapshots").glob("*/manifest.json")):
        record = json.loads(record_file.read_text())
        record["reused"] = True
        return record
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-c", _MEASURED_CHILD, "data.demo", "--data-dir", str(data_dir),
               "--as-of", AS_OF, "--weeks", str(WEEKS), "--orders", str(size)]
    print(f"generating {size:,} order lines × {WEEKS} weekly snapshots in {data_dir} …",
          flush=True)
    started = time.perf_counter()
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    rss = json.loads(out.stdout.strip().splitlines()[-1])["peak_rss_mib"]
    record = {"orders": size, "weeks": WEEKS, "as_of": AS_OF, "seconds": round(seconds, 1),
              "peak_rss_mib": round(rss)}
    record_file.write_text(json.dumps(record, indent=2))
    record["reused"] = False
    return record


# Runs a module's main() and prints its peak RSS as the last line.
_MEASURED_CHILD = """
import json, resource, runpy, sys
mod = sys.argv[1]
sys.argv = [mod] + sys.argv[2:]
try:
    runpy.run_module(mod, run_name="__main__")
except SystemExit as exc:
    if exc.code:
        raise
print(json.dumps({"peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


# ---------------------------------------------------------------------------------- workers

def _snapshots(data_dir: Path):
    """(all, current, previous) snapshot infos, through ``discover`` as the app does (it reads
    the validation records the first run wrote)."""
    from data import store

    infos = store.discover(data_dir)
    current = store.newest_valid(infos)
    return infos, current, store.previous_valid(infos, current)


def page_calls(page: str, infos, info, previous, db) -> list[tuple[str, object]]:
    """The metric calls ``pages/views/<page>.py`` makes on its default view (no filters, default
    period, last week's snapshot as comparison), as (name, thunk(con)). Calls a page makes only
    after a selection (a region drill-down, an alert, a deal) use the first candidate."""
    from metrics import (alerts, availability, customers, dashboard, forecast_accuracy,
                         pipeline, quality, scorecard)
    from metrics.periods import default_period
    from metrics.view import View
    from pages.ui.url_state import DEFAULT_WINS

    view = View(info.snapshot_id, info.as_of, default_period(info.as_of),
                compare=previous.snapshot_id if previous else None)

    def m(fn, v=None, args=()):
        return (f"{fn.__module__.split('.')[-1]}.{fn.__qualname__}",
                lambda con: fn(con, v or view, *args))

    if page == "dashboard":
        # The review ladder's default level is the region (pages/views/dashboard.py).
        return [m(dashboard.kpis_and_regions), m(dashboard.product_lines),
                m(dashboard.revenue_trend), m(pipeline.movement),
                m(dashboard.review_table, args=("region",)), m(dashboard.key_opportunities),
                m(dashboard.order_flow)]
    if page == "pipeline":
        # The funnel calculator's default wins and the weeks of the period whose forecasts the
        # accuracy compares, as pages/views/pipeline.py passes them.
        weeks = forecast_accuracy.snapshots_in(view, infos)
        calls = [m(pipeline.summary), m(pipeline.undated_open),
                 m(pipeline.movement_overview), m(pipeline.stage_conversion),
                 m(pipeline.funnel_calculator, args=(DEFAULT_WINS,)),
                 m(forecast_accuracy.overview, args=(weeks,)), m(pipeline.attention_deals)]
        con = db.cursor(info)
        deal_id = con.execute("SELECT min(opportunity_id) FROM opportunities "
                              "WHERE status = 'open'").fetchone()[0]
        con.close()
        calls.append(("pipeline.deal_detail",
                      lambda con: pipeline.deal_detail(con, deal_id, info.as_of)))
        return calls
    if page == "customers":
        return [m(customers.overview)]
    if page == "scorecard":
        con = db.cursor(info, also=(previous,) if previous else ())
        region = scorecard.scorecard(con, view)["region_id"].iloc[0]
        con.close()
        region_view = scorecard.whole_business(view, (region,))
        return [m(scorecard.published_overview),
                m(scorecard.industry_attainment, region_view),
                m(scorecard.uncovered_customers, region_view),
                m(scorecard.attention_deals, region_view)]
    if page == "alerts":
        con = db.cursor(info, also=(previous,) if previous else ())
        first = alerts.alerts(con, view)
        con.close()
        calls = [m(alerts.overview), m(alerts.gm_trend)]
        if len(first):
            calls.append(m(alerts.drill_down(first["rule"].iloc[0], first["entity_id"].iloc[0])))
        return calls
    if page == "data":
        return [("quality.snapshot_list etc.", lambda con: (
                    quality.snapshot_list(infos, info.snapshot_id),
                    quality.validation_errors(infos), quality.snapshot_summary(infos),
                    quality.freshness(info.as_of), quality.row_count_history(infos),
                    quality.row_count_table(infos))),
                ("quality.quality_report", lambda con: quality.quality_report(
                    con, view, foreign_keys=info.foreign_keys)),
                m(quality.customers_without_owner), m(availability.enables)]
    raise ValueError(page)


def _time_page(calls, db, info, previous) -> tuple[float, dict]:
    """One pass over the page's calls, each on its own cursor as the app does; ms."""
    per_call = {}
    total = 0.0
    for name, thunk in calls:
        started = time.perf_counter()
        con = db.cursor(info, also=(previous,) if previous else ())
        try:
            thunk(con)
        finally:
            con.close()
        ms = (time.perf_counter() - started) * 1000
        per_call[name] = ms
        total += ms
    return total, per_call


def worker_page(data_dir: Path, page: str, warm_runs: int) -> dict:
    """Fresh process: open the snapshot, time the page cold once, then warm ``warm_runs``."""
    from data.store import SnapshotDatabase

    infos, info, previous = _snapshots(data_dir)
    db = SnapshotDatabase()
    # Building the call list may itself query (first region, first alert): do that on a
    # separate database so the measured one is untouched.
    scout = SnapshotDatabase()
    calls = page_calls(page, infos, info, previous, scout)
    scout.close()
    cold, cold_calls = _time_page(calls, db, info, previous)
    warm = [_time_page(calls, db, info, previous) for _ in range(warm_runs)]
    warm_totals = [w[0] for w in warm]
    warm_calls = ({name: statistics.median(w[1][name] for w in warm) for name in cold_calls}
                  if warm else {})
    return {"cold_ms": cold, "warm_ms": statistics.median(warm_totals) if warm else None,
            "cold_calls_ms": cold_calls, "warm_calls_ms": warm_calls,
            "peak_rss_mib": _peak_rss_mib()}


def worker_first_validation(data_dir: Path) -> dict:
    """A snapshot's first validation: every table scanned, extracts and record written (into a
    throw-away cache folder, so the data's own records stay)."""
    import shutil

    from data import store

    store.CACHE_DIR = f"cache-bench-{os.getpid()}"
    try:
        started = time.perf_counter()
        infos = store.discover(data_dir)
        ms = (time.perf_counter() - started) * 1000
    finally:
        shutil.rmtree(data_dir / store.CACHE_DIR, ignore_errors=True)
    return {"first_validation_ms": ms, "snapshots": len(infos),
            "peak_rss_mib": _peak_rss_mib()}


def worker_app(data_dir: Path) -> dict:
    """The app process: start (discover reads the records), then every page cold then warm;
    peak RSS."""
    from data.store import SnapshotDatabase, discover
    from metrics import dashboard

    started = time.perf_counter()
    infos = discover(data_dir)
    startup = (time.perf_counter() - started) * 1000
    startup_rss = _peak_rss_mib()
    _, info, previous = _snapshots(data_dir)  # cached by now
    db = SnapshotDatabase()
    started = time.perf_counter()
    con = db.cursor(info)
    dashboard.dimensions(con)
    con.close()
    dims = (time.perf_counter() - started) * 1000
    out = {"startup_validation_ms": startup, "startup_rss_mib": startup_rss,
           "dimensions_ms": dims, "pages": {}}
    for page in PAGES:
        calls = page_calls(page, infos, info, previous, db)
        cold, _ = _time_page(calls, db, info, previous)
        warm = statistics.median(_time_page(calls, db, info, previous)[0] for _ in range(3))
        out["pages"][page] = {"cold_ms": cold, "warm_ms": warm}
    out["peak_rss_mib"] = _peak_rss_mib()
    return out


def worker_pandas(data_dir: Path, runs: int) -> dict:
    """Naive pandas dashboard KPIs (read the Parquet files, compute in pandas) vs dashboard.kpis,
    same data, same process; also checks the two agree."""
    from data.store import SnapshotDatabase
    from metrics import dashboard
    from metrics.periods import default_period
    from metrics.view import View

    _, info, previous = _snapshots(data_dir)
    view = View(info.snapshot_id, info.as_of, default_period(info.as_of),
                compare=previous.snapshot_id if previous else None)
    naive_times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = naive_kpis(info.path, view)
        naive_times.append((time.perf_counter() - started) * 1000)
    naive_rss = _peak_rss_mib()
    db = SnapshotDatabase()
    duck_times = []
    for _ in range(WARM_RUNS):
        started = time.perf_counter()
        con = db.cursor(info)
        expected = dashboard.kpis(con, view)
        con.close()
        duck_times.append((time.perf_counter() - started) * 1000)
    mismatch = {k: (result[k], expected[k]) for k in result
                if not _close(result[k], expected[k])}
    return {"naive_ms": statistics.median(naive_times), "naive_runs_ms": naive_times,
            "duckdb_cold_ms": duck_times[0], "duckdb_warm_ms": statistics.median(duck_times[1:]),
            "naive_peak_rss_mib": naive_rss, "mismatch": mismatch}


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def naive_kpis(snapshot: Path, view: View) -> dict:
    """The dashboard KPI tiles the straightforward pandas way: read the whole Parquet files,
    filter with boolean masks, sum."""
    import pandas as pd

    from data import config

    period, as_of = view.period, view.as_of
    orders = pd.read_parquet(snapshot / "orders.parquet")
    targets = pd.read_parquet(snapshot / "targets.parquet")
    opps = pd.read_parquet(snapshot / "opportunities.parquet")
    dates = pd.to_datetime(orders["order_date"])
    revenue_all = orders["revenue"].astype(float)
    cost_all = orders["cost"].astype(float)

    def between(a, b):
        return (dates >= pd.Timestamp(a)) & (dates <= pd.Timestamp(b))

    to_date = view.to_date_end
    in_period = between(period.start, to_date) if to_date else pd.Series(False, index=orders.index)
    revenue = revenue_all[in_period].sum()
    cost = cost_all[in_period].sum()
    prior = period.like_for_like_range(as_of)
    prior_revenue = revenue_all[between(*prior)].sum() if prior else None
    share = pd.DataFrame(period.month_fractions(), columns=["fiscal_month", "fraction"])
    t = targets.merge(share, on="fiscal_month")
    revenue_target = (t["revenue_target"].astype(float) * t["fraction"]).sum() if len(t) else None
    margin_target = (t["margin_target"].astype(float) * t["fraction"]).sum() if len(t) else None
    close = pd.to_datetime(opps["expected_close_date"])
    open_ = opps[(opps["status"] == "open") & (close > pd.Timestamp(as_of))
                 & (close <= pd.Timestamp(period.end))]
    amount = open_["amount"].astype(float)
    open_pipeline = amount.sum()
    weighted = (amount * open_["stage"].map(config.current().stages.probability)).sum()
    gross_margin = revenue - cost

    def div(a, b):
        return None if a is None or not b else a / b

    gap = max((revenue_target or 0) - revenue, 0) if revenue_target is not None else None
    return {
        "revenue": revenue, "cost": cost, "gross_margin": gross_margin,
        "gm_pct": div(gross_margin, revenue),
        "revenue_target": revenue_target, "margin_target": margin_target,
        "revenue_attainment": div(revenue, revenue_target),
        "margin_attainment": div(gross_margin, margin_target),
        "yoy_growth": None if not prior_revenue else revenue / prior_revenue - 1,
        "weighted_pipeline": weighted, "forecast": revenue + weighted,
        "coverage": div(open_pipeline, gap),
    }


def _run_worker(*args: str) -> dict:
    command = [sys.executable, "-m", "bench.run", "--worker", *args]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"worker {' '.join(args)} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------- driver

def measure(size: int, generation: dict) -> dict:
    data_dir = str(BENCH_DATA / f"orders_{size}")
    print(f"\n== {size:,} order lines ==", flush=True)
    validation = _run_worker("first", data_dir)
    print(f"first validation of {validation['snapshots']} snapshots "
          f"{validation['first_validation_ms'] / 1000:.1f} s (peak RSS "
          f"{validation['peak_rss_mib']:.0f} MiB)", flush=True)
    app = _run_worker("app", data_dir)
    print(f"app start {app['startup_validation_ms']:.0f} ms, app peak RSS "
          f"{app['peak_rss_mib']:.0f} MiB", flush=True)
    pages = {}
    for page in PAGES:
        runs = [_run_worker("page", data_dir, page, str(WARM_RUNS if i == 0 else 0))
                for i in range(COLD_RUNS)]
        first = runs[0]
        pages[page] = {
            "cold_ms": statistics.median(r["cold_ms"] for r in runs),
            "cold_runs_ms": [r["cold_ms"] for r in runs],
            "warm_ms": first["warm_ms"],
            "cold_calls_ms": first["cold_calls_ms"],
            "warm_calls_ms": first["warm_calls_ms"],
            "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        }
        print(f"  {page:<10} cold {pages[page]['cold_ms']:7.0f} ms  warm "
              f"{pages[page]['warm_ms']:6.0f} ms", flush=True)
    pandas = _run_worker("pandas", data_dir, "3")
    pandas["ratio_vs_warm"] = pandas["naive_ms"] / pandas["duckdb_warm_ms"]
    pandas["ratio_vs_cold"] = pandas["naive_ms"] / pandas["duckdb_cold_ms"]
    print(f"  naive pandas KPIs {pandas['naive_ms']:.0f} ms vs dashboard.kpis "
          f"{pandas['duckdb_warm_ms']:.0f} ms warm → {pandas['ratio_vs_warm']:.0f}×"
          + (f"  MISMATCH {pandas['mismatch']}" if pandas["mismatch"] else ""), flush=True)
    return {"orders": size, "generation": generation, "first": validation, "app": app,
            "pages": pages, "pandas": pandas}


def table(results: list[dict]) -> str:
    head = ["page"] + [f"{r['orders'] // 1_000_000}M {kind}" for r in results
                       for kind in ("cold ms", "warm ms")]
    rows = [head, ["---"] * len(head)]
    for page in PAGES:
        row = [page]
        for r in results:
            p = r["pages"][page]
            row += [f"{p['cold_ms']:,.0f}", f"{p['warm_ms']:,.0f}"]
        rows.append(row)
    extra = [
        ("first validation, all snapshots (ms, once per snapshot)",
         lambda r: f"{r['first']['first_validation_ms']:,.0f}"),
        ("app start: discover reads the records (ms)",
         lambda r: f"{r['app']['startup_validation_ms']:,.0f}"),
        ("app process peak RSS (MiB)", lambda r: f"{r['app']['peak_rss_mib']:,.0f}"),
        ("naive pandas KPIs (ms)", lambda r: f"{r['pandas']['naive_ms']:,.0f}"),
        ("dashboard.kpis warm / cold (ms)",
         lambda r: f"{r['pandas']['duckdb_warm_ms']:,.0f} / {r['pandas']['duckdb_cold_ms']:,.0f}"),
        ("pandas ÷ DuckDB (warm)", lambda r: f"{r['pandas']['ratio_vs_warm']:,.0f}×"),
        ("generation (s, peak RSS MiB)",
         lambda r: f"{r['generation']['seconds']} s, {r['generation']['peak_rss_mib']:,}"),
    ]
    for label, cell in extra:
        row = [label]
        for r in results:
            row += [cell(r), ""]
        rows.append(row)
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        help="order lines per dataset (default: 1M and 10M)")
    args = parser.parse_args(argv)
    if args.worker:
        kind, data_dir, *rest = args.worker
        if kind == "page":
            out = worker_page(Path(data_dir), rest[0], int(rest[1]))
        elif kind == "first":
            out = worker_first_validation(Path(data_dir))
        elif kind == "app":
            out = worker_app(Path(data_dir))
        elif kind == "pandas":
            out = worker_pandas(Path(data_dir), int(rest[0]))
        else:
            raise SystemExit(f"unknown worker {kind}")
        print(json.dumps(out, default=str))
        return 0
    started = time.perf_counter()
    results = [measure(size, ensure_data(size)) for size in args.sizes]
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
               "duckdb": __import__("duckdb").__version__,
               "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    RESULTS.write_text(json.dumps({"machine": machine, "targets": TARGETS, "results": results},
                                  indent=2, default=str))
    print("\n" + table(results))
    print(f"\nwrote {RESULTS.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
