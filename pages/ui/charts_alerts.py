"""Chart builders of the margin alerts page: tidy frames in, ``alt.Chart`` out, the shared theme.

Labels arrive translated; builders only encode what they are given.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pages.ui.charts import ACCENT, BAD, GOOD, finish, money_axis

# One colour per product line (PC, NB, Server, Service), none of them the good/bad colours.
LINE_COLOURS = (ACCENT, "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#546e7a")
WARNING = "#f9a825"
TEXT = "#37474f"


def gm_trend(frame: pd.DataFrame, floors: pd.DataFrame, labels: dict[str, str]
             ) -> alt.TopLevelMixin:
    """Weekly gross margin % per product line, each line's floor as a dashed rule in its colour.

    ``frame``: week, line_label, gm_pct, gm_label, revenue_label (weeks in order, lines in
    order). ``floors``: line_label, floor, floor_label (lines with a floor)."""
    lines = list(dict.fromkeys(frame["line_label"]))
    colour = alt.Color("line_label:N", title=None, sort=lines, legend=alt.Legend(orient="bottom"),
                       scale=alt.Scale(domain=lines, range=list(LINE_COLOURS[:len(lines)])))
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
    same_colour = alt.Color("line_label:N", sort=lines,
                            scale=alt.Scale(domain=lines, range=list(LINE_COLOURS[:len(lines)])))
    rules = alt.Chart(floors).mark_rule(strokeDash=[6, 4], strokeWidth=1.5, opacity=0.8).encode(
        y="floor:Q", color=same_colour,
        tooltip=[alt.Tooltip("line_label:N", title=labels["line"]),
                 alt.Tooltip("floor_label:N", title=labels["floor"])])
    # Each floor's label just above its rule, alternately at the left and right edge so close
    # floors (PC 8%, NB 10%) do not write over each other.
    side = floors.assign(right=[i % 2 == 1 for i in range(len(floors))])
    labels_ = []
    for right, frame_ in ((False, side[~side["right"]]), (True, side[side["right"]])):
        x = alt.value({"expr": "width"}) if right else alt.value(0)
        base = alt.Chart(frame_).encode(x=x, y="floor:Q", text="floor_label:N")
        style = {"align": "right" if right else "left", "baseline": "bottom",
                 "dx": -4 if right else 4, "dy": -2, "fontSize": 11, "fontWeight": "bold"}
        # A white halo under the label keeps it readable where a margin line crosses it.
        labels_.append(base.mark_text(**style, stroke="white", strokeWidth=4, strokeJoin="round"))
        labels_.append(base.mark_text(**style).encode(color=same_colour))
    text = alt.layer(*labels_)
    return finish(alt.layer(trend, rules, text), 340)


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
                        scale=alt.Scale(domain=severities, range=[BAD, WARNING])),
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
    """High-margin revenue share per region in the frame's order, a dashed rule at the target.

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
                                        range=[BAD, GOOD])),
        tooltip=[alt.Tooltip("region:N", title=labels["region"]),
                 alt.Tooltip("share_label:N", title=labels["share"]),
                 alt.Tooltip("high_label:N", title=labels["high_revenue"]),
                 alt.Tooltip("revenue_label:N", title=labels["revenue"])])
    text = bars.mark_text(align="left", dx=4, fontSize=11).encode(
        text="share_label:N", color=alt.value(TEXT))
    rule = alt.Chart(pd.DataFrame({"x": [target]})).mark_rule(
        color="#263238", strokeDash=[6, 4], strokeWidth=1.5).encode(x="x:Q")
    return finish(alt.layer(bars, text, rule), alt.Step(24))
