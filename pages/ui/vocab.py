"""The data's own vocabulary on screen (SPEC §9): stage and product-line names come from the
configuration model, not from a fixed list, with the fallbacks the SPEC gives (Chinese → English
→ id)."""

from __future__ import annotations

import functools

import pandas as pd

from data import config
from pages.ui.i18n import t


def stage(number, lang: str) -> str:
    """An open stage's configured name, "Won" for the stage after the last open one, else the
    stage number (a stage the configuration does not describe)."""
    stages = config.current().stages
    try:
        number = int(number)
    except (TypeError, ValueError):
        return t("na", lang)
    if number == stages.won:
        return t("stage.won", lang)
    return stages.name(number, lang) or t("stage.number", lang, number=number)


def stages(values: pd.Series, lang: str) -> pd.Series:
    """``stage`` of every value, each distinct one looked up once (a deal table has thousands of
    rows, and each lookup reads the configuration in force)."""
    return values.map(functools.cache(lambda number: stage(number, lang)))


def product_line(line_id, lang: str) -> str:
    """A product line's configured name in ``lang``, else its English name, else its id."""
    if line_id is None or line_id != line_id:  # None or NaN
        return t("na", lang)
    return config.current().product_line(str(line_id)).name(lang)


def scope(scope, lang: str, region_name=str) -> str:
    """What a sign-in scope (data.access.Scope, None: the open app) covers, in words:
    'Executive · all regions', 'Regional lead · Guangdong', …"""
    if scope is None:
        return t("auth.scope.all", lang)
    if scope.role == "lead":
        return t("auth.scope.lead", lang, regions=", ".join(map(region_name, scope.regions)))
    if scope.role == "rep":
        return t("auth.scope.rep", lang, rep=scope.rep_id)
    return t(f"auth.scope.{scope.role}", lang)
