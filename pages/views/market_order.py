"""Market-order check (市场秩序, SPEC §10.5, monthly): the period's suspect order lines with every
reason that applies, by region and rep, and their export. Layout only: numbers come from
metrics/market_order.py."""

import functools

import streamlit as st

from data.config import setting
from metrics import market_order
from metrics.periods import month_of
from pages.ui import export, fmt, grid, state
from pages.ui import tables_review as tables
from pages.ui.i18n import md, t

ctx = state.page_header("market_order")
state.unavailable(ctx, "revenue")
lang = ctx.lang
# Names of the ids in this run's tables, each looked up once (a table maps thousands of rows).
region_name = functools.cache(ctx.region_name)
view = ctx.view

st.caption(md("market.subtitle", lang, period=view.period.code,
              to_date=view.to_date_end or view.period.start, snapshot=view.snapshot_id,
              scope=state.scope_words(ctx)))
# The check is a monthly ritual: from any other period, one click to the month of as_of.
month = month_of(min(view.as_of, view.period.end))
if view.period.code != month.code:
    st.info(md("market.monthly", lang, period=view.period.code), icon=":material/event:")
    st.page_link(ctx.pages["market_order"], label=t("market.month_link", lang, month=month.code),
                 icon=":material/calendar_month:",
                 query_params={**state.nav_params(ctx), "period": month.code})

found = state.metric(ctx, market_order.suspect_lines)
lines = found.drop_duplicates(["order_id", "line_no"])
cells = st.columns(4)
cells[0].metric(t("market.kpi.lines", lang), fmt.count(len(lines), lang),
                help=md("market.kpi.lines.help", lang), border=True)
cells[1].metric(t("market.kpi.orders", lang), fmt.count(lines["order_id"].nunique(), lang),
                border=True)
cells[2].metric(t("market.kpi.revenue", lang), fmt.money_short(lines["revenue"].sum(), lang),
                border=True)
cells[3].metric(t("market.kpi.regions", lang), fmt.count(lines["region_id"].nunique(), lang),
                border=True)

if found.empty:
    st.info(md("market.empty", lang, period=view.period.code), icon=":material/check_circle:")
    st.stop()

st.subheader(md("market.by_region", lang))
grid.show(tables.by_region(found, lang, region_name), lang, all_rows=True)
st.caption(md("market.by_region.caption", lang))

st.subheader(md("market.list", lang))
# The largest lines on screen; the downloads hold every line.
table = tables.suspect_lines(found, lang, region_name, limit=export.SCREEN_ROWS)
grid.show(table, lang)
st.caption(md("market.list.caption", lang,
              key_min=fmt.money(setting("business.key_opportunity_min"), lang),
              discount=fmt.pct(setting("alerts.deep_discount"), lang)))
export.capped_note(lang, len(table.frame), len(lines), "revenue")
export.download_buttons(view, lang, lambda: tables.suspect_lines(found, lang, region_name).frame,
                        "market-order", "market_export",
                        percent=(t("col.discount", lang),), money=(t("col.revenue", lang),))
