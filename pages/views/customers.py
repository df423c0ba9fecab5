"""Customers (SPEC §6.5, §5.6): tiles, the prioritisation matrix, the Pareto curve, tiers and
lifecycle by region and industry, and the accounts to act on. Layout only: numbers come from
metrics/customers.py."""

import functools

import streamlit as st

from metrics import customers
from data.config import setting
from metrics.periods import quarter_of
from pages.ui import charts_customers as charts
from pages.ui import chart_specs, export, fmt, grid, state
from pages.ui import tables_customers as tables
from pages.ui.i18n import md, t

ctx = state.page_header("customers")
state.unavailable(ctx, "revenue", "customer_scores")
lang = ctx.lang
# Names of the ids in this run's tables, each looked up once (a table maps thousands of rows).
region_name = functools.cache(ctx.region_name)
industry_name = functools.cache(ctx.industry_name)

view = ctx.view
st.caption(md("customers.subtitle", lang, as_of=view.as_of, snapshot=view.snapshot_id,
             scope=state.scope_words(ctx, ("regions", "industries"))))
if view.product_lines or view.channel:
    st.caption(md("customers.filters_ignored", lang))

config = customers.prioritisation()

data = state.metric(ctx, customers.overview)
s = data["summary"]
if s["customers"] == 0:
    st.info(md("customers.empty", lang), icon=":material/filter_alt_off:")
    st.stop()

quarter = quarter_of(view.as_of)
threshold = f"{config.tier_threshold:g}"

# --- KPI tiles ------------------------------------------------------------------------------------
tiles = [*st.columns(3), *st.columns(3)]
tiles[0].metric(t("customers.kpi.customers", lang), fmt.count(s["customers"], lang),
                delta=t("customers.kpi.customers.delta", lang, count=fmt.count(s["with_revenue"], lang)),
                delta_color="off", delta_arrow="off",
                help=md("customers.kpi.customers.help", lang, unscored=fmt.count(s["unscored"], lang)), border=True)
tiles[1].metric(t("customers.kpi.focus", lang), fmt.count(s["tier_1"], lang),
                delta=t("customers.kpi.focus.delta", lang, tier_two=fmt.count(s["tier_2"], lang),
                        tier_three=fmt.count(s["tier_3"], lang)),
                delta_color="off", delta_arrow="off",
                help=md("customers.kpi.focus.help", lang, threshold=threshold,
                       not_pursued=fmt.count(s["not_pursued"], lang)), border=True)
tiles[2].metric(t("customers.kpi.idle", lang), fmt.count(s["tier_1_idle"], lang),
                delta=t("customers.kpi.idle.delta", lang, quarter=quarter.code),
                delta_color="off", delta_arrow="off",
                help=md("customers.kpi.idle.help", lang, start=quarter.start, as_of=view.as_of),
                border=True)
tiles[3].metric(t("customers.kpi.new", lang), fmt.count(s["lifecycle_a"], lang),
                delta=t("customers.kpi.new.delta", lang, count=fmt.count(s["lifecycle_p"], lang)),
                delta_color="off", delta_arrow="off",
                help=md("customers.kpi.new.help", lang, days=setting("customers.new_customer_days")),
                border=True)
tiles[4].metric(t("customers.kpi.dormant", lang), fmt.count(s["lifecycle_r"], lang),
                delta=t("customers.kpi.dormant.delta", lang,
                        value=fmt.money_short(s["dormant_prior_revenue"], lang)),
                delta_color="off", delta_arrow="off", help=md("customers.kpi.dormant.help", lang),
                border=True)
tiles[5].metric(t("customers.kpi.share", lang), fmt.pct(s["abc_a_revenue_share"], lang, 1),
                delta=t("customers.kpi.share.delta", lang, count=fmt.count(s["abc_a"], lang),
                        share=fmt.pct(s["abc_a_customer_share"], lang)),
                delta_color="off", delta_arrow="off", help=md("customers.kpi.share.help", lang),
                border=True)

# --- Charts ---------------------------------------------------------------------------------------
# Each chart's spec is built once per view, language and snapshot (pages.ui.chart_specs).
drawn = (view, lang, str(ctx.info.path))
tier_names = {g: tables.tier_label(g, lang) for g in customers.TIER_GROUPS}


def matrix_chart():
    cells = data["matrix_cells"]
    cells = cells.assign(
        tier_label=cells["tier_group"].map(tier_names),
        attractiveness_range=[f"{low:.1f}–{high:.1f}" for low, high in zip(
            cells["attractiveness_low"], cells["attractiveness_high"])],
        feasibility_range=[f"{low:.1f}–{high:.1f}" for low, high in zip(
            cells["feasibility_low"], cells["feasibility_high"])],
        revenue_label=cells["revenue_12m"].map(lambda v: fmt.money_short(v, lang)))
    accounts = data["matrix_accounts"]
    accounts = accounts.assign(
        customer=accounts["name"], region=accounts["region_id"].map(region_name),
        tier_label=accounts["tier_group"].map(tier_names),
        revenue_label=accounts["revenue_12m"].map(lambda v: fmt.money(v, lang)))
    return charts.matrix(cells, accounts, config.tier_threshold, {
        "attractiveness": t("customers.chart.attractiveness", lang),
        "feasibility": t("customers.chart.feasibility", lang),
        "tier": t("customers.chart.tier", lang), "customer": t("col.customer", lang),
        "region": t("col.region", lang), "revenue": t("customers.chart.revenue", lang),
        "customers": t("customers.chart.customers", lang), **tier_names})


def pareto_chart():
    curve = data["pareto"]
    curve = curve.assign(
        customer=curve["name"], rank=curve["pareto_rank"],
        abc_label=curve["abc_class"].map(lambda c: t(f"customers.abc.{c}", lang)),
        revenue_label=curve["revenue_12m"].map(lambda v: fmt.money(v, lang)),
        cumulative_label=curve["cumulative_share"].map(lambda v: fmt.pct(v, lang, 1)))
    return charts.pareto(curve, {
        "customer_share": t("customers.chart.customer_share", lang),
        "cumulative_share": t("customers.chart.cumulative_share", lang),
        "abc": t("customers.chart.abc", lang), "rank": t("customers.chart.rank", lang),
        "customer": t("col.customer", lang), "revenue": t("customers.chart.revenue", lang)})


left, right = st.columns([3, 2])
with left:
    st.subheader(md("customers.matrix.title", lang))
    if data["matrix_cells"].empty:
        st.info(md("customers.matrix.none", lang))
    else:
        chart_specs.draw(("customers.matrix", *drawn), matrix_chart)
    st.caption(md("customers.matrix.caption", lang, threshold=threshold,
                  accounts=fmt.count(len(data["matrix_accounts"]), lang),
                  cell=f"{customers.MATRIX_CELL_POINTS:g}"))

    def _weights(axis: str) -> str:
        return ", ".join(f"{t(f'customers.criterion.{c}', lang)} {w:g}"
                         for c, w in config.weights(axis).items())

    st.caption(md("customers.matrix.weights", lang, attractiveness=_weights("attractiveness"),
                 feasibility=_weights("feasibility"), threshold=threshold))

with right:
    st.subheader(md("customers.pareto.title", lang))
    if data["pareto"].empty:
        st.info(md("customers.pareto.none", lang))
    else:
        chart_specs.draw(("customers.pareto", *drawn), pareto_chart)
    st.caption(md("customers.pareto.caption", lang, count=fmt.count(s["abc_a"], lang),
                 share=fmt.pct(s["abc_a_customer_share"], lang),
                 a_share=fmt.pct(s["abc_a_revenue_share"], lang)))

# --- Tiers and lifecycle by region and industry ---------------------------------------------------
st.subheader(md("customers.segments.title", lang))
labels = {"tier": tier_names,
          "lifecycle": {c: t(f"customers.lifecycle.{c}", lang) for c in customers.LIFECYCLES}}
SCHEMES = {"tier": "greens", "lifecycle": "blues"}


def segment_chart(dimension: str, measure: str):
    name = {"region": region_name, "industry": industry_name}[dimension]
    segments = data["segments"]
    part = segments[segments["dimension"] == dimension]
    rows = list(dict.fromkeys(part["key"].map(name)))
    cells = part[part["measure"] == measure]
    cells = cells.assign(row=cells["key"].map(name),
                         column=cells["category"].map(labels[measure]))
    if dimension == "region":  # rows grouped by region group, then by name
        groups = ctx.dims["regions"].set_index("region_id")["region_group"]
        cells = cells.assign(region_group=cells["key"].map(groups))
    return charts.segment_heatmap(
        cells.filter(["row", "column", "customers", "region_group"]), rows,
        list(labels[measure].values()), {
            "row": t(f"customers.segments.{dimension}", lang),
            "column": t(f"customers.chart.{measure}", lang),
            "customers": t("customers.chart.customers", lang)}, SCHEMES[measure])


# Regions and industries one above the other (not in tabs: a chart in a hidden tab is not drawn).
for dimension in ("region", "industry"):
    for column, measure in zip(st.columns(2), ("tier", "lifecycle")):
        with column:
            chart_specs.draw(("customers.segments", dimension, measure, *drawn),
                             lambda dimension=dimension, measure=measure:
                             segment_chart(dimension, measure))
st.caption(md("customers.segments.caption", lang))

# --- Tables ---------------------------------------------------------------------------------------
st.subheader(md("customers.top.title", lang))
top = data["top_accounts"]
if top.empty:
    st.info(md("empty.table", lang))
else:
    grid.show(tables.top_accounts(top, lang, region_name, industry_name), lang)
st.caption(md("customers.top.caption", lang, count=setting("customers.top_accounts")))

st.subheader(md("customers.act.title", lang))
# Each list: its largest customers on screen (by what it is sorted by), every one in a download.
lists = (
    ("dormant", data["dormant"], tables.dormant,
     t("customers.dormant.caption", lang, as_of=view.as_of), "revenue_prior_12m",
     "dormant-customers", ("customers.col.revenue_prior_12m", "customers.col.revenue_lifetime")),
    ("tier_1_idle", data["tier_1_idle"], tables.tier_1_idle,
     md("customers.idle.caption", lang, quarter=quarter.code, start=quarter.start,
        as_of=view.as_of), "revenue_12m", "idle-focus-customers",
     ("customers.col.revenue_12m",)),
    ("missing_scores", data["missing_scores"], tables.missing_scores,
     md("customers.missing.caption", lang), "revenue_12m", "unscored-customers",
     ("customers.col.revenue_12m",)),
)
tab_labels = [t("customers.act.dormant", lang, count=fmt.count(s["lifecycle_r"], lang)),
              t("customers.act.idle", lang, count=fmt.count(s["tier_1_idle"], lang)),
              t("customers.act.missing", lang, count=fmt.count(s["unscored"], lang))]
for tab, (key, frame, shown, caption, measure, name, money) in zip(st.tabs(tab_labels), lists):
    with tab:
        if frame.empty:
            st.info(md("empty.table", lang))
            st.caption(caption)
            continue
        top_rows = export.screen_rows(frame)
        grid.show(shown(top_rows, lang, region_name, industry_name), lang,
                  key=f"customers_{key}")
        st.caption(caption)
        export.capped_note(lang, len(top_rows), len(frame), measure)
        export.download_buttons(
            view, lang, lambda frame=frame, shown=shown: shown(frame, lang, region_name,
                                                               industry_name).frame,
            name, f"customers_{key}_export", money=tuple(t(label, lang) for label in money))
