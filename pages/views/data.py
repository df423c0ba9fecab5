"""Data (SPEC §6.6, §3): every snapshot (valid or invalid, with its errors and row counts), the
freshness of the served one and its data-quality report. Layout only: numbers come from
metrics/quality.py."""

import streamlit as st

from metrics import availability, quality
from data.config import setting
from pages.ui import charts_data as charts
from pages.ui import chart_specs, fmt, grid, state
from pages.ui import tables_data as tables
from pages.ui.i18n import md, t

ctx = state.page_header("data", needs_snapshot=False)
lang = ctx.lang
info = ctx.info if ctx.view is not None else None
if info is None:
    st.caption(md("data.subtitle.none", lang, data_dir=ctx.data_dir))
else:
    st.caption(md("data.subtitle", lang, data_dir=ctx.data_dir, snapshot=info.snapshot_id,
                 as_of=info.as_of))

listing = quality.snapshot_list(ctx.snapshots, info.snapshot_id if info else None)
errors = quality.validation_errors(ctx.snapshots)
counts = quality.snapshot_summary(ctx.snapshots)

# --- KPI tiles ------------------------------------------------------------------------------------
if info is not None:
    fresh = quality.freshness(info.as_of)
    report = state.metric(ctx, quality.quality_report, foreign_keys=info.foreign_keys)
    key_min = fmt.money(setting("business.key_opportunity_min"), lang)
    tiles = [*st.columns(3), *st.columns(3)]
    tiles[0].metric(t("data.kpi.served", lang), info.snapshot_id,
                    delta=t("data.kpi.served.delta", lang, as_of=info.as_of),
                    delta_color="off", delta_arrow="off", help=md("data.kpi.served.help", lang),
                    border=True)
    tiles[1].metric(t("data.kpi.freshness", lang),
                    t("data.kpi.freshness.value", lang, days=fresh["days"]),
                    delta=t("data.kpi.freshness.delta", lang, limit=fresh["limit"]),
                    delta_color="off", delta_arrow="off",
                    help=md("data.kpi.freshness.help", lang, today=fresh["today"]), border=True)
    tiles[2].metric(t("data.kpi.snapshots", lang),
                    t("data.kpi.snapshots.value", lang, valid=counts["valid"],
                      total=counts["total"]),
                    delta=t("data.kpi.snapshots.delta", lang, invalid=counts["invalid"]),
                    delta_color="off", delta_arrow="off", help=md("data.kpi.snapshots.help", lang),
                    border=True)
    tiles[3].metric(t("data.kpi.orphans", lang), f"{report['orphan_keys']:,}",
                    delta=t("data.kpi.checks.delta", lang, failing=report["failing"],
                            checks=report["checks_run"]),
                    delta_color="off", delta_arrow="off", help=md("data.kpi.orphans.help", lang),
                    border=True)
    tiles[4].metric(t("data.kpi.keyorders", lang),
                    f"{report['key_orders_without_opportunity']:,}",
                    help=md("data.kpi.keyorders.help", lang, min=key_min), border=True)
    tiles[5].metric(t("data.kpi.ownerless", lang), f"{report['customers_without_owner']:,}",
                    help=md("data.kpi.ownerless.help", lang), border=True)
    if fresh["stale"]:
        st.warning(md("data.stale", lang, snapshot=info.snapshot_id, days=fresh["days"],
                     as_of=info.as_of), icon=":material/schedule:")
    elif fresh["future"]:
        st.info(md("data.future", lang, snapshot=info.snapshot_id, as_of=info.as_of,
                  today=fresh["today"]), icon=":material/info:")

# --- Charts ---------------------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(md("data.rows.title", lang))
    history = quality.row_count_history(ctx.snapshots)
    if history.empty:
        st.info(md("empty.table", lang))
    else:
        history = history.assign(
            table_label=history["table"].map(lambda n: t(f"data.table.{n}", lang)),
            rows_label=history["rows"].map(lambda n: f"{n:,}"))
        # The history changes with the snapshots in the folder, not with the view.
        chart_specs.draw(("data.rows", lang, *(str(i.path) for i in ctx.snapshots)),
                         lambda: charts.row_counts(history, {
                             "snapshot": t("data.chart.snapshot", lang),
                             "rows": t("data.chart.rows", lang),
                             "table": t("data.chart.table", lang)}, lang))
    st.caption(md("data.rows.caption", lang))
if info is not None:
    with right:
        st.subheader(md("data.quality.chart.title", lang))
        by_check = report["by_check"]
        flagged, clean = t("data.chart.flagged", lang), t("data.chart.clean", lang)
        bars = by_check.assign(
            check_label=by_check["check"].map(lambda c: t(f"data.check.{c}", lang)),
            status=by_check["flagged"].map({True: flagged, False: clean}),
            flagged_label=[t("data.quality.flagged", lang, problems=f"{p:,}", checked=f"{c:,}")
                           for p, c in zip(by_check["problems"], by_check["checked"])])
        chart_specs.draw(("data.quality", ctx.view, lang, str(info.path)),
                         lambda: charts.quality_checks(bars, {
                             "share": t("data.chart.share", lang),
                             "check": t("data.chart.check", lang),
                             "flagged": flagged, "clean": clean}))
        st.caption(md("data.quality.chart.caption", lang, snapshot=info.snapshot_id))

# --- Tables ---------------------------------------------------------------------------------------
st.subheader(md("data.snapshots.title", lang))
if listing.empty:
    st.info(md("empty.table", lang))
else:
    grid.show(tables.snapshots(listing, lang), lang)
st.caption(md("data.snapshots.caption", lang))

st.subheader(md("data.counts.title", lang))
if listing.empty:
    st.info(md("empty.table", lang))
else:
    grid.show(tables.row_counts(quality.row_count_table(ctx.snapshots), lang), lang,
              all_rows=True)
st.caption(md("data.counts.caption", lang))

st.subheader(md("data.errors.title", lang))
if errors.empty:
    st.success(md("data.errors.none", lang), icon=":material/check_circle:")
else:
    grid.show(tables.errors(errors, lang), lang)
st.caption(md("data.errors.caption", lang))

if info is None:
    st.stop()

st.subheader(md("data.enables.title", lang))
enabled = state.metric(ctx, availability.enables)
grid.show(tables.enables(enabled, lang), lang)
st.caption(md("data.enables.caption", lang))

st.subheader(md("data.quality.title", lang))
grid.show(tables.checks(report["checks"], lang), lang)
st.caption(md("data.quality.caption", lang, snapshot=info.snapshot_id))

st.subheader(md("data.keyorders.title", lang))
key_orders = report["key_orders"]
if key_orders.empty:
    st.success(md("data.none", lang), icon=":material/check_circle:")
else:
    grid.show(tables.key_orders(key_orders, lang, ctx.region_name), lang)
st.caption(md("data.keyorders.caption", lang, min=key_min, rows=quality.KEY_ORDER_ROWS))

st.subheader(md("data.ownerless.title", lang))
ownerless = state.metric(ctx, quality.customers_without_owner)
if ownerless.empty:
    st.success(md("data.none", lang), icon=":material/check_circle:")
else:
    grid.show(tables.ownerless(ownerless, lang, ctx.region_name, ctx.industry_name), lang)
st.caption(md("data.ownerless.caption", lang))
