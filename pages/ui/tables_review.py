"""Tables of the management review pages (SPEC §10): the market-order check and the reps'
one-on-one. Display decisions only (headers, formats, colours); values come from metrics/."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from metrics import market_order
from pages.ui import fmt, vocab
from pages.ui.i18n import t
from pages.ui.tables import BAD_BG, GOOD_BG


def _text(value, lang: str) -> str:
    return t("na", lang) if value is None or value != value else str(value)


# --- Market order ---------------------------------------------------------------------------------

def suspect_lines(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    """One row per suspect order line with every reason that applies (metrics.market_order gives
    one row per line and reason), in the metric's order: region, rep, order, line. Numbers stay
    numbers (for sorting and the export); the page formats them."""
    if frame.empty:
        lines = frame.assign(reasons=pd.Series(dtype=object))
    else:
        keys = ["order_id", "line_no"]
        reasons = frame.groupby(keys, sort=False)["reason"].agg(
            lambda rs: "; ".join(t(f"market.reason.{r}", lang) for r in rs))
        lines = frame.drop_duplicates(keys).set_index(keys).assign(reasons=reasons) \
            .reset_index()
    return pd.DataFrame({
        t("col.region", lang): lines["region_id"].map(region_name),
        t("col.rep", lang): [_text(name, lang) if isinstance(name, str) else _text(rep, lang)
                             for name, rep in zip(lines["rep"], lines["rep_id"])],
        t("col.customer", lang): [name if isinstance(name, str) else _text(cid, lang)
                                  for name, cid in zip(lines["customer"], lines["customer_id"])],
        t("col.order", lang): lines["order_id"],
        t("col.line_no", lang): lines["line_no"],
        t("col.order_date", lang): fmt.dates(lines["order_date"]),
        t("col.channel", lang): lines["channel"].map(
            lambda c: t(f"channel.{c}", lang) if c in ("direct", "partner") else _text(c, lang)),
        t("col.revenue", lang): lines["revenue"],
        t("col.discount", lang): lines["discount_pct"],
        t("col.reasons", lang): lines["reasons"],
    })


def styled_suspect_lines(table: pd.DataFrame, lang: str) -> Styler:
    return table.style.format({t("col.revenue", lang): lambda v: fmt.money(v, lang),
                               t("col.discount", lang): lambda v: fmt.pct(v, lang, 1)},
                              na_rep=t("na", lang)).hide(axis="index")


def by_region(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    """Suspect lines per region (rows) and reason (columns), most lines first."""
    counts = frame.groupby(["region_id", "reason"]).size().unstack("reason", fill_value=0)
    counts = counts.reindex(columns=[r for r in market_order.REASONS if r in counts.columns])
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    out = counts.rename(columns=lambda r: t(f"market.reason.{r}", lang)).reset_index()
    out["region_id"] = out["region_id"].map(region_name)
    return out.rename(columns={"region_id": t("col.region", lang)})


# --- Reps -----------------------------------------------------------------------------------------

def _ratio_colour(values: pd.Series, norms: pd.Series) -> list[str]:
    return [("" if pd.isna(v) or pd.isna(n) or n == 0 else GOOD_BG if v >= n else BAD_BG)
            for v, n in zip(values, norms)]


def team(frame: pd.DataFrame, lang: str, region_name) -> Styler:
    """The team table (metrics.reps.team): results, pipeline, activity against the norm,
    accounts against the role's norm and overdue contacts; face-to-face per week red below the
    norm, attainment green on pace / red behind."""
    shown = pd.DataFrame({
        t("col.rep", lang): [name if isinstance(name, str) and name.strip() else rep
                             for name, rep in zip(frame["name"], frame["rep_id"])],
        t("reps.col.role", lang): frame["role"].map(lambda r: _text(r, lang)),
        t("col.region", lang): frame["region_id"].map(
            lambda r: region_name(r) if isinstance(r, str) else t("na", lang)),
        t("col.revenue", lang): frame["revenue"],
        t("col.revenue_attainment", lang): frame["revenue_attainment"],
        t("col.gross_margin", lang): frame["gross_margin"],
        t("reps.col.open_pipeline", lang): frame["open_pipeline"],
        t("col.weighted_pipeline", lang): frame["weighted_pipeline"],
        t("reps.col.win_rate", lang): frame["win_rate_count"],
        t("reps.col.stale", lang): frame["stale_deals"],
        t("reps.col.past_due", lang): frame["past_due_deals"],
        t("reps.col.f2f_week", lang): frame["face_to_face_per_week"],
        t("reps.col.accounts", lang): frame["accounts_owned"],
        t("reps.col.accounts_norm", lang): frame["accounts_norm"],
        t("reps.col.overdue", lang): frame["overdue_contacts"],
    }).reset_index(drop=True)
    on_track = frame["on_track"].reset_index(drop=True)
    norm = frame["face_to_face_norm"].reset_index(drop=True)
    money = lambda v: fmt.money_short(v, lang)  # noqa: E731
    count = lambda v: t("na", lang) if pd.isna(v) else f"{int(v):,}"  # noqa: E731
    return (shown.style
            .apply(lambda c: [GOOD_BG if ok is True else BAD_BG if ok is False else ""
                              for ok in on_track],
                   subset=[t("col.revenue_attainment", lang)])
            .apply(lambda c: _ratio_colour(c.reset_index(drop=True), norm),
                   subset=[t("reps.col.f2f_week", lang)])
            .format({t("col.revenue", lang): money, t("col.gross_margin", lang): money,
                     t("reps.col.open_pipeline", lang): money,
                     t("col.weighted_pipeline", lang): money,
                     t("col.revenue_attainment", lang): lambda v: fmt.pct(v, lang),
                     t("reps.col.win_rate", lang): lambda v: fmt.pct(v, lang),
                     t("reps.col.f2f_week", lang): lambda v: t("na", lang) if pd.isna(v)
                     else f"{v:.1f}",
                     **{t(c, lang): count for c in ("reps.col.stale", "reps.col.past_due",
                                                    "reps.col.accounts",
                                                    "reps.col.accounts_norm",
                                                    "reps.col.overdue")}})
            .hide(axis="index"))


def overdue(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A rep's overdue contacts (metrics.reps.overdue_accounts), longest silence first."""
    return pd.DataFrame({
        t("col.customer", lang): [name if isinstance(name, str) and name.strip() else cid
                                  for name, cid in zip(frame["name"], frame["customer_id"])],
        t("reps.col.tier", lang): frame["tier"].map(
            lambda v: t("na", lang) if pd.isna(v) else f"{int(v)}"),
        t("reps.col.last_activity", lang): fmt.dates(frame["last_activity"]),
        t("reps.col.days_since", lang): frame["days_since"],
        t("reps.col.limit_days", lang): frame["limit_days"],
    })


def rep_deals(frame: pd.DataFrame, flags: list[str], lang: str, region_name) -> pd.DataFrame:
    """A rep's open deals (metrics.reps.rep_deals) with their stale / past-due flags."""
    return pd.DataFrame({
        t("col.opportunity", lang): frame["name"],
        t("col.customer", lang): frame["customer"],
        t("col.amount", lang): frame["amount"].map(lambda v: fmt.money(v, lang)),
        t("col.stage", lang): frame["stage"].map(lambda s: vocab.stage(s, lang)),
        t("col.expected_close_date", lang): fmt.dates(frame["expected_close_date"]),
        t("col.days_since_activity", lang): frame["days_since_activity"],
        t("reps.col.flags", lang): flags,
        t("col.region", lang): frame["region_id"].map(region_name),
    })
