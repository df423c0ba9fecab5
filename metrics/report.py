"""Headless report (SPEC §7): the same numbers as the pages, without the UI.

    python -m metrics.report --data-dir DIR [--snapshot ID|latest] --section SECTION --period P
        [--region ID]… [--industry ID]… [--product-line PL]… [--compare ID]
        [--format json|csv|markdown]

Money as plain numbers, ratios as fractions, missing values as null. Bad arguments: a one-line
error on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import sys
from pathlib import Path

import pandas as pd

from data import config
from data.config import ConfigError
from data.schema import CHANNELS
from data.store import (SnapshotDatabase, data_dir_from_env, discover, newest_valid,
                        previous_valid)
from metrics import alerts, customers, dashboard, pipeline, scorecard
from metrics.periods import default_period, parse_period
from metrics.view import View


class UsageError(Exception):
    """A bad argument: reported on one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of argparse's usage block
        raise UsageError(message)


def _section_dashboard(con, view: View):
    k = dashboard.kpis(con, view)
    return {key: k[key] for key in dashboard.DASHBOARD_KEYS}


def _section_regional_report(con, view: View):
    frame = dashboard.regional_report(con, view)
    columns = ["region_id", *dashboard.DASHBOARD_KEYS, "week_revenue", "on_track"]
    return _records(frame[columns])


def _section_pipeline(con, view: View):
    funnel = pipeline.funnel(con, view)
    wins = pipeline.win_rate(con, view)
    undated = pipeline.undated_open(con, view)
    return {
        "funnel": _records(funnel[["stage", "count", "amount", "weighted_amount"]]),
        "undated_open_count": undated["count"],
        "undated_open_amount": undated["amount"],
        "win_rate_count": wins["win_rate_count"],
        "win_rate_amount": wins["win_rate_amount"],
        "median_cycle_days": wins["median_cycle_days"],
        "stale": list(pipeline.stale_deals(con, view)["opportunity_id"]),
        "past_due": list(pipeline.past_due_deals(con, view)["opportunity_id"]),
    }


SECTIONS = {
    "dashboard": _section_dashboard,
    "regional_report": _section_regional_report,
    "pipeline": _section_pipeline,
    "pipeline_movement": pipeline.movement,
    "scorecard": scorecard.report_scorecard,
    "alerts": alerts.report_alerts,
    "customers": customers.report_customers,
    "snapshots": None,  # needs no snapshot connection
}


def _parser() -> _Parser:
    p = _Parser(prog="python -m metrics.report", description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", type=Path, default=None)
    p.add_argument("--snapshot", default="latest")
    p.add_argument("--section", required=True, choices=sorted(SECTIONS))
    p.add_argument("--period", default=None)
    p.add_argument("--region", action="append", default=[])
    p.add_argument("--industry", action="append", default=[])
    p.add_argument("--product-line", action="append", default=[])
    p.add_argument("--channel", default=None, choices=CHANNELS)
    p.add_argument("--compare", default=None)
    p.add_argument("--format", default="json", choices=("json", "csv", "markdown"))
    return p


def run(argv: list[str]) -> tuple[object, str]:
    """Parse arguments and compute the section's result (JSON-ready) and the output format."""
    args = _parser().parse_args(argv)
    return _compute(args), args.format


def _compute(args: argparse.Namespace) -> object:
    data_dir = args.data_dir or data_dir_from_env()
    config.use_data_dir(data_dir)
    config.current()  # an unusable configuration stops here, with its file and key
    infos = discover(data_dir)
    if args.section == "snapshots":
        return [{"snapshot_id": i.snapshot_id,
                 "as_of": i.as_of.isoformat() if i.as_of else None,
                 "valid": i.valid, "errors": list(i.errors)} for i in infos]
    info = _pick_snapshot(infos, args.snapshot, data_dir)
    try:
        period = parse_period(args.period) if args.period else default_period(info.as_of)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None
    compare = None
    if args.section == "pipeline_movement":
        compare = (_pick_snapshot(infos, args.compare, data_dir, flag="--compare") if args.compare
                   else previous_valid(infos, info))
        if compare is None:
            raise UsageError(f"--compare: no snapshot older than {info.snapshot_id} to compare with")
    db = SnapshotDatabase()
    try:
        con = db.cursor(info, also=(compare,) if compare else ())
        dims = dashboard.dimensions(con)
        _check_known("--region", args.region, dims["regions"]["region_id"])
        _check_known("--industry", args.industry, dims["industries"]["industry_id"])
        _check_known("--product-line", args.product_line, dims["product_lines"]["product_line"])
        view = View(info.snapshot_id, info.as_of, period, tuple(args.region),
                    tuple(args.industry), tuple(args.product_line), args.channel,
                    compare=compare.snapshot_id if compare else None)
        return SECTIONS[args.section](con, view)
    finally:
        db.close()


def _pick_snapshot(infos, requested: str, data_dir: Path, flag: str = "--snapshot"):
    if requested == "latest":
        info = newest_valid(infos)
        if info is None:
            raise UsageError(f"no valid snapshot in {data_dir}")
        return info
    info = next((i for i in infos if i.snapshot_id == requested), None)
    if info is None:
        raise UsageError(f"{flag}: {requested!r} not found in {data_dir}")
    if not info.valid:
        raise UsageError(f"{flag}: {requested} is invalid: {info.errors[0]}")
    return info


def _check_known(flag: str, values: list[str], known: pd.Series) -> None:
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise UsageError(f"{flag}: unknown {', '.join(unknown)}")


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def render(result: object, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2)
    rows = result if isinstance(result, list) else [result]
    rows = [{k: (json.dumps(v) if isinstance(v, list) else v) for k, v in r.items()} for r in rows]
    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    cell = lambda v: "" if v is None else str(v)  # noqa: E731
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        result, fmt = run(argv)
        print(render(result, fmt))
    except (UsageError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
