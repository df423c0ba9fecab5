"""Gross-margin alerts deep dive (SPEC §6.4, §5.5): tiles, margin trend by product line against
the floors, money at stake by rule, high-margin mix by region, the alert table with page-local
rule and severity filters, a drill-down from any alert to its order lines or deal, and exports.
Layout only: numbers come from metrics/alerts.py."""

import functools
import hashlib

import streamlit as st

from metrics import alerts
from data import config
from data.config import setting
from pages.ui import chart_specs, charts_alerts, export, fmt, grid, state
from pages.ui import tables_alerts as tables
from pages.ui.i18n import md, t

ctx = state.page_header("alerts")
state.unavailable(ctx, "revenue", "products")
lang = ctx.lang
# Names of the ids in this run's tables, each looked up once (a table maps thousands of rows).
region_name = functools.cache(ctx.region_name)

view = ctx.view
limits = alerts.thresholds()

st.caption(md("alerts.subtitle", lang, period=view.period.code,
             to_date=view.to_date_end or view.period.start, snapshot=view.snapshot_id,
             scope=state.scope_words(ctx)))

overview = state.metric(ctx, alerts.overview)
s, frame = overview["summary"], overview["alerts"]
key_min = setting("business.key_opportunity_min")
critical_money = fmt.money(limits.critical_at_stake, lang)
critical_points = f"{limits.critical_points * 100:g}"

# --- KPI tiles ------------------------------------------------------------------------------------
tiles = st.columns(5)
tiles[0].metric(t("alerts.kpi.critical", lang), f"{s['critical']:,}",
                delta=t("alerts.kpi.count.delta", lang, total=f"{s['count']:,}"),
                delta_color="off", delta_arrow="off",
                help=md("alerts.kpi.critical.help", lang, points=critical_points,
                       money=critical_money), border=True)
tiles[1].metric(t("alerts.kpi.warning", lang), f"{s['warning']:,}",
                delta=t("alerts.kpi.count.delta", lang, total=f"{s['count']:,}"),
                delta_color="off", delta_arrow="off", help=md("alerts.kpi.warning.help", lang),
                border=True)
tiles[2].metric(t("alerts.kpi.booked", lang), fmt.money_short(s["at_stake_booked"], lang),
                delta=t("alerts.kpi.booked.delta", lang,
                        count=f"{s['count'] - s['deals_at_risk']:,}"),
                delta_color="off", delta_arrow="off", help=md("alerts.kpi.booked.help", lang),
                border=True)
tiles[3].metric(t("alerts.kpi.deals", lang), fmt.money_short(s["at_stake_deals"], lang),
                delta=t("alerts.kpi.deals.delta", lang, count=s["deals_at_risk"]),
                delta_color="off", delta_arrow="off",
                help=md("alerts.kpi.deals.help", lang, min=fmt.money(key_min, lang)), border=True)
tiles[4].metric(t("alerts.kpi.gm", lang), fmt.pct(s["gm_pct"], lang, 1),
                delta=(t("alerts.kpi.gm.delta", lang, points=f"{s['gm_change'] * 100:+.1f}",
                         quarter=s["last_quarter"]) if s["gm_change"] is not None else None),
                delta_color="normal",
                help=md("alerts.kpi.gm.help", lang, quarter=s["last_quarter"],
                       value=fmt.pct(s["last_quarter_gm_pct"], lang, 1)), border=True)

if s["unchecked_product_lines"]:
    unchecked = [tables.line_label(pl, lang) for pl in s["unchecked_product_lines"]]
    st.warning(md("alerts.unchecked", lang, lines=", ".join(unchecked),
                 floor_rule=t("alerts.rule.margin_floor", lang),
                 deal_rule=t("alerts.rule.at_risk_deal", lang)), icon=":material/rule:")
if frame.empty:
    st.info(md("alerts.empty", lang, period=view.period.code), icon=":material/check_circle:")

# --- Charts ---------------------------------------------------------------------------------------
# Each chart's spec is built once per view, language and snapshot (pages.ui.chart_specs).
drawn = (view, lang, str(ctx.info.path))


def trend_chart(trend):
    trend = trend.assign(
        line_label=trend["product_line"].map(lambda pl: tables.line_label(pl, lang)),
        gm_label=trend["gm_pct"].map(lambda v: fmt.pct(v, lang, 1)),
        revenue_label=trend["revenue"].map(lambda v: fmt.money_short(v, lang)))
    floors = trend.drop_duplicates("product_line").dropna(subset=["floor"])
    floors = floors.assign(floor_label=[
        t("alerts.trend.floor", lang, line=line, value=fmt.pct(floor, lang))
        for line, floor in zip(floors["line_label"], floors["floor"])])
    return charts_alerts.gm_trend(trend, floors, {
        "week": t("chart.week", lang), "gm_pct": t("chart.gm_pct", lang),
        "line": t("alerts.chart.line", lang), "revenue": t("chart.revenue", lang),
        "floor": t("alerts.chart.floor", lang)})


def by_rule_chart(by_rule):
    by_rule = by_rule.assign(
        rule_label=by_rule["rule"].map(lambda r: t(f"alerts.rule.{r}", lang)),
        severity_label=by_rule["severity"].map(lambda v: t(f"alerts.severity.{v}", lang)),
        severity_order=by_rule["severity"].map(alerts.SEVERITIES.index),
        at_stake_label=by_rule["at_stake"].map(lambda v: fmt.money_short(v, lang)),
        total_label=by_rule["rule_at_stake"].map(lambda v: fmt.money_short(v, lang)))
    return charts_alerts.at_stake_by_rule(by_rule, by_rule.drop_duplicates("rule"), {
        "at_stake": t("alerts.col.at_stake", lang), "rule": t("alerts.col.rule", lang),
        "severity": t("alerts.col.severity", lang), "count": t("alerts.byrule.alerts", lang),
        "critical": t("alerts.severity.critical", lang),
        "warning": t("alerts.severity.warning", lang)}, lang)


def mix_chart(mix):
    mix = mix.assign(
        region=mix["region_id"].map(region_name),
        share_label=mix["share"].map(lambda v: fmt.pct(v, lang, 1)),
        high_label=mix["high_margin_revenue"].map(lambda v: fmt.money_short(v, lang)),
        revenue_label=mix["revenue"].map(lambda v: fmt.money_short(v, lang)),
        status=mix["below_target"].map(
            lambda below: t("alerts.mix.below" if below else "alerts.mix.on_target", lang)))
    return charts_alerts.high_margin_mix(mix, limits.high_margin_mix, {
        "share": t("alerts.mix.share", lang), "region": t("col.region", lang),
        "high_revenue": t("alerts.mix.high_revenue", lang),
        "revenue": t("chart.revenue", lang), "below": t("alerts.mix.below", lang),
        "on_target": t("alerts.mix.on_target", lang)})


left, right = st.columns([3, 2])
with left:
    st.subheader(md("alerts.trend.title", lang))
    trend = state.metric(ctx, alerts.gm_trend)
    if trend["gm_pct"].isna().all():
        st.info(md("empty.table", lang))
    else:
        chart_specs.draw(("alerts.trend", *drawn), lambda: trend_chart(trend))
    st.caption(md("alerts.trend.caption", lang))

with right:
    st.subheader(md("alerts.byrule.title", lang))
    if s["by_rule"].empty:
        st.info(md("empty.table", lang))
    else:
        chart_specs.draw(("alerts.by_rule", *drawn), lambda: by_rule_chart(s["by_rule"]))
    st.caption(md("alerts.byrule.caption", lang))

left, right = st.columns(2)
with left:
    st.subheader(md("alerts.mix.title", lang))
    if overview["mix"].empty:
        st.info(md("empty.table", lang))
    else:
        chart_specs.draw(("alerts.mix", *drawn), lambda: mix_chart(overview["mix"]))
    st.caption(md("alerts.mix.caption", lang, period=view.period.code,
                 target=fmt.pct(limits.high_margin_mix, lang)))

with right:
    st.subheader(md("alerts.rules.title", lang))
    rules_table = tables.rules(limits, lang, alerts.erosion_baseline(view.period), key_min,
                               ctx.dims["product_lines"]["product_line"])
    st.table(rules_table.set_index(rules_table.columns[0]))
    st.caption(md("alerts.rules.caption", lang, file=config.current().source_names or "data/config.py", points=critical_points,
                 money=critical_money))


# --- Alert table and drill-down -------------------------------------------------------------------
@st.fragment
def alert_list() -> None:
    """The alert table with its page-local rule and severity filters, and the drill-down of the
    selected alert: a fragment, so choosing a rule or an alert reruns this part, not the page."""
    st.subheader(md("alerts.table.title", lang))
    controls = st.columns([3, 2])
    chosen_rules = controls[0].multiselect(
        t("alerts.filter.rule", lang), list(alerts.RULES), key="alerts_rule",
        format_func=lambda r: t(f"alerts.rule.{r}", lang), placeholder=t("filters.all", lang))
    chosen_severities = controls[1].segmented_control(
        t("alerts.filter.severity", lang), list(alerts.SEVERITIES), selection_mode="multi",
        key="alerts_severity", format_func=lambda v: t(f"alerts.severity.{v}", lang))
    # An empty choice means all, as in the sidebar filters.
    matching = frame[frame["rule"].isin(chosen_rules or alerts.RULES)
                     & frame["severity"].isin(chosen_severities or alerts.SEVERITIES)]
    matching = matching.reset_index(drop=True)
    # The largest at stake on screen (the frame is in that order); the downloads hold them all.
    shown = export.screen_rows(matching)
    if shown.empty:
        st.info(md("alerts.filter.empty", lang) if len(frame) else
                t("alerts.empty", lang, period=view.period.code),
                icon=":material/filter_alt_off:")
        return
    table = tables.alerts(shown, lang, region_name)
    # A new key for each view and filter choice: the selection starts afresh on the top alert
    # instead of pointing at whatever alert now sits in the previously selected row.
    choice = repr((view, sorted(chosen_rules), sorted(chosen_severities or ())))
    table_key = "alerts_table_" + hashlib.sha1(choice.encode()).hexdigest()[:12]
    event = st.dataframe(table.data(), column_config=table.config, hide_index=True,
                         width="stretch", placeholder=t("na", lang), key=table_key,
                         on_select="rerun", selection_mode="single-row",
                         selection_default={"selection": {"rows": [0], "columns": []}})
    if len(matching) > len(shown):
        st.caption(md("alerts.table.capped" if len(matching) == len(frame)
                      else "alerts.table.capped_chosen", lang, shown=f"{len(shown):,}",
                      matching=f"{len(matching):,}", total=f"{len(frame):,}"))
    else:
        st.caption(md("alerts.table.caption", lang, shown=f"{len(shown):,}",
                      total=f"{len(frame):,}"))
    export.download_buttons(view, lang, lambda: tables.alerts(matching, lang, region_name).frame,
                            "alerts", "alerts_export",
                            percent=(t("alerts.col.value", lang), t("alerts.col.threshold", lang)),
                            money=(t("alerts.col.at_stake", lang), t("alerts.col.amount", lang)))
    rows = [r for r in event.selection.rows if r < len(shown)]
    if rows:
        drill_down(shown.iloc[rows[0]], tables.entity_labels(shown.iloc[[rows[0]]], lang,
                                                             region_name).iloc[0])
    else:
        st.info(md("alerts.drill.none", lang), icon=":material/touch_app:")


def drill_down(selected, entity: str) -> None:
    """The order lines or the deal behind the ``selected`` alert (a row of the alert frame)."""
    rule, entity_id = selected["rule"], selected["entity_id"]
    st.subheader(md("alerts.drill.title", lang, rule=t(f"alerts.rule.{rule}", lang),
                    entity=entity))
    drill = state.metric(ctx, alerts.drill_down(rule, entity_id))
    if drill["frame"].empty:
        st.info(md("alerts.drill.gone", lang,
                   entity=t(f"alerts.entity.{selected['entity_type']}", lang)))
    elif drill["kind"] == "deal":
        deal = tables.drill_deal(drill["frame"], lang, region_name)
        grid.show(deal, lang)
        record = drill["frame"].iloc[0]
        st.caption(md("alerts.drill.deal", lang,
                      expected=fmt.pct(record["expected_margin_pct"], lang, 1),
                      floor=fmt.pct(record["floor"], lang, 1)))
        if "pipeline" in ctx.pages:
            st.page_link(ctx.pages["pipeline"], label=t("alerts.drill.open_deal", lang),
                         icon=":material/timeline:",
                         query_params={**state.nav_params(ctx), "deal": entity_id})
        export.download_buttons(view, lang, deal.frame, "deal", "drill_export",
                                percent=(t("alerts.col.expected_margin", lang),
                                         t("alerts.col.floor", lang)),
                                money=(t("col.amount", lang), t("alerts.col.short", lang)))
    else:
        lines = tables.drill_lines(drill["frame"], lang, region_name)
        grid.show(lines, lang)
        if selected["entity_type"] == "order_line":
            st.caption(md("alerts.drill.line", lang))
        else:
            what = t(f"alerts.drill.what.{rule}", lang, entity=entity)
            key = ("alerts.drill.capped" if drill["total_rows"] > len(lines.frame)
                   else "alerts.drill.lines")
            st.caption(md(key, lang, what=what, period=view.period.code,
                          shown=f"{len(lines.frame):,}", total=f"{drill['total_rows']:,}"))
        export.download_buttons(view, lang, lines.frame, "order-lines", "drill_export",
                                percent=(t("col.gm_pct", lang), t("alerts.col.discount", lang)),
                                money=(t("col.amount", lang), t("alerts.col.cost", lang),
                                       t("col.gross_margin", lang)))


alert_list()
