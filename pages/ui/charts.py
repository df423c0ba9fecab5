"""Chart builders: tidy frames in, ``alt.Chart`` out, one shared look.

Labels arrive translated; builders never compute metrics, only encode what they are given.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

# Noto Sans CJK renders Chinese labels in the canvas; the rest is the browser's sans-serif.
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, sans-serif"
GOOD, BAD, NEUTRAL, ACCENT = "#2e7d32", "#c62828", "#90a4ae", "#1565c0"


def _finish(chart: alt.TopLevelMixin, height) -> alt.TopLevelMixin:
    return (chart.properties(height=height, width="container")
            .configure(font=FONT)
            .configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=12,
                            grid=False)
            .configure_legend(labelFont=FONT, titleFont=FONT, orient="bottom")
            .configure_view(strokeWidth=0))


def money_axis(lang: str) -> alt.Axis:
    """Money axis labels abbreviated like the tiles: 万/亿 in Chinese, K/M/B in English."""
    if lang == "zh":
        expr = ("abs(datum.value) >= 1e8 ? format(datum.value / 1e8, ',.1~f') + '亿' : "
                "abs(datum.value) >= 1e4 ? format(datum.value / 1e4, ',.0f') + '万' : "
                "format(datum.value, ',.0f')")
        return alt.Axis(labelExpr=expr)
    return alt.Axis(format="~s")


def revenue_trend(frame: pd.DataFrame, labels: dict[str, str], lang: str) -> alt.TopLevelMixin:
    """Weekly revenue bars with gross margin % as a line on a second axis.

    ``frame``: week, revenue, gm_pct, revenue_label (formatted), gm_label (formatted)."""
    base = alt.Chart(frame).encode(
        x=alt.X("week:N", title=labels["week"], sort=None, axis=alt.Axis(labelAngle=-40)))
    tooltip = [alt.Tooltip("week:N", title=labels["week"]),
               alt.Tooltip("revenue_label:N", title=labels["revenue"]),
               alt.Tooltip("gm_label:N", title=labels["gm_pct"])]
    bars = base.mark_bar(color=ACCENT, opacity=0.85, cornerRadiusEnd=2).encode(
        y=alt.Y("revenue:Q", title=labels["revenue"], axis=money_axis(lang)),
        tooltip=tooltip)
    line = base.mark_line(color="#ef6c00", point=True, strokeWidth=2).encode(
        y=alt.Y("gm_pct:Q", title=labels["gm_pct"], axis=alt.Axis(format=".1%"),
                scale=alt.Scale(zero=False)),
        tooltip=tooltip)
    return _finish(alt.layer(bars, line).resolve_scale(y="independent"), 300)


def attainment_by_region(frame: pd.DataFrame, pace: float,
                         labels: dict[str, str]) -> alt.TopLevelMixin:
    """Horizontal bars of attainment in the frame's row order, a 100% rule and a dashed pace rule.

    ``frame``: region (display name), revenue_attainment, status (translated on/behind pace),
    attainment_label, revenue_label, target_label."""
    # An explicit order: Vega-Lite drops a "-x" sort when layers share the y scale.
    bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("region:N", sort=list(frame["region"]), title=None,
                axis=alt.Axis(labelLimit=160, labelOverlap=False)),
        x=alt.X("revenue_attainment:Q", title=labels["attainment"], axis=alt.Axis(format=".0%")),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[labels["on_track"], labels["behind"]],
                                        range=[GOOD, BAD])),
        tooltip=[alt.Tooltip("region:N", title=labels["region"]),
                 alt.Tooltip("attainment_label:N", title=labels["attainment"]),
                 alt.Tooltip("revenue_label:N", title=labels["revenue"]),
                 alt.Tooltip("target_label:N", title=labels["target"])])
    text = bars.mark_text(align="left", dx=4, fontSize=11, color="#37474f").encode(
        text="attainment_label:N", color=alt.value("#37474f"))
    full = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#263238", strokeWidth=1.5).encode(
        x="x:Q")
    pace_rule = alt.Chart(pd.DataFrame({"x": [pace]})).mark_rule(
        color=NEUTRAL, strokeDash=[6, 4], strokeWidth=2).encode(x="x:Q")
    # One 24-pixel band per region, so every region's name is readable.
    return _finish(alt.layer(bars, text, full, pace_rule), alt.Step(24))
