"""Tables and exports of the margin alerts page.

Each table is built once as a frame with translated headers and raw values (money as numbers,
ratios as fractions, gaps in points); the page shows it styled and exports the very same frame,
so a download holds exactly the rows on screen. Only display decisions live here.
"""

from __future__ import annotations


import pandas as pd
from pandas.io.formats.style import Styler

from pages.ui import fmt
from pages.ui import vocab
from pages.ui.i18n import t
from pages.ui.tables import BAD_BG

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

def alerts(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    """The alert table, one row per alert in the frame's order (largest at stake first)."""
    return pd.DataFrame({
        t("alerts.col.severity", lang): frame["severity"].map(
            lambda s: t(f"alerts.severity.{s}", lang)),
        t("alerts.col.rule", lang): frame["rule"].map(lambda r: t(f"alerts.rule.{r}", lang)),
        t("alerts.col.entity", lang): entity_labels(frame, lang, region_name).to_numpy(),
        t("alerts.col.at_stake", lang): frame["at_stake"],
        t("alerts.col.value", lang): frame["value"],
        t("alerts.col.threshold", lang): frame["threshold"],
        t("alerts.col.gap", lang): frame["gap"] * 100,
        t("alerts.col.owner", lang): frame["owner_name"],
        t("alerts.col.owner_id", lang): frame["owner_id"],
        t("col.region", lang): frame["region_id"].map(region_name),
        t("alerts.col.entity_id", lang): frame["entity_id"],
        t("alerts.col.amount", lang): frame["amount"],
    }).reset_index(drop=True)


def alerts_shown_columns(lang: str) -> list[str]:
    """The alert table's columns on screen (the export also has the owner's rep_id)."""
    return [t(k, lang) for k in (
        "alerts.col.severity", "alerts.col.rule", "alerts.col.entity", "alerts.col.at_stake",
        "alerts.col.value", "alerts.col.threshold", "alerts.col.gap", "alerts.col.owner",
        "col.region", "alerts.col.entity_id", "alerts.col.amount")]


def styled_alerts(table: pd.DataFrame, lang: str) -> Styler:
    """The alert table for the screen: critical red, warning amber; ratios and money formatted."""
    severity = t("alerts.col.severity", lang)
    critical = t("alerts.severity.critical", lang)

    def colour(column: pd.Series) -> list[str]:
        return [BAD_BG if v == critical else WARNING_BG for v in column]

    pct = lambda v: fmt.pct(v, lang, 1)  # noqa: E731
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    return (table.style.apply(colour, subset=[severity])
            .format({t("alerts.col.value", lang): pct, t("alerts.col.threshold", lang): pct,
                     t("alerts.col.gap", lang): lambda v: f"{v:,.1f}",
                     t("alerts.col.at_stake", lang): money, t("alerts.col.amount", lang): money})
            .hide(axis="index"))


# -------------------------------------------------------------------------------- drill-down

def drill_lines(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    """Order lines behind an alert, in the frame's order: the margin figures first."""
    return pd.DataFrame({
        t("col.order_date", lang): fmt.dates(frame["order_date"]),
        t("col.order", lang): frame["order_id"] + "/" + frame["line_no"].astype(str),
        t("col.customer", lang): frame["customer"],
        t("col.product", lang): frame["product"],
        t("col.amount", lang): frame["revenue"],
        t("col.gross_margin", lang): frame["gross_margin"],
        t("col.gm_pct", lang): frame["gm_pct"],
        t("alerts.col.discount", lang): frame["discount_pct"],
        t("col.special_price", lang): frame["special_price"].astype(bool),
        t("alerts.col.high_margin", lang): frame["high_margin"].astype(bool),
        t("col.product_line", lang): frame["product_line"].map(lambda pl: line_label(pl, lang)),
        t("alerts.col.quantity", lang): frame["quantity"],
        t("alerts.col.cost", lang): frame["cost"],
        t("col.rep", lang): frame["rep"],
        t("col.region", lang): frame["region_id"].map(region_name),
    }).reset_index(drop=True)


def styled_lines(table: pd.DataFrame, lang: str) -> Styler:
    """Order lines for the screen (the special-price and high-margin flags show as ticks)."""
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    return (table.style
            .format({t("col.amount", lang): money, t("alerts.col.cost", lang): money,
                     t("col.gross_margin", lang): money,
                     t("col.gm_pct", lang): lambda v: fmt.pct(v, lang, 1),
                     t("alerts.col.discount", lang): lambda v: fmt.pct(v, lang, 1)})
            .hide(axis="index"))


def drill_deal(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    """The deal behind an at_risk_deal alert: the margin figures first."""
    return pd.DataFrame({
        t("col.opportunity", lang): frame["name"],
        t("alerts.col.expected_margin", lang): frame["expected_margin_pct"],
        t("alerts.col.floor", lang): frame["floor"],
        t("alerts.col.short", lang): frame["margin_short_of_floor"],
        t("col.amount", lang): frame["amount"],
        t("col.stage", lang): frame["stage"].map(lambda s: vocab.stage(s, lang)),
        t("col.expected_close_date", lang): fmt.dates(frame["expected_close_date"]),
        t("col.owner", lang): frame["rep"],
        t("col.customer", lang): frame["customer"],
        t("col.region", lang): frame["region_id"].map(region_name),
        t("col.product_line", lang): frame["product_line"].map(lambda pl: line_label(pl, lang)),
        t("alerts.col.entity_id", lang): frame["opportunity_id"],
    }).reset_index(drop=True)


def styled_deal(table: pd.DataFrame, lang: str) -> Styler:
    """The deal for the screen: ratios and money formatted."""
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    pct = lambda v: fmt.pct(v, lang, 1)  # noqa: E731
    return (table.style
            .format({t("col.amount", lang): money, t("alerts.col.short", lang): money,
                     t("alerts.col.expected_margin", lang): pct,
                     t("alerts.col.floor", lang): pct})
            .hide(axis="index"))


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
