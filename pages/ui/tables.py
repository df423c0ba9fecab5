"""Table presentation: translated headers, formatted numbers and conditional colours.

Only display decisions live here (which colour, which format); every value comes from metrics/.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from pages.ui import fmt
from pages.ui import vocab
from pages.ui.i18n import t

GOOD_BG = "background-color: #e8f5e9; color: #1b5e20"
BAD_BG = "background-color: #ffebee; color: #b71c1c"


def review(frame: pd.DataFrame, lang: str, label, national_gm_pct, level: str) -> Styler:
    """The weekly regional report at one review level (metrics.dashboard.review_table): the
    level's name (``label(row)``), revenue against target, margin against margin target, gm_pct,
    YoY, weighted pipeline and coverage. Attainment green on pace / red behind, gm_pct red below
    the national gm_pct, YoY red when negative."""
    shown = pd.DataFrame({
        "name": [label(row) for row in frame.itertuples()],
        "week_revenue": frame["week_revenue"],
        "revenue": frame["revenue"],
        "revenue_target": frame["revenue_target"],
        "revenue_attainment": frame["revenue_attainment"],
        "gross_margin": frame["gross_margin"],
        "margin_target": frame["margin_target"],
        "margin_attainment": frame["margin_attainment"],
        "gm_pct": frame["gm_pct"],
        "yoy_growth": frame["yoy_growth"],
        "weighted_pipeline": frame["weighted_pipeline"],
        "coverage": frame["coverage"],
    })
    on_track = frame["on_track"].reset_index(drop=True)
    met = frame["target_met"].fillna(False).astype(bool).reset_index(drop=True)
    # st.dataframe shows the frame's own column names, so translate them before styling.
    col = {c: t(f"col.{c}", lang) for c in shown.columns
           if c not in ("name", "margin_target", "margin_attainment")}
    col.update({"name": t(f"review.level.{level}", lang),
                "margin_attainment": t("pl.margin_attainment", lang),
                "margin_target": t("pl.margin_target", lang)})
    shown = shown.reset_index(drop=True).rename(columns=col)

    def attainment_colour(column: pd.Series) -> list[str]:
        return [GOOD_BG if ok is True else BAD_BG if ok is False else "" for ok in on_track]

    def below(column: pd.Series, floor) -> list[str]:
        return [BAD_BG if pd.notna(v) and floor is not None and v < floor else "" for v in column]

    money = lambda v: fmt.money_short(v, lang)  # noqa: E731
    pct = lambda v: fmt.pct(v, lang)  # noqa: E731
    return (shown.style
            .apply(attainment_colour, subset=[col["revenue_attainment"]])
            .apply(below, floor=national_gm_pct, subset=[col["gm_pct"]])
            .apply(below, floor=0, subset=[col["yoy_growth"]])
            # One dict: a later dict-formatter call resets the columns it does not name.
            .format({**{col[c]: money for c in ("week_revenue", "revenue", "revenue_target",
                                                 "gross_margin", "margin_target",
                                                 "weighted_pipeline")},
                     col["revenue_attainment"]: pct, col["margin_attainment"]: pct,
                     col["gm_pct"]: lambda v: fmt.pct(v, lang, 1),
                     col["yoy_growth"]: lambda v: fmt.signed_pct(v, lang),
                     col["name"]: str})
            .format(lambda v: fmt.ratio(v, lang), subset=pd.IndexSlice[~met, [col["coverage"]]])
            .format(lambda v: t("kpi.coverage.met", lang),
                    subset=pd.IndexSlice[met, [col["coverage"]]])
            .hide(axis="index"))


def key_opportunities(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    shown = pd.DataFrame({
        t("col.opportunity", lang): frame["name"],
        t("col.customer", lang): frame["customer"],
        t("col.region", lang): frame["region_id"].map(region_name),
        t("col.rep", lang): frame["rep"],
        t("col.stage", lang): frame["stage"].map(lambda s: vocab.stage(s, lang)),
        t("col.amount", lang): frame["amount"].map(lambda v: fmt.money(v, lang)),
        t("col.weighted_amount", lang): frame["weighted_amount"].map(lambda v: fmt.money(v, lang)),
        t("col.expected_close_date", lang): fmt.dates(frame["expected_close_date"]),
        t("col.past_due", lang): frame["past_due"].map(
            lambda v: t("keyopps.overdue", lang) if v else ""),
        t("col.days_since_activity", lang): frame["days_since_activity"],
    })
    return shown


def order_flow(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.order_date", lang): fmt.dates(frame["order_date"]),
        t("col.order", lang): frame["order_id"] + "/" + frame["line_no"].astype(str),
        t("col.customer", lang): frame["customer"],
        t("col.region", lang): frame["region_id"].map(region_name),
        t("col.rep", lang): frame["rep"],
        t("col.product", lang): frame["product"],
        t("col.product_line", lang): frame["product_line"].map(
            lambda pl: vocab.product_line(pl, lang)),
        t("col.amount", lang): frame["revenue"].map(lambda v: fmt.money(v, lang)),
        t("col.gross_margin", lang): frame["gross_margin"].map(lambda v: fmt.money(v, lang)),
        t("col.gm_pct", lang): frame["gm_pct"].map(lambda v: fmt.pct(v, lang, 1)),
        t("col.special_price", lang): frame["special_price"].map(lambda v: "★" if v else ""),
    })


def deals(frame: pd.DataFrame, lang: str, region_name, emphasis: str) -> pd.DataFrame:
    """Stale or past-due deals with the days that make them so first, then owner and amount."""
    columns = {t("col.opportunity", lang): frame["name"]}
    if emphasis == "past_due":
        columns[t("col.days_past_due", lang)] = frame["days_past_due"]
    else:
        columns[t("col.days_since_activity", lang)] = frame["days_since_activity"]
        columns[t("col.days_in_stage", lang)] = frame["days_in_stage"]
    columns.update({
        t("col.owner", lang): frame["rep"],
        t("col.amount", lang): frame["amount"].map(lambda v: fmt.money(v, lang)),
        t("col.stage", lang): frame["stage"].map(lambda s: vocab.stage(s, lang)),
        t("col.region", lang): frame["region_id"].map(region_name),
        t("col.expected_close_date", lang): fmt.dates(frame["expected_close_date"]),
        t("col.customer", lang): frame["customer"],
    })
    return pd.DataFrame(columns)


def slipped(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    """Deals pushed out of the period since the comparison snapshot."""
    return pd.DataFrame({
        t("col.opportunity", lang): frame["name"],
        t("col.region", lang): frame["region_id"].map(region_name),
        t("col.owner", lang): frame["rep_id"],
        t("col.amount", lang): frame["amount_0"].map(lambda v: fmt.money(v, lang)),
        t("col.new_close_date", lang): fmt.dates(frame["expected_close_1"]),
    })


def product_lines(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The product-line table (SPEC §10.1): target, actual and attainment of revenue and margin
    per line and in total, as the weekly pack shows it."""
    line = frame["product_line"].map(
        lambda pl: t("pl.total", lang) if pl == "total" else vocab.product_line(pl, lang))
    money = lambda column: frame[column].map(lambda v: fmt.money(v, lang))  # noqa: E731
    pct = lambda column: frame[column].map(lambda v: fmt.pct(v, lang))  # noqa: E731
    return pd.DataFrame({
        t("col.product_line", lang): line,
        t("pl.revenue_target", lang): money("revenue_target"),
        t("pl.revenue", lang): money("revenue"),
        t("pl.revenue_attainment", lang): pct("revenue_attainment"),
        t("pl.margin_target", lang): money("margin_target"),
        t("pl.gross_margin", lang): money("gross_margin"),
        t("pl.margin_attainment", lang): pct("margin_attainment"),
        t("col.gm_pct", lang): frame["gm_pct"].map(lambda v: fmt.pct(v, lang, 1)),
    })
