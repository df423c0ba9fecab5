"""Weekly dashboard (SPEC §6.1): KPI tiles, 13-week trend, attainment by region, the weekly
regional report, key opportunities and order flow. Layout only: numbers come from metrics/."""

import functools

import streamlit as st

from metrics import dashboard, pack, pipeline
from data.config import setting
from pages.ui import chart_specs, charts, fmt, grid, state, tables
from pages.ui import tiles as tiles_ui
from pages.ui.i18n import md, t

ctx = state.page_header("dashboard")
state.unavailable(ctx, "revenue", "targets", "pipeline")
lang = ctx.lang

view = ctx.view
subtitle, *downloads = st.columns([6, 2, 2], vertical_alignment="center")
subtitle.caption(md("dashboard.subtitle", lang, period=view.period.code,
                    to_date=view.to_date_end or view.period.start, snapshot=view.snapshot_id,
                    scope=state.scope_words(ctx)))


# --- Executive pack (SPEC §12) --------------------------------------------------------------------
def _pack_file(kind: str) -> bytes:
    """The pack of this view, built only when its button is clicked (Streamlit calls this on
    another thread; the numbers come through the same cached metric call as the page's)."""
    return pack.make(state.metric(ctx, pack.collect), view, lang, kind).data


no_fonts = pack.fonts_missing()
for column, kind, icon in zip(downloads, pack.FORMATS,
                              (":material/picture_as_pdf:", ":material/slideshow:")):
    column.download_button(t(f"pack.download.{kind}", lang), functools.partial(_pack_file, kind),
                           file_name=pack.file_name(view, kind), mime=pack.MIME[kind],
                           on_click="ignore", icon=icon, key=f"pack_{kind}", width="stretch",
                           disabled=no_fonts is not None,
                           help=md("pack.download.unavailable", lang, reason=no_fonts)
                           if no_fonts else md("pack.download.help", lang))

# The tiles and the regional report come from the same scans.
numbers = state.metric(ctx, dashboard.kpis_and_regions)
k = numbers["kpis"]
if k["revenue"] == 0 and k["open_pipeline"] == 0:
    st.info(md("empty.selection", lang, period=view.period.code), icon=":material/filter_alt_off:")

# --- KPI tiles ------------------------------------------------------------------------------------
tiles_ui.kpis(k, lang)

st.subheader(md("pl.title", lang))
lines = state.metric(ctx, dashboard.product_lines)
grid.show(tables.product_lines(lines, lang), lang, all_rows=True)
st.caption(md("pl.caption", lang, period=view.period.code))

# --- Charts ---------------------------------------------------------------------------------------
# Each chart's spec is built once per view, language and snapshot (pages.ui.chart_specs).
drawn = (view, lang, str(ctx.info.path))
left, right = st.columns([3, 2])
with left:
    st.subheader(md("trend.title", lang))
    trend = state.metric(ctx, dashboard.revenue_trend).assign(
        revenue_label=lambda f: f["revenue"].map(lambda v: fmt.money_short(v, lang)),
        gm_label=lambda f: f["gm_pct"].map(lambda v: fmt.pct(v, lang, 1)))
    if trend["revenue"].isna().all():
        st.info(md("empty.table", lang))
    else:
        chart_specs.draw(("dashboard.trend", *drawn), lambda: charts.revenue_trend(trend, {
            "week": t("chart.week", lang), "revenue": t("chart.revenue", lang),
            "gm_pct": t("chart.gm_pct", lang)}, lang))
    st.caption(md("trend.caption", lang))

report = numbers["regional_report"]
with right:
    st.subheader(md("attainment.title", lang))
    if charts.with_target(report).empty:
        st.info(md("empty.table", lang))
    else:
        clicked = chart_specs.draw(
            ("dashboard.attainment", *drawn),
            lambda: charts.attainment_figure(report, k["pace"], ctx.region_name, lang,
                                             select="pick"),
            on_select="rerun", selection_mode="pick",
            key=state.view_key(ctx, "attainment_chart"))
        picked = [p.get("region_id") for p in clicked.selection.get("pick", [])]
        if picked and picked[0]:  # click to drill: the region becomes the filter
            state.filter_to(ctx, "region", picked[0])
    st.caption(md("attainment.caption", lang, pace=fmt.pct(k["pace"], lang)) + " "
               + md("attainment.click", lang))
    no_target = report.loc[report["revenue_attainment"].isna(), "region_id"]
    if len(no_target):
        st.caption(md("attainment.no_target", lang,
                     regions=", ".join(no_target.map(ctx.region_name))))

# --- Pipeline this week ----------------------------------------------------------------------------
moved = state.metric(ctx, pipeline.movement) if ctx.compare else None
tiles_ui.pipeline_this_week(ctx, moved)
st.page_link(ctx.pages["pipeline"], label=t("weekpipe.link", lang),
             icon=":material/arrow_forward:", query_params=state.nav_params(ctx))

# --- Tables ---------------------------------------------------------------------------------------
st.subheader(md("regional.title", lang))
level = ctx.url.level or "region"
st.segmented_control(t("review.level", lang), dashboard.LEVELS, key="w_level",
                     format_func=lambda lv: t(f"review.level.{lv}", lang),
                     on_change=state.set_level, label_visibility="collapsed")
review = state.metric(ctx, dashboard.review_table, args=(level,))
selected = grid.show(
    tables.review(review, lang, state.review_label(ctx, level), k["gm_pct"], level), lang,
    key=state.view_key(ctx, f"review_{level}"),
    on_select="ignore" if level == "account" else "rerun", all_rows=True)
st.caption(md("regional.caption", lang, floor=fmt.pct(k["gm_pct"], lang, 1)) + " "
           + md(f"review.caption.{level}", lang,
                top=setting("customers.top_accounts")))
if selected and selected.selection.rows:  # drill: the region review, or the row as a filter
    state.drill(ctx, level, review["key"].iloc[selected.selection.rows[0]])

st.subheader(md("keyopps.title", lang))
key_opps = state.metric(ctx, dashboard.key_opportunities)
if key_opps.empty:
    st.info(md("empty.table", lang))
else:
    grid.show(tables.key_opportunities(key_opps, lang, ctx.region_name), lang)
st.caption(md("keyopps.caption", lang, min=fmt.money(setting("business.key_opportunity_min"), lang)))

st.subheader(md("orderflow.title", lang))
flow = state.metric(ctx, dashboard.order_flow)
if flow.empty:
    st.info(md("empty.table", lang))
else:
    grid.show(tables.order_flow(flow, lang, ctx.region_name), lang)
st.caption(md("orderflow.caption", lang, rows=setting("dashboard.order_flow_rows")))
