"""Tables of the Customers page: translated headers and formatted values (display only)."""

from __future__ import annotations

import pandas as pd

from pages.ui import fmt
from pages.ui.i18n import t


def _date(value, lang: str) -> str:
    return str(value)[:10] if pd.notna(value) else t("customers.never", lang)


def _score(value, lang: str) -> str:
    return f"{value:.1f}" if pd.notna(value) else t("na", lang)


def _common(frame: pd.DataFrame, lang: str, region_name, industry_name=None) -> dict:
    """Who the customer is and who owns it (industry only where the table has room)."""
    columns = {t("col.customer", lang): frame["name"],
               t("col.region", lang): frame["region_id"].map(region_name)}
    if industry_name is not None:
        columns[t("customers.col.industry", lang)] = frame["industry_id"].map(industry_name)
    columns[t("col.owner", lang)] = (frame["owner"].fillna(frame["owner_rep_id"])
                                     .fillna(t("na", lang)))
    return columns


def tier_label(group: str, lang: str) -> str:
    return t(f"customers.tier.{group}", lang)


def top_accounts(frame: pd.DataFrame, lang: str, region_name, industry_name) -> pd.DataFrame:
    """Largest customers: who, tier, lifecycle, ABC class, revenue_12m and its share."""
    return pd.DataFrame({
        **_common(frame, lang, region_name, industry_name),
        t("customers.col.tier", lang): frame["tier_group"].map(lambda g: tier_label(g, lang)),
        t("customers.col.lifecycle", lang): frame["lifecycle"].map(
            lambda c: t(f"customers.lifecycle.{c}", lang)),
        t("customers.col.abc", lang): frame["abc_class"].fillna(""),
        t("customers.col.revenue_12m", lang): frame["revenue_12m"].map(
            lambda v: fmt.money(v, lang)),
        t("customers.col.revenue_share", lang): frame["revenue_share"].map(
            lambda v: fmt.pct(v, lang, 1)),
    })


def dormant(frame: pd.DataFrame, lang: str, region_name, industry_name) -> pd.DataFrame:
    """Customers to win back with their last order and what they used to buy."""
    return pd.DataFrame({
        **_common(frame, lang, region_name),
        t("customers.col.tier", lang): frame["tier_group"].map(lambda g: tier_label(g, lang)),
        t("customers.col.last_order", lang): frame["last_order_date"].map(
            lambda v: _date(v, lang)),
        t("customers.col.days_since_order", lang): frame["days_since_order"],
        t("customers.col.revenue_prior_12m", lang): frame["revenue_prior_12m"].map(
            lambda v: fmt.money(v, lang)),
        t("customers.col.revenue_lifetime", lang): frame["revenue_lifetime"].map(
            lambda v: fmt.money(v, lang)),
    })


def tier_1_idle(frame: pd.DataFrame, lang: str, region_name, industry_name) -> pd.DataFrame:
    """Focus customers nobody touched this quarter, with their scores and revenue."""
    return pd.DataFrame({
        **_common(frame, lang, region_name),
        t("customers.col.attractiveness", lang): frame["attractiveness"].map(
            lambda v: _score(v, lang)),
        t("customers.col.feasibility", lang): frame["feasibility"].map(lambda v: _score(v, lang)),
        t("customers.col.lifecycle", lang): frame["lifecycle"].map(
            lambda c: t(f"customers.lifecycle.{c}", lang)),
        t("customers.col.revenue_12m", lang): frame["revenue_12m"].map(
            lambda v: fmt.money(v, lang)),
        t("customers.col.last_activity", lang): frame["last_activity_date"].map(
            lambda v: _date(v, lang)),
    })


def missing_scores(frame: pd.DataFrame, lang: str, region_name, industry_name) -> pd.DataFrame:
    """Unscored customers and the criteria they still need."""
    return pd.DataFrame({
        **_common(frame, lang, region_name, industry_name),
        t("customers.col.missing", lang): [
            t("customers.missing.all", lang) if scored == 0
            else ", ".join(t(f"customers.criterion.{n}", lang) for n in names)
            for names, scored in zip(frame["missing_criteria"], frame["criteria_scored"])],
        t("customers.col.lifecycle", lang): frame["lifecycle"].map(
            lambda c: t(f"customers.lifecycle.{c}", lang)),
        t("customers.col.revenue_12m", lang): frame["revenue_12m"].map(
            lambda v: fmt.money(v, lang)),
    })
