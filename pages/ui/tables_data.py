"""Tables of the Data page: columns, kinds and status colours (``pages.ui.grid`` draws them)."""

from __future__ import annotations

import pandas as pd

from pages.ui.grid import Col, Table, table
from pages.ui.i18n import t
from pages.ui.tables import BAD_BG, GOOD_BG

WARN_BG = "background-color: #fff8e1; color: #e65100"


def _status(row: pd.Series, lang: str) -> str:
    if not row["valid"]:
        return t("data.status.invalid", lang)
    return t("data.status.served" if row["served"] else "data.status.valid", lang)


def snapshots(frame: pd.DataFrame, lang: str) -> Table:
    """Every snapshot with its status (red when invalid) and its first validation error."""
    status_col = t("data.col.status", lang)
    return table([
        Col(t("data.col.snapshot", lang), frame["snapshot_id"]),
        Col(t("data.col.as_of", lang), frame["as_of"], "date"),
        Col(status_col, [_status(row, lang) for _, row in frame.iterrows()]),
        Col(t("data.col.errors", lang), frame["errors"], "count"),
        Col(t("data.col.first_error", lang), frame["first_error"], width="large"),
    ], {status_col: [GOOD_BG if ok else BAD_BG for ok in frame["valid"]]})


def row_counts(frame: pd.DataFrame, lang: str) -> Table:
    """Rows of each table (rows) in each snapshot (columns, newest first); an unreadable table
    is null (the n/a placeholder)."""
    snapshots = [c for c in frame.columns if c != "table"]
    return table([Col(t("data.col.table", lang),
                      frame["table"].map(lambda n: t(f"data.table.{n}", lang))),
                  *(Col(s, frame[s], "count") for s in snapshots)])


def errors(frame: pd.DataFrame, lang: str) -> Table:
    return table([
        Col(t("data.col.snapshot", lang), frame["snapshot_id"]),
        Col(t("data.col.as_of", lang), frame["as_of"], "date"),
        Col(t("data.col.error", lang), frame["error"], width="large"),
    ])


def checks(frame: pd.DataFrame, lang: str) -> Table:
    """The data-quality checks: problems red for errors, amber for warnings, green when
    clean."""
    problems_col = t("data.col.problems", lang)
    return table([
        Col(t("data.col.check", lang), frame["check"].map(lambda c: t(f"data.check.{c}", lang)),
            width="medium"),
        Col(problems_col, frame["problems"], "count"),
        Col(t("data.col.share", lang), frame["share"], "pct"),
        Col(t("data.col.severity", lang), frame["severity"].map(
            lambda s: t(f"data.severity.{s}", lang))),
        Col(t("data.col.checked", lang), frame["checked"], "count"),
        Col(t("data.col.table", lang), frame["table"].map(lambda n: t(f"data.table.{n}", lang))),
        Col(t("data.col.detail", lang), frame["detail"], width="large"),
    ], {problems_col: [GOOD_BG if n == 0 else BAD_BG if sev == "error" else WARN_BG
                       for n, sev in zip(frame["problems"], frame["severity"])]})


def key_orders(frame: pd.DataFrame, lang: str, region_name) -> Table:
    return table([
        Col(t("col.order", lang), frame["order_id"]),
        Col(t("col.amount", lang), frame["revenue"], "money"),
        Col(t("col.order_date", lang), frame["order_date"], "date"),
        Col(t("data.col.lines", lang), frame["lines"], "count"),
        Col(t("col.customer", lang), frame["customer"]),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
        Col(t("col.rep", lang), frame["rep"]),
    ])


def ownerless(frame: pd.DataFrame, lang: str, region_name, industry_name) -> Table:
    return table([
        Col(t("col.customer", lang), frame["name"]),
        Col(t("data.col.reason", lang), frame["reason"].map(lambda r: t(f"data.reason.{r}",
                                                                        lang))),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
        Col(t("customers.col.industry", lang), frame["industry_id"].map(industry_name)),
        Col(t("data.col.owner_id", lang), frame["owner_rep_id"]),
        Col(t("col.owner", lang), frame["owner"]),
    ])


def enables(frame: pd.DataFrame, lang: str) -> Table:
    """What this data enables: each group of metrics, available or not and why."""
    return table([
        Col(t("data.enables.what", lang), frame["group"].map(
            lambda g: t(f"availability.{g}", lang))),
        Col(t("data.enables.status", lang), [
            t("data.enables.yes", lang) if ok else t("data.enables.no", lang, tables=missing)
            for ok, missing in zip(frame["available"], frame["missing"])], width="large"),
    ])
