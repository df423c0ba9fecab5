"""Tables of the management review pages (SPEC §10): the market-order check and the reps'
one-on-one. Which columns, in which order, of which kind, which cells coloured; values come
from metrics/ and ``pages.ui.grid`` draws them."""

from __future__ import annotations

import pandas as pd

from metrics import market_order
from pages.ui import vocab
from pages.ui.grid import Col, Table, table
from pages.ui.i18n import t
from pages.ui.tables import BAD_BG, GOOD_BG, pace_colours


def _name(name, fallback) -> str | None:
    """A name from the data, else its id (None stays missing)."""
    if isinstance(name, str) and name.strip():
        return name
    return None if fallback is None or fallback != fallback else str(fallback)


# --- Market order ---------------------------------------------------------------------------------

def suspect_lines(frame: pd.DataFrame, lang: str, region_name, limit: int | None = None) -> Table:
    """One row per suspect order line with every reason that applies (metrics.market_order gives
    one row per line and reason), in the metric's order: region, rep, order, line. ``limit``:
    only that many lines, those with the largest revenue (still in the metric's order)."""
    keys = ["order_id", "line_no"]
    lines = frame.drop_duplicates(keys)
    if limit is not None and len(lines) > limit:
        lines = lines.nlargest(limit, "revenue", keep="first").sort_index()
        frame = frame[pd.MultiIndex.from_frame(frame[keys]).isin(
            pd.MultiIndex.from_frame(lines[keys]))]
    labels = frame["reason"].map({r: t(f"market.reason.{r}", lang)
                                  for r in market_order.REASONS})
    reasons = labels.groupby([frame["order_id"], frame["line_no"]], sort=False).agg("; ".join)
    lines = lines.set_index(keys)
    lines = lines.assign(reasons=reasons.reindex(lines.index)).reset_index()
    return table([
        Col(t("col.order", lang), lines["order_id"] + "/" + lines["line_no"].astype(str)),
        Col(t("col.reasons", lang), lines["reasons"], width="large"),
        Col(t("col.revenue", lang), lines["revenue"], "money"),
        Col(t("col.discount", lang), lines["discount_pct"], "pct"),
        Col(t("col.region", lang), lines["region_id"].map(region_name)),
        Col(t("col.rep", lang), [_name(n, r) for n, r in zip(lines["rep"], lines["rep_id"])]),
        Col(t("col.customer", lang), [_name(n, c) for n, c in zip(lines["customer"],
                                                                  lines["customer_id"])]),
        Col(t("col.order_date", lang), lines["order_date"], "date"),
        Col(t("col.channel", lang), lines["channel"].map(
            lambda c: t(f"channel.{c}", lang) if c in ("direct", "partner") else c)),
    ])


def by_region(frame: pd.DataFrame, lang: str, region_name) -> Table:
    """Suspect lines per region (rows) and reason (columns), most lines first."""
    counts = frame.groupby(["region_id", "reason"]).size().unstack("reason", fill_value=0)
    counts = counts.reindex(columns=[r for r in market_order.REASONS if r in counts.columns])
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    return table([Col(t("col.region", lang), [region_name(r) for r in counts.index]),
                  *(Col(t(f"market.reason.{r}", lang), counts[r], "count")
                    for r in counts.columns)])


# --- Reps -----------------------------------------------------------------------------------------

def _norm_colours(values: pd.Series, norms: pd.Series) -> list[str]:
    return [("" if pd.isna(v) or pd.isna(n) or n == 0 else GOOD_BG if v >= n else BAD_BG)
            for v, n in zip(values, norms)]


def team(frame: pd.DataFrame, lang: str, region_name) -> Table:
    """The team table (metrics.reps.team): results, pipeline, activity against the norm,
    accounts against the role's norm and overdue contacts; face-to-face per week red below the
    norm, attainment green on pace / red behind."""
    on_track = list(frame["on_track"].astype(object).where(frame["on_track"].notna(), None))
    return table([
        Col(t("col.rep", lang), [_name(n, r) for n, r in zip(frame["name"], frame["rep_id"])]),
        Col(t("col.revenue", lang), frame["revenue"], "money"),
        Col(t("col.revenue_attainment", lang), frame["revenue_attainment"], "pct"),
        Col(t("reps.col.f2f_week", lang), frame["face_to_face_per_week"], "score"),
        Col(t("reps.col.overdue", lang), frame["overdue_contacts"], "count"),
        Col(t("reps.col.open_pipeline", lang), frame["open_pipeline"], "money"),
        Col(t("col.weighted_pipeline", lang), frame["weighted_pipeline"], "money"),
        Col(t("reps.col.win_rate", lang), frame["win_rate_count"], "pct"),
        Col(t("reps.col.stale", lang), frame["stale_deals"], "count"),
        Col(t("reps.col.past_due", lang), frame["past_due_deals"], "count"),
        Col(t("reps.col.accounts", lang), frame["accounts_owned"], "count"),
        Col(t("reps.col.accounts_norm", lang), frame["accounts_norm"], "count"),
        Col(t("col.gross_margin", lang), frame["gross_margin"], "money"),
        Col(t("reps.col.role", lang), frame["role"]),
        Col(t("col.region", lang), frame["region_id"].map(
            lambda r: region_name(r) if isinstance(r, str) else None)),
    ], {
        t("col.revenue_attainment", lang): pace_colours(on_track),
        t("reps.col.f2f_week", lang): _norm_colours(frame["face_to_face_per_week"],
                                                    frame["face_to_face_norm"]),
    })


def overdue(frame: pd.DataFrame, lang: str) -> Table:
    """A rep's overdue contacts (metrics.reps.overdue_accounts)."""
    return table([
        Col(t("col.customer", lang), [_name(n, c) for n, c in zip(frame["name"],
                                                                  frame["customer_id"])]),
        Col(t("reps.col.tier", lang), frame["tier"], "count"),
        Col(t("reps.col.last_activity", lang), frame["last_activity"], "date"),
        Col(t("reps.col.days_since", lang), frame["days_since"], "count"),
        Col(t("reps.col.limit_days", lang), frame["limit_days"], "count"),
    ])


def rep_deals(frame: pd.DataFrame, flags: list[str], lang: str, region_name) -> Table:
    """A rep's open deals (metrics.reps.rep_deals) with their stale / past-due flags."""
    return table([
        Col(t("col.opportunity", lang), frame["name"], width="medium"),
        Col(t("col.amount", lang), frame["amount"], "money"),
        Col(t("reps.col.flags", lang), flags),
        Col(t("col.stage", lang), vocab.stages(frame["stage"], lang)),
        Col(t("col.expected_close_date", lang), frame["expected_close_date"], "date"),
        Col(t("col.days_since_activity", lang), frame["days_since_activity"], "count"),
        Col(t("col.customer", lang), frame["customer"]),
        Col(t("col.region", lang), frame["region_id"].map(region_name)),
    ])
