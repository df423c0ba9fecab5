"""The translation layer: every user-facing string, in English and Chinese.

``t(key, lang, **values)`` looks a string up and fills ``{placeholders}``. Shared and dashboard /
pipeline strings are below; a page may keep its own in ``pages/ui/strings/<page>.py`` (merged at
import; a key defined twice is an error). A test checks that every key has both languages and the
same placeholders in each.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from pages.ui import strings as _page_strings

LANGS = ("en", "zh")
DEFAULT_LANG = "en"

STRINGS: dict[str, dict[str, str]] = {
    # App frame and navigation
    "app.title": {"en": "Sales Cockpit", "zh": "销售驾驶舱"},
    "page.dashboard": {"en": "Weekly dashboard", "zh": "每周仪表盘"},
    "nav.header": {"en": "Pages", "zh": "页面"},
    # Sidebar filters
    "filters.header": {"en": "View", "zh": "视图"},
    "filters.snapshot": {"en": "Snapshot", "zh": "数据快照"},
    "filters.snapshot.help": {
        "en": "Weekly extract of the sales data, named by ISO week; as of its Sunday.",
        "zh": "每周销售数据快照，以ISO周命名，截至该周周日。"},
    "filters.period": {"en": "Period", "zh": "期间"},
    "filters.period.help": {
        "en": "Week ({week}), month ({month}), fiscal quarter ({quarter}) or fiscal year ({year}). "
              "The fiscal year starts on the first of month {start_month}. Actuals run to the "
              "snapshot date.",
        "zh": "周（{week}）、月（{month}）、财季（{quarter}）或财年（{year}）。财年自{start_month}月1日起。"
              "实际数截至快照日期。"},
    "filters.regions": {"en": "Regions", "zh": "区域"},
    "filters.industries": {"en": "Industries", "zh": "行业"},
    "filters.product_lines": {"en": "Product lines", "zh": "产品线"},
    "filters.channel": {"en": "Channel", "zh": "渠道"},
    "filters.all": {"en": "All", "zh": "全部"},
    "filters.language": {"en": "Language", "zh": "语言"},
    "filters.compare": {"en": "Compare with", "zh": "对比快照"},
    "filters.compare.help": {
        "en": "The earlier snapshot that week-over-week pipeline movement starts from "
              "(default: the previous week's).",
        "zh": "商机周环比变动的起点快照（默认：上一周）。"},
    "channel.direct": {"en": "Direct", "zh": "直销"},
    "channel.partner": {"en": "Partner", "zh": "合作伙伴"},
    "period.label": {"en": "{code} · {start} – {end}", "zh": "{code} · {start}至{end}"},
    # Shared link
    "link.header": {"en": "Share this view", "zh": "分享此视图"},
    "link.caption": {
        "en": "Copy this link: it pins snapshot {snapshot}, so it shows these numbers next week too.",
        "zh": "复制此链接：它固定了快照 {snapshot}，下周打开仍显示相同的数字。"},
    # Notices and empty states
    "notice.bad_params": {
        "en": "Ignored link parameters that are not valid here: {params}.",
        "zh": "已忽略链接中无效的参数：{params}。"},
    "notice.fallback": {
        "en": "Snapshot {bad} is invalid ({error}); showing {good}, the newest valid snapshot.",
        "zh": "快照 {bad} 无效（{error}）；现显示最新的有效快照 {good}。"},
    "notice.preparing": {
        "en": "Snapshot {new} has arrived and is being checked; showing {served} until it is "
              "ready (about a minute at 10 million order lines).",
        "zh": "快照 {new} 已到达，正在校验；校验完成前显示 {served}（1000 万订单行约需一分钟）。"},
    "computing": {"en": "Computing the numbers for this view …", "zh": "正在计算此视图的数据……"},
    "notice.preparing_older": {
        "en": "Snapshot {older} is being checked; comparisons with it (week-over-week movement) "
              "appear here when it is ready.",
        "zh": "快照 {older} 正在校验；与其对比的内容（周环比变动）将在校验完成后显示。"},
    "preparing.title": {"en": "Checking the new data …", "zh": "正在校验新数据……"},
    "preparing.detail": {
        "en": "Snapshot {snapshot}: validating every table against the data contract and "
              "deriving its summaries — {seconds} s so far. The page opens when it is done.",
        "zh": "快照 {snapshot}：正在按数据契约校验各表并生成汇总——已用 {seconds} 秒。完成后页面自动打开。"},
    "preparing.done": {"en": "The new data is ready.", "zh": "新数据已就绪。"},
    "notice.no_snapshot": {
        "en": "No valid snapshot found in {data_dir}. Create demo data with `make run`, or set "
              "COCKPIT_DATA_DIR to a folder holding snapshots/.",
        "zh": "在 {data_dir} 中没有找到有效的数据快照。请运行 `make run` 生成演示数据，"
              "或将 COCKPIT_DATA_DIR 指向包含 snapshots/ 的目录。"},
    "notice.config_error": {
        "en": "The configuration cannot be used: {error}. Correct the file and reload the page.",
        "zh": "配置无法使用：{error}。请修改该文件后重新加载页面。"},
    # What this data enables (SPEC §9)
    "availability.note": {"en": "Not available with this data: {items}.",
                          "zh": "当前数据无法提供：{items}。"},
    "availability.item": {"en": "{what} (no {tables} table)", "zh": "{what}（缺少 {tables} 表）"},
    "availability.revenue": {"en": "revenue, margin and order-line alerts",
                             "zh": "收入、毛利及订单行预警"},
    "availability.targets": {"en": "targets, attainment, pace and coverage",
                             "zh": "目标、达成率、进度与覆盖率"},
    "availability.pipeline": {"en": "pipeline, forecast and key opportunities",
                              "zh": "商机管道、预测与重点商机"},
    "availability.stage_history": {"en": "stage conversion and days in stage",
                                   "zh": "阶段转化率与阶段停留天数"},
    "availability.activities": {"en": "customer visits and activity-based staleness",
                                "zh": "客户拜访与基于活动的停滞判断"},
    "availability.customer_scores": {"en": "customer tiers and tier-based coverage",
                                     "zh": "客户分级及基于分级的覆盖率"},
    "availability.products": {"en": "high-margin mix", "zh": "高毛利产品占比"},
    # An empty data folder: the starting point
    "start.title": {"en": "Welcome: there is no data here yet", "zh": "欢迎：这里还没有数据"},
    "start.body": {"en": "Data folder: {data_dir}. Start with your own exports or with demo data.",
                   "zh": "数据目录：{data_dir}。可从导入自己的数据开始，或先生成演示数据。"},
    "start.import.title": {"en": "Import your data", "zh": "导入您的数据"},
    "start.import.body": {
        "en": "CRM and ERP exports (CSV or Excel): map the columns, check, write a snapshot. "
              "Only orders or opportunities are required.",
        "zh": "CRM 与 ERP 导出文件（CSV 或 Excel）：映射列、检查并写入快照。只需订单或商机其一。"},
    "start.import.link": {"en": "Open the import page", "zh": "打开导入页面"},
    "start.demo.title": {"en": "Create demo data", "zh": "生成演示数据"},
    "start.demo.body": {
        "en": "A generated key-account business: {weeks} weekly snapshots, about {orders} order "
              "lines, every page filled. Takes about half a minute.",
        "zh": "生成的大客户销售业务：{weeks} 个周快照，约 {orders} 条订单行，所有页面都有内容。约需半分钟。"},
    "start.demo.button": {"en": "Create demo data", "zh": "生成演示数据"},
    "start.demo.simulating": {"en": "Simulating two years of business…",
                              "zh": "正在模拟两年的业务……"},
    "start.demo.week": {"en": "Snapshot {week} written", "zh": "已写入快照 {week}"},
    "error.unexpected": {
        "en": "Something went wrong on this page (error {id}). The details are in the server log "
              "under that id; reload the page or choose another view.",
        "zh": "本页出现意外错误（错误编号 {id}）。详情已按该编号记录在服务器日志中；请刷新页面或选择其他视图。"},
    "notice.compare_not_older": {
        "en": "Ignored compare={compare}: movement starts from a snapshot older than the one shown "
              "({snapshot}); comparing with the previous week's instead.",
        "zh": "已忽略 compare={compare}：变动须从早于当前快照（{snapshot}）的快照算起；现改为与上一周对比。"},
    "notice.data_folder": {
        "en": "The data cannot be read: {error}. Check the folder's permissions (or "
              "COCKPIT_DATA_DIR) and reload the page.",
        "zh": "无法读取数据：{error}。请检查该目录的权限（或 COCKPIT_DATA_DIR）后重新加载页面。"},
    "notice.not_started": {
        "en": "{period} starts on {start}, after this snapshot ({as_of}): there are no actuals "
              "yet, only the pipeline expected to close in it.",
        "zh": "{period} 自 {start} 开始，晚于本快照日期（{as_of}）：尚无实际数，仅有预计在该期间成交的商机。"},
    "chart.no_pace": {"en": "Not started", "zh": "未开始"},
    # Product-line table (SPEC §10.1)
    "pl.title": {"en": "Target and actual by product line", "zh": "各产品线目标与达成"},
    "pl.caption": {
        "en": "{period} to date; targets are the whole period's. Attainment = actual ÷ target.",
        "zh": "{period} 至今；目标为整个期间的目标。达成率 = 实际 ÷ 目标。"},
    "pl.total": {"en": "Total", "zh": "合计"},
    "pl.revenue_target": {"en": "Revenue target", "zh": "收入目标"},
    "pl.revenue": {"en": "Revenue", "zh": "收入"},
    "pl.revenue_attainment": {"en": "Revenue attainment", "zh": "收入达成率"},
    "pl.margin_target": {"en": "Margin target", "zh": "毛利目标"},
    "pl.gross_margin": {"en": "Gross margin", "zh": "毛利"},
    "pl.margin_attainment": {"en": "Margin attainment", "zh": "毛利达成率"},
    "empty.selection": {
        "en": "No orders match this selection in {period}. Widen the filters or choose another "
              "period.",
        "zh": "{period} 内没有符合当前筛选条件的订单。请放宽筛选条件或选择其他期间。"},
    "empty.table": {"en": "Nothing to show for this selection.", "zh": "当前筛选下没有数据。"},
    "na": {"en": "n/a", "zh": "无"},
    # Dashboard
    "dashboard.subtitle": {
        "en": "{period} to {to_date} · snapshot {snapshot} · {scope}",
        "zh": "{period}，截至 {to_date} · 快照 {snapshot} · {scope}"},
    "scope.national": {"en": "all regions", "zh": "全国"},
    "scope.filtered": {"en": "filtered view", "zh": "筛选视图"},
    "kpi.revenue": {"en": "Revenue", "zh": "收入"},
    "kpi.revenue.help": {
        "en": "Net revenue of the period to date (returns deducted); below it, the revenue of "
              "the snapshot's week.",
        "zh": "本期至今的净收入（已扣除退货）；下方为快照所在周的收入。"},
    "kpi.revenue.delta": {"en": "{value} this week", "zh": "本周 {value}"},
    "kpi.yoy.delta": {"en": "last year {value}", "zh": "上年同期 {value}"},
    "kpi.attainment": {"en": "Revenue attainment", "zh": "收入达成率"},
    "kpi.attainment.help": {
        "en": "Revenue ÷ the whole period's target. On track when it is at least the pace "
              "(share of the period elapsed).",
        "zh": "收入 ÷ 全期目标。达成率不低于时间进度（已过天数占比）即为正常。"},
    # Deltas start with their sign: Streamlit picks the arrow from the first character.
    "kpi.attainment.delta": {"en": "{points} pts vs pace {pace}",
                             "zh": "{points} 个百分点（较时间进度 {pace}）"},
    "kpi.gm_pct": {"en": "Gross margin %", "zh": "毛利率"},
    "kpi.gm_pct.help": {
        "en": "(Revenue − cost) ÷ revenue. Margin attainment: {attainment}.",
        "zh": "（收入 − 成本）÷ 收入。毛利达成率：{attainment}。"},
    "kpi.gm_pct.delta": {"en": "margin attainment {value}", "zh": "毛利达成 {value}"},
    "kpi.yoy": {"en": "YoY growth", "zh": "同比增长"},
    "kpi.yoy.help": {
        "en": "Revenue ÷ revenue of the same period a year earlier over the same number of "
              "elapsed days, − 1.",
        "zh": "收入 ÷ 上年同期相同天数的收入 − 1。"},
    "kpi.forecast": {"en": "Forecast", "zh": "预测"},
    "kpi.forecast.help": {
        "en": "Revenue + weighted pipeline closing by the period end (stage probabilities).",
        "zh": "收入 + 期末前预计成交的加权商机（按阶段概率）。"},
    "kpi.forecast.delta": {"en": "{value} of target", "zh": "占目标 {value}"},
    "kpi.coverage": {"en": "Pipeline coverage", "zh": "商机覆盖率"},
    "kpi.coverage.help": {
        "en": "Open pipeline closing by the period end ÷ the gap to target.",
        "zh": "期末前预计成交的未结商机 ÷ 距目标差额。"},
    "kpi.coverage.met": {"en": "target met", "zh": "目标已达成"},
    "kpi.coverage.gap": {"en": "gap {value}", "zh": "差额 {value}"},
    "trend.title": {"en": "Revenue and margin, last 13 weeks", "zh": "近13周收入与毛利"},
    "trend.caption": {
        "en": "Bars: weekly revenue; line: gross margin % (right axis). Weeks are ISO weeks "
              "ending with the snapshot week; the period filter does not apply here.",
        "zh": "柱：每周收入；线：毛利率（右轴）。按ISO周，截至快照所在周；此图不受期间筛选影响。"},
    "attainment.title": {"en": "Revenue attainment by region", "zh": "各区域收入达成率"},
    "attainment.caption": {
        "en": "Period-to-date revenue ÷ period target, best first. Solid line: 100%; dashed "
              "line: pace ({pace}). Green regions are on track.",
        "zh": "本期至今收入 ÷ 全期目标，由高到低。实线：100%；虚线：时间进度（{pace}）。"
              "绿色为达成进度的区域。"},
    "attainment.click": {"en": "Click a region's bar to filter to it.",
                         "zh": "点击某区域的条形即可按该区域筛选。"},
    "attainment.no_target": {
        "en": "Without a target (not shown): {regions}.", "zh": "无目标（未显示）：{regions}。"},
    "regional.title": {"en": "Weekly regional report", "zh": "分区周报"},
    "regional.caption": {
        "en": "One row per region. Attainment is green when on pace, red when behind; gross "
              "margin % is red below {floor}.",
        "zh": "每区域一行。达成率达到时间进度显示绿色，落后显示红色；毛利率低于 {floor} 显示红色。"},
    "keyopps.title": {"en": "Key opportunities", "zh": "重要商机"},
    "keyopps.caption": {
        "en": "Open opportunities of at least {min}, largest first; past-due deals are marked.",
        "zh": "金额不低于 {min} 的未结商机，按金额排序；已逾期的商机有标记。"},
    "keyopps.overdue": {"en": "overdue", "zh": "已逾期"},
    "orderflow.title": {"en": "Order flow", "zh": "订单流水"},
    "orderflow.caption": {
        "en": "The {rows} most recent order lines of the period; ★ marks special-price lines.",
        "zh": "本期最近的 {rows} 条订单行；★ 表示特价订单。"},
    # Column labels
    "col.region": {"en": "Region", "zh": "区域"},
    "col.week_revenue": {"en": "Week revenue", "zh": "本周收入"},
    "col.revenue": {"en": "Revenue to date", "zh": "累计收入"},
    "col.revenue_target": {"en": "Target", "zh": "目标"},
    "col.revenue_attainment": {"en": "Attainment", "zh": "达成率"},
    "col.on_track": {"en": "On pace", "zh": "达进度"},
    "col.gm_pct": {"en": "GM %", "zh": "毛利率"},
    "col.yoy_growth": {"en": "YoY", "zh": "同比"},
    "col.weighted_pipeline": {"en": "Weighted pipeline", "zh": "加权商机"},
    "col.coverage": {"en": "Coverage", "zh": "覆盖率"},
    "chips.label": {"en": "Active filters", "zh": "当前筛选"},
    "chips.help": {"en": "Click a filter to remove it.", "zh": "点击筛选条件即可移除。"},
    "chips.none": {"en": "All regions, industries, product lines and channels.",
                   "zh": "全部区域、行业、产品线和渠道。"},
    "share.button": {"en": "Share", "zh": "分享"},
    "col.coverage.help": {
        "en": "Open pipeline closing in the period ÷ the gap to target; empty once the target is "
              "met or without a target.",
        "zh": "本期内预计成交的未结商机 ÷ 距目标差额；已达成目标或无目标时为空。"},
    "col.opportunity": {"en": "Opportunity", "zh": "商机"},
    "col.customer": {"en": "Customer", "zh": "客户"},
    "col.rep": {"en": "Rep", "zh": "销售"},
    "col.stage": {"en": "Stage", "zh": "阶段"},
    "col.amount": {"en": "Amount", "zh": "金额"},
    "col.weighted_amount": {"en": "Weighted", "zh": "加权金额"},
    "col.expected_close_date": {"en": "Expected close", "zh": "预计成交"},
    "col.days_since_activity": {"en": "Days since activity", "zh": "距上次活动天数"},
    "col.past_due": {"en": "Past due", "zh": "已逾期"},
    "col.order_date": {"en": "Date", "zh": "日期"},
    "col.order": {"en": "Order", "zh": "订单"},
    "col.product": {"en": "Product", "zh": "产品"},
    "col.product_line": {"en": "Line", "zh": "产品线"},
    "col.gross_margin": {"en": "Margin", "zh": "毛利"},
    "col.special_price": {"en": "Special", "zh": "特价"},
    "chart.week": {"en": "Week", "zh": "周"},
    "chart.revenue": {"en": "Revenue", "zh": "收入"},
    "chart.gm_pct": {"en": "Gross margin %", "zh": "毛利率"},
    "chart.attainment": {"en": "Attainment", "zh": "达成率"},
    "chart.on_track": {"en": "On pace", "zh": "达进度"},
    "chart.behind": {"en": "Behind pace", "zh": "落后进度"},
    # Pipeline page
    "page.pipeline": {"en": "Pipeline", "zh": "商机管道"},
    "pipeline.subtitle": {
        "en": "Open opportunities expected to close in {period} ({start} – {end}) · snapshot "
              "{snapshot}",
        "zh": "预计在 {period}（{start} 至 {end}）成交的未结商机 · 快照 {snapshot}"},
    "pipe.open": {"en": "Open pipeline", "zh": "未结商机"},
    "pipe.open.delta": {"en": "{count} deals", "zh": "{count} 个商机"},
    "pipe.open.help": {
        "en": "Open opportunities whose expected close falls in the period, past-due ones "
              "included.",
        "zh": "预计成交日在本期内的未结商机（含已逾期）。"},
    "pipe.weighted": {"en": "Weighted pipeline", "zh": "加权商机"},
    "pipe.weighted.help": {
        "en": "Amount × stage probability (Identify 10%, Validate 25%, Propose 50%, Commit 75%).",
        "zh": "金额 × 阶段概率（识别 10%、验证 25%、方案 50%、承诺 75%）。"},
    "pipe.win_rate": {"en": "Win rate", "zh": "赢单率"},
    "pipe.win_rate.delta": {"en": "{value} by amount", "zh": "按金额 {value}"},
    "pipe.win_rate.help": {
        "en": "Won ÷ (won + lost) for deals closed in the period to date, by count; median "
              "sales cycle {cycle} days.",
        "zh": "本期至今关闭的商机中 赢单 ÷（赢单 + 丢单），按个数；销售周期中位数 {cycle} 天。"},
    "stage.won": {"en": "Won", "zh": "签单"},
    "stage.lost": {"en": "Lost", "zh": "丢单"},
    "stage.number": {"en": "Stage {number}", "zh": "阶段 {number}"},
    "status.open": {"en": "open", "zh": "进行中"},
    "status.won": {"en": "won", "zh": "已赢单"},
    "status.lost": {"en": "lost", "zh": "已丢单"},
    "funnel.title": {"en": "Funnel by stage", "zh": "阶段漏斗"},
    "funnel.count": {"en": "{count} deals", "zh": "{count} 个"},
    "funnel.deals": {"en": "Deals", "zh": "商机数"},
    "funnel.undated": {
        "en": "Not in the funnel: {count} open deals worth {amount} have no expected close date "
              "(see the Data page's quality report).",
        "zh": "未计入漏斗：{count} 个未结商机（金额 {amount}）没有预计成交日期（见数据页的质量报告）。"},
    "funnel.caption": {
        "en": "Light bars: open amount per stage; dark bars: weighted by stage probability; "
              "labels: number of deals.",
        "zh": "浅色：各阶段未结金额；深色：按阶段概率加权；标签：商机个数。"},
    "movement.title": {"en": "Pipeline movement this week", "zh": "本周商机变动"},
    "movement.step": {"en": "Movement", "zh": "变动"},
    "movement.start": {"en": "Last week", "zh": "上周"},
    "movement.new": {"en": "New", "zh": "新增"},
    "movement.pulled_in": {"en": "Pulled in", "zh": "提前"},
    "movement.won": {"en": "Won", "zh": "赢单"},
    "movement.lost": {"en": "Lost", "zh": "丢单"},
    "movement.slipped": {"en": "Slipped", "zh": "推迟"},
    "movement.removed": {"en": "Removed", "zh": "删除"},
    "movement.amount_change": {"en": "Amount change", "zh": "金额变化"},
    "movement.end": {"en": "This week", "zh": "本周"},
    "movement.caption": {
        "en": "From the period's open pipeline in {compare} to this week's: green adds, red "
              "takes away. {advanced} deals advanced a stage, {regressed} went back.",
        "zh": "从 {compare} 的本期未结商机到本周：绿色为增加，红色为减少。"
              "{advanced} 个商机推进了阶段，{regressed} 个回退。"},
    "movement.no_compare": {
        "en": "No earlier snapshot than {snapshot} to compare with, so there is no "
              "week-over-week movement yet. It appears once next week's snapshot arrives.",
        "zh": "没有早于 {snapshot} 的快照可对比，因此暂无周环比变动；下周快照生成后即可显示。"},
    "conversion.title": {"en": "Stage conversion", "zh": "阶段转化率"},
    "conversion.axis": {"en": "Conversion", "zh": "转化率"},
    "conversion.counts": {"en": "{converted} of {entered}", "zh": "{entered} 个中 {converted} 个"},
    "conversion.counts_title": {"en": "Deals", "zh": "商机数"},
    "conversion.caption": {
        "en": "Of the deals that entered a stage in {period} to date, the share that later "
              "reached the next stage.",
        "zh": "{period} 至今进入某阶段的商机中，之后进入下一阶段的比例。"},
    "coverage.title": {"en": "Coverage by region", "zh": "各区域商机覆盖率"},
    "coverage.caption": {
        "en": "Open pipeline closing by the period end ÷ the gap to target; dashed line: "
              "{reference}. Orange regions are short of it.",
        "zh": "期末前预计成交的未结商机 ÷ 距目标差额；虚线：{reference}。橙色区域低于该水平。"},
    "coverage.pipeline": {"en": "Open pipeline", "zh": "未结商机"},
    "coverage.gap": {"en": "Gap to target", "zh": "距目标差额"},
    "coverage.covered": {"en": "Covered", "zh": "覆盖充足"},
    "coverage.short": {"en": "Short", "zh": "覆盖不足"},
    "coverage.met": {"en": "Target already met: {regions}.", "zh": "已达成目标：{regions}。"},
    "attention.title": {"en": "Deals that need attention", "zh": "需要关注的商机"},
    "attention.caption": {
        "en": "Select a row to see the deal's stage history.",
        "zh": "选择一行可查看该商机的阶段历史。"},
    "stale.title": {"en": "Stale", "zh": "停滞"},
    "stale.caption": {
        "en": "Open deals with no activity for more than {activity} days or more than {stage} "
              "days in their stage, the most money at risk first.",
        "zh": "超过 {activity} 天无活动或在当前阶段超过 {stage} 天的未结商机，按涉及金额排序。"},
    "pastdue.title": {"en": "Past due", "zh": "已逾期"},
    "pastdue.caption": {
        "en": "Open deals whose expected close is before {as_of}, the most money at risk first.",
        "zh": "预计成交日早于 {as_of} 的未结商机，按涉及金额排序。"},
    "slipped.title": {"en": "Slipped", "zh": "已推迟"},
    "slipped.caption": {
        "en": "Deals open in {period} in {compare} whose expected close is now after the period.",
        "zh": "在 {compare} 中预计于 {period} 成交、现已推迟到期后的商机。"},
    "deal.title": {"en": "Deal: {name}", "zh": "商机：{name}"},
    "deal.facts": {
        "en": "{customer} · {region} · owner {rep} · {amount} · {stage}, {status} · close {close}",
        "zh": "{customer} · {region} · 负责人 {rep} · {amount} · {stage}，{status} · 成交日 {close}"},
    "deal.caption": {
        "en": "Each bar is a stage the deal entered, from its entry to the next stage (or to "
              "the close / snapshot date).",
        "zh": "每条代表商机进入的一个阶段，从进入日到下一阶段（或成交日/快照日）。"},
    "deal.entered": {"en": "Entered", "zh": "进入日期"},
    "deal.days": {"en": "Days", "zh": "天数"},
    "deal.close": {"en": "Close deal view", "zh": "关闭商机详情"},
    "deal.not_found": {
        "en": "Deal {deal} is not in this snapshot.", "zh": "此快照中没有商机 {deal}。"},
    "chart.date": {"en": "Date", "zh": "日期"},
    "col.owner": {"en": "Owner", "zh": "负责人"},
    "col.days_past_due": {"en": "Days past due", "zh": "逾期天数"},
    "col.days_in_stage": {"en": "Days in stage", "zh": "阶段停留天数"},
    "col.new_close_date": {"en": "New expected close", "zh": "新预计成交日"},
    # Dashboard: pipeline this week
    "deal.dialog": {"en": "Deal", "zh": "商机详情"},
    "weekpipe.title": {"en": "Pipeline this week", "zh": "本周商机"},
    "weekpipe.title.since": {"en": "Pipeline since {compare}", "zh": "自 {compare} 以来的商机变化"},
    "weekpipe.caption": {
        "en": "Open pipeline in {period}, {compare} → {snapshot}.",
        "zh": "{period} 未结商机，{compare} → {snapshot}。"},
    "weekpipe.link": {"en": "Open the pipeline", "zh": "查看商机管道"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
}


def _merge_page_strings() -> None:
    for module in pkgutil.iter_modules(_page_strings.__path__):
        extra = importlib.import_module(f"{_page_strings.__name__}.{module.name}").STRINGS
        twice = sorted(set(extra) & set(STRINGS))
        if twice:
            raise ValueError(f"strings defined twice: {', '.join(twice)}")
        STRINGS.update(extra)


_merge_page_strings()


def t(key: str, lang: str, **values) -> str:
    """The string for ``key`` in ``lang`` (English when the language is unknown)."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text


# What Markdown (and Streamlit's extensions: $…$ math, :emoji: and :colour[…] directives) could
# read as syntax inside a sentence; CommonMark shows a backslash-escaped one as itself. A value
# that starts a line could also open a list, so a leading - or + is escaped too.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]$:~|<>#])")
_LINE_START = re.compile(r"^([-+])")


def escape_markdown(text) -> str:
    """``text`` (from data, a URL, a file name, an amount) shown as itself in a Markdown element."""
    escaped = _MARKDOWN_SYNTAX.sub(r"\\\1", str(text)).replace("\n", " ")
    return _LINE_START.sub(r"\\\1", escaped)


def md(key: str, lang: str, **values) -> str:
    """``t`` for Markdown elements (captions, notices, headers, help): the trusted template keeps
    its formatting, every value filled in is escaped so it shows as text (a region named
    ``[x](http://…)``, a ``$`` amount, a ``*`` in a deal name)."""
    return t(key, lang, **{name: escape_markdown(value) for name, value in values.items()})
