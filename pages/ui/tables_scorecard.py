"""Tables of the regional scorecard page: columns, their kinds and the heatmap colours
(``pages.ui.grid`` draws them). Only display decisions live here; every value comes from
metrics/.
"""

from __future__ import annotations

import pandas as pd

from pages.ui import fmt
from pages.ui import vocab
from pages.ui.grid import Col, Table, table
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


def _flag(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return "✓" if value else "✗"


def scorecard(card: pd.DataFrame, lang: str, region_name, highlighted: tuple[str, ...],
              dimensions: tuple[str, ...], definitions: dict[str, str]) -> Table:
    """The ranking: rank, move, region, total, met flags, then the six scores as heatmap cells
    (each header's tooltip its ``definitions`` entry); the highlighted regions' rank and name in
    blue."""
    flags = {c: [_flag(v) for v in card[c]] for c in ("met_revenue", "met_margin")}
    selected = list(card["region_id"].isin(highlighted))
    blue = [SELECTED_BG if s else "" for s in selected]
    flag_colours = {t(f"col.{c}", lang): [GOOD_BG if v == "✓" else BAD_BG if v == "✗" else ""
                                          for v in flags[c]] for c in flags}
    return table([
        Col(t("col.rank", lang), card["rank"], "count", width="small"),
        Col(t("col.move", lang), [rank_move(r, c, lang)
                                  for r, c in zip(card["rank"], card["rank_change"])],
            width="small"),
        Col(t("col.region", lang), card["region_id"].map(region_name)),
        Col(t("col.total", lang), card["total"], "score"),
        Col(t("col.met_revenue", lang), flags["met_revenue"], width="small"),
        Col(t("col.met_margin", lang), flags["met_margin"], width="small"),
        *(Col(t(f"dim.{d}", lang), card[d], "score", help=definitions.get(d), width=120)
          for d in dimensions),
    ], {
        t("col.rank", lang): blue, t("col.region", lang): blue, **flag_colours,
        **{t(c, lang): [score_colour(v) for v in card[d]]
           for c, d in [("col.total", "total"), *((f"dim.{d}", d) for d in dimensions)]},
    })


def dimension_legend(weights: dict[str, float], lang: str) -> pd.DataFrame:
    """One line per dimension: name, weight (and its share of all weights), what it measures."""
    whole = sum(weights.values())
    return pd.DataFrame({
        t("col.dimension", lang): [t(f"dim.{d}", lang) for d in weights],
        t("col.weight", lang): [f"{w:g} ({fmt.pct(w / whole, lang)})" for w in weights.values()],
        t("col.definition", lang): [t(f"dimdef.{d}", lang) for d in weights],
    })


def quarter_review(review: pd.DataFrame, lang: str, region_name,
                   highlighted: tuple[str, ...]) -> Table:
    """Months side by side, then the quarter: total (heatmap) and rank per period, rows in the
    quarter's rank order (unranked last)."""
    periods = list(dict.fromkeys(review["period"]))
    quarter = periods[-1]
    wide = review.pivot(index="region_id", columns="period", values=["total", "rank"])
    order = review[review["period"] == quarter].sort_values(
        ["rank", "region_id"], na_position="last")["region_id"]
    wide = wide.reindex(order)
    columns = [Col(t("col.region", lang), [region_name(r) for r in wide.index])]
    colours = {t("col.region", lang): [SELECTED_BG if s else ""
                                       for s in wide.index.isin(highlighted)]}
    for period in periods:
        total_col = t("score.review.total", lang, period=period)
        columns += [Col(total_col, wide[("total", period)], "score"),
                    Col(t("score.review.rank", lang, period=period), wide[("rank", period)],
                        "count")]
        colours[total_col] = [score_colour(v) for v in wide[("total", period)]]
    return table(columns, colours)


def uncovered_customers(frame: pd.DataFrame, lang: str, industry_name) -> Table:
    """Tier-1/2 customers without a visit, meeting or workshop in the period."""
    return table([
        Col(t("col.customer", lang), frame["customer"]),
        Col(t("col.tier", lang), frame["tier"], "count", width="small"),
        Col(t("col.last_visit", lang), frame["last_qualifying_activity"], "date",
            help=t("score.never.help", lang)),
        Col(t("col.owner", lang), frame["owner"]),
        Col(t("col.industry", lang), frame["industry_id"].map(industry_name)),
        Col(t("col.attractiveness", lang), frame["attractiveness"], "score"),
        Col(t("col.feasibility", lang), frame["feasibility"], "score"),
    ])


def attention_deals(frame: pd.DataFrame, lang: str) -> Table:
    """Open deals that count against pipeline hygiene, with what is wrong with each."""
    issue = [", ".join(t(f"score.issue.{k}", lang) for k, on in (("stale", s), ("past_due", p))
                       if on) for s, p in zip(frame["stale"], frame["past_due"])]
    return table([
        Col(t("col.opportunity", lang), frame["name"], width="medium"),
        Col(t("col.amount", lang), frame["amount"], "money"),
        Col(t("col.issue", lang), issue),
        Col(t("col.owner", lang), frame["rep"]),
        Col(t("col.stage", lang), vocab.stages(frame["stage"], lang)),
        Col(t("col.expected_close_date", lang), frame["expected_close_date"], "date"),
        Col(t("col.days_since_activity", lang), frame["days_since_activity"], "count"),
        Col(t("col.days_in_stage", lang), frame["days_in_stage"], "count"),
        Col(t("col.customer", lang), frame["customer"]),
    ])
