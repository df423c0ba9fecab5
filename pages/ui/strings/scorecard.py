"""Strings of the regional scorecard page (SPEC §6.3)."""

STRINGS: dict[str, dict[str, str]] = {
    "page.scorecard": {"en": "Regional scorecard", "zh": "区域记分卡"},
    "score.subtitle": {
        "en": "{period} to {to_date} · snapshot {snapshot} · trend vs {previous} ({previous_range})",
        "zh": "{period}，截至 {to_date} · 快照 {snapshot} · 对比 {previous}（{previous_range}）"},
    "score.scope": {
        "en": "Scores cover each region's whole business: the industry, product-line and channel "
              "filters do not apply on this page. The region filter highlights regions and opens "
              "their drill-down; every region is still ranked.",
        "zh": "评分基于各区域的全部业务：本页不受行业、产品线和渠道筛选影响。区域筛选用于突出显示"
              "并展开该区域的明细；所有区域仍参与排名。"},
    "score.headline.no_targets": {
        "en": "No revenue targets for {period}: regions are listed and scored, not ranked",
        "zh": "{period} 没有收入目标：各区域列出并评分，但不排名"},
    "score.headline": {
        "en": "{met} of {regions} regions met both revenue and margin targets",
        "zh": "{regions} 个区域中有 {met} 个同时达成收入和毛利目标"},
    "score.running": {
        "en": "{period} is {pace} elapsed: revenue and margin to date are set against the whole "
              "period's targets, so attainment scores are still low and the met flags mostly "
              "empty. The trend compares the same days of {previous}.",
        "zh": "{period} 时间进度 {pace}：至今的收入和毛利对比的是全期目标，因此达成类得分偏低，"
              "达标标记多为空；趋势对比的是 {previous} 的相同天数。"},
    "score.last_month": {"en": "Scorecard of {month} (last complete month)",
                         "zh": "查看 {month}（上一个完整月）记分卡"},
    "score.tile.met": {"en": "Met both targets", "zh": "双目标达成"},
    "score.tile.met.value": {"en": "{met} of {regions}", "zh": "{met} / {regions}"},
    "score.tile.met.delta": {"en": "revenue {revenue} · margin {margin}",
                             "zh": "收入 {revenue} · 毛利 {margin}"},
    "score.tile.met.help": {
        "en": "Regions whose revenue and gross margin reached 100% of the whole period's target.",
        "zh": "收入和毛利均达到全期目标 100% 的区域数。"},
    "score.tile.median": {"en": "Median total", "zh": "总分中位数"},
    "score.tile.median.help": {
        "en": "Median weighted total score of the ranked regions (0–100).",
        "zh": "参与排名区域的加权总分中位数（0–100）。"},
    "score.tile.best": {"en": "Top region", "zh": "第一名"},
    "score.tile.best.delta": {"en": "total {total}", "zh": "总分 {total}"},
    "score.tile.region": {"en": "{region}: rank", "zh": "{region}：排名"},
    "score.tile.region.value": {"en": "{rank} of {ranked}", "zh": "第 {rank} / {ranked}"},
    "score.tile.region.unranked": {"en": "not ranked", "zh": "未排名"},
    "score.tile.region.help": {
        "en": "Rank among the regions with a revenue target; the arrow is the move since {previous}.",
        "zh": "在有收入目标的区域中的排名；箭头为较 {previous} 的变化。"},
    "score.tile.climber": {"en": "Biggest climber", "zh": "进步最大"},
    "score.tile.climber.none": {"en": "no rank gained", "zh": "无名次上升"},
    "score.move.up": {"en": "▲{n}", "zh": "▲{n}"},
    "score.move.down": {"en": "▼{n}", "zh": "▼{n}"},
    "score.move.same": {"en": "–", "zh": "–"},
    "score.move.new": {"en": "new", "zh": "新上榜"},
    # Deltas start with their sign: Streamlit picks the arrow from the first character.
    "score.move.delta": {"en": "{change} ranks vs {previous}", "zh": "{change} 名（较 {previous}）"},
    "score.move.delta_same": {"en": "unchanged vs {previous}", "zh": "与 {previous} 持平"},
    "score.table.title": {"en": "Ranking", "zh": "排名"},
    "score.table.caption": {
        "en": "Every region ranked by its weighted total (ties broken by revenue); cells run red "
              "(0) to green (100); n/a = no basis, left out of the total. ▲/▼: ranks gained or "
              "lost since {previous}. Highlighted: the selected regions. Select a row to drill in.",
        "zh": "按加权总分排名（总分相同按收入）；单元格由红（0）到绿（100）；无 = 无计算基础，"
              "不计入总分。▲/▼：较 {previous} 的名次变化。突出显示的是所选区域。选择一行可查看明细。"},
    "score.unranked": {
        "en": "Listed, not ranked (no revenue target in {period}): {regions}.",
        "zh": "列出但不排名（{period} 无收入目标）：{regions}。"},
    "score.chart.title": {"en": "Total score by region", "zh": "各区域总分"},
    "score.chart.caption": {
        "en": "Weighted total 0–100, best first; the selected regions in blue.",
        "zh": "加权总分 0–100，由高到低；所选区域为蓝色。"},
    "score.chart.selected": {"en": "Selected", "zh": "所选"},
    "score.chart.other": {"en": "Other regions", "zh": "其他区域"},
    "score.dims.title": {"en": "What each dimension measures", "zh": "各维度说明"},
    "score.dims.caption": {
        "en": "Weights in use from {path}; a dimension without a basis (n/a) drops out of a "
              "region's total with its weight.",
        "zh": "当前权重来自 {path}；无计算基础（无）的维度连同其权重不计入该区域总分。"},
    "col.rank": {"en": "Rank", "zh": "排名"},
    "col.move": {"en": "Move", "zh": "变化"},
    "col.total": {"en": "Total", "zh": "总分"},
    "col.met_revenue": {"en": "Revenue met", "zh": "收入达标"},
    "col.met_margin": {"en": "Margin met", "zh": "毛利达标"},
    "col.dimension": {"en": "Dimension", "zh": "维度"},
    "col.weight": {"en": "Weight", "zh": "权重"},
    "col.definition": {"en": "What it measures", "zh": "含义"},
    "dim.industry_attainment": {"en": "Industry attainment", "zh": "行业收入达成"},
    "dim.industry_balance": {"en": "Industry balance", "zh": "行业均衡"},
    "dim.margin_attainment": {"en": "Margin attainment", "zh": "毛利达成"},
    "dim.customer_coverage": {"en": "Customer coverage", "zh": "客户覆盖"},
    "dim.pipeline_hygiene": {"en": "Pipeline hygiene", "zh": "商机健康度"},
    "dim.resource_productivity": {"en": "Productivity", "zh": "人均产出"},
    "dimdef.industry_attainment": {
        "en": "Revenue ÷ target over the industries with a target; one industry counts at most "
              "120% of its target.",
        "zh": "有目标行业的收入 ÷ 目标；单个行业最多按其目标的 120% 计。"},
    "dimdef.industry_balance": {
        "en": "How evenly the industries reach their targets: 1 − σ ÷ μ of the industry "
              "attainments.",
        "zh": "各行业达成是否均衡：1 − 行业达成率的标准差 ÷ 平均值。"},
    "dimdef.margin_attainment": {
        "en": "Gross margin ÷ the period's margin target, at most 100.",
        "zh": "毛利 ÷ 本期毛利目标，最高 100。"},
    "dimdef.customer_coverage": {
        "en": "Share of tier-1/2 customers with a visit, meeting or workshop in the period.",
        "zh": "本期有拜访、会议或研讨会的一、二类客户占比。"},
    "dimdef.pipeline_hygiene": {
        "en": "Share of open deals neither stale nor past due, as of the snapshot.",
        "zh": "截至快照日既未停滞也未逾期的未结商机占比。"},
    "dimdef.resource_productivity": {
        "en": "Revenue per active AE ÷ the national revenue per active AE, at most 100.",
        "zh": "人均（在岗客户经理）收入 ÷ 全国人均收入，最高 100。"},
    "score.review.title": {"en": "Quarter review: {quarter} month by month",
                           "zh": "季度回顾：{quarter} 逐月"},
    "score.review.caption": {
        "en": "Total and rank in each month of the quarter that has started (to date), and in "
              "the quarter as a whole; rows in the quarter's rank order.",
        "zh": "本季度已开始各月（截至当前）及全季度的总分与排名；按全季度排名排序。"},
    "score.review.total": {"en": "{period} total", "zh": "{period} 总分"},
    "score.review.rank": {"en": "{period} rank", "zh": "{period} 排名"},
    "score.drill.pick": {"en": "Drill into", "zh": "查看明细"},
    "score.drill.none": {
        "en": "Select a region in the ranking (or choose one in the Regions filter) to see why it "
              "scores as it does.",
        "zh": "在排名表中选择一个区域（或在“区域”筛选中选择）即可查看其得分明细。"},
    "score.drill.title": {"en": "{region}: rank {rank}, total {total}",
                          "zh": "{region}：排名 {rank}，总分 {total}"},
    "score.drill.weak": {"en": "Below the regions' median: {dims}.",
                         "zh": "低于各区域中位数：{dims}。"},
    "score.drill.strong": {"en": "No dimension below the regions' median.",
                           "zh": "没有低于各区域中位数的维度。"},
    "score.why.title": {"en": "Why the total moved since {previous}",
                        "zh": "较 {previous} 总分变化的原因"},
    "score.why.caption": {
        "en": "Total {before} → {now} ({change} points). Each bar is a dimension's weighted "
              "share of the change; the bars add up to it exactly.",
        "zh": "总分 {before} → {now}（{change} 分）。每条为一个维度对变化的加权贡献，合计恰好等于总变化。"},
    "score.why.none": {
        "en": "No total in {previous} to compare with.", "zh": "{previous} 无总分可对比。"},
    "score.why.points": {"en": "Points", "zh": "分数"},
    "score.why.now": {"en": "Score now", "zh": "本期得分"},
    "score.why.before": {"en": "Score before", "zh": "上期得分"},
    "score.industry.title": {"en": "Revenue attainment by industry", "zh": "各行业收入达成"},
    "score.industry.caption": {
        "en": "Revenue to date ÷ the period's target per industry. Solid line: 100%; dashed: the "
              "120% that the attainment score counts at most.",
        "zh": "各行业至今收入 ÷ 本期目标。实线：100%；虚线：达成得分最多计入的 120%。"},
    "score.industry.no_target": {"en": "No target (not scored): {industries}.",
                                 "zh": "无目标（不计分）：{industries}。"},
    "score.industry.above": {"en": "Above 120%", "zh": "超过 120%"},
    "score.industry.met": {"en": "Met", "zh": "达成"},
    "score.industry.short": {"en": "Short", "zh": "未达成"},
    "score.detail.margin": {"en": "Gross margin", "zh": "毛利"},
    "score.detail.margin.delta": {"en": "target {target}", "zh": "目标 {target}"},
    "score.detail.coverage": {"en": "Key customers covered", "zh": "重点客户覆盖"},
    "score.detail.of": {"en": "{part} of {whole}", "zh": "{part} / {whole}"},
    "score.detail.hygiene": {"en": "Clean open deals", "zh": "健康未结商机"},
    "score.detail.productivity": {"en": "Revenue per AE", "zh": "人均收入"},
    "score.detail.productivity.delta": {"en": "national {value} · {aes} AEs",
                                        "zh": "全国 {value} · {aes} 名客户经理"},
    "score.uncovered.title": {"en": "Tier-1/2 customers without a visit", "zh": "未拜访的一、二类客户"},
    "score.uncovered.caption": {
        "en": "Tier-1 and tier-2 customers with no visit, meeting or workshop in {period} to "
              "date, tier 1 first, longest unvisited first.",
        "zh": "{period} 至今没有拜访、会议或研讨会的一、二类客户；一类在前，久未拜访的在前。"},
    "score.deals.title": {"en": "Stale and past-due deals", "zh": "停滞与逾期商机"},
    "score.deals.caption": {
        "en": "Open deals that count against pipeline hygiene: no activity for more than "
              "{activity} days, more than {stage} days in their stage, or expected close before "
              "{as_of}.",
        "zh": "拉低商机健康度的未结商机：超过 {activity} 天无活动、在当前阶段超过 {stage} 天，"
              "或预计成交日早于 {as_of}。"},
    "col.tier": {"en": "Tier", "zh": "分类"},
    "col.attractiveness": {"en": "Attractiveness", "zh": "吸引力"},
    "col.feasibility": {"en": "Feasibility", "zh": "可行性"},
    "col.last_visit": {"en": "Last visit", "zh": "上次拜访"},
    "col.industry": {"en": "Industry", "zh": "行业"},
    "col.issue": {"en": "Issue", "zh": "问题"},
    "score.issue.stale": {"en": "stale", "zh": "停滞"},
    "score.issue.past_due": {"en": "past due", "zh": "逾期"},
    "score.never.help": {"en": "Empty: never visited.", "zh": "为空表示从未拜访。"},
}
