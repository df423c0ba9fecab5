"""Tables of the Customers page: which columns, in which order, of which kind (``pages.ui.grid``
draws them; display only)."""

from __future__ import annotations

import pandas as pd

from pages.ui.grid import Col, Table, table
from pages.ui.i18n import t


def _who(frame: pd.DataFrame, lang: str) -> list[Col]:
    """The customer, first (pinned on a narrow screen)."""
    return [Col(t("col.customer", lang), frame["name"], width="medium")]


def _where(frame: pd.DataFrame, lang: str, region_name, industry_name=None) -> list[Col]:
    """Region, industry (where the table has room) and the owner."""
    columns = [Col(t("col.region", lang), frame["region_id"].map(region_name))]
    if industry_name is not None:
        columns.append(Col(t("customers.col.industry", lang),
                           frame["industry_id"].map(industry_name)))
    columns.append(Col(t("col.owner", lang), frame["owner"].fillna(frame["owner_rep_id"])))
    return columns


def tier_label(group: str, lang: str) -> str:
    return t(f"customers.tier.{group}", lang)


def _lifecycle(frame: pd.DataFrame, lang: str) -> Col:
    return Col(t("customers.col.lifecycle", lang), frame["lifecycle"].map(
        lambda c: t(f"customers.lifecycle.{c}", lang)))


def top_accounts(frame: pd.DataFrame, lang: str, region_name, industry_name) -> Table:
    """Largest customers: who, revenue_12m and its share, tier, lifecycle, ABC class."""
    return table([
        *_who(frame, lang),
        Col(t("customers.col.revenue_12m", lang), frame["revenue_12m"], "money"),
        Col(t("customers.col.revenue_share", lang), frame["revenue_share"], "pct"),
        Col(t("customers.col.abc", lang), frame["abc_class"], width="small"),
        Col(t("customers.col.tier", lang), frame["tier_group"].map(lambda g: tier_label(g, lang))),
        _lifecycle(frame, lang),
        *_where(frame, lang, region_name, industry_name),
    ])


def dormant(frame: pd.DataFrame, lang: str, region_name, industry_name) -> Table:
    """Customers to win back with their last order and what they used to buy."""
    return table([
        *_who(frame, lang),
        Col(t("customers.col.revenue_prior_12m", lang), frame["revenue_prior_12m"], "money"),
        Col(t("customers.col.last_order", lang), frame["last_order_date"], "date",
            help=t("customers.never.help", lang)),
        Col(t("customers.col.days_since_order", lang), frame["days_since_order"], "count"),
        Col(t("customers.col.revenue_lifetime", lang), frame["revenue_lifetime"], "money"),
        Col(t("customers.col.tier", lang), frame["tier_group"].map(lambda g: tier_label(g, lang))),
        *_where(frame, lang, region_name),
    ])


def tier_1_idle(frame: pd.DataFrame, lang: str, region_name, industry_name) -> Table:
    """Focus customers nobody touched this quarter, with their scores and revenue."""
    return table([
        *_who(frame, lang),
        Col(t("customers.col.revenue_12m", lang), frame["revenue_12m"], "money"),
        Col(t("customers.col.last_activity", lang), frame["last_activity_date"], "date",
            help=t("customers.never.help", lang)),
        Col(t("customers.col.attractiveness", lang), frame["attractiveness"], "score"),
        Col(t("customers.col.feasibility", lang), frame["feasibility"], "score"),
        _lifecycle(frame, lang),
        *_where(frame, lang, region_name),
    ])


def missing_scores(frame: pd.DataFrame, lang: str, region_name, industry_name) -> Table:
    """Unscored customers and the criteria they still need."""
    return table([
        *_who(frame, lang),
        Col(t("customers.col.missing", lang), [
            t("customers.missing.all", lang) if scored == 0
            else ", ".join(t(f"customers.criterion.{n}", lang) for n in names)
            for names, scored in zip(frame["missing_criteria"], frame["criteria_scored"])],
            width="large"),
        Col(t("customers.col.revenue_12m", lang), frame["revenue_12m"], "money"),
        _lifecycle(frame, lang),
        *_where(frame, lang, region_name, industry_name),
    ])
