"""Chart builders of the Customers page: tidy frames in, ``alt.Chart`` out, the shared theme.

Labels arrive translated; builders only encode what they are given (jitter is display only).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from pages.ui.charts import (ACCENT, BAD, GOOD, NEUTRAL, finish, legend_columns, name_lines,
                             text_width, wrapped_labels)

# Tier groups in display order and their colours: focus green, develop blue, serve orange.
TIER_COLOURS = {"tier1": GOOD, "tier2": "#ef6c00", "tier3": ACCENT, "not_pursued": NEUTRAL,
                "unscored": "#cfd8dc"}
ABC_COLOURS = {"A": ACCENT, "B": "#64b5f6", "C": "#cfd8dc"}
_INK = "#37474f"

# Jitter of at most ± this many score points: weighted means of integer scores fall on a 0.1
# grid, so a spread below one grid step separates equal dots without suggesting other scores.
_JITTER = 0.09


def _jittered(scores: pd.Series, prime: int, modulus: int, threshold: float) -> np.ndarray:
    """The scores moved by a deterministic pseudo-random jitter (the n-th dot by
    ``(n × prime mod modulus) ÷ modulus − ½`` of ±``_JITTER``), kept on their own side of the
    threshold and inside the 1–10 scale, so a dot never appears in a tier it is not in. Computed
    here rather than as Vega transforms, which the browser's expression interpreter evaluates
    dot by dot whenever the chart is drawn."""
    n = np.arange(1, len(scores) + 1)
    values = scores.to_numpy(dtype=float)
    moved = values + _JITTER * 2 * ((n * prime) % modulus / modulus - 0.5)
    return np.where(values >= threshold, np.clip(moved, threshold, 10),
                    np.clip(moved, 1, threshold - 0.005))


def matrix(cells: pd.DataFrame, accounts: pd.DataFrame, threshold: float,
           labels: dict[str, str]) -> alt.TopLevelMixin:
    """Attractiveness × feasibility of the scored customers: cells shaded by how many customers
    they hold, coloured by tier, the largest accounts on top as dots sized by revenue_12m, with
    the threshold lines and the quadrant names.

    ``cells``: attractiveness_low/high, feasibility_low/high, tier_group, tier_label, customers,
    attractiveness_range, feasibility_range, revenue_label. ``accounts``: customer, region,
    tier_group, tier_label, attractiveness, feasibility, revenue_12m, revenue_label."""
    groups = [g for g in TIER_COLOURS if g in set(cells["tier_group"])]
    names = dict(zip(cells["tier_group"], cells["tier_label"]))
    colour = alt.Color("tier_label:N", title=labels["tier"],
                       legend=alt.Legend(columns=legend_columns(names.values())),
                       scale=alt.Scale(domain=[names[g] for g in groups],
                                       range=[TIER_COLOURS[g] for g in groups]))
    axis = dict(values=list(range(1, 11)), grid=False, format="d")
    x_scale = alt.Scale(domain=[0.8, 10.2], nice=False)
    # Room above 10 and below 1 for the quadrant names, so no cell or dot hides them.
    y_scale = alt.Scale(domain=[0.2, 10.8], nice=False)
    # Only the encoded columns go to the browser.
    cells = cells[["attractiveness_low", "attractiveness_high", "feasibility_low",
                   "feasibility_high", "tier_label", "customers", "attractiveness_range",
                   "feasibility_range", "revenue_label"]]
    accounts = accounts.assign(x=_jittered(accounts["attractiveness"], 7919, 997, threshold),
                               y=_jittered(accounts["feasibility"], 104729, 991, threshold),
                               size=accounts["revenue_12m"].clip(lower=0))
    accounts = accounts[["customer", "region", "tier_label", "attractiveness", "feasibility",
                         "x", "y", "size", "revenue_label"]]
    density = (alt.Chart(cells)
               .mark_rect(stroke="white", strokeWidth=0.5, clip=True)
               .encode(
                   x=alt.X("attractiveness_low:Q", title=labels["attractiveness"], scale=x_scale,
                           axis=alt.Axis(**axis)),
                   x2="attractiveness_high:Q",
                   y=alt.Y("feasibility_low:Q", title=labels["feasibility"], scale=y_scale,
                           axis=alt.Axis(**axis)),
                   y2="feasibility_high:Q",
                   color=colour,
                   # The darker, the more customers (the caption says so; a tooltip counts).
                   opacity=alt.Opacity("customers:Q", legend=None,
                                       scale=alt.Scale(type="sqrt", range=[0.15, 0.85],
                                                       zero=False)),
                   tooltip=[alt.Tooltip("tier_label:N", title=labels["tier"]),
                            alt.Tooltip("attractiveness_range:N",
                                        title=labels["attractiveness"]),
                            alt.Tooltip("feasibility_range:N", title=labels["feasibility"]),
                            alt.Tooltip("customers:Q", title=labels["customers"], format=","),
                            alt.Tooltip("revenue_label:N", title=labels["revenue"])]))
    dots = (alt.Chart(accounts)
            .mark_circle(opacity=0.9, stroke=_INK, strokeWidth=0.8)
            .encode(
                x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale),
                size=alt.Size("size:Q", legend=None, scale=alt.Scale(range=[20, 320])),
                color=colour,
                tooltip=[alt.Tooltip("customer:N", title=labels["customer"]),
                         alt.Tooltip("region:N", title=labels["region"]),
                         alt.Tooltip("tier_label:N", title=labels["tier"]),
                         alt.Tooltip("attractiveness:Q", title=labels["attractiveness"],
                                     format=".1f"),
                         alt.Tooltip("feasibility:Q", title=labels["feasibility"], format=".1f"),
                         alt.Tooltip("revenue_label:N", title=labels["revenue"])]))
    rules = alt.Chart(pd.DataFrame({"v": [threshold]}))
    vertical = rules.mark_rule(color="#263238", strokeDash=[6, 4], strokeWidth=1.5).encode(
        x=alt.X("v:Q", scale=x_scale))
    horizontal = rules.mark_rule(color="#263238", strokeDash=[6, 4], strokeWidth=1.5).encode(
        y=alt.Y("v:Q", scale=y_scale))
    corners = pd.DataFrame([
        {"x": 10.15, "y": 10.75, "text": labels["tier1"], "align": "right", "colour": GOOD},
        {"x": 0.85, "y": 10.75, "text": labels["tier2"], "align": "left",
         "colour": TIER_COLOURS["tier2"]},
        {"x": 10.15, "y": 0.25, "text": labels["tier3"], "align": "right", "colour": ACCENT},
        {"x": 0.85, "y": 0.25, "text": labels["not_pursued"], "align": "left", "colour": _INK},
    ])
    # One layer names the four quadrants: each name aligned into its corner, in its tier's colour.
    quadrant_names = alt.Chart(corners).mark_text(
        align=alt.ExprRef("datum.align"), baseline=alt.ExprRef("datum.y > 5 ? 'top' : 'bottom'"),
        color=alt.ExprRef("datum.colour"), fontSize=13, fontWeight="bold").encode(
        x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), text="text:N")
    return finish(alt.layer(density, dots, vertical, horizontal, quadrant_names), 480)


def pareto(frame: pd.DataFrame, labels: dict[str, str]) -> alt.TopLevelMixin:
    """Cumulative share of revenue against share of customers, the area under it coloured by
    ABC class, with rules at 80% and 95%.

    ``frame``: customer_share, cumulative_share, abc_class, abc_label, customer, rank,
    revenue_label, cumulative_label."""
    classes = [c for c in ABC_COLOURS if c in set(frame["abc_class"])]
    names = dict(zip(frame["abc_class"], frame["abc_label"]))
    # Only the encoded columns go to the browser, once for all layers. The curve starts at the
    # origin (no customers, no revenue), in the first class's colour.
    frame = frame[["customer_share", "cumulative_share", "abc_label", "rank", "customer",
                   "revenue_label", "cumulative_label"]]
    origin = frame.iloc[[0]].assign(customer_share=0.0, cumulative_share=0.0)
    frame = pd.concat([origin, frame], ignore_index=True)
    x = alt.X("customer_share:Q", title=labels["customer_share"],
              axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1], nice=False))
    y = alt.Y("cumulative_share:Q", title=labels["cumulative_share"],
              axis=alt.Axis(format=".0%", values=[0, 0.2, 0.4, 0.6, 0.8, 0.95, 1]),
              scale=alt.Scale(domain=[0, 1], nice=False))
    area = alt.Chart(frame).mark_area(opacity=0.55, interpolate="linear").encode(
        x=x, y=y,
        color=alt.Color("abc_label:N", title=labels["abc"],
                        legend=alt.Legend(columns=legend_columns(names.values())),
                        scale=alt.Scale(domain=[names[c] for c in classes],
                                        range=[ABC_COLOURS[c] for c in classes])))
    line = alt.Chart(frame).mark_line(color="#263238", strokeWidth=1.5).encode(x=x, y=y)
    # Invisible points carry the tooltips (the origin, at share 0, has none).
    hover = alt.Chart(frame).transform_filter("datum.customer_share > 0").mark_circle(
        size=40, opacity=0).encode(
        x=x, y=y,
        tooltip=[alt.Tooltip("rank:Q", title=labels["rank"]),
                 alt.Tooltip("customer:N", title=labels["customer"]),
                 alt.Tooltip("revenue_label:N", title=labels["revenue"]),
                 alt.Tooltip("cumulative_label:N", title=labels["cumulative_share"]),
                 alt.Tooltip("abc_label:N", title=labels["abc"])])
    cuts = pd.DataFrame({"y": [0.8, 0.95], "text": ["80%", "95%"]})
    rules = alt.Chart(cuts).mark_rule(color=BAD, strokeDash=[6, 4], strokeWidth=1.5).encode(
        y=alt.Y("y:Q"))
    text = alt.Chart(cuts).mark_text(align="right", dx=-4, dy=-6, fontSize=11, color=BAD,
                                     fontWeight="bold").encode(
        x=alt.datum(1), y=alt.Y("y:Q"), text="text:N")
    return finish(alt.layer(area, line, hover, rules, text), 480)


def segment_heatmap(frame: pd.DataFrame, rows: list[str], columns: list[str],
                    labels: dict[str, str], scheme: str) -> alt.TopLevelMixin:
    """Customers per row (region or industry) and column (tier or lifecycle class) as a heatmap
    with the count in each cell. Rows in the order of their display names (``rows`` lists
    them), grouped by region group first when the frame has a ``region_group`` column; column
    names wrapped on several lines.

    ``frame``: row, column, customers (every combination, zero included); optional
    region_group and sort_key (see ``_row_order``)."""
    high = max(int(frame["customers"].max() or 0), 1)
    rows = _row_order(frame, rows)
    # White counts on the darker cells: chosen here, not by a Vega expression per cell.
    frame = frame.assign(ink=np.where(frame["customers"] > high * 0.55, "white", _INK))
    base = alt.Chart(frame).encode(
        y=alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=180)),
        x=alt.X("column:N", sort=columns, title=None, axis=_column_axis(columns)))
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("customers:Q", legend=None,
                        scale=alt.Scale(scheme=scheme, domain=[0, high])),
        tooltip=[alt.Tooltip("row:N", title=labels["row"]),
                 alt.Tooltip("column:N", title=labels["column"]),
                 alt.Tooltip("customers:Q", title=labels["customers"])])
    text = base.mark_text(fontSize=11).encode(
        text="customers:Q", fill=alt.Fill("ink:N", scale=None))
    return finish(alt.layer(cells, text), alt.Step(24))


def _column_axis(columns: list[str]) -> alt.Axis:
    """Column names under the heatmap: "Tier 2 · serve", "A · newly activated" on several
    lines; where even the longest line is wider than a column (a phone), each name on one line
    at an angle instead."""
    widest = max([text_width(line, 11) for c in columns for line in name_lines(c, 8)] + [1])
    narrow = f"width / {max(len(columns), 1)} < {widest + 8:.0f}"
    return alt.Axis(orient="bottom", labelLimit=0, labelOverlap=False, labelPadding=6,
                    labelFontSize=11,
                    labelExpr=f"{narrow} ? datum.label : ({wrapped_labels(columns, 8)})",
                    labelAngle=alt.ExprRef(f"{narrow} ? -40 : 0"),
                    labelAlign=alt.ExprRef(f"{narrow} ? 'right' : 'center'"))


def _row_order(frame: pd.DataFrame, rows: list[str]) -> list[str]:
    """``rows`` by display name (or by the frame's ``sort_key`` column when it has one: Python
    sorts Chinese names by code point, not pinyin), by region group first when the frame has a
    ``region_group`` column (rows without a group last)."""
    extra = [c for c in ("region_group", "sort_key") if c in frame.columns]
    if not extra:
        return sorted(rows)
    keys = frame.drop_duplicates("row").set_index("row")[extra]

    def key(row: str) -> tuple:
        group = keys["region_group"].get(row) if "region_group" in extra else None
        name = keys["sort_key"].get(row) if "sort_key" in extra else row
        return (pd.isna(group), "" if pd.isna(group) else str(group),
                row if pd.isna(name) else str(name))
    return sorted(rows, key=key)
