"""Chart builders of the Data page: tidy frames in, ``alt.Chart`` out, the shared theme."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from pages.ui.charts import (ACCENT, BAD, GOOD, INK, NEUTRAL, count_axis, finish,
                             legend_columns, wrap_text)

_TABLE_COLOURS = [ACCENT, "#ef6c00", GOOD, "#6a1b9a", NEUTRAL]
# A check's name above its bar: lines of at most this many pixels (a phone's chart is ~350 wide).
_NAME_WIDTH = 330
_LINE = 15


def row_counts(frame: pd.DataFrame, labels: dict[str, str],
               lang: str | None = None) -> alt.TopLevelMixin:
    """Rows per snapshot of each growing table on a log scale; hollow points for invalid
    snapshots. The axis reads 30万 in Chinese, 300K in English, 300,000 without ``lang``.

    ``frame``: snapshot_id, table_label, rows, valid, rows_label (in table order)."""
    order = list(dict.fromkeys(frame["table_label"]))
    snapshots = sorted(frame["snapshot_id"].unique())
    base = alt.Chart(frame).transform_filter("datum.rows > 0").encode(
        x=alt.X("snapshot_id:N", sort=snapshots, title=labels["snapshot"],
                axis=alt.Axis(labelAngle=-35, labelOverlap=False)),
        # Log scale: tables of thousands and of hundreds of thousands of rows both readable.
        y=alt.Y("rows:Q", title=labels["rows"], scale=alt.Scale(type="log"),
                axis=count_axis(lang, values=_powers_of_ten(frame["rows"]), grid=True,
                                gridOpacity=0.4)),
        color=alt.Color("table_label:N", title=labels["table"], sort=order,
                        scale=alt.Scale(domain=order, range=_TABLE_COLOURS[:len(order)]),
                        legend=alt.Legend(columns=legend_columns(order), labelLimit=160)),
        tooltip=[alt.Tooltip("snapshot_id:N", title=labels["snapshot"]),
                 alt.Tooltip("table_label:N", title=labels["table"]),
                 alt.Tooltip("rows_label:N", title=labels["rows"])])
    lines = base.mark_line(strokeWidth=2)
    valid = base.transform_filter("datum.valid").mark_point(size=50, filled=True, opacity=1)
    invalid = base.transform_filter("!datum.valid").mark_point(size=60, strokeWidth=2,
                                                                fill="white", opacity=1)
    return finish(alt.layer(lines, valid, invalid), 320)


def _powers_of_ten(counts: pd.Series) -> list[int]:
    """Ticks of a log axis over ``counts``: 100, 1,000, 10,000… (not 900, 8K, 70K)."""
    positive = counts[counts > 0]
    if positive.empty:
        return [1, 10]
    low, high = math.floor(math.log10(positive.min())), math.ceil(math.log10(positive.max()))
    return [10 ** k for k in range(low, max(high, low + 1) + 1)]


def quality_checks(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """One row per check: its name above a bar of the share of checked rows it flags (red when
    any), the rows written after the bar. Names above, not beside, the bars: long names wrap
    instead of squeezing the bars out on a phone.

    ``frame``: check_label, share, flagged_label, status (translated flagged / clean)."""
    names = {name: wrap_text(name, _NAME_WIDTH) for name in frame["check_label"]}
    lines = max([len(v) for v in names.values()] + [1])
    # Each row's band: a gap, the name's lines, 3 pixels, a 10-pixel bar at the bottom.
    step = _LINE * lines + 24
    bar_y = step / 2 - 7
    # Shorter names padded with blank lines at the top, so every name ends just above its bar.
    frame = frame.assign(name_text=frame["check_label"].map(
        lambda n: "\n".join([" "] * (lines - len(names[n])) + names[n])))
    widest = max(float(frame["share"].max() or 0), 0.0)
    # Room right of the longest bar for its "12 of 17"; no tick beyond 100%.
    x_scale = alt.Scale(domain=[0, max(1.6 * widest, 0.01)], nice=False)
    base = alt.Chart(frame).encode(
        y=alt.Y("check_label:N", sort=list(frame["check_label"]), title=None, axis=None),
        tooltip=[alt.Tooltip("check_label:N", title=labels["check"]),
                 alt.Tooltip("flagged_label:N", title=labels["share"])])
    bars = base.mark_bar(height=10, cornerRadiusEnd=3, yOffset=bar_y).encode(
        x=alt.X("share:Q", title=labels["share"], scale=x_scale,
                axis=alt.Axis(labelExpr="datum.value > 1 ? '' : format(datum.value, '.1~%')")),
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[labels["flagged"], labels["clean"]],
                                        range=[BAD, GOOD]),
                        legend=alt.Legend(columns=legend_columns(
                            [labels["flagged"], labels["clean"]]))))
    name = base.mark_text(align="left", baseline="top", fontSize=12, lineHeight=_LINE,
                          lineBreak="\n", yOffset=bar_y - 8 - _LINE * lines, color=INK).encode(
        x=alt.value(0), text="name_text:N")
    count = bars.mark_text(align="left", baseline="middle", dx=4, fontSize=11,
                           yOffset=bar_y).encode(text="flagged_label:N", color=alt.value(INK))
    return finish(alt.layer(bars, name, count), alt.Step(step))
