"""Region review (SPEC §10.2): one region's whole picture on one page, the target of every click
on a region — its tiles first, then product lines and industries, this week's pipeline movement,
its scorecard rank and dimensions, its top alerts, its reps and its top accounts. The region is
the view's region filter (``/region?region=GD``). Layout only: numbers come from metrics/."""

import pandas as pd
import streamlit as st

from data.config import setting
from metrics import alerts, dashboard, pipeline, reps, scorecard
from pages.ui import grid, state, tables
from pages.ui import tables_alerts
from pages.ui import tables_review
from pages.ui import tiles as tiles_ui
from pages.ui.i18n import md, t

ALERT_ROWS = 10

ctx = state.page_header("region")
lang = ctx.lang
view = ctx.view
regions = list(ctx.dims["regions"]["region_id"])

# One region: the filter's, else the one picked here (written to the URL like the sidebar's).
region = view.regions[0] if len(view.regions) == 1 else None
st.session_state["w_region_pick"] = region
st.selectbox(t("region.pick", lang), regions, key="w_region_pick",
             format_func=ctx.region_name, on_change=state.pick_region,
             help=md("region.pick.help", lang),
             placeholder=t("region.pick", lang))
if region is None:
    st.stop()
state.unavailable(ctx, "revenue", "targets", "pipeline")

groups = ctx.dims["regions"].set_index("region_id")["region_group"]
group = groups.get(region)
st.caption(md("region.subtitle", lang, region=ctx.region_name(region),
              group=group if isinstance(group, str) and group else t("review.no_group", lang),
              period=view.period.code, to_date=view.to_date_end or view.period.start,
              snapshot=view.snapshot_id))

k = state.metric(ctx, dashboard.kpis)
tiles_ui.kpis(k, lang)

left, right = st.columns(2)
with left:
    st.subheader(md("region.lines", lang))
    grid.show(tables.product_lines(state.metric(ctx, dashboard.product_lines), lang), lang,
              all_rows=True)
with right:
    st.subheader(md("region.industries", lang))
    industries = state.metric(ctx, dashboard.review_table, args=("industry",))
    grid.show(tables.review(industries, lang, state.review_label(ctx, "industry"),
                            k["gm_pct"], "industry"), lang, all_rows=True)

moved = state.metric(ctx, pipeline.movement) if ctx.compare else None
tiles_ui.pipeline_this_week(ctx, moved)

# The scorecard ranks every region on its whole business (SPEC §5.4): the region's row of it.
st.subheader(md("region.scorecard", lang))
card = state.metric(ctx, scorecard.published_overview,
                    scorecard.whole_business(ctx.view))["scorecard"]
row = card.set_index("region_id").loc[region] if region in set(card["region_id"]) else None
cells = st.columns(2)
ranked = row is not None and pd.notna(row["rank"])
cells[0].metric(t("region.rank", lang),
                t("region.rank.value", lang, rank=int(row["rank"]),
                  regions=int(card["rank"].notna().sum())) if ranked
                else t("region.rank.none", lang), border=True)
cells[1].metric(t("region.total", lang),
                f"{row['total']:.1f}" if row is not None and pd.notna(row["total"])
                else t("na", lang), border=True)
if row is not None:
    grid.show(tables.scorecard_dimensions(row, scorecard.DIMENSIONS, lang), lang, all_rows=True)
st.caption(md("region.scorecard.caption", lang, period=view.period.code))

st.subheader(md("region.alerts", lang))
found = state.metric(ctx, alerts.overview)["alerts"]
if found.empty:
    st.info(md("alerts.empty", lang, period=view.period.code), icon=":material/check_circle:")
else:
    top = found.sort_values("at_stake", ascending=False).head(ALERT_ROWS)
    grid.show(tables_alerts.alerts(top, lang, ctx.region_name), lang, all_rows=True)
    st.caption(md("region.alerts.caption", lang, rows=ALERT_ROWS))
st.page_link(ctx.pages["alerts"], label=t("region.open_alerts", lang),
             icon=":material/arrow_forward:", query_params=state.nav_params(ctx))

st.subheader(md("region.reps", lang))
team = state.metric(ctx, reps.team)
if team.empty:
    st.info(md("empty.table", lang))
else:
    picked = grid.show(tables_review.team(team, lang, ctx.region_name), lang,
                       key="region_team", on_select="rerun", all_rows=True)
    if picked and picked.selection.rows:
        state.open_rep_page(ctx, team["rep_id"].iloc[picked.selection.rows[0]])
st.page_link(ctx.pages["reps"], label=t("region.open_reps", lang),
             icon=":material/arrow_forward:", query_params=state.nav_params(ctx))

st.subheader(md("region.accounts", lang))
accounts = state.metric(ctx, dashboard.review_table, args=("account",))
if accounts.empty:
    st.info(md("empty.table", lang))
else:
    grid.show(tables.review(accounts, lang, state.review_label(ctx, "account"),
                            k["gm_pct"], "account"), lang)
st.caption(md("review.caption.account", lang, top=setting("customers.top_accounts")))
