"""Tables of the dashboard, pipeline and region review: which columns, in which order, of which
kind, and which cells are coloured. Values come from metrics/; ``pages.ui.grid`` draws them
(numbers stay numbers, formatted in the data's currency)."""

from __future__ import annotations

import math

import pandas as pd

from pages.ui import vocab
from pages.ui.grid import Col, Table, table
from pages.ui.i18n import t

GOOD_BG = "background-color: #e8f5e9; color: #1b5e20"
BAD_BG = "background-color: #ffebee; color: #b71c1c"


def pace_colours(on_track) -> list[str]:
    """Green on pace, red behind, nothing where pace does not apply."""
    return [GOOD_BG if ok is True else BAD_BG if ok is False else "" for ok in on_track]


def below_colours(values, floor) -> list[str]:
    """Red where a value is below ``floor`` (nothing without a floor or a value)."""
    return [BAD_BG if pd.notna(v) and floor is not None and v < floor else "" for v in values]


def review(frame: pd.DataFrame, lang: str, label, national_gm_pct, level: str) -> Table:
    """The weekly regional report at one review level (metrics.dashboard.review_table): the
    level's name (``label(row)``), revenue against target, margin against margin target, gm_pct,
    YoY, weighted pipeline and coverage. Attainment green on pace / red behind, gm_pct red below
    the national gm_pct, YoY red when negative; coverage is empty where the target is met."""
    on_track = list(frame["on_track"].astype(object).where(frame["on_track"].notna(), None))
    met = frame["target_met"].fillna(False).astype(bool)
    columns = [
        Col(t(f"review.level.{level}", lang), [label(row) for row in frame.itertuples()]),
        Col(t("col.revenue", lang), frame["revenue"], "money"),
        Col(t("col.revenue_target", lang), frame["revenue_target"], "money"),
        Col(t("col.revenue_attainment", lang), frame["revenue_attainment"], "pct"),
        Col(t("pl.margin_attainment", lang), frame["margin_attainment"], "pct"),
        Col(t("col.gm_pct", lang), frame["gm_pct"], "pct"),
        Col(t("col.week_revenue", lang), frame["week_revenue"], "money"),
        Col(t("col.gross_margin", lang), frame["gross_margin"], "money"),
        Col(t("pl.margin_target", lang), frame["margin_target"], "money"),
        Col(t("col.yoy_growth", lang), frame["yoy_growth"], "pct"),
        Col(t("col.weighted_pipeline", lang), frame["weighted_pipeline"], "money"),
        Col(t("col.coverage", lang), frame["coverage"].where(~met), "ratio",
            help=t("col.coverage.help", lang)),
    ]
    return table(columns, {
        t("col.revenue_attainment", lang): pace_colours(on_track),
        t("col.gm_pct", lang): below_colours(frame["gm_pct"], national_gm_pct),
        t("col.yoy_growth", lang): below_colours(frame["yoy_growth"], 0),
    })


def key_opportunities(frame: pd.DataFrame, lang: str, region_name) -> Table:
    """Open deals of at least the key-deal size, largest first: amount, weighted and close date
    before the descriptive columns."""
    return table([
        Col(t("col.opportunity", lang), frame["name"], width="medium"),
        Col(t("col.amount", lang), frame["amount"], "money"),
        Col(t("col.weighted_amount", lang), frame["weighted_amount"], "money"),
        Col(t("col.expected_close_date", lang), frame["expected_close_date"], "date"),
        Col(t("col.past_due", lang), frame["past_due"].map(
            lambda v: t("keyopps.overdue", lang) if v else "")),
        Col(t("col.stage", lang), vocab.stages(frame["stage"], lang)),
        Col(t("col.customer", lang), frame["customer"]),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
        Col(t("col.rep", lang), frame["rep"]),
        Col(t("col.days_since_activity", lang), frame["days_since_activity"], "count"),
    ])


def order_line_money(frame: pd.DataFrame, lang: str) -> list[Col]:
    """The first columns of any list of order lines: order/line, date, amount, margin, gm_pct."""
    return [
        Col(t("col.order", lang), frame["order_id"] + "/" + frame["line_no"].astype(str)),
        Col(t("col.order_date", lang), frame["order_date"], "date"),
        Col(t("col.amount", lang), frame["revenue"], "money"),
        Col(t("col.gross_margin", lang), frame["gross_margin"], "money"),
        Col(t("col.gm_pct", lang), frame["gm_pct"], "pct"),
    ]


def order_flow(frame: pd.DataFrame, lang: str, region_name) -> Table:
    """The newest order lines: date, amount, margin, gm_pct and the special-price star first."""
    return table([
        *order_line_money(frame, lang),
        Col(t("col.special_price", lang), frame["special_price"].map(
            lambda v: "★" if v is True else ""), width="small"),
        Col(t("col.customer", lang), frame["customer"]),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
        Col(t("col.product_line", lang), frame["product_line"].map(
            lambda pl: vocab.product_line(pl, lang))),
        Col(t("col.product", lang), frame["product"]),
        Col(t("col.rep", lang), frame["rep"]),
    ])


def deals(frame: pd.DataFrame, lang: str, region_name, emphasis: str) -> Table:
    """Stale or past-due deals (in the order given: money at risk first) with the days that make
    them so, then amount, owner and the rest."""
    columns = [Col(t("col.opportunity", lang), frame["name"], width="medium"),
               Col(t("col.amount", lang), frame["amount"], "money")]
    if emphasis == "past_due":
        columns.append(Col(t("col.days_past_due", lang), frame["days_past_due"], "count"))
    else:
        columns += [Col(t("col.days_since_activity", lang), frame["days_since_activity"],
                        "count"),
                    Col(t("col.days_in_stage", lang), frame["days_in_stage"], "count")]
    columns += [
        Col(t("col.owner", lang), frame["rep"]),
        Col(t("col.stage", lang), vocab.stages(frame["stage"], lang)),
        Col(t("col.expected_close_date", lang), frame["expected_close_date"], "date"),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
        Col(t("col.customer", lang), frame["customer"]),
    ]
    return table(columns)


def slipped(frame: pd.DataFrame, lang: str, region_name) -> Table:
    """Deals pushed out of the period since the comparison snapshot, with the owner's name."""
    owner = [name if isinstance(name, str) and name.strip() else rep
             for name, rep in zip(frame["rep"], frame["rep_id"])]
    return table([
        Col(t("col.opportunity", lang), frame["name"], width="medium"),
        Col(t("col.amount", lang), frame["amount_0"], "money"),
        Col(t("col.new_close_date", lang), frame["expected_close_1"], "date"),
        Col(t("col.owner", lang), owner),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
    ])


def product_lines(frame: pd.DataFrame, lang: str) -> Table:
    """The product-line table (SPEC §10.1): target, actual and attainment of revenue and margin
    per line and in total, as the weekly pack shows it."""
    return table([
        Col(t("col.product_line", lang), frame["product_line"].map(
            lambda pl: t("pl.total", lang) if pl == "total" else vocab.product_line(pl, lang))),
        Col(t("pl.revenue_target", lang), frame["revenue_target"], "money"),
        Col(t("pl.revenue", lang), frame["revenue"], "money"),
        Col(t("pl.revenue_attainment", lang), frame["revenue_attainment"], "pct"),
        Col(t("pl.margin_target", lang), frame["margin_target"], "money"),
        Col(t("pl.gross_margin", lang), frame["gross_margin"], "money"),
        Col(t("pl.margin_attainment", lang), frame["margin_attainment"], "pct"),
        Col(t("col.gm_pct", lang), frame["gm_pct"], "pct"),
    ])


def funnel_calculator(frame: pd.DataFrame, lang: str) -> Table:
    """Deals needed per stage (metrics.pipeline.funnel_calculator), rounded up to whole deals."""
    needed = frame["needed"].map(lambda v: None if pd.isna(v) else math.ceil(v - 1e-9))
    return table([
        Col(t("col.stage", lang), vocab.stages(frame["stage"], lang)),
        Col(t("calc.col.conversion", lang), frame["conversion_to_next"], "pct"),
        Col(t("calc.col.needed", lang), needed, "count"),
    ])


def accuracy_by_region(frame: pd.DataFrame, lang: str, region_name) -> Table:
    """Forecast error per region (rows) and stored week (columns)."""
    errors = frame.pivot(index="region_id", columns="snapshot_id", values="error")
    return table([Col(t("col.region", lang), [region_name(r) for r in errors.index]),
                  *(Col(week, errors[week], "pct") for week in errors.columns)])


def scorecard_dimensions(row: pd.Series, dimensions, lang: str) -> Table:
    """One region's scorecard dimensions (0–100) from its scorecard row."""
    return table([Col(t("col.dimension", lang), [t(f"dim.{d}", lang) for d in dimensions]),
                  Col(t("col.score", lang), [row[d] for d in dimensions], "score")])
