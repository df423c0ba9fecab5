"""KPI tiles more than one page shows, drawn the same way everywhere."""

from __future__ import annotations

from pages.ui import fmt
from pages.ui.i18n import md, t


def forecast(column, k: dict, lang: str) -> None:
    """Revenue + weighted pipeline, with its share of the target."""
    column.metric(t("kpi.forecast", lang), fmt.money_short(k["forecast"], lang),
                  delta=t("kpi.forecast.delta", lang,
                          value=fmt.pct(k["forecast_attainment"], lang)),
                  delta_color="off", delta_arrow="off", help=md("kpi.forecast.help", lang),
                  border=True)


def coverage(column, k: dict, lang: str) -> None:
    """Pipeline coverage, or "target met"; below it, the gap still to close."""
    column.metric(t("kpi.coverage", lang),
                  t("kpi.coverage.met", lang) if k["target_met"] else fmt.ratio(k["coverage"], lang),
                  delta=(t("kpi.coverage.gap", lang, value=fmt.money_short(k["target_gap"], lang))
                         if k["target_met"] is False else None),
                  delta_color="off", delta_arrow="off", help=md("kpi.coverage.help", lang),
                  border=True)
