"""Regional scorecard (SPEC §6.3, §5.4): headline, tiles, the ranking as a heatmap, total score by
region, the dimensions and their weights, the quarter review, and a region's drill-down (why its
rank moved, industry attainment, the customers and deals behind weak dimensions). Layout only."""

import functools

import pandas as pd
import streamlit as st

from metrics import scorecard
from data import config
from metrics.periods import month_of
from data.config import setting
from pages.ui import chart_specs, charts_scorecard as charts, fmt, grid, state
from pages.ui import tables_scorecard as tables
from pages.ui.i18n import md, t

ctx = state.page_header("scorecard")
state.unavailable(ctx, "targets", "activities", "customer_scores")
lang = ctx.lang

view = ctx.view
weights = scorecard.weights()

previous, previous_to = scorecard.comparison(view)
st.caption(md("score.subtitle", lang, period=view.period.code,
             to_date=view.to_date_end or view.period.start, snapshot=view.snapshot_id,
             previous=previous.code,
             previous_range=f"{previous.start:%m-%d} – {previous_to:%m-%d}" if previous_to
             else t("na", lang)))
st.caption(md("score.scope", lang))

# The ranking is every region's whole business, whatever the filters (one cached result for every
# region chosen or clicked, here and on the region review).
ranking_view = scorecard.whole_business(view)
card = state.metric(ctx, scorecard.published_overview, ranking_view)["scorecard"]


def _published_name(row: pd.Series) -> str | None:
    for name in (row[f"name_{lang}"], row["name_en"]):
        if isinstance(name, str) and name.strip():
            return name
    return None


# Each region's name, looked up once (the tables and charts name regions hundreds of times a run).
published_names: dict[str, str | None] = {}
for _, published in card.iterrows():
    published_names.setdefault(published["region_id"], _published_name(published))


def region_name(region_id: str) -> str:
    """A region's name: the ranking publishes every region's to a lead, whose own data names
    only theirs."""
    return published_names.get(region_id) or ctx.region_name(region_id)


scope = ctx.visitor.scope
head = scorecard.headline(card, scope.regions if scope and scope.role == "lead" else None)
highlighted = view.regions
# Each chart's spec is built once per view (its regions the highlighted ones), language and
# snapshot (pages.ui.chart_specs).
drawn = (view, lang, str(ctx.info.path))

if head["met_both"] is None:
    st.subheader(md("score.headline.no_targets", lang, period=view.period.code))
else:
    st.subheader(md("score.headline", lang, met=head["met_both"], regions=head["regions"]))
pace = view.period.pace(view.as_of)
if pace < 1 and head["met_both"] is not None:  # without targets there is nothing to be low
    st.info(md("score.running", lang, period=view.period.code, pace=fmt.pct(pace, lang),
              previous=previous.code), icon=":material/hourglass_top:")
    current_month = month_of(view.as_of)
    last_month = current_month if view.as_of == current_month.end else current_month.previous()
    if last_month.code != view.period.code:
        st.page_link(ctx.pages["scorecard"], label=t("score.last_month", lang,
                                                     month=last_month.code),
                     icon=":material/calendar_month:",
                     query_params={**state.nav_params(ctx), "period": last_month.code})


def _move_delta(change) -> str | None:
    if pd.isna(change):  # no rank before
        return None
    if change == 0:
        return t("score.move.delta_same", lang, previous=previous.code)
    return t("score.move.delta", lang, change=f"{int(change):+d}", previous=previous.code)


# --- KPI tiles ------------------------------------------------------------------------------------
tiles = st.columns(4)
tiles[0].metric(t("score.tile.met", lang),
                t("na", lang) if head["met_both"] is None else
                t("score.tile.met.value", lang, met=head["met_both"], regions=head["regions"]),
                delta=None if head["met_both"] is None else
                t("score.tile.met.delta", lang, revenue=head["met_revenue"],
                  margin=head["met_margin"]),
                delta_color="off", delta_arrow="off", help=md("score.tile.met.help", lang),
                border=True)
tiles[1].metric(t("score.tile.median", lang),
                t("na", lang) if head["median_total"] is None else f"{head['median_total']:.1f}",
                help=md("score.tile.median.help", lang), border=True)
tiles[2].metric(t("score.tile.best", lang),
                region_name(head["best_region"]) if head["best_region"] else t("na", lang),
                delta=None if head["best_total"] is None
                else t("score.tile.best.delta", lang, total=f"{head['best_total']:.1f}"),
                delta_color="off", delta_arrow="off", border=True)
by_region = card.set_index("region_id")
if len(highlighted) == 1 and highlighted[0] in by_region.index:
    row = by_region.loc[highlighted[0]]
    ranked = not pd.isna(row["rank"])
    change = row["rank_change"]
    moved = ranked and not pd.isna(change) and change != 0
    tiles[3].metric(t("score.tile.region", lang, region=region_name(highlighted[0])),
                    t("score.tile.region.value", lang, rank=int(row["rank"]),
                      ranked=head["ranked"]) if ranked
                    else t("score.tile.region.unranked", lang),
                    delta=_move_delta(change) if ranked else None,
                    delta_color="normal" if moved else "off",
                    delta_arrow="auto" if moved else "off",
                    help=md("score.tile.region.help", lang, previous=previous.code), border=True)
else:
    tiles[3].metric(t("score.tile.climber", lang),
                    region_name(head["climber_region"]) if head["climber_region"]
                    else t("score.tile.climber.none", lang),
                    delta=_move_delta(head["climber_ranks"]) if head["climber_region"] else None,
                    border=True)

drill_slot = st.container()

# --- Ranking and chart ----------------------------------------------------------------------------


def _select_region(key: str, ids: list[str]) -> None:
    rows = st.session_state[key].selection.rows
    if not rows:
        return
    if ids[rows[0]] in visible:
        st.query_params["region"] = ids[rows[0]]
    else:  # a lead sees every region's rank and total, the details of their own only (SPEC §11)
        st.session_state["score_ranking_only"] = ids[rows[0]]


visible = set(ctx.dims["regions"]["region_id"])


st.subheader(md("score.table.title", lang))
grid.show(tables.scorecard(card, lang, region_name, highlighted, scorecard.DIMENSIONS,
                           {d: md(f"dimdef.{d}", lang) for d in scorecard.DIMENSIONS}),
          lang, key="score_table", all_rows=True,
          on_select=functools.partial(_select_region, "score_table", list(card["region_id"])))
st.caption(md("score.table.caption", lang, previous=previous.code))
ranking_only = st.session_state.pop("score_ranking_only", None)
if ranking_only is not None:
    st.info(md("auth.ranking_only", lang, region=region_name(ranking_only)),
            icon=":material/lock:")
unranked = card.loc[card["rank"].isna(), "region_id"]
if len(unranked):
    st.caption(md("score.unranked", lang, period=view.period.code,
                 regions=", ".join(unranked.map(region_name))))

left, right = st.columns([2, 3])
with left:
    st.subheader(md("score.chart.title", lang))
    bars = card[card["total"].notna()].sort_values(["rank", "total"], ascending=[True, False],
                                                   na_position="last")
    if bars.empty:
        st.info(md("empty.table", lang))
    else:
        bars = bars.assign(
            region=bars["region_id"].map(region_name),
            total_label=bars["total"].map(lambda v: f"{v:.1f}"),
            rank_label=bars["rank"].map(lambda r: "–" if pd.isna(r) else str(int(r))),
            group=bars["region_id"].isin(highlighted).map(
                lambda s: t("score.chart.selected" if s else "score.chart.other", lang)))
        chart_specs.draw(("scorecard.ranking", *drawn), lambda: charts.score_by_region(bars, {
            "total": t("col.total", lang), "region": t("col.region", lang),
            "rank": t("col.rank", lang), "selected": t("score.chart.selected", lang),
            "other": t("score.chart.other", lang)}))
    st.caption(md("score.chart.caption", lang))

with right:
    st.subheader(md("score.dims.title", lang))
    st.table(tables.dimension_legend(weights, lang), border="horizontal", hide_index=True)
    st.caption(md("score.dims.caption", lang, path=config.current().source_names or "data/config.py"))

# --- Quarter review -------------------------------------------------------------------------------
if view.period.kind == "quarter":
    st.subheader(md("score.review.title", lang, quarter=view.period.code))
    review = state.metric(ctx, scorecard.published_overview, ranking_view)["quarter_review"]
    if review.empty:
        st.info(md("empty.table", lang))
    else:
        grid.show(tables.quarter_review(review, lang, region_name, highlighted), lang,
                  all_rows=True)
    st.caption(md("score.review.caption", lang))

# --- Drill-down -----------------------------------------------------------------------------------
# A region's drill-down is drawn near the top of the page (the slot below the tiles), where a
# regional lead's link and a click on the ranking put the eye; without one, the hint stays here.
with drill_slot if highlighted else st.container():
    st.divider()
    if not highlighted:
        st.info(md("score.drill.none", lang), icon=":material/ads_click:")
        st.stop()
    region = highlighted[0] if len(highlighted) == 1 else st.selectbox(
        t("score.drill.pick", lang), list(highlighted), format_func=ctx.region_name)
    row = by_region.loc[region]
    name = region_name(region)
    st.header(md("score.drill.title", lang, region=name,
                rank=t("na", lang) if pd.isna(row["rank"]) else int(row["rank"]),
                total=t("na", lang) if pd.isna(row["total"]) else f"{row['total']:.1f}"))
    dims = scorecard.why_moved(card, region)
    weak = [t(f"dim.{d}", lang) for d, w in zip(dims["dimension"], dims["below_median"]) if w]
    st.caption(md("score.drill.weak", lang, dims=", ".join(weak)) if weak
               else t("score.drill.strong", lang))

    region_view = scorecard.whole_business(view, (region,))
    left, right = st.columns(2)
    with left:
        st.subheader(md("score.why.title", lang, previous=previous.code))
        if dims["contribution"].isna().all():
            st.info(md("score.why.none", lang, previous=previous.code))
        else:
            shown = dims.assign(
                dimension_label=dims["dimension"].map(lambda d: t(f"dim.{d}", lang)),
                contribution_label=dims["contribution"].map(lambda v: f"{v:+.1f}"),
                score_label=dims["score"].map(lambda v: t("na", lang) if v is None else f"{v:.0f}"),
                previous_label=dims["previous_score"].map(
                    lambda v: t("na", lang) if v is None else f"{v:.0f}"))
            chart_specs.draw(("scorecard.why", region, *drawn),
                             lambda: charts.score_contributions(shown, {
                                 "points": t("score.why.points", lang),
                                 "dimension": t("col.dimension", lang),
                                 "now": t("score.why.now", lang),
                                 "before": t("score.why.before", lang)}))
            st.caption(md("score.why.caption", lang, before=f"{row['previous_total']:.1f}",
                         now=f"{row['total']:.1f}", change=f"{row['total_change']:+.1f}"))

    with right:
        st.subheader(md("score.industry.title", lang))
        industries = state.metric(ctx, scorecard.industry_attainment, region_view)
        with_target = industries[industries["revenue_target"] > 0]
        if with_target.empty:
            st.info(md("empty.table", lang))
        else:
            with_target = with_target.assign(
                industry=with_target["industry_id"].map(ctx.industry_name),
                status=[t("score.industry.above" if c else "score.industry.met" if a >= 1
                          else "score.industry.short", lang)
                        for a, c in zip(with_target["attainment"], with_target["capped"])],
                attainment_label=with_target["attainment"].map(lambda v: fmt.pct(v, lang)),
                revenue_label=with_target["revenue"].map(lambda v: fmt.money_short(v, lang)),
                target_label=with_target["revenue_target"].map(lambda v: fmt.money_short(v, lang)))
            chart_specs.draw(("scorecard.industries", region, *drawn),
                             lambda: charts.industry_attainment(
                                 with_target, scorecard.industry_cap(), {
                                     "attainment": t("chart.attainment", lang),
                                     "industry": t("col.industry", lang),
                                     "revenue": t("col.revenue", lang),
                                     "target": t("col.revenue_target", lang),
                                     "above": t("score.industry.above", lang),
                                     "met": t("score.industry.met", lang),
                                     "short": t("score.industry.short", lang)}))
        st.caption(md("score.industry.caption", lang))
        no_target = industries.loc[~(industries["revenue_target"] > 0), "industry_id"]
        if len(no_target):
            st.caption(md("score.industry.no_target", lang,
                         industries=", ".join(no_target.map(ctx.industry_name))))

    cells = st.columns(4)
    cells[0].metric(t("score.detail.margin", lang), fmt.money_short(row["gross_margin"], lang),
                    delta=t("score.detail.margin.delta", lang,
                            target=fmt.money_short(row["margin_target"], lang)),
                    delta_color="off", delta_arrow="off", help=md("dimdef.margin_attainment", lang),
                    border=True)
    cells[1].metric(t("score.detail.coverage", lang),
                    t("score.detail.of", lang, part=int(row["covered_customers"]),
                      whole=int(row["key_customers"])),
                    help=md("dimdef.customer_coverage", lang), border=True)
    cells[2].metric(t("score.detail.hygiene", lang),
                    t("score.detail.of", lang, part=int(row["clean_deals"]),
                      whole=int(row["open_deals"])),
                    help=md("dimdef.pipeline_hygiene", lang), border=True)
    cells[3].metric(t("score.detail.productivity", lang),
                    fmt.money_short(row["revenue_per_ae"], lang),
                    delta=t("score.detail.productivity.delta", lang,
                            value=fmt.money_short(row["national_revenue_per_ae"], lang),
                            aes=int(row["active_aes"])),
                    delta_color="off", delta_arrow="off",
                    help=md("dimdef.resource_productivity", lang), border=True)

    customers_tab, deals_tab = st.tabs([t("score.uncovered.title", lang),
                                        t("score.deals.title", lang)])
    with customers_tab:
        uncovered = state.metric(ctx, scorecard.uncovered_customers, region_view)
        if uncovered.empty:
            st.info(md("empty.table", lang))
        else:
            grid.show(tables.uncovered_customers(uncovered, lang, ctx.industry_name), lang)
        st.caption(md("score.uncovered.caption", lang, period=view.period.code))
    with deals_tab:
        deals = state.metric(ctx, scorecard.attention_deals, region_view)
        if deals.empty:
            st.info(md("empty.table", lang))
        else:
            grid.show(tables.attention_deals(deals, lang), lang)
        st.caption(md("score.deals.caption", lang, activity=setting("pipeline.stale_activity_days"),
                     stage=setting("pipeline.stale_stage_days"), as_of=view.as_of))
