"""Chart builders: tidy frames in, ``alt.Chart`` out, one shared look.

Labels arrive translated; builders never compute metrics, only encode what they are given. The
shared parts: ``finish`` (fonts, axes, legends), the number axes (``money_axis``,
``count_axis``), ``bar_labels`` (values at the bar ends, readable over reference rules),
``legend_columns`` (legends that wrap instead of running off a phone's screen),
``label_lookup`` and ``wrapped_labels`` (category names renamed or on several lines).
"""

from __future__ import annotations

import json
import textwrap
import unicodedata

import altair as alt
import pandas as pd

from pages.ui import fmt
from pages.ui.fmt import _EN_UNITS, _ZH_UNITS
from pages.ui.i18n import t

# Noto Sans CJK renders Chinese labels in the canvas; the rest is the browser's sans-serif.
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, sans-serif"
GOOD, BAD, NEUTRAL, ACCENT = "#2e7d32", "#c62828", "#90a4ae", "#1565c0"
INK = "#37474f"


def finish(chart: alt.TopLevelMixin, height) -> alt.TopLevelMixin:
    """The shared look: every builder's last step (height in pixels or ``alt.Step``).

    Streamlit's theme cuts axis labels at 100 px ("Perception anal…"); 160 px keeps stage and
    region names whole. Legends put their title above the entries and wrap into as many
    columns as fit, so none runs past the chart's right edge on a phone."""
    return (chart.properties(height=height, width="container")
            .configure(font=FONT)
            .configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=12,
                            grid=False, labelLimit=160)
            .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=12, orient="bottom",
                              titleOrient="top", direction="horizontal",
                              columns=legend_columns(), labelLimit=200)
            .configure_view(strokeWidth=0))


def text_width(text: str, size: float = 12) -> float:
    """Rough rendered width in pixels in ``FONT``: CJK characters (and "·", which the CJK font
    draws full width) are square, Latin a little over half as wide."""
    return sum(size if unicodedata.east_asian_width(c) in "WFA" else 0.58 * size for c in text)


def wrap_text(text: str, width: float, size: float = 12) -> list[str]:
    """``text`` as lines of at most ``width`` pixels (roughly): at spaces, or between any two
    characters of a text without spaces (Chinese)."""
    words = text.split(" ") if " " in text else list(text)
    gap = " " if " " in text else ""
    lines = [""]
    for word in words:
        joined = f"{lines[-1]}{gap}{word}" if lines[-1] else word
        if lines[-1] and text_width(joined, size) > width:
            lines.append(word)
        else:
            lines[-1] = joined
    return lines


def legend_columns(names=()) -> alt.ExprRef:
    """Legend columns as a Vega expression of the chart's width: the most columns whose entries
    (symbol and gap included, each column as wide as its widest entry) fit, at least one.
    Without names, one column per 150 pixels."""
    sizes = [text_width(str(n)) + 30 for n in names]
    if not sizes:
        return alt.ExprRef("max(1, floor(width / 150))")
    cases = [f"width >= {sum(max(sizes[j::k]) for j in range(k)):.0f} ? {k}"
             for k in range(len(sizes), 1, -1)]
    return alt.ExprRef(" : ".join([*cases, "1"]))


def _abbreviated(lang: str) -> str:
    """A Vega expression writing ``datum.value`` with the largest unit it reaches, the units of
    ``fmt.money_short``: 万/亿 in Chinese, K/M/B in English."""
    expr = "format(datum.value, ',.0f')"
    for threshold, unit in reversed(_ZH_UNITS if lang == "zh" else _EN_UNITS):
        expr = (f"abs(datum.value) >= {threshold:.0f} ? "
                f"format(datum.value / {threshold:.0f}, ',.2~f') + '{unit}' : {expr}")
    return expr


def money_axis(lang: str, **axis) -> alt.Axis:
    """Money axis labels abbreviated like the tiles: 1.5亿, 300万 / 1.5B, 300K. Not d3's SI
    format: that writes billions as G and gives every tick the largest tick's unit (0.86G, 0M)."""
    return alt.Axis(labelExpr=_abbreviated(lang), **axis)


def count_axis(lang: str | None = None, **axis) -> alt.Axis:
    """Count axis labels: 30万 in Chinese, 300K in English, plain thousands separators (300,000)
    when the language is not known; never d3's lower-case k."""
    if lang is None:
        return alt.Axis(format=",~d", **axis)
    return alt.Axis(labelExpr=_abbreviated(lang), **axis)


def date_format(dates) -> str:
    """A numeric date format for a time axis over ``dates``: month-day for a span of up to four
    months, year-month beyond. Numbers read the same in every language (no "April")."""
    dates = pd.to_datetime(pd.Series(list(dates))).dropna()
    if dates.empty or dates.max() - dates.min() <= pd.Timedelta(days=122):
        return "%m-%d"
    return "%Y-%m"


def bar_labels(bars: alt.Chart, text: str, **style) -> list[alt.Chart]:
    """Value labels at the bar ends: a white halo under each label, then the label, so a
    reference rule drawn before them (pace, target, 3×) stops at the digits instead of running
    through them. ``bars``' encodings are reused; ``style`` overrides the mark."""
    style = {"align": "left", "dx": 4, "fontSize": 11, **style}
    halo = bars.mark_text(**style, stroke="white", strokeWidth=4, strokeJoin="round").encode(
        text=text, color=alt.value("white"))
    label = bars.mark_text(**style).encode(text=text, color=alt.value(INK))
    return [halo, label]


def label_lookup(names: dict) -> str:
    """A ``labelExpr`` showing ``names[label]`` for the labels it lists (a string, or a list of
    strings for several lines) and the label itself otherwise."""
    cases = [f"datum.label === {json.dumps(str(k), ensure_ascii=False)} ? "
             f"{json.dumps(v, ensure_ascii=False)}" for k, v in names.items()]
    return " : ".join([*cases, "datum.label"])


def name_lines(name: str, width: int = 10) -> list[str]:
    """A category name as lines: split at " · " and wrapped at ``width`` characters."""
    return [line for part in str(name).split(" · ")
            for line in (textwrap.wrap(part, width, break_long_words=False) or [part])]


def wrapped_labels(names, width: int = 10) -> str:
    """A ``labelExpr`` writing each name on several lines (``name_lines``), so the columns of a
    heatmap do not write into each other ("prospectnewly activated"). Names that need no
    wrapping stay as they are."""
    lines = {str(n): name_lines(n, width) for n in names}
    return label_lookup({n: v for n, v in lines.items() if len(v) > 1})


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


def attainment_by_region(frame: pd.DataFrame, pace: float, labels: dict[str, str],
                         select: str | None = None) -> alt.TopLevelMixin:
    """Horizontal bars of attainment in the frame's row order, a 100% rule and a dashed pace rule;
    the % labels are drawn last, over a halo, so the pace rule never runs through them.
    ``select``: the name of a click selection on a bar's ``region_id`` (for click-to-drill).

    ``frame``: region (display name), region_id, revenue_attainment, status (translated on/behind
    pace), attainment_label, revenue_label, target_label."""
    statuses = [labels["on_track"], labels["behind"], labels["no_pace"]]
    # An explicit order: Vega-Lite drops a "-x" sort when layers share the y scale.
    bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("region:N", sort=list(frame["region"]), title=None,
                axis=alt.Axis(labelLimit=160, labelOverlap=False)),
        x=alt.X("revenue_attainment:Q", title=labels["attainment"], axis=alt.Axis(format=".0%")),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=statuses, range=[GOOD, BAD, "#90a4ae"]),
                        legend=alt.Legend(columns=legend_columns(statuses))),
        tooltip=[alt.Tooltip("region:N", title=labels["region"]),
                 alt.Tooltip("attainment_label:N", title=labels["attainment"]),
                 alt.Tooltip("revenue_label:N", title=labels["revenue"]),
                 alt.Tooltip("target_label:N", title=labels["target"])])
    full = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#263238", strokeWidth=1.5).encode(
        x="x:Q")
    pace_rule = alt.Chart(pd.DataFrame({"x": [pace]})).mark_rule(
        color=NEUTRAL, strokeDash=[6, 4], strokeWidth=2).encode(x="x:Q")
    texts = bar_labels(bars, "attainment_label:N")
    if select:  # on the bars only: a layer copied from them would declare it twice
        bars = bars.add_params(alt.selection_point(name=select, fields=["region_id"],
                                                   on="click")).mark_bar(cornerRadiusEnd=3,
                                                                         cursor="pointer")
    # One 24-pixel band per region, so every region's name is readable.
    return finish(alt.layer(bars, full, pace_rule, *texts), alt.Step(24))


def with_target(report: pd.DataFrame) -> pd.DataFrame:
    """The regions of a regional report that have a revenue target (an attainment)."""
    return report[report["revenue_attainment"].notna()]


def attainment_figure(report: pd.DataFrame, pace: float | None, region_name, lang: str,
                      select: str | None = None) -> alt.TopLevelMixin | None:
    """Revenue attainment by region as the dashboard and the executive pack show it, from the
    weekly regional report (``metrics.dashboard.regional_report`` or the report's rows of it):
    the regions with a target, best first, coloured by pace, each bar labelled with its
    attainment (revenue and target in the tooltip). None when no region has a target.
    ``region_name(region_id)``: the name to show; ``select`` as in ``attainment_by_region``."""
    bars = with_target(report)
    if bars.empty:
        return None
    bars = bars.sort_values("revenue_attainment", ascending=False)
    bars = bars.assign(
        region=bars["region_id"].map(region_name),
        status=bars["on_track"].map(lambda ok: t(
            "chart.no_pace" if pd.isna(ok) else "chart.on_track" if ok else "chart.behind",
            lang)),
        attainment_label=bars["revenue_attainment"].map(lambda v: fmt.pct(v, lang)),
        revenue_label=bars["revenue"].map(lambda v: fmt.money_short(v, lang)),
        target_label=bars["revenue_target"].map(lambda v: fmt.money_short(v, lang)))
    return attainment_by_region(bars, pace, {
        "attainment": t("chart.attainment", lang), "on_track": t("chart.on_track", lang),
        "behind": t("chart.behind", lang), "no_pace": t("chart.no_pace", lang),
        "region": t("col.region", lang), "revenue": t("col.revenue", lang),
        "target": t("col.revenue_target", lang)}, select=select)


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
    text = base.mark_text(align="left", dx=4, fontSize=11, color=INK).encode(
        x="amount:Q", text="count_label:N")
    return finish(alt.layer(amount, weighted, text), alt.Step(40))


def waterfall(frame: pd.DataFrame, labels: dict[str, str], lang: str) -> alt.TopLevelMixin:
    """Last week's open pipeline to this week's, one row per step from the top: totals in grey,
    increases green, decreases red, each amount written after its bar.

    ``frame``: step_label, base, top, kind, amount_label (rows in waterfall order)."""
    order = list(frame["step_label"])
    colours = alt.Scale(domain=["total", "increase", "decrease"], range=[NEUTRAL, GOOD, BAD])
    # From zero, so a week's movement shows at its true size beside the whole pipeline; room
    # right of the longest bar for its label. Rows, not columns: the labels never meet, even on
    # a phone.
    high = max([*frame["base"], *frame["top"], 0.0])
    scale = alt.Scale(domain=[0, 1.3 * high or 1], nice=False, zero=True)
    base = alt.Chart(frame).encode(
        y=alt.Y("step_label:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)))
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("base:Q", title=labels["amount"], axis=money_axis(lang), scale=scale),
        x2="top:Q",
        color=alt.Color("kind:N", scale=colours, legend=None),
        tooltip=[alt.Tooltip("step_label:N", title=labels["step"]),
                 alt.Tooltip("amount_label:N", title=labels["amount"])])
    text = base.transform_calculate(end="max(datum.base, datum.top)").mark_text(
        align="left", dx=4, fontSize=11, color=INK).encode(
        x=alt.X("end:Q", scale=scale), text="amount_label:N")
    return finish(alt.layer(bars, text), alt.Step(26))


def conversion(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """Stage-to-stage conversion, one bar per step from the top, its value written after it, the
    counts behind each ratio in the tooltip. Rows, so eight CRM stages keep every name; a long
    step name on two lines ("Decision makers →" / "Perception analysis").

    ``frame``: step_label, conversion, conversion_label, counts_label."""
    order = list(frame["step_label"])
    two_lines = {name: [f"{name.split(' → ')[0]} →", name.split(" → ", 1)[1]]
                 for name in order if " → " in name and text_width(name) > 150}
    bars = alt.Chart(frame).mark_bar(color=ACCENT, cornerRadiusEnd=3).encode(
        y=alt.Y("step_label:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=240, labelOverlap=False,
                              labelExpr=label_lookup(two_lines))),
        # Room right of a 100% bar for its label.
        x=alt.X("conversion:Q", title=labels["conversion"],
                axis=alt.Axis(format=".0%", values=[0, 0.2, 0.4, 0.6, 0.8, 1]),
                scale=alt.Scale(domain=[0, 1.2], nice=False)),
        tooltip=[alt.Tooltip("step_label:N", title=labels["step"]),
                 alt.Tooltip("conversion_label:N", title=labels["conversion"]),
                 alt.Tooltip("counts_label:N", title=labels["counts"])])
    return finish(alt.layer(bars, *bar_labels(bars, "conversion_label:N")),
                  alt.Step(36 if two_lines else 26))


def coverage_by_region(frame: pd.DataFrame, reference: float,
                       labels: dict[str, str]) -> alt.TopLevelMixin:
    """Pipeline coverage per region in the frame's order, with a reference rule (3×) drawn under
    the value labels.

    ``frame``: region, coverage, coverage_label, gap_label, pipeline_label, status."""
    bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("region:N", sort=list(frame["region"]), title=None,
                axis=alt.Axis(labelLimit=160, labelOverlap=False)),
        x=alt.X("coverage:Q", title=labels["coverage"]),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[labels["covered"], labels["short"]],
                                        range=[GOOD, "#ef6c00"]),
                        legend=alt.Legend(columns=legend_columns(
                            [labels["covered"], labels["short"]]))),
        tooltip=[alt.Tooltip("region:N", title=labels["region"]),
                 alt.Tooltip("coverage_label:N", title=labels["coverage"]),
                 alt.Tooltip("pipeline_label:N", title=labels["pipeline"]),
                 alt.Tooltip("gap_label:N", title=labels["gap"])])
    rule = alt.Chart(pd.DataFrame({"x": [reference]})).mark_rule(
        color="#263238", strokeDash=[6, 4], strokeWidth=1.5).encode(x="x:Q")
    return finish(alt.layer(bars, rule, *bar_labels(bars, "coverage_label:N")), alt.Step(24))


def deal_timeline(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """One bar per stage the deal entered, from entry to the next entry (or close / as_of); a
    stage left the day it was entered (a win) as a dot. Dates as numbers, no month names.

    ``frame``: stage_label, entered_date, left_date, days."""
    date_fmt = date_format([*frame["entered_date"], *frame["left_date"]])
    # Whole days, and whole months for the year-month format, so no two ticks read the same.
    ticks = ({"tickCount": {"interval": "month", "step": 1}} if date_fmt == "%Y-%m"
             else {"tickMinStep": 86_400_000})
    base = alt.Chart(frame).encode(
        y=alt.Y("stage_label:N", sort=None, title=None),
        x=alt.X("entered_date:T", title=labels["date"],
                axis=alt.Axis(format=date_fmt, labelAngle=0, **ticks)),
        tooltip=[alt.Tooltip("stage_label:N", title=labels["stage"]),
                 alt.Tooltip("entered_date:T", title=labels["entered"], format="%Y-%m-%d"),
                 alt.Tooltip("days:Q", title=labels["days"])])
    bars = base.mark_bar(color=ACCENT, cornerRadius=3, height=18).encode(x2="left_date:T")
    same_day = base.transform_filter("datum.days == 0").mark_point(
        color=ACCENT, filled=True, size=90, opacity=1)
    return finish(alt.layer(bars, same_day), alt.Step(28))


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
