"""Chart builders of the margin alerts page: tidy frames in, ``alt.Chart`` out, the shared theme.

Labels arrive translated; builders only encode what they are given.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pages.ui.charts import (ACCENT, BAD, GOOD, bar_labels, finish, label_lookup,
                             legend_columns, money_axis)

# One colour per product line (PC, NB, Server, Service), none of them the good/bad colours.
LINE_COLOURS = (ACCENT, "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#546e7a")
WARNING = "#f9a825"
TEXT = "#37474f"


def gm_trend(frame: pd.DataFrame, floors: pd.DataFrame, labels: dict[str, str]
             ) -> alt.TopLevelMixin:
    """Weekly gross margin % per product line, each line's floor as a dashed rule in its colour,
    its value written right of the plot and its name in the legend ("Desktop (PC) floor 8%").

    ``frame``: week, line_label, gm_pct, gm_label, revenue_label (weeks in order, lines in
    order). ``floors``: line_label, floor, floor_label (lines with a floor)."""
    lines = list(dict.fromkeys(frame["line_label"]))
    scale = alt.Scale(domain=lines, range=list(LINE_COLOURS[:len(lines)]))
    # The legend names each line with its floor; lines without one keep their name.
    named = dict(zip(floors["line_label"], floors["floor_label"]))
    legend = alt.Legend(orient="bottom", labelExpr=label_lookup(named),
                        columns=legend_columns(named.get(line, line) for line in lines))
    colour = alt.Color("line_label:N", title=None, sort=lines, legend=legend, scale=scale)
    weeks = list(dict.fromkeys(frame["week"]))
    trend = alt.Chart(frame).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("week:N", title=labels["week"], sort=weeks,
                axis=alt.Axis(labelAngle=-40, labelOverlap=False)),
        y=alt.Y("gm_pct:Q", title=labels["gm_pct"], axis=alt.Axis(format=".0%"),
                scale=alt.Scale(zero=True)),
        color=colour,
        tooltip=[alt.Tooltip("week:N", title=labels["week"]),
                 alt.Tooltip("line_label:N", title=labels["line"]),
                 alt.Tooltip("gm_label:N", title=labels["gm_pct"]),
                 alt.Tooltip("revenue_label:N", title=labels["revenue"])])
    same_colour = alt.Color("line_label:N", sort=lines, scale=scale)
    rules = alt.Chart(floors).mark_rule(strokeDash=[6, 4], strokeWidth=1.5, opacity=0.8).encode(
        y="floor:Q", color=same_colour,
        tooltip=[alt.Tooltip("line_label:N", title=labels["line"]),
                 alt.Tooltip("floor_label:N", title=labels["floor"])])
    # Taller than 340: on a phone the legend of four named floors takes four rows.
    return finish(alt.layer(trend, rules, *_floor_values(floors, same_colour)), 380)


def _floor_values(floors: pd.DataFrame, colour: alt.Color) -> list[alt.Chart]:
    """Each floor's value right of the plot, level with its rule, where no margin line can
    cross it. Close floors (PC 8%, NB 10%) are pushed apart: a label sits at its rule or 13 px
    above the label below it, whichever is higher (y grows downwards)."""
    ordered = floors.sort_values("floor")
    marks = []
    for k in range(len(ordered)):
        at = [f"scale('y', {float(f)!r}) - {13 * (k - j)}"
              for j, f in enumerate(ordered["floor"].iloc[:k + 1])]
        marks.append(alt.Chart(ordered.iloc[[k]]).mark_text(
            align="left", baseline="middle", dx=6, fontSize=11, fontWeight="bold").encode(
            x=alt.value({"expr": "width"}),
            y=alt.value({"expr": f"min({', '.join(at)})" if k else at[0]}),
            text=alt.Text("floor:Q", format=".1~%"), color=colour))
    return marks


def at_stake_by_rule(frame: pd.DataFrame, totals: pd.DataFrame, labels: dict[str, str],
                     lang: str) -> alt.TopLevelMixin:
    """Money at stake per rule, stacked by severity (critical first), rules in the frame's order,
    each rule's total written at the end of its bar.

    ``frame``: rule_label, severity_label, severity_order, at_stake, at_stake_label, count;
    ``totals``: rule_label, rule_at_stake, total_label. ``labels`` holds the translated
    ``critical`` and ``warning`` names used in ``severity_label``."""
    rules = list(dict.fromkeys(totals["rule_label"]))
    severities = [labels["critical"], labels["warning"]]
    bars = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("rule_label:N", sort=rules, title=None,
                axis=alt.Axis(labelLimit=200, labelOverlap=False)),
        x=alt.X("at_stake:Q", title=labels["at_stake"], axis=money_axis(lang), stack="zero"),
        color=alt.Color("severity_label:N", title=None, sort=severities,
                        scale=alt.Scale(domain=severities, range=[BAD, WARNING]),
                        legend=alt.Legend(columns=legend_columns(severities))),
        order=alt.Order("severity_order:Q"),
        tooltip=[alt.Tooltip("rule_label:N", title=labels["rule"]),
                 alt.Tooltip("severity_label:N", title=labels["severity"]),
                 alt.Tooltip("count:Q", title=labels["count"]),
                 alt.Tooltip("at_stake_label:N", title=labels["at_stake"])])
    text = alt.Chart(totals).mark_text(align="left", dx=4, fontSize=11, color=TEXT).encode(
        y=alt.Y("rule_label:N", sort=rules), x="rule_at_stake:Q", text="total_label:N")
    return finish(alt.layer(bars, text), alt.Step(34))


def high_margin_mix(frame: pd.DataFrame, target: float, labels: dict[str, str]
                    ) -> alt.TopLevelMixin:
    """High-margin revenue share per region in the frame's order, a dashed rule at the target
    drawn under the value labels.

    ``frame``: region, share, share_label, revenue_label, high_label, status (translated below /
    on target)."""
    bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("region:N", sort=list(frame["region"]), title=None,
                axis=alt.Axis(labelLimit=160, labelOverlap=False)),
        # Room right of the longest bar and of the target rule for the labels.
        x=alt.X("share:Q", title=labels["share"], axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1.15 * max(target, frame["share"].max())],
                                nice=False)),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[labels["below"], labels["on_target"]],
                                        range=[BAD, GOOD]),
                        legend=alt.Legend(columns=legend_columns(
                            [labels["below"], labels["on_target"]]))),
        tooltip=[alt.Tooltip("region:N", title=labels["region"]),
                 alt.Tooltip("share_label:N", title=labels["share"]),
                 alt.Tooltip("high_label:N", title=labels["high_revenue"]),
                 alt.Tooltip("revenue_label:N", title=labels["revenue"])])
    rule = alt.Chart(pd.DataFrame({"x": [target]})).mark_rule(
        color="#263238", strokeDash=[6, 4], strokeWidth=1.5).encode(x="x:Q")
    # The labels last, over their halo: the target rule stops at the digits.
    return finish(alt.layer(bars, rule, *bar_labels(bars, "share_label:N")), alt.Step(24))
