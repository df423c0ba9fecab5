"""Tables of the regional scorecard page: translated headers, formatted scores and the heatmap
colours. Only display decisions live here; every value comes from metrics/.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from pages.ui import fmt
from pages.ui import vocab
from pages.ui.i18n import t
from pages.ui.tables import BAD_BG, GOOD_BG

NA_BG = "background-color: #eceff1; color: #78909c"
SELECTED_BG = "background-color: #1565c0; color: #ffffff"
# Heatmap stops for a 0–100 score: red, amber, green.
_HEAT = ((0, (248, 105, 107)), (50, (255, 235, 132)), (100, (99, 190, 123)))


def score_colour(value) -> str:
    """Background for a 0–100 score on the red–amber–green scale; grey for n/a."""
    if value is None or pd.isna(value):
        return NA_BG
    v = min(max(float(value), 0.0), 100.0)
    (x0, c0), (x1, c1) = (_HEAT[0], _HEAT[1]) if v <= 50 else (_HEAT[1], _HEAT[2])
    share = (v - x0) / (x1 - x0)
    r, g, b = (round(a + (z - a) * share) for a, z in zip(c0, c1))
    return f"background-color: #{r:02x}{g:02x}{b:02x}; color: #212121"


def rank_move(rank, change, lang: str) -> str:
    """▲2 / ▼1 / – for a rank change; "new" when the region had no rank before."""
    if rank is None or pd.isna(rank):
        return ""
    if change is None or pd.isna(change):
        return t("score.move.new", lang)
    if change > 0:
        return t("score.move.up", lang, n=int(change))
    if change < 0:
        return t("score.move.down", lang, n=int(-change))
    return t("score.move.same", lang)


def _flag(value, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("na", lang)
    return "✓" if value else "✗"


def scorecard(card: pd.DataFrame, lang: str, region_name, highlighted: tuple[str, ...],
              dimensions: tuple[str, ...]) -> Styler:
    """The ranking: rank, move, region, the six scores as heatmap cells, total, met flags; the
    highlighted regions' rank and name in blue."""
    col = {c: t(f"col.{c}", lang) for c in ("rank", "move", "region", "total", "met_revenue",
                                            "met_margin")}
    col |= {d: t(f"dim.{d}", lang) for d in dimensions}
    shown = pd.DataFrame({
        col["rank"]: card["rank"].map(lambda r: "" if pd.isna(r) else str(int(r))),
        col["move"]: [rank_move(r, c, lang) for r, c in zip(card["rank"], card["rank_change"])],
        col["region"]: card["region_id"].map(region_name),
        **{col[d]: card[d].astype(float) for d in dimensions},
        col["total"]: card["total"].astype(float),
        col["met_revenue"]: card["met_revenue"].map(lambda v: _flag(v, lang)),
        col["met_margin"]: card["met_margin"].map(lambda v: _flag(v, lang)),
    }).reset_index(drop=True)
    selected = card["region_id"].isin(highlighted).reset_index(drop=True)

    def highlight(column: pd.Series) -> list[str]:
        return [SELECTED_BG if s else "" for s in selected]

    def flag_colour(column: pd.Series) -> list[str]:
        return [GOOD_BG if v == "✓" else BAD_BG if v == "✗" else "" for v in column]

    scores = [col[d] for d in dimensions] + [col["total"]]
    return (shown.style
            .map(score_colour, subset=scores)
            .apply(highlight, subset=[col["rank"], col["region"]])
            .apply(flag_colour, subset=[col["met_revenue"], col["met_margin"]])
            .format(lambda v: t("na", lang) if pd.isna(v) else f"{v:.0f}",
                    subset=[col[d] for d in dimensions])
            .format(lambda v: t("na", lang) if pd.isna(v) else f"{v:.1f}",
                    subset=[col["total"]])
            .hide(axis="index"))


def dimension_legend(weights: dict[str, float], lang: str) -> pd.DataFrame:
    """One line per dimension: name, weight (and its share of all weights), what it measures."""
    whole = sum(weights.values())
    return pd.DataFrame({
        t("col.dimension", lang): [t(f"dim.{d}", lang) for d in weights],
        t("col.weight", lang): [f"{w:g} ({fmt.pct(w / whole, lang)})" for w in weights.values()],
        t("col.definition", lang): [t(f"dimdef.{d}", lang) for d in weights],
    })


def quarter_review(review: pd.DataFrame, lang: str, region_name,
                   highlighted: tuple[str, ...]) -> Styler:
    """Months side by side, then the quarter: total (heatmap) and rank per period, rows in the
    quarter's rank order (unranked last)."""
    periods = list(dict.fromkeys(review["period"]))
    quarter = periods[-1]
    wide = review.pivot(index="region_id", columns="period", values=["total", "rank"])
    order = review[review["period"] == quarter].sort_values(
        ["rank", "region_id"], na_position="last")["region_id"]
    wide = wide.reindex(order)
    columns, totals = {t("col.region", lang): [region_name(r) for r in wide.index]}, []
    for period in periods:
        total_col = t("score.review.total", lang, period=period)
        columns[total_col] = wide[("total", period)].astype(float).to_numpy()
        columns[t("score.review.rank", lang, period=period)] = [
            "" if pd.isna(r) else str(int(r)) for r in wide[("rank", period)]]
        totals.append(total_col)
    shown = pd.DataFrame(columns)
    selected = pd.Series(wide.index.isin(highlighted))

    def highlight(column: pd.Series) -> list[str]:
        return [SELECTED_BG if s else "" for s in selected]

    return (shown.style
            .map(score_colour, subset=totals)
            .apply(highlight, subset=[t("col.region", lang)])
            .format(lambda v: t("na", lang) if pd.isna(v) else f"{v:.1f}", subset=totals)
            .hide(axis="index"))


def uncovered_customers(frame: pd.DataFrame, lang: str, industry_name) -> pd.DataFrame:
    """Tier-1/2 customers without a visit, meeting or workshop in the period."""
    return pd.DataFrame({
        t("col.customer", lang): frame["customer"],
        t("col.tier", lang): frame["tier"].astype(int),
        t("col.industry", lang): frame["industry_id"].map(industry_name),
        t("col.owner", lang): frame["owner"],
        t("col.attractiveness", lang): frame["attractiveness"].map(lambda v: f"{v:.1f}"),
        t("col.feasibility", lang): frame["feasibility"].map(lambda v: f"{v:.1f}"),
        t("col.last_visit", lang): frame["last_qualifying_activity"].map(
            lambda d: t("score.never", lang) if pd.isna(d) else str(d)[:10]),
    })


def attention_deals(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Open deals that count against pipeline hygiene, with what is wrong with each."""
    issue = [", ".join(t(f"score.issue.{k}", lang) for k, on in (("stale", s), ("past_due", p))
                       if on) for s, p in zip(frame["stale"], frame["past_due"])]
    return pd.DataFrame({
        t("col.opportunity", lang): frame["name"],
        t("col.customer", lang): frame["customer"],
        t("col.owner", lang): frame["rep"],
        t("col.stage", lang): frame["stage"].map(lambda s: vocab.stage(s, lang)),
        t("col.amount", lang): frame["amount"].map(lambda v: fmt.money(v, lang)),
        t("col.issue", lang): issue,
        t("col.expected_close_date", lang): fmt.dates(frame["expected_close_date"]),
        t("col.days_since_activity", lang): frame["days_since_activity"],
        t("col.days_in_stage", lang): frame["days_in_stage"],
    })
