"""Tables of the Data page: translated headers, formatted values, status colours (display only)."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from pages.ui import fmt
from pages.ui.i18n import t
from pages.ui.tables import BAD_BG, GOOD_BG

WARN_BG = "background-color: #fff8e1; color: #e65100"


def _status(row: pd.Series, lang: str) -> str:
    if not row["valid"]:
        return t("data.status.invalid", lang)
    return t("data.status.served" if row["served"] else "data.status.valid", lang)


def snapshots(frame: pd.DataFrame, lang: str) -> Styler:
    """Every snapshot with its status (red when invalid) and its first validation error."""
    status_col = t("data.col.status", lang)
    shown = pd.DataFrame({
        t("data.col.snapshot", lang): frame["snapshot_id"],
        t("data.col.as_of", lang): frame["as_of"].map(lambda d: str(d) if pd.notna(d) else ""),
        status_col: frame.apply(lambda row: _status(row, lang), axis=1),
        t("data.col.errors", lang): frame["errors"],
        t("data.col.first_error", lang): frame["first_error"].fillna(""),
    }).reset_index(drop=True)
    valid = frame["valid"].reset_index(drop=True)

    def colour(column: pd.Series) -> list[str]:
        return [GOOD_BG if ok else BAD_BG for ok in valid]

    return shown.style.apply(colour, subset=[status_col]).hide(axis="index")


def row_counts(frame: pd.DataFrame, lang: str) -> Styler:
    """Rows of each table (rows) in each snapshot (columns, newest first)."""
    snapshots = [c for c in frame.columns if c != "table"]
    shown = frame.assign(table=frame["table"].map(lambda n: t(f"data.table.{n}", lang))).rename(
        columns={"table": t("data.col.table", lang)})
    # An unreadable table is null: the page shows it with st.dataframe's placeholder "—".
    return shown.style.format("{:,}", subset=snapshots, na_rep="—").hide(axis="index")


def errors(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("data.col.snapshot", lang): frame["snapshot_id"],
        t("data.col.as_of", lang): frame["as_of"].map(lambda d: str(d) if pd.notna(d) else ""),
        t("data.col.error", lang): frame["error"],
    })


def checks(frame: pd.DataFrame, lang: str) -> Styler:
    """The data-quality checks: rows flagged red for errors, amber for warnings, green when
    clean."""
    problems_col = t("data.col.problems", lang)
    shown = pd.DataFrame({
        t("data.col.check", lang): frame["check"].map(lambda c: t(f"data.check.{c}", lang)),
        t("data.col.detail", lang): frame["detail"],
        t("data.col.table", lang): frame["table"].map(lambda n: t(f"data.table.{n}", lang)),
        t("data.col.severity", lang): frame["severity"].map(
            lambda s: t(f"data.severity.{s}", lang)),
        problems_col: frame["problems"],
        t("data.col.checked", lang): frame["checked"],
        t("data.col.share", lang): frame["share"],
    }).reset_index(drop=True)
    severity = frame["severity"].reset_index(drop=True)

    def colour(column: pd.Series) -> list[str]:
        return [GOOD_BG if n == 0 else BAD_BG if severity[i] == "error" else WARN_BG
                for i, n in enumerate(column)]

    return (shown.style.apply(colour, subset=[problems_col])
            .format({problems_col: "{:,}", t("data.col.checked", lang): "{:,}",
                     t("data.col.share", lang): lambda v: fmt.pct(v, lang, 2)})
            .hide(axis="index"))


def key_orders(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.order_date", lang): fmt.dates(frame["order_date"]),
        t("col.order", lang): frame["order_id"],
        t("col.customer", lang): frame["customer"],
        t("col.region", lang): frame["region_id"].map(region_name),
        t("col.rep", lang): frame["rep"],
        t("data.col.lines", lang): frame["lines"],
        t("col.amount", lang): frame["revenue"].map(lambda v: fmt.money(v, lang)),
    })


def ownerless(frame: pd.DataFrame, lang: str, region_name, industry_name) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.customer", lang): frame["name"],
        t("col.region", lang): frame["region_id"].map(region_name),
        t("customers.col.industry", lang): frame["industry_id"].map(industry_name),
        t("data.col.owner_id", lang): frame["owner_rep_id"].fillna("—"),
        t("col.owner", lang): frame["owner"].fillna("—"),
        t("data.col.reason", lang): frame["reason"].map(lambda r: t(f"data.reason.{r}", lang)),
    })


def enables(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What this data enables: each group of metrics, available or not and why."""
    return pd.DataFrame({
        t("data.enables.what", lang): frame["group"].map(lambda g: t(f"availability.{g}", lang)),
        t("data.enables.status", lang): [
            t("data.enables.yes", lang) if ok else t("data.enables.no", lang, tables=missing)
            for ok, missing in zip(frame["available"], frame["missing"])],
    })
