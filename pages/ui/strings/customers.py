"""Strings of the Customers page (SPEC §6.5, §5.6)."""

STRINGS = {
    "page.customers": {"en": "Customers", "zh": "客户"},
    "customers.subtitle": {
        "en": "As of {as_of} · snapshot {snapshot} · {scope}. Tiers come from the account scores; "
              "lifecycle and revenue are as of the snapshot, so the period filter does not apply.",
        "zh": "截至 {as_of} · 快照 {snapshot} · {scope}。分级来自客户评分；生命周期与收入均以快照日期为准，"
              "不受期间筛选影响。"},
    "customers.filters_ignored": {
        "en": "Product line and channel filters do not apply on this page: customers are selected "
              "by their own region and industry.",
        "zh": "产品线和渠道筛选不适用于本页：客户按其所属区域和行业筛选。"},
    "customers.empty": {
        "en": "No customers in this selection. Widen the region or industry filters.",
        "zh": "当前筛选下没有客户。请放宽区域或行业筛选。"},
    # KPI tiles
    "customers.kpi.customers": {"en": "Customers", "zh": "客户数"},
    "customers.kpi.customers.delta": {"en": "{count} bought in 12 months",
                                      "zh": "近12个月有购买 {count} 家"},
    "customers.kpi.customers.help": {
        "en": "Customers of the selected regions and industries; {unscored} of them are missing "
              "scores and have no tier.",
        "zh": "所选区域和行业的客户；其中 {unscored} 家缺少评分，因而没有分级。"},
    "customers.kpi.focus": {"en": "Tier 1 · focus", "zh": "一级 · 重点"},
    "customers.kpi.focus.delta": {"en": "tier 2: {tier_two} · tier 3: {tier_three}",
                                  "zh": "二级 {tier_two} · 三级 {tier_three}"},
    "customers.kpi.focus.help": {
        "en": "Tier 1 focus: attractiveness and feasibility both ≥ {threshold}. Tier 2 serve "
              "with existing resources: feasibility only; tier 3 invest to develop: "
              "attractiveness only. {not_pursued} scored customers are not pursued.",
        "zh": "一级（重点）：吸引力和可行性均 ≥ {threshold}。二级（以现有资源服务）：仅可行性达标；"
              "三级（投入培育）：仅吸引力达标。{not_pursued} 家已评分客户不予跟进。"},
    "customers.kpi.idle": {"en": "Tier 1 not contacted", "zh": "一级客户未接触"},
    "customers.kpi.idle.delta": {"en": "no activity in {quarter}", "zh": "{quarter} 无任何活动"},
    "customers.kpi.idle.help": {
        "en": "Tier-1 customers with no visit, call, meeting or workshop from {start} to {as_of}.",
        "zh": "{start} 至 {as_of} 期间没有拜访、电话、会议或研讨会的一级客户。"},
    "customers.kpi.new": {"en": "Newly activated", "zh": "新激活客户"},
    "customers.kpi.new.delta": {"en": "{count} prospects never ordered",
                                "zh": "{count} 家潜在客户从未下单"},
    "customers.kpi.new.help": {
        "en": "Lifecycle A: first order within the last {days} days. P: never ordered.",
        "zh": "生命周期 A：首单在最近 {days} 天内。P：从未下单。"},
    "customers.kpi.dormant": {"en": "Dormant · win back", "zh": "沉睡客户 · 待赢回"},
    "customers.kpi.dormant.delta": {"en": "{value} in the year before",
                                    "zh": "前一年收入 {value}"},
    "customers.kpi.dormant.help": {
        "en": "Lifecycle R: ordered before, but nothing in the 12 months to the snapshot date. "
              "Below: their revenue in the 12 months before that.",
        "zh": "生命周期 R：曾经下单，但截至快照日期的12个月内没有订单。下方为其再往前12个月的收入。"},
    "customers.kpi.share": {"en": "A-class revenue share", "zh": "A类客户收入占比"},
    "customers.kpi.share.delta": {"en": "{count} A customers ({share} of buyers)",
                                  "zh": "A类客户 {count} 家（占购买客户 {share}）"},
    "customers.kpi.share.help": {
        "en": "Share of the last 12 months' revenue that comes from A customers: the largest "
              "customers up to a cumulative 80%.",
        "zh": "近12个月收入中来自A类客户的比例：按收入从大到小累计至80%的客户。"},
    # Tiers, lifecycle, classes, criteria
    "customers.tier.tier1": {"en": "Tier 1 · focus", "zh": "一级 · 重点"},
    "customers.tier.tier2": {"en": "Tier 2 · serve", "zh": "二级 · 维持服务"},
    "customers.tier.tier3": {"en": "Tier 3 · develop", "zh": "三级 · 投入培育"},
    "customers.tier.not_pursued": {"en": "Not pursued", "zh": "不予跟进"},
    "customers.tier.unscored": {"en": "Not scored", "zh": "未评分"},
    "customers.lifecycle.P": {"en": "P · prospect", "zh": "P · 潜在"},
    "customers.lifecycle.A": {"en": "A · newly activated", "zh": "A · 新激活"},
    "customers.lifecycle.D": {"en": "D · developing", "zh": "D · 发展中"},
    "customers.lifecycle.R": {"en": "R · win back", "zh": "R · 待赢回"},
    "customers.criterion.financial_performance": {"en": "financial performance", "zh": "财务表现"},
    "customers.criterion.it_spend": {"en": "IT spend", "zh": "IT支出"},
    "customers.criterion.reputation_management": {"en": "reputation", "zh": "声誉"},
    "customers.criterion.location": {"en": "location", "zh": "地理位置"},
    "customers.criterion.existing_relationship": {"en": "existing relationship",
                                                  "zh": "现有关系"},
    "customers.criterion.competitor_relationship": {"en": "competitor relationship",
                                                    "zh": "竞争对手关系"},
    "customers.criterion.attitude_to_us": {"en": "attitude to us", "zh": "对我方态度"},
    "customers.criterion.execution_capability": {"en": "execution capability",
                                                 "zh": "执行能力"},
    # Matrix
    "customers.matrix.title": {"en": "Prioritisation matrix", "zh": "客户优先级矩阵"},
    "customers.matrix.caption": {
        "en": "Each square holds the scored customers whose scores fall in it ({cell} points each "
              "way): the darker, the more customers; colour by tier. Dots are the {accounts} "
              "largest accounts, sized by revenue in the last 12 months and spread a little "
              "(never across a line). Lines at the threshold {threshold}; hover for counts and "
              "exact scores.",
        "zh": "每个方格包含分数落在其中的已评分客户（每个方向 {cell} 分）：颜色越深客户越多，颜色表示分级。"
              "圆点为近12个月收入最大的 {accounts} 家客户，大小表示收入，位置略有错开（不会越过阈值线）。"
              "线为阈值 {threshold}；悬停可查看客户数和精确分数。"},
    "customers.matrix.weights": {
        "en": "Weights in use ([customers]) — attractiveness: "
              "{attractiveness}; feasibility: {feasibility}; tier threshold {threshold}.",
        "zh": "当前权重（[customers]）— 吸引力：{attractiveness}；"
              "可行性：{feasibility}；分级阈值 {threshold}。"},
    "customers.matrix.none": {
        "en": "No scored customer in this selection.", "zh": "当前筛选下没有已评分客户。"},
    "customers.chart.attractiveness": {"en": "Attractiveness", "zh": "吸引力"},
    "customers.chart.feasibility": {"en": "Feasibility", "zh": "可行性"},
    "customers.chart.revenue": {"en": "Revenue, last 12 months", "zh": "近12个月收入"},
    "customers.chart.tier": {"en": "Tier", "zh": "分级"},
    "customers.chart.lifecycle": {"en": "Lifecycle", "zh": "生命周期"},
    "customers.chart.customers": {"en": "Customers", "zh": "客户数"},
    # Pareto
    "customers.pareto.title": {"en": "Revenue concentration (Pareto)", "zh": "收入集中度（帕累托）"},
    "customers.pareto.caption": {
        "en": "Customers with revenue in the last 12 months, largest first: cumulative share of "
              "revenue against share of customers. A up to 80%, B up to 95%, C the rest; "
              "{count} A customers ({share} of buyers) bring {a_share} of revenue.",
        "zh": "近12个月有收入的客户，按收入从大到小排列：累计收入占比与客户数占比。累计至80%为A类，"
              "至95%为B类，其余为C类；{count} 家A类客户（占购买客户 {share}）贡献 {a_share} 的收入。"},
    "customers.pareto.none": {
        "en": "No customer with revenue in the last 12 months in this selection.",
        "zh": "当前筛选下没有近12个月有收入的客户。"},
    "customers.chart.customer_share": {"en": "Share of customers", "zh": "客户数占比"},
    "customers.chart.cumulative_share": {"en": "Cumulative share of revenue",
                                         "zh": "累计收入占比"},
    "customers.chart.abc": {"en": "ABC class", "zh": "ABC分类"},
    "customers.chart.rank": {"en": "Rank", "zh": "排名"},
    "customers.abc.A": {"en": "A · top 80%", "zh": "A · 前80%"},
    "customers.abc.B": {"en": "B · next 15%", "zh": "B · 其后15%"},
    "customers.abc.C": {"en": "C · last 5%", "zh": "C · 最后5%"},
    # Segments
    "customers.segments.title": {"en": "Tiers and lifecycle by region and industry",
                                 "zh": "各区域、行业的分级与生命周期"},
    "customers.segments.region": {"en": "Region", "zh": "区域"},
    "customers.segments.industry": {"en": "Industry", "zh": "行业"},
    "customers.segments.caption": {
        "en": "Number of customers in each tier (left) and lifecycle class (right), by region "
              "(top) and by industry (bottom); darker cells hold more customers.",
        "zh": "各分级（左）和生命周期类别（右）的客户数，上为按区域，下为按行业；颜色越深客户越多。"},
    # Tables
    "customers.top.title": {"en": "Top accounts", "zh": "重点客户排名"},
    "customers.top.caption": {
        "en": "The {count} customers with the largest revenue in the last 12 months, with their "
              "share of it.",
        "zh": "近12个月收入最高的 {count} 家客户及其收入占比。"},
    "customers.act.title": {"en": "Accounts to act on", "zh": "需要行动的客户"},
    "customers.act.dormant": {"en": "Dormant, to win back ({count})",
                              "zh": "沉睡待赢回（{count}）"},
    "customers.act.idle": {"en": "Tier 1, no activity this quarter ({count})",
                           "zh": "一级客户本季无活动（{count}）"},
    "customers.act.missing": {"en": "Missing scores ({count})", "zh": "缺少评分（{count}）"},
    "customers.dormant.caption": {
        "en": "Customers who ordered before but not in the 12 months to {as_of}, largest revenue "
              "in the year before first.",
        "zh": "曾经下单、但截至 {as_of} 的12个月内没有订单的客户，按前一年收入从高到低排列。"},
    "customers.idle.caption": {
        "en": "Tier-1 customers with no visit, call, meeting or workshop in {quarter} "
              "({start} – {as_of}), largest revenue first.",
        "zh": "{quarter}（{start} 至 {as_of}）没有任何拜访、电话、会议或研讨会的一级客户，按收入排序。"},
    "customers.missing.caption": {
        "en": "Customers without a score on every weighted criterion: they get no tier until "
              "they are scored.",
        "zh": "未对所有有权重的评分项打分的客户：补齐评分前不参与分级。"},
    "customers.col.industry": {"en": "Industry", "zh": "行业"},
    "customers.col.tier": {"en": "Tier", "zh": "分级"},
    "customers.col.lifecycle": {"en": "Lifecycle", "zh": "生命周期"},
    "customers.col.abc": {"en": "ABC", "zh": "ABC"},
    "customers.col.revenue_12m": {"en": "Revenue 12 months", "zh": "近12个月收入"},
    "customers.col.revenue_share": {"en": "Share", "zh": "占比"},
    "customers.col.attractiveness": {"en": "Attractiveness", "zh": "吸引力"},
    "customers.col.feasibility": {"en": "Feasibility", "zh": "可行性"},
    "customers.col.last_order": {"en": "Last order", "zh": "最近订单"},
    "customers.col.days_since_order": {"en": "Days since order", "zh": "距上次订单天数"},
    "customers.col.revenue_prior_12m": {"en": "Prior-year revenue", "zh": "前一年收入"},
    "customers.col.revenue_lifetime": {"en": "All-time revenue", "zh": "历史总收入"},
    "customers.col.last_activity": {"en": "Last activity", "zh": "最近活动"},
    "customers.col.missing": {"en": "Missing criteria", "zh": "缺少的评分项"},
    "customers.never.help": {"en": "Empty: never.", "zh": "为空表示从未有过。"},
    "customers.missing.all": {"en": "all: not scored yet", "zh": "全部：尚未评分"},
}
