"""Tables and exports of the margin alerts page.

Each table is built from ``pages.ui.grid`` columns (translated headers and raw values — money as
numbers, ratios as fractions, gaps in points); a download is the same table built over all the
rows (the alert table shows the largest ``export.SCREEN_ROWS`` on screen). Only display decisions
live here.
"""

from __future__ import annotations


import pandas as pd

from pages.ui import fmt
from pages.ui import vocab
from pages.ui.grid import Col, Table, table
from pages.ui.i18n import t
from pages.ui.tables import BAD_BG, order_line_money

WARNING_BG = "background-color: #fff8e1; color: #8d6e00"


def line_label(product_line: str, lang: str) -> str:
    """A product line's display name (``vocab.product_line``)."""
    return vocab.product_line(product_line, lang)


def entity_labels(frame: pd.DataFrame, lang: str, region_name) -> pd.Series:
    """What each alert is about, in the page's language: the customer · product of an order
    line, the region, region · product line, or the deal's name."""
    def label(row) -> str:
        if row["entity_type"] == "region":
            return region_name(row["region_id"])
        if row["entity_type"] == "region_product_line":
            return f"{region_name(row['region_id'])} · {line_label(row['product_line'], lang)}"
        return row["entity_name"]
    return frame.apply(label, axis=1) if len(frame) else pd.Series([], dtype=object)


# ------------------------------------------------------------------------------------ alerts

def alerts(frame: pd.DataFrame, lang: str, region_name) -> Table:
    """The alert table, one row per alert in the frame's order (largest at stake first):
    critical red, warning amber. The owner's rep_id is in the download, not on screen."""
    critical = [s == "critical" for s in frame["severity"]]
    return table([
        Col(t("alerts.col.severity", lang), frame["severity"].map(
            lambda s: t(f"alerts.severity.{s}", lang)), width="small"),
        Col(t("alerts.col.rule", lang), frame["rule"].map(lambda r: t(f"alerts.rule.{r}", lang))),
        Col(t("alerts.col.entity", lang), entity_labels(frame, lang, region_name).to_numpy(),
            width="medium"),
        Col(t("alerts.col.at_stake", lang), frame["at_stake"], "money"),
        Col(t("alerts.col.value", lang), frame["value"], "pct"),
        Col(t("alerts.col.threshold", lang), frame["threshold"], "pct"),
        Col(t("alerts.col.gap", lang), frame["gap"] * 100, "score"),
        Col(t("alerts.col.owner", lang), frame["owner_name"]),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
        Col(t("alerts.col.entity_id", lang), frame["entity_id"]),
        Col(t("alerts.col.amount", lang), frame["amount"], "money"),
        Col(t("alerts.col.owner_id", lang), frame["owner_id"], hidden=True),
    ], {t("alerts.col.severity", lang): [BAD_BG if c else WARNING_BG for c in critical]})


# -------------------------------------------------------------------------------- drill-down

def drill_lines(frame: pd.DataFrame, lang: str, region_name) -> Table:
    """Order lines behind an alert, in the frame's order: the margin figures first."""
    return table([
        *order_line_money(frame, lang),
        Col(t("alerts.col.discount", lang), frame["discount_pct"], "pct"),
        Col(t("col.special_price", lang), frame["special_price"], "check", width="small"),
        Col(t("alerts.col.high_margin", lang), frame["high_margin"], "check", width="small"),
        Col(t("col.customer", lang), frame["customer"]),
        Col(t("col.product", lang), frame["product"]),
        Col(t("col.product_line", lang), frame["product_line"].map(lambda pl: line_label(pl,
                                                                                      lang))),
        Col(t("alerts.col.quantity", lang), frame["quantity"], "count"),
        Col(t("alerts.col.cost", lang), frame["cost"], "money"),
        Col(t("col.rep", lang), frame["rep"]),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
    ])


def drill_deal(frame: pd.DataFrame, lang: str, region_name) -> Table:
    """The deal behind an at_risk_deal alert: the margin figures first."""
    return table([
        Col(t("col.opportunity", lang), frame["name"], width="medium"),
        Col(t("alerts.col.expected_margin", lang), frame["expected_margin_pct"], "pct"),
        Col(t("alerts.col.floor", lang), frame["floor"], "pct"),
        Col(t("alerts.col.short", lang), frame["margin_short_of_floor"], "money"),
        Col(t("col.amount", lang), frame["amount"], "money"),
        Col(t("col.stage", lang), vocab.stages(frame["stage"], lang)),
        Col(t("col.expected_close_date", lang), frame["expected_close_date"], "date"),
        Col(t("col.owner", lang), frame["rep"]),
        Col(t("col.customer", lang), frame["customer"]),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
        Col(t("col.product_line", lang), frame["product_line"].map(lambda pl: line_label(pl,
                                                                                      lang))),
        Col(t("alerts.col.entity_id", lang), frame["opportunity_id"]),
    ])


# ------------------------------------------------------------------------------ rules in use

def rules(limits, lang: str, baseline: tuple, key_min: float, product_lines) -> pd.DataFrame:
    """Each rule with its condition at the thresholds in use and how its money is counted.
    ``product_lines``: the lines to state a floor for (those without one say "not checked")."""
    pct = lambda v: fmt.pct(v, lang, 1).replace(".0%", "%")  # noqa: E731
    floors = dict(limits.margin_floor)
    shown = list(dict.fromkeys([*product_lines, *floors]))
    floor_text = " · ".join(
        f"{line_label(pl, lang)} {pct(floors[pl])}" if pl in floors
        else t("alerts.no_floor", lang, line=line_label(pl, lang)) for pl in shown)
    points = f"{limits.margin_erosion_points * 100:g}"
    when = {
        "margin_floor": {"floors": floor_text},
        "deep_discount": {"limit": pct(limits.deep_discount)},
        "special_price_share": {"limit": pct(limits.special_price_share)},
        "margin_erosion": {"points": points, "start": baseline[0], "end": baseline[1]},
        "at_risk_deal": {"min": fmt.money(key_min, lang)},
        "high_margin_mix": {"target": pct(limits.high_margin_mix)},
    }
    return pd.DataFrame({
        t("alerts.col.rule", lang): [t(f"alerts.rule.{r}", lang) for r in when],
        t("alerts.rules.fires", lang): [t(f"alerts.when.{r}", lang, **v) for r, v in when.items()],
        t("alerts.rules.stake", lang): [t(f"alerts.stake.{r}", lang) for r in when],
    })


# ----------------------------------------------------------------------------------- exports
