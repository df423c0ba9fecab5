"""Reps: the one-on-one review (SPEC §10.4). Without ``rep=``, the team table of the reps in the
view's regions; a selected row (or ``/reps?rep=ID``) opens one rep's page: results, pipeline,
face-to-face activity against the norm, accounts against the role's norm, the open deals and the
overdue contacts. Layout only: numbers come from metrics/reps.py."""

import streamlit as st

from data.config import setting
from metrics import reps
from pages.ui import fmt, grid, state
from pages.ui import tables_review as tables
from pages.ui.i18n import md, t

ctx = state.page_header("reps")
state.unavailable(ctx, "revenue", "pipeline", "activities", "customer_scores")
lang = ctx.lang
view = ctx.view

st.caption(md("reps.subtitle", lang, period=view.period.code,
              to_date=view.to_date_end or view.period.start, snapshot=view.snapshot_id,
              scope=state.scope_words(ctx)))

team = state.metric(ctx, reps.team)
norm = setting("reps.face_to_face_per_week")
cadence = {f"t{n}": setting(f"reps.contact_days_tier{n}") for n in (1, 2, 3)}


def _unavailable(con, view) -> dict:
    return reps.unavailable(con)


def _count(value) -> str:
    return fmt.count(None if value != value else int(value), lang)


# --- One rep ----------------------------------------------------------------------------------
if ctx.url.rep:
    st.button(t("reps.back", lang), on_click=state.close_rep, icon=":material/arrow_back:")
    found = team[team["rep_id"] == ctx.url.rep]
    if found.empty:
        st.warning(md("reps.not_found", lang, rep=ctx.url.rep), icon=":material/search_off:")
        st.stop()
    rep = found.iloc[0]
    name = rep["name"] if isinstance(rep["name"], str) and rep["name"].strip() else rep["rep_id"]
    st.subheader(md("reps.title", lang, name=name,
                    role=rep["role"] if isinstance(rep["role"], str) else t("na", lang),
                    region=ctx.region_name(rep["region_id"])
                    if isinstance(rep["region_id"], str) else t("na", lang)))
    with st.container(key="tiles_rep"):
        cells = [*st.columns(3), *st.columns(3)]
    cells[0].metric(t("reps.kpi.revenue", lang), fmt.money_short(rep["revenue"], lang),
                    delta=t("reps.kpi.revenue.delta", lang,
                            attainment=fmt.pct(rep["revenue_attainment"], lang))
                    if rep["revenue_attainment"] == rep["revenue_attainment"] else None,
                    delta_color="off", delta_arrow="off", border=True)
    cells[1].metric(t("reps.kpi.pipeline", lang), fmt.money_short(rep["open_pipeline"], lang),
                    delta=t("reps.kpi.pipeline.delta", lang,
                            value=fmt.money_short(rep["weighted_pipeline"], lang)),
                    delta_color="off", delta_arrow="off", border=True)
    cells[2].metric(t("reps.kpi.win_rate", lang), fmt.pct(rep["win_rate_count"], lang),
                    border=True)
    per_week = rep["face_to_face_per_week"]
    cells[3].metric(t("reps.kpi.f2f", lang),
                    t("na", lang) if per_week != per_week else f"{per_week:.1f}",
                    delta=t("reps.kpi.f2f.delta", lang, norm=f"{norm:g}",
                            count=_count(rep["face_to_face"])),
                    delta_color="off", delta_arrow="off",
                    help=md("reps.kpi.below_norm.help", lang, norm=f"{norm:g}"), border=True)
    cells[4].metric(t("reps.kpi.accounts", lang), _count(rep["accounts_owned"]),
                    delta=t("reps.kpi.accounts.delta", lang, norm=_count(rep["accounts_norm"])),
                    delta_color="off", delta_arrow="off", border=True)
    cells[5].metric(t("reps.kpi.overdue", lang), _count(rep["overdue_contacts"]),
                    help=md("reps.kpi.overdue.help", lang, **cadence), border=True)

    st.subheader(md("reps.deals", lang))
    deals = state.metric(ctx, reps.rep_deals, args=(ctx.url.rep,))
    if deals.empty:
        st.info(md("empty.table", lang))
    else:
        flags = [", ".join(t(f"reps.flag.{f}", lang) for f, on in
                           (("stale", stale), ("past_due", due)) if on)
                 for stale, due in zip(deals["stale"], deals["past_due"])]
        grid.show(tables.rep_deals(deals, flags, lang, ctx.region_name), lang)
    st.caption(md("reps.deals.caption", lang))

    st.subheader(md("reps.overdue", lang))
    overdue = state.metric(ctx, reps.overdue_accounts, args=(ctx.url.rep,))
    if "contacts" in state.metric(ctx, _unavailable):
        st.info(md("empty.table", lang))
    elif overdue.empty:
        st.success(md("reps.overdue.none", lang), icon=":material/check_circle:")
    else:
        grid.show(tables.overdue(overdue, lang), lang)
    st.caption(md("reps.overdue.caption", lang, as_of=view.as_of, **cadence))
    st.stop()

# --- The team -----------------------------------------------------------------------------------
cells = st.columns(4)
cells[0].metric(t("reps.kpi.team", lang), fmt.count(len(team), lang), border=True)
below = team["face_to_face_per_week"] < team["face_to_face_norm"]
cells[1].metric(t("reps.kpi.below_norm", lang),
                t("na", lang) if team["face_to_face_per_week"].isna().all()
                else fmt.count(int(below.sum()), lang),
                help=md("reps.kpi.below_norm.help", lang, norm=f"{norm:g}"), border=True)
cells[2].metric(t("reps.kpi.overdue", lang),
                t("na", lang) if team["overdue_contacts"].isna().all()
                else fmt.count(int(team["overdue_contacts"].sum()), lang),
                help=md("reps.kpi.overdue.help", lang, **cadence), border=True)
cells[3].metric(t("reps.kpi.behind", lang),
                t("na", lang) if team["on_track"].isna().all()
                else fmt.count(int((team["on_track"] == False).sum()), lang),  # noqa: E712
                border=True)

st.subheader(md("reps.team", lang))
if team.empty:
    st.info(md("empty.table", lang))
else:
    picked = grid.show(tables.team(team, lang, ctx.region_name), lang, key="team_table",
                       on_select="rerun", all_rows=True)
    if picked and picked.selection.rows:
        state.open_rep(team["rep_id"].iloc[picked.selection.rows[0]])
st.caption(md("reps.team.caption", lang, norm=f"{norm:g}"))
