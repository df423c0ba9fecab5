"""Chart builders: tidy frames in, ``alt.Chart`` out, one shared look.

Labels arrive translated; builders never compute metrics, only encode what they are given.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

# Noto Sans CJK renders Chinese labels in the canvas; the rest is the browser's sans-serif.
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, sans-serif"
GOOD, BAD, NEUTRAL, ACCENT = "#2e7d32", "#c62828", "#90a4ae", "#1565c0"


def finish(chart: alt.TopLevelMixin, height) -> alt.TopLevelMixin:
    """The shared look: every builder's last step (height in pixels or ``alt.Step``)."""
    return (chart.properties(height=height, width="container")
            .configure(font=FONT)
            .configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=12,
                            grid=False)
            .configure_legend(labelFont=FONT, titleFont=FONT, orient="bottom")
            .configure_view(strokeWidth=0))


def money_axis(lang: str) -> alt.Axis:
    """Money axis labels abbreviated like the tiles: 万/亿 in Chinese, K/M/B in English."""
    if lang == "zh":
        expr = ("abs(datum.value) >= 1e8 ? format(datum.value / 1e8, ',.2~f') + '亿' : "
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
    return finish(alt.layer(bars, line).resolve_scale(y="independent"), 300)


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
                        scale=alt.Scale(domain=[labels["on_track"], labels["behind"],
                                                labels["no_pace"]],
                                        range=[GOOD, BAD, "#90a4ae"])),
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
    return finish(alt.layer(bars, text, full, pace_rule), alt.Step(24))


def funnel(frame: pd.DataFrame, labels: dict[str, str], lang: str) -> alt.TopLevelMixin:
    """Open pipeline by stage, widest at the top: amount bars with weighted amount overlaid.

    ``frame``: stage_label, amount, weighted_amount, count_label, amount_label."""
    order = list(frame["stage_label"])
    base = alt.Chart(frame).encode(y=alt.Y("stage_label:N", sort=order, title=None))
    tooltip = [alt.Tooltip("stage_label:N", title=labels["stage"]),
               alt.Tooltip("amount_label:N", title=labels["amount"]),
               alt.Tooltip("weighted_label:N", title=labels["weighted"]),
               alt.Tooltip("count_label:N", title=labels["count"])]
    amount = base.mark_bar(color="#90caf9", cornerRadiusEnd=3).encode(
        x=alt.X("amount:Q", title=labels["amount"], axis=money_axis(lang)), tooltip=tooltip)
    weighted = base.mark_bar(color=ACCENT, height=10, cornerRadiusEnd=2).encode(
        x="weighted_amount:Q", tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, fontSize=11, color="#37474f").encode(
        x="amount:Q", text="count_label:N")
    return finish(alt.layer(amount, weighted, text), alt.Step(40))


def waterfall(frame: pd.DataFrame, labels: dict[str, str], lang: str) -> alt.TopLevelMixin:
    """Last week's open pipeline to this week's: totals in grey, increases green, decreases red.

    ``frame``: step_label, base, top, kind, amount_label (rows in waterfall order)."""
    order = list(frame["step_label"])
    colours = alt.Scale(domain=["total", "increase", "decrease"], range=[NEUTRAL, GOOD, BAD])
    # Weekly movements are small beside the totals: start the axis just below the lowest level
    # the waterfall reaches, and let the total bars run off its bottom (clipped).
    steps = frame[frame["kind"] != "total"]
    levels = [*steps["base"], *steps["top"], *frame["top"]]
    low, high = min(levels), max(levels)
    floor = max(0.0, low - 0.25 * (high - low or abs(high) or 1))
    bars = alt.Chart(frame).mark_bar(width={"band": 0.7}, clip=True).encode(
        x=alt.X("step_label:N", sort=order, title=None,
                axis=alt.Axis(labelAngle=-35, labelOverlap=False)),
        y=alt.Y("base:Q", title=labels["amount"], axis=money_axis(lang),
                scale=alt.Scale(domain=[floor, high], nice=False, zero=False)),
        y2="top:Q",
        color=alt.Color("kind:N", scale=colours, legend=None),
        tooltip=[alt.Tooltip("step_label:N", title=labels["step"]),
                 alt.Tooltip("amount_label:N", title=labels["amount"])])
    text = alt.Chart(frame).mark_text(dy=-6, fontSize=10, color="#37474f").encode(
        x=alt.X("step_label:N", sort=order), y=alt.Y("label_y:Q"), text="amount_label:N")
    return finish(alt.layer(bars, text.transform_calculate(
        label_y="max(datum.base, datum.top)")), 320)


def conversion(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """Stage-to-stage conversion as bars with the counts behind each ratio in the tooltip.

    ``frame``: step_label, conversion, conversion_label, counts_label."""
    order = list(frame["step_label"])
    bars = alt.Chart(frame).mark_bar(color=ACCENT, cornerRadiusEnd=3).encode(
        # "Identify → Validate" on two lines so every step's name fits under its bar.
        x=alt.X("step_label:N", sort=order, title=None,
                axis=alt.Axis(labelAngle=0, labelLimit=0, labelExpr="split(datum.label, ' ')")),
        y=alt.Y("conversion:Q", title=labels["conversion"], axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("step_label:N", title=labels["step"]),
                 alt.Tooltip("conversion_label:N", title=labels["conversion"]),
                 alt.Tooltip("counts_label:N", title=labels["counts"])])
    text = bars.mark_text(dy=-6, fontSize=11, color="#37474f").encode(text="conversion_label:N")
    return finish(alt.layer(bars, text), 260)


def coverage_by_region(frame: pd.DataFrame, reference: float,
                       labels: dict[str, str]) -> alt.TopLevelMixin:
    """Pipeline coverage per region in the frame's order, with a reference rule (3×).

    ``frame``: region, coverage, coverage_label, gap_label, pipeline_label, status."""
    bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("region:N", sort=list(frame["region"]), title=None,
                axis=alt.Axis(labelLimit=160, labelOverlap=False)),
        x=alt.X("coverage:Q", title=labels["coverage"]),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[labels["covered"], labels["short"]],
                                        range=[GOOD, "#ef6c00"])),
        tooltip=[alt.Tooltip("region:N", title=labels["region"]),
                 alt.Tooltip("coverage_label:N", title=labels["coverage"]),
                 alt.Tooltip("pipeline_label:N", title=labels["pipeline"]),
                 alt.Tooltip("gap_label:N", title=labels["gap"])])
    text = bars.mark_text(align="left", dx=4, fontSize=11).encode(
        text="coverage_label:N", color=alt.value("#37474f"))
    rule = alt.Chart(pd.DataFrame({"x": [reference]})).mark_rule(
        color="#263238", strokeDash=[6, 4], strokeWidth=1.5).encode(x="x:Q")
    return finish(alt.layer(bars, text, rule), alt.Step(24))


def deal_timeline(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """One bar per stage the deal entered, from entry to the next entry (or close / as_of).

    ``frame``: stage_label, entered_date, left_date, days."""
    return finish(alt.Chart(frame).mark_bar(color=ACCENT, cornerRadius=3, height=18).encode(
        y=alt.Y("stage_label:N", sort=None, title=None),
        x=alt.X("entered_date:T", title=labels["date"]),
        x2="left_date:T",
        tooltip=[alt.Tooltip("stage_label:N", title=labels["stage"]),
                 alt.Tooltip("entered_date:T", title=labels["entered"]),
                 alt.Tooltip("days:Q", title=labels["days"])]), alt.Step(28))


def forecast_accuracy(frame: pd.DataFrame, actual: float | None, labels: dict[str, str],
                      lang: str) -> alt.TopLevelMixin:
    """Each stored week's forecast for the period as a line, against the period's actual revenue
    as a dashed rule (SPEC §10.3); the y axis starts at 0.

    ``frame``: week (snapshot id), forecast, forecast_label, error_label."""
    tooltip = [alt.Tooltip("week:N", title=labels["week"]),
               alt.Tooltip("forecast_label:N", title=labels["forecast"]),
               alt.Tooltip("error_label:N", title=labels["error"])]
    line = alt.Chart(frame).mark_line(color=ACCENT, point=True, strokeWidth=2).encode(
        x=alt.X("week:N", title=labels["week"], sort=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("forecast:Q", title=labels["forecast"], axis=money_axis(lang),
                scale=alt.Scale(zero=True)),
        tooltip=tooltip)
    layers = [line]
    if actual is not None:
        rule = alt.Chart(pd.DataFrame({"y": [actual], "label": [labels["actual"]]})).mark_rule(
            color=GOOD, strokeDash=[6, 4], strokeWidth=2).encode(
            y="y:Q", tooltip=[alt.Tooltip("label:N", title=labels["actual"])])
        layers += [rule, rule.mark_text(align="left", baseline="bottom", dx=4, dy=-2,
                                        color=GOOD, fontSize=11).encode(
            text="label:N", x=alt.value(0))]
    return finish(alt.layer(*layers), 260)
