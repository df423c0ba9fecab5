"""KPI tiles more than one page shows, drawn the same way everywhere."""

from __future__ import annotations

import streamlit as st

from data.config import setting
from pages.ui import fmt
from pages.ui.i18n import md, t


def judged(good: bool | None) -> str:
    """A tile's delta colour: green when good, red when not, grey when it cannot be judged
    (no target, nothing to compare with). Every tile that is judged is coloured the same way."""
    return "off" if good is None else "green" if good else "red"


def _at_least(value, floor) -> bool | None:
    if value is None or floor is None or value != value:
        return None
    return value >= floor


def forecast(column, k: dict, lang: str) -> None:
    """Revenue + weighted pipeline, with its share of the target (green from 100%)."""
    column.metric(t("kpi.forecast", lang), fmt.money_short(k["forecast"], lang),
                  delta=t("kpi.forecast.delta", lang,
                          value=fmt.pct(k["forecast_attainment"], lang)),
                  delta_color=judged(_at_least(k["forecast_attainment"], 1.0)),
                  delta_arrow="off", help=md("kpi.forecast.help", lang), border=True)


def coverage(column, k: dict, lang: str) -> None:
    """Pipeline coverage, or "target met"; below it, the gap still to close."""
    reference = setting("pipeline.coverage_reference")
    column.metric(t("kpi.coverage", lang),
                  t("kpi.coverage.met", lang) if k["target_met"] else fmt.ratio(k["coverage"], lang),
                  delta=(t("kpi.coverage.gap", lang, value=fmt.money_short(k["target_gap"], lang))
                         if k["target_met"] is False else None),
                  delta_color=judged(_at_least(k["coverage"], reference)), delta_arrow="off",
                  help=md("kpi.coverage.help", lang), border=True)


def kpis(k: dict, lang: str) -> None:
    """The six KPI tiles of SPEC §5.1 for ``k`` (metrics.dashboard.kpis): revenue (this week's
    below), attainment against pace, gm_pct (margin attainment below), YoY, forecast, coverage."""
    with st.container(key="tiles_kpis"):  # one two-column grid on a phone (pages.ui.layout)
        tiles = [*st.columns(3), *st.columns(3)]
    tiles[0].metric(t("kpi.revenue", lang), fmt.money_short(k["revenue"], lang),
                    delta=t("kpi.revenue.delta", lang,
                            value=fmt.money_short(k["week_revenue"], lang)),
                    delta_color="off", delta_arrow="off", help=md("kpi.revenue.help", lang),
                    border=True)
    tiles[1].metric(t("kpi.attainment", lang), fmt.pct(k["revenue_attainment"], lang),
                    delta=(t("kpi.attainment.delta", lang, points=f"{k['pace_gap'] * 100:+.0f}",
                             pace=fmt.pct(k["pace"], lang))
                           if k["pace_gap"] is not None else None),
                    delta_color="normal", help=md("kpi.attainment.help", lang), border=True)
    on_pace = _at_least(k["margin_attainment"], k["pace"]) if k["pace"] else None
    tiles[2].metric(t("kpi.gm_pct", lang), fmt.pct(k["gm_pct"], lang, 1),
                    delta=t("kpi.gm_pct.delta", lang,
                            value=fmt.pct(k["margin_attainment"], lang)),
                    delta_color=judged(on_pace), delta_arrow="off",
                    help=md("kpi.gm_pct.help", lang,
                            attainment=fmt.pct(k["margin_attainment"], lang)),
                    border=True)
    tiles[3].metric(t("kpi.yoy", lang), fmt.signed_pct(k["yoy_growth"], lang),
                    delta=t("kpi.yoy.delta", lang, value=fmt.money_short(k["prior_revenue"], lang)),
                    delta_color="off", delta_arrow="off", help=md("kpi.yoy.help", lang),
                    border=True)
    forecast(tiles[4], k, lang)
    coverage(tiles[5], k, lang)


def pipeline_this_week(ctx, moved: dict | None) -> None:
    """The "pipeline this week" block (dashboard, region review): its title (or "since …" when
    comparing further back), the movement tiles and their caption; without a comparison
    snapshot, why there is none."""
    lang, view = ctx.lang, ctx.view
    if ctx.url.compare and ctx.compare is not None:
        st.subheader(md("weekpipe.title.since", lang, compare=ctx.compare.snapshot_id))
    else:
        st.subheader(md("weekpipe.title", lang))
    if moved is None:
        st.info(md("movement.no_compare", lang, snapshot=view.snapshot_id),
                icon=":material/info:")
        return
    movement(moved, lang)
    st.caption(md("weekpipe.caption", lang, period=view.period.code,
                  compare=ctx.compare.snapshot_id, snapshot=view.snapshot_id))


def movement(moved: dict, lang: str) -> None:
    """This week's pipeline movement (metrics.pipeline.movement): new, won, lost and slipped."""
    for cell, step in zip(st.columns(4), ("new", "won", "lost", "slipped")):
        cell.metric(t(f"movement.{step}", lang), fmt.money_short(abs(moved[step]), lang),
                    border=True)
