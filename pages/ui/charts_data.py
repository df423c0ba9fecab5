"""Chart builders of the Data page: tidy frames in, ``alt.Chart`` out, the shared theme."""

from __future__ import annotations

import altair as alt
import pandas as pd

from pages.ui.charts import ACCENT, BAD, GOOD, NEUTRAL, finish

_TABLE_COLOURS = [ACCENT, "#ef6c00", GOOD, "#6a1b9a", NEUTRAL]


def row_counts(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """Rows per snapshot of each growing table on a log scale; hollow points for invalid
    snapshots.

    ``frame``: snapshot_id, table_label, rows, valid, rows_label (in table order)."""
    order = list(dict.fromkeys(frame["table_label"]))
    snapshots = sorted(frame["snapshot_id"].unique())
    base = alt.Chart(frame).transform_filter("datum.rows > 0").encode(
        x=alt.X("snapshot_id:N", sort=snapshots, title=labels["snapshot"],
                axis=alt.Axis(labelAngle=-35, labelOverlap=False)),
        # Log scale: tables of thousands and of hundreds of thousands of rows both readable.
        y=alt.Y("rows:Q", title=labels["rows"], scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~s", grid=True, gridOpacity=0.4)),
        color=alt.Color("table_label:N", title=labels["table"], sort=order,
                        scale=alt.Scale(domain=order, range=_TABLE_COLOURS[:len(order)]),
                        legend=alt.Legend(columns=3, labelLimit=160)),
        tooltip=[alt.Tooltip("snapshot_id:N", title=labels["snapshot"]),
                 alt.Tooltip("table_label:N", title=labels["table"]),
                 alt.Tooltip("rows_label:N", title=labels["rows"])])
    lines = base.mark_line(strokeWidth=2)
    valid = base.transform_filter("datum.valid").mark_point(size=50, filled=True, opacity=1)
    invalid = base.transform_filter("!datum.valid").mark_point(size=60, strokeWidth=2,
                                                                fill="white", opacity=1)
    return finish(alt.layer(lines, valid, invalid), 320)


def quality_checks(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """One bar per check: the share of checked rows it flags, red when any, labelled with the
    rows.

    ``frame``: check_label, share, flagged_label, status (translated flagged / clean)."""
    bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("check_label:N", sort=list(frame["check_label"]), title=None,
                axis=alt.Axis(labelLimit=320, labelOverlap=False)),
        x=alt.X("share:Q", title=labels["share"], axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domainMin=0, nice=True)),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[labels["flagged"], labels["clean"]],
                                        range=[BAD, GOOD])),
        tooltip=[alt.Tooltip("check_label:N", title=labels["check"]),
                 alt.Tooltip("flagged_label:N", title=labels["share"])])
    text = bars.mark_text(align="left", dx=4, fontSize=11).encode(
        text="flagged_label:N", color=alt.value("#37474f"))
    return finish(alt.layer(bars, text), alt.Step(24))
