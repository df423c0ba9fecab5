"""Number formatting for display (SPEC §2, §9): the data's currency symbol (``business.currency``)
with thousands separators; large amounts abbreviated 万/亿 in Chinese and K/M/B in English;
ratios as whole or one-decimal percentages."""

from __future__ import annotations

import math

from data import config
from pages.ui.i18n import t

_EN_UNITS = ((1e9, "B"), (1e6, "M"), (1e3, "K"))
_ZH_UNITS = ((1e8, "亿"), (1e4, "万"))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def currency_symbol() -> str:
    """The symbol of the data's currency: ¥ for CNY, $ for USD, "XYZ " for a code without one."""
    return config.current().currency_symbol


def money(value, lang: str) -> str:
    """Full amount with separators: ¥1,234,567."""
    if _missing(value):
        return t("na", lang)
    sign = "-" if value < 0 else ""
    return f"{sign}{currency_symbol()}{abs(value):,.0f}"


def money_short(value, lang: str) -> str:
    """Abbreviated amount for tiles and axes: ¥1.23M / ¥123.5万."""
    if _missing(value):
        return t("na", lang)
    sign = "-" if value < 0 else ""
    symbol = currency_symbol()
    size = abs(value)
    for threshold, unit in (_ZH_UNITS if lang == "zh" else _EN_UNITS):
        if size >= threshold:
            scaled = size / threshold
            digits = 2 if scaled < 100 else 1 if scaled < 1000 else 0
            return f"{sign}{symbol}{scaled:,.{digits}f}{unit}"
    return f"{sign}{symbol}{size:,.0f}"


def count(value, lang: str) -> str:
    """A whole number with separators: 1,234; n/a when not available."""
    if _missing(value):
        return t("na", lang)
    return f"{value:,}"


def pct(value, lang: str, digits: int = 0) -> str:
    """A fraction as a percentage: 1.02 → 102%."""
    if _missing(value):
        return t("na", lang)
    return f"{value * 100:,.{digits}f}%"


def signed_pct(value, lang: str, digits: int = 1) -> str:
    if _missing(value):
        return t("na", lang)
    return f"{value * 100:+,.{digits}f}%"


def ratio(value, lang: str) -> str:
    """Coverage-style multiple: 2.3×."""
    if _missing(value):
        return t("na", lang)
    return f"{value:,.1f}×"


def dates(series):
    """Dates as YYYY-MM-DD text for a table; a missing date stays missing (the table shows n/a),
    never "NaT"."""
    import pandas as pd

    parsed = pd.to_datetime(series, errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d").astype(object).where(parsed.notna(), None)
