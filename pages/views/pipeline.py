"""Pipeline (SPEC §6.2, §5.2, §5.3): tiles, funnel, week-over-week movement, conversion, coverage
by region, and the stale / past-due / slipped deals with a stage timeline per deal. Layout only."""

import functools

import pandas as pd
import streamlit as st

from metrics import forecast_accuracy, pipeline
from data.config import setting
from pages.ui import chart_specs, charts, export, fmt, grid, state, tables
from pages.ui import tiles as tiles_ui
from pages.ui import vocab
from pages.ui.i18n import md, t
from pages.ui.url_state import DEFAULT_WINS, MAX_WINS

ctx = state.page_header("pipeline")
state.unavailable(ctx, "pipeline", "stage_history", "targets")
lang = ctx.lang
# Names of the ids in this run's tables, each looked up once (a table maps thousands of rows).
region_name = functools.cache(ctx.region_name)

view = ctx.view
st.caption(md("pipeline.subtitle", lang, period=view.period.code, start=view.period.start,
             end=view.period.end, snapshot=view.snapshot_id))

# --- Deal detail (opened from any deal table; linkable): a dialog, where the eye is -----------
@st.dialog(t("deal.dialog", lang), width="large", on_dismiss=state.close_deal)
def deal_detail(opportunity_id: str) -> None:
    detail = state.deal(ctx, opportunity_id)
    if detail is None:
        st.warning(md("deal.not_found", lang, deal=opportunity_id), icon=":material/search_off:")
        return
    d = detail["deal"]
    st.subheader(md("deal.title", lang, name=d["name"]))
    st.caption(md("deal.facts", lang, customer=d["customer"], rep=d["rep"],
                  region=region_name(d["region_id"]), amount=fmt.money(d["amount"], lang),
                  status=t(f"status.{d['status']}", lang), stage=vocab.stage(d["stage"], lang),
                  close=d["closed_date"] if d["status"] != "open" else d["expected_close_date"]))
    timeline = detail["history"].assign(
        stage_label=lambda f: vocab.stages(f["stage"], lang))
    chart_specs.draw(("pipeline.deal", opportunity_id, lang, str(ctx.info.path), view.scope),
                     lambda: charts.deal_timeline(timeline, {
                         "date": t("chart.date", lang), "stage": t("col.stage", lang),
                         "entered": t("deal.entered", lang), "days": t("deal.days", lang)}))
    st.caption(md("deal.caption", lang))
    if st.button(t("deal.close", lang), icon=":material/close:"):
        state.close_deal()
        st.rerun()


if ctx.url.deal:
    deal_detail(ctx.url.deal)

# Each chart's spec is built once per view, language and snapshot (pages.ui.chart_specs).
drawn = (view, lang, str(ctx.info.path))

# --- KPI tiles ------------------------------------------------------------------------------------
summary = state.metric(ctx, pipeline.summary)
# The forecast and coverage tiles, the coverage by region and the forecast accuracy (which
# compares the served snapshot's forecast with the period's earlier weeks) from the same scans.
weeks = forecast_accuracy.snapshots_in(view, ctx.snapshots)
attached = tuple(i for i in ctx.snapshots
                 if i.snapshot_id in {w for w, _ in weeks} and i is not ctx.info)
accuracies = state.metric(ctx, forecast_accuracy.overview, args=(weeks,), also=attached)
numbers = accuracies["served"]
k = numbers["kpis"]
tiles = st.columns(5)
tiles[0].metric(t("pipe.open", lang), fmt.money_short(summary["open_amount"], lang),
                delta=t("pipe.open.delta", lang, count=summary["open_count"]),
                delta_color="off", delta_arrow="off", help=md("pipe.open.help", lang), border=True)
tiles[1].metric(t("pipe.weighted", lang), fmt.money_short(summary["weighted_amount"], lang),
                help=md("pipe.weighted.help", lang), border=True)
tiles_ui.forecast(tiles[2], k, lang)
tiles_ui.coverage(tiles[3], k, lang)
tiles[4].metric(t("pipe.win_rate", lang), fmt.pct(summary["win_rate_count"], lang),
                delta=t("pipe.win_rate.delta", lang,
                        value=fmt.pct(summary["win_rate_amount"], lang)),
                delta_color="off", delta_arrow="off",
                help=md("pipe.win_rate.help", lang,
                       cycle=summary["median_cycle_days"] if summary["median_cycle_days"]
                       is not None else t("na", lang)), border=True)

# --- Funnel and movement --------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(md("funnel.title", lang))
    stages = summary["funnel"]
    if summary["open_count"] == 0:
        st.info(md("empty.table", lang))
    else:
        stages = stages.assign(
            stage_label=vocab.stages(stages["stage"], lang),
            amount_label=stages["amount"].map(lambda v: fmt.money_short(v, lang)),
            weighted_label=stages["weighted_amount"].map(lambda v: fmt.money_short(v, lang)),
            count_label=stages["count"].map(lambda n: t("funnel.count", lang, count=n)))
        chart_specs.draw(("pipeline.funnel", *drawn), lambda: charts.funnel(stages, {
            "stage": t("col.stage", lang), "amount": t("col.amount", lang),
            "weighted": t("col.weighted_amount", lang), "count": t("funnel.deals", lang)}, lang))
    st.caption(md("funnel.caption", lang))
    undated = state.metric(ctx, pipeline.undated_open)
    if undated["count"]:
        st.caption(md("funnel.undated", lang, count=f"{undated['count']:,}",
                     amount=fmt.money(undated["amount"], lang)))

with right:
    st.subheader(md("movement.title", lang))
    if ctx.compare is None:
        st.info(md("movement.no_compare", lang, snapshot=view.snapshot_id),
                icon=":material/info:")
    else:
        bars = state.metric(ctx, pipeline.movement_overview)["waterfall"]
        bars = bars.assign(
            step_label=bars["step"].map(lambda s: t(f"movement.{s}", lang)),
            amount_label=bars["amount"].map(lambda v: fmt.money_short(v, lang)))
        chart_specs.draw(("pipeline.waterfall", *drawn), lambda: charts.waterfall(bars, {
            "amount": t("col.amount", lang), "step": t("movement.step", lang)}, lang))
        moved = state.metric(ctx, pipeline.movement_overview)["movement"]
        st.caption(md("movement.caption", lang, compare=ctx.compare.snapshot_id,
                     advanced=moved["advanced"], regressed=moved["regressed"]))

# --- Conversion and coverage ----------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(md("conversion.title", lang))
    conv = state.metric(ctx, pipeline.stage_conversion)
    conv = conv.assign(
        step_label=[f"{vocab.stage(a, lang)} → {vocab.stage(b, lang)}"
                    for a, b in zip(conv["from_stage"], conv["to_stage"])],
        conversion_label=conv["conversion"].map(lambda v: fmt.pct(v, lang)),
        counts_label=[t("conversion.counts", lang, converted=c, entered=e)
                      for c, e in zip(conv["converted"], conv["entered"])])
    chart_specs.draw(("pipeline.conversion", *drawn), lambda: charts.conversion(conv, {
        "conversion": t("conversion.axis", lang), "step": t("col.stage", lang),
        "counts": t("conversion.counts_title", lang)}))
    st.caption(md("conversion.caption", lang, period=view.period.code))

with right:
    st.subheader(md("coverage.title", lang))
    report = numbers["regional_report"]
    reference = setting("pipeline.coverage_reference")
    shown = report[report["coverage"].notna()].sort_values("coverage", ascending=False)
    if shown.empty:
        st.info(md("empty.table", lang))
    else:
        shown = shown.assign(
            region=shown["region_id"].map(region_name),
            coverage_label=shown["coverage"].map(lambda v: fmt.ratio(v, lang)),
            gap_label=shown["target_gap"].map(lambda v: fmt.money_short(v, lang)),
            pipeline_label=shown["open_pipeline"].map(lambda v: fmt.money_short(v, lang)),
            status=(shown["coverage"] >= reference).map(
                lambda ok: t("coverage.covered" if ok else "coverage.short", lang)))
        chart_specs.draw(("pipeline.coverage", *drawn), lambda: charts.coverage_by_region(
            shown, reference, {
                "coverage": t("kpi.coverage", lang), "region": t("col.region", lang),
                "pipeline": t("coverage.pipeline", lang), "gap": t("coverage.gap", lang),
                "covered": t("coverage.covered", lang), "short": t("coverage.short", lang)}))
    st.caption(md("coverage.caption", lang, reference=fmt.ratio(reference, lang)))
    met_regions = report.loc[report["target_met"].fillna(False).astype(bool), "region_id"]
    if len(met_regions):
        st.caption(md("coverage.met", lang, regions=", ".join(met_regions.map(region_name))))

# --- Funnel calculator and forecast accuracy (SPEC §10.6, §10.3) ---------------------------------
left, right = st.columns(2)
with left:
    st.subheader(md("calc.title", lang))
    wins = int(ctx.url.wins or DEFAULT_WINS)
    st.session_state["w_wins"] = wins
    st.number_input(t("calc.wins", lang), min_value=1, max_value=MAX_WINS, step=1, key="w_wins",
                    on_change=state.set_wins, help=md("calc.wins.help", lang))
    calc = state.metric(ctx, pipeline.funnel_calculator, args=(wins,))
    grid.show(tables.funnel_calculator(calc, lang), lang, all_rows=True)
    st.caption(md("calc.caption", lang, window=pipeline.conversion_window(view.as_of).code))

with right:
    st.subheader(md("accuracy.title", lang))
    accuracy = accuracies["national"]
    if accuracy.empty:
        st.info(md("accuracy.none", lang, period=view.period.code, snapshot=view.snapshot_id))
    else:
        actual = accuracy["actual"].iloc[0]
        # The weeks are in the key: a snapshot written later may join the period's weeks.
        chart_specs.draw(("pipeline.accuracy", weeks, *drawn), lambda: charts.forecast_accuracy(
            accuracy.assign(
                week=accuracy["snapshot_id"],
                forecast_label=accuracy["forecast"].map(lambda v: fmt.money_short(v, lang)),
                error_label=accuracy["error"].map(lambda v: fmt.signed_pct(v, lang))),
            None if pd.isna(actual) else float(actual),
            {"week": t("accuracy.week", lang), "forecast": t("accuracy.forecast", lang),
             "actual": t("accuracy.actual", lang), "error": t("accuracy.error", lang)}, lang))
        st.caption(md("accuracy.caption", lang, period=view.period.code,
                      snapshot=view.snapshot_id, actual=fmt.money_short(actual, lang),
                      final=t("accuracy.final" if view.as_of >= view.period.end
                              else "accuracy.running", lang)))
        with st.expander(t("accuracy.by_region", lang)):
            grid.show(tables.accuracy_by_region(accuracies["by_region"], lang, region_name), lang)

# --- Deals that need attention --------------------------------------------------------------------
def deal_list(deals: pd.DataFrame, emphasis: str, key: str, name: str, caption: str) -> None:
    """Stale or past-due deals (most money at risk first) and what they are: the largest on
    screen, a click opens one; the downloads hold them all."""
    if deals.empty:
        st.info(md("empty.table", lang))
        st.caption(caption)
        return
    shown = export.screen_rows(deals)
    state.deal_table(shown, tables.deals(shown, lang, region_name, emphasis), key, lang)
    st.caption(caption)
    export.capped_note(lang, len(shown), len(deals), "amount")
    export.download_buttons(view, lang, lambda: tables.deals(deals, lang, region_name,
                                                             emphasis).frame,
                            name, f"{key}_export", money=(t("col.amount", lang),))


st.subheader(md("attention.title", lang))
st.caption(md("attention.caption", lang))
stale_tab, due_tab, slipped_tab = st.tabs([t("stale.title", lang), t("pastdue.title", lang),
                                           t("slipped.title", lang)])
attention = state.metric(ctx, pipeline.attention_deals)
with stale_tab:
    deal_list(pipeline.stale_of(attention), "stale", "stale_table", "stale-deals",
              md("stale.caption", lang, activity=setting("pipeline.stale_activity_days"),
                 stage=setting("pipeline.stale_stage_days")))
with due_tab:
    deal_list(pipeline.past_due_of(attention), "past_due", "due_table", "past-due-deals",
              md("pastdue.caption", lang, as_of=view.as_of))
with slipped_tab:
    if ctx.compare is None:
        st.info(md("movement.no_compare", lang, snapshot=view.snapshot_id))
    else:
        slipped = state.metric(ctx, pipeline.movement_overview)["slipped"]
        if slipped.empty:
            st.info(md("empty.table", lang))
        else:
            state.deal_table(slipped, tables.slipped(slipped, lang, region_name),
                             "slipped_table", lang)
        st.caption(md("slipped.caption", lang, compare=ctx.compare.snapshot_id,
                     period=view.period.code))
