"""Chart builders of the regional scorecard page: tidy frames in, ``alt.Chart`` out, the shared
theme. Labels arrive translated; builders only encode what they are given.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pages.ui.charts import (ACCENT, BAD, GOOD, NEUTRAL, bar_labels, finish,
                             legend_columns)


def score_by_region(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """Total score per region in the frame's order (best first), selected regions in blue.

    ``frame``: region, total, total_label, group (translated selected / other), rank_label."""
    bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("region:N", sort=list(frame["region"]), title=None,
                axis=alt.Axis(labelLimit=160, labelOverlap=False)),
        x=alt.X("total:Q", title=labels["total"], scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("group:N", title=None,
                        scale=alt.Scale(domain=[labels["selected"], labels["other"]],
                                        range=[ACCENT, NEUTRAL]),
                        legend=alt.Legend(columns=legend_columns(
                            [labels["selected"], labels["other"]]))),
        tooltip=[alt.Tooltip("region:N", title=labels["region"]),
                 alt.Tooltip("rank_label:N", title=labels["rank"]),
                 alt.Tooltip("total_label:N", title=labels["total"])])
    text = bars.mark_text(align="left", dx=4, fontSize=11).encode(
        text="total_label:N", color=alt.value("#37474f"))
    return finish(alt.layer(bars, text), alt.Step(24))


def score_contributions(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """Each dimension's signed share of a total's change: green adds, red takes away, the points
    written at each bar's end (right of a gain, left of a loss).

    ``frame``: dimension_label, contribution, contribution_label, score_label, previous_label."""
    frame = frame.assign(kind=frame["contribution"].map(lambda v: "up" if v >= 0 else "down"))
    # Room beyond the longest bars on both sides for their labels.
    values = [float(v) for v in frame["contribution"].dropna()] + [0.0]
    low, high = min(values), max(values)
    room = 0.2 * ((high - low) or 1)
    scale = alt.Scale(domain=[low - room if low < 0 else 0, high + room if high > 0 else 0],
                      nice=False)
    bars = alt.Chart(frame).mark_bar(cornerRadius=2).encode(
        y=alt.Y("dimension_label:N", sort=list(frame["dimension_label"]), title=None,
                axis=alt.Axis(labelLimit=160)),
        x=alt.X("contribution:Q", title=labels["points"], scale=scale),
        color=alt.Color("kind:N", scale=alt.Scale(domain=["up", "down"], range=[GOOD, BAD]),
                        legend=None),
        tooltip=[alt.Tooltip("dimension_label:N", title=labels["dimension"]),
                 alt.Tooltip("contribution_label:N", title=labels["points"]),
                 alt.Tooltip("previous_label:N", title=labels["before"]),
                 alt.Tooltip("score_label:N", title=labels["now"])])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#263238").encode(x="x:Q")
    gains = bar_labels(bars.transform_filter("datum.contribution >= 0"), "contribution_label:N")
    losses = bar_labels(bars.transform_filter("datum.contribution < 0"), "contribution_label:N",
                        align="right", dx=-4)
    return finish(alt.layer(bars, zero, *gains, *losses), alt.Step(28))


def industry_attainment(frame: pd.DataFrame, cap: float,
                        labels: dict[str, str]) -> alt.TopLevelMixin:
    """Attainment per industry in the frame's order with a 100% rule and a dashed cap rule.

    ``frame``: industry, attainment, status (translated), attainment_label, revenue_label,
    target_label."""
    statuses = [labels["above"], labels["met"], labels["short"]]
    bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("industry:N", sort=list(frame["industry"]), title=None),
        x=alt.X("attainment:Q", title=labels["attainment"], axis=alt.Axis(format=".0%")),
        color=alt.Color("status:N", title=None, scale=alt.Scale(domain=statuses,
                                                              range=["#1b5e20", GOOD, BAD]),
                        legend=alt.Legend(columns=legend_columns(statuses))),
        tooltip=[alt.Tooltip("industry:N", title=labels["industry"]),
                 alt.Tooltip("attainment_label:N", title=labels["attainment"]),
                 alt.Tooltip("revenue_label:N", title=labels["revenue"]),
                 alt.Tooltip("target_label:N", title=labels["target"])])
    full = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
        color="#263238", strokeWidth=1.5).encode(x="x:Q")
    cap_rule = alt.Chart(pd.DataFrame({"x": [cap]})).mark_rule(
        color=NEUTRAL, strokeDash=[6, 4], strokeWidth=2).encode(x="x:Q")
    # The labels last, over their halo: the 100% and cap rules stop at the digits.
    return finish(alt.layer(bars, full, cap_rule, *bar_labels(bars, "attainment_label:N")),
                  alt.Step(28))
