"""Forecast accuracy (SPEC §10.3): how well each week's forecast foresaw the period's revenue.

For the selected period and every stored snapshot S whose as_of lies in it:

- forecast_S = the §5.1 forecast (revenue to date + weighted pipeline) computed on S, as of S;
- actual = the period's revenue on the served snapshot (final once the period has ended);
- error_S = forecast_S ÷ actual − 1; null when actual is null or 0, or forecast_S is null.

Only snapshots no newer than the served one count: a later week's forecast is not compared with
an earlier actual. The view's filters apply to every snapshot alike. A missing input is null,
never 0 (SPEC §9): without order lines the actual (and a snapshot's forecast) is null, without
opportunities a snapshot's forecast is.

The cursor is one of ``SnapshotDatabase.cursor(served, also=(S, …))``: every snapshot compared is
attached as its own schema (``data.store.schema_name``). Each forecast is the dashboard's own
``kpis`` with the cursor's search path switched to S's schema for the call, then switched back to
the served one, whatever happens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import duckdb
import pandas as pd

from data.store import SnapshotInfo, schema_name
from metrics import dashboard
from metrics.view import View

COLUMNS = ("snapshot_id", "as_of", "forecast", "actual", "error")
REGION_COLUMNS = ("snapshot_id", "as_of", "region_id", "forecast", "actual", "error")
REPORT_KEYS = COLUMNS


def snapshots_in(view: View, infos: Iterable[SnapshotInfo]) -> tuple[tuple[str, dt.date], ...]:
    """The valid snapshots whose as_of lies in the view's period and is on or before the served
    snapshot's, oldest first, as ``(snapshot_id, as_of)``: the weeks §10.3 compares."""
    return tuple(sorted(((info.snapshot_id, info.as_of) for info in infos
                         if info.valid and info.as_of is not None
                         and _counts(view, info.as_of)),
                        key=lambda pair: (pair[1], pair[0])))


def _counts(view: View, as_of: dt.date) -> bool:
    return view.period.start <= as_of <= view.period.end and as_of <= view.as_of


def forecast_accuracy(con: duckdb.DuckDBPyConnection, view: View,
                      snapshots: tuple[tuple[str, dt.date], ...],
                      by_region: bool = False) -> pd.DataFrame:
    """SPEC §10.3: per snapshot S of ``snapshots`` whose as_of lies in the period and is on or
    before the served as_of, forecast_S (§5.1 on S), the served snapshot's actual revenue and
    error_S = forecast_S ÷ actual − 1.

    Columns ``snapshot_id, as_of`` (a date), ``forecast, actual, error`` (NaN when null), by
    as_of. National (within the view's filters) rows have no ``region_id`` column; with
    ``by_region`` there is one row per snapshot and region (the regions of either snapshot's
    regional report, a region one of them does not list having a null forecast or actual),
    ordered by as_of, then region_id."""
    return overview(con, view, snapshots)["by_region" if by_region else "national"]


def overview(con: duckdb.DuckDBPyConnection, view: View,
             snapshots: tuple[tuple[str, dt.date], ...]) -> dict[str, pd.DataFrame]:
    """``forecast_accuracy`` national (``national``) and by region (``by_region``), each
    snapshot's forecasts in total and by region from the same scans; and the served snapshot's
    KPIs and regional report (``served``: ``dashboard.kpis_and_regions``), for the page that
    shows them as well."""
    view = dataclasses.replace(view, compare=None)
    weeks = sorted({(sid, as_of) for sid, as_of in snapshots if _counts(view, as_of)},
                   key=lambda pair: (pair[1], pair[0]))
    served = dashboard.kpis_and_regions(con, view)
    actual = served["kpis"]["revenue"]
    actual_by_region = served["regional_report"].set_index("region_id")["revenue"]
    national, by_region = [], []
    for snapshot_id, as_of in weeks:
        numbers = (served if snapshot_id == view.snapshot_id else
                   _on_snapshot(con, view, snapshot_id, as_of, dashboard.forecasts))
        forecast = numbers["kpis"]["forecast"]
        national.append({"snapshot_id": snapshot_id, "as_of": as_of, "forecast": forecast,
                         "actual": actual, "error": _error(forecast, actual)})
        forecast_by_region = numbers["regional_report"].set_index("region_id")["forecast"]
        for region_id in sorted(set(forecast_by_region.index) | set(actual_by_region.index)):
            f = _value(forecast_by_region.get(region_id))
            a = _value(actual_by_region.get(region_id))
            by_region.append({"snapshot_id": snapshot_id, "as_of": as_of, "region_id": region_id,
                              "forecast": f, "actual": a, "error": _error(f, a)})
    return {"national": _frame(national, COLUMNS), "by_region": _frame(by_region, REGION_COLUMNS),
            "served": served}


def _on_snapshot(con, view: View, snapshot_id: str, as_of: dt.date, metric):
    """``metric(con, view as of the snapshot)`` read from the snapshot's schema; the cursor's
    search path is the served snapshot's again afterwards, also when the metric fails."""
    # SET takes no bound parameters; schema_name allow-lists the ISO week id.
    schema = schema_name(snapshot_id, view.scope)
    served = schema_name(view.snapshot_id, view.scope)
    try:
        con.execute("SET search_path = '" + schema + "'")
    except duckdb.CatalogException:  # the search path is unchanged
        raise ValueError(f"snapshot {snapshot_id} is not attached to this cursor: pass it to "
                         f"SnapshotDatabase.cursor(…, also=…)") from None
    try:
        return metric(con, dataclasses.replace(view, snapshot_id=snapshot_id, as_of=as_of))
    finally:
        con.execute("SET search_path = '" + served + "'")


def _value(value) -> float | None:
    """A number, or None for a missing one (None, NaN, NA)."""
    return None if value is None or pd.isna(value) else float(value)


def _error(forecast, actual) -> float | None:
    forecast, actual = _value(forecast), _value(actual)
    if forecast is None or actual is None or actual == 0:
        return None
    return forecast / actual - 1


def _frame(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in ("forecast", "actual", "error"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def report_forecast_accuracy(con: duckdb.DuckDBPyConnection, view: View,
                             snapshots: tuple[tuple[str, dt.date], ...]) -> list[dict]:
    """SPEC §7 ``forecast_accuracy``: one object per snapshot in the period, oldest first:
    snapshot_id, as_of (YYYY-MM-DD), forecast, actual, error (null when not available)."""
    frame = forecast_accuracy(con, view, snapshots)
    return [{"snapshot_id": row["snapshot_id"], "as_of": row["as_of"].isoformat(),
             **{key: _value(row[key]) for key in ("forecast", "actual", "error")}}
            for row in frame.to_dict("records")]
