"""Strings of the management review (SPEC §10): the review ladder, the region review, the reps'
one-on-one, the market-order check, forecast accuracy and the funnel calculator."""

STRINGS: dict[str, dict[str, str]] = {
    # Review ladder (dashboard's regional report)
    "review.level": {"en": "Review level", "zh": "复盘层级"},
    "review.level.region_group": {"en": "Region group", "zh": "大区"},
    "review.level.region": {"en": "Region", "zh": "区域"},
    "review.level.industry": {"en": "Industry", "zh": "行业"},
    "review.level.product_line": {"en": "Product line", "zh": "产品线"},
    "review.level.account": {"en": "Account", "zh": "客户"},
    "review.no_group": {"en": "no group", "zh": "未分大区"},
    "review.caption.region_group": {
        "en": "Regions summed by their region group (the VP's level); select a row to filter to "
              "its regions.",
        "zh": "按所属大区汇总各区域（VP 层级）；选中一行即筛选到该大区的区域。"},
    "review.caption.region": {
        "en": "Select a region's row to open its region review.",
        "zh": "选中某区域的行可打开该区域复盘。"},
    "review.caption.industry": {"en": "One row per industry; select a row to filter to it.",
                                "zh": "每行业一行；选中一行即按该行业筛选。"},
    "review.caption.product_line": {"en": "One row per product line; select a row to filter to it.",
                                    "zh": "每产品线一行；选中一行即按该产品线筛选。"},
    "review.caption.account": {
        "en": "The {top} accounts with the most revenue in the period; accounts have no targets.",
        "zh": "本期收入最高的 {top} 个客户；客户没有目标。"},
    # Region review page
    "page.region": {"en": "Region review", "zh": "区域复盘"},
    "region.pick": {"en": "Region", "zh": "区域"},
    "region.pick.help": {
        "en": "The review shows one region: pick it here, or click a region on the dashboard or "
              "the scorecard.",
        "zh": "复盘页展示单个区域：在此选择，或在仪表盘、记分卡中点击区域。"},
    "region.subtitle": {
        "en": "{region} ({group}) · {period} to {to_date} · snapshot {snapshot}",
        "zh": "{region}（{group}）· {period}，截至 {to_date} · 快照 {snapshot}"},
    "region.lines": {"en": "Product lines", "zh": "产品线"},
    "region.industries": {"en": "Industries", "zh": "行业"},
    "region.scorecard": {"en": "Scorecard", "zh": "记分卡"},
    "region.rank": {"en": "Rank", "zh": "排名"},
    "region.rank.value": {"en": "{rank} of {regions}", "zh": "第 {rank} / {regions}"},
    "region.rank.none": {"en": "not ranked", "zh": "未排名"},
    "region.total": {"en": "Total score", "zh": "总分"},
    "region.scorecard.caption": {
        "en": "The region's six scorecard dimensions (0–100) for {period}; the whole business "
              "of the region, as on the scorecard page.",
        "zh": "该区域 {period} 的六项记分卡维度（0–100），按区域全部业务计算，与记分卡页一致。"},
    "region.alerts": {"en": "Top alerts", "zh": "主要预警"},
    "region.alerts.caption": {
        "en": "The {rows} alerts with the most money at stake; all of them on the alerts page.",
        "zh": "涉及金额最大的 {rows} 条预警；全部预警见预警页。"},
    "region.reps": {"en": "Reps", "zh": "销售团队"},
    "region.accounts": {"en": "Top accounts", "zh": "重点客户"},
    "region.open_alerts": {"en": "All alerts of the region", "zh": "该区域全部预警"},
    "region.open_reps": {"en": "One-on-one reviews of the region's reps",
                         "zh": "该区域销售的一对一复盘"},
    "col.score": {"en": "Score", "zh": "得分"},
}

STRINGS.update({
    # Market-order check
    "page.market_order": {"en": "Market order", "zh": "市场秩序"},
    "market.subtitle": {
        "en": "Suspect order lines of {period} to {to_date} · snapshot {snapshot} · {scope}",
        "zh": "{period} 截至 {to_date} 的可疑订单行 · 快照 {snapshot} · {scope}"},
    "market.monthly": {
        "en": "The check is monthly: {period} is not a month.",
        "zh": "市场秩序按月检查：{period} 不是一个月。"},
    "market.month_link": {"en": "Check of {month}", "zh": "查看 {month} 的检查"},
    "market.kpi.lines": {"en": "Suspect lines", "zh": "可疑订单行"},
    "market.kpi.orders": {"en": "Orders", "zh": "订单数"},
    "market.kpi.revenue": {"en": "Revenue involved", "zh": "涉及收入"},
    "market.kpi.regions": {"en": "Regions", "zh": "涉及区域"},
    "market.kpi.lines.help": {
        "en": "Order lines with at least one reason; a line with several reasons counts once.",
        "zh": "至少符合一项原因的订单行；符合多项原因的行只计一次。"},
    "market.by_region": {"en": "By region and reason", "zh": "按区域和原因"},
    "market.by_region.caption": {
        "en": "Suspect lines per region and reason (a line counts under each of its reasons).",
        "zh": "各区域各原因的可疑订单行数（一行符合多项原因时在每项下各计一次）。"},
    "market.list": {"en": "Suspect order lines", "zh": "可疑订单行明细"},
    "market.list.caption": {
        "en": "One row per order line with every reason that applies, by region and rep; "
              "special price ≥ {key_min} orders without an opportunity, partner discounts above "
              "{discount}.",
        "zh": "每条订单行一行，列出所有适用原因，按区域和销售排列；重大订单门槛 {key_min}，"
              "渠道深度折扣阈值 {discount}。"},
    "market.empty": {"en": "No suspect order lines in {period}.",
                     "zh": "{period} 没有可疑订单行。"},
    "market.reason.special_price_no_opportunity": {
        "en": "Special price without an opportunity", "zh": "特价无商机"},
    "market.reason.partner_deep_discount": {
        "en": "Partner deep discount", "zh": "渠道深度折扣"},
    "market.reason.key_order_no_opportunity": {
        "en": "Big order without an opportunity", "zh": "大单无商机"},
    "market.reason.not_pursued_customer": {
        "en": "Special price to a customer not pursued", "zh": "向非目标客户给特价"},
    "col.reasons": {"en": "Reasons", "zh": "原因"},
    "col.lines": {"en": "Lines", "zh": "行数"},
    "col.line_no": {"en": "Line", "zh": "行号"},
    "col.discount": {"en": "Discount", "zh": "折扣"},
    "col.channel": {"en": "Channel", "zh": "渠道"},
})

STRINGS.update({
    # Funnel calculator and forecast accuracy (pipeline page)
    "calc.title": {"en": "Funnel calculator", "zh": "漏斗计算器"},
    "calc.wins": {"en": "Wins wanted", "zh": "目标赢单数"},
    "calc.wins.help": {
        "en": "How many deals you want to win; the table shows how many deals each stage needs "
              "today to get there at the measured conversion.",
        "zh": "希望赢得的商机数；表格显示按实测转化率，各阶段现在需要多少商机。"},
    "calc.caption": {
        "en": "Deals needed in a stage = wins ÷ the product of the conversion rates from that "
              "stage to won, measured over {window}; n/a where a rate on the way is not measured "
              "or zero.",
        "zh": "某阶段所需商机数 = 赢单数 ÷ 该阶段至签单各步转化率之积（按 {window} 实测）；"
              "途中有转化率未测得或为零时显示 n/a。"},
    "calc.col.conversion": {"en": "Conversion to next stage", "zh": "转化到下一阶段"},
    "calc.col.needed": {"en": "Deals needed", "zh": "所需商机数"},
    "accuracy.title": {"en": "Forecast accuracy", "zh": "预测准确度"},
    "accuracy.caption": {
        "en": "Each stored week's forecast for {period} (revenue to date + weighted pipeline, as "
              "it stood that week), against the period's revenue on snapshot {snapshot} "
              "({actual}). {final}",
        "zh": "{period} 各周存档快照当时的预测（至今收入 + 加权商机），对比快照 {snapshot} 上本期"
              "收入（{actual}）。{final}"},
    "accuracy.final": {"en": "The period has ended: the actual is final.",
                       "zh": "本期已结束：实际值为最终值。"},
    "accuracy.running": {
        "en": "The period is still running: the actual is to date, so early errors shrink as "
              "it closes.",
        "zh": "本期尚未结束：实际值为至今数，误差会随期末临近而收敛。"},
    "accuracy.none": {"en": "No stored snapshot of {period} up to {snapshot}.",
                      "zh": "截至 {snapshot} 没有 {period} 内的存档快照。"},
    "accuracy.week": {"en": "Week", "zh": "周"},
    "accuracy.forecast": {"en": "Forecast", "zh": "预测"},
    "accuracy.actual": {"en": "Actual", "zh": "实际"},
    "accuracy.error": {"en": "Error", "zh": "误差"},
    "accuracy.by_region": {"en": "Error by region", "zh": "各区域误差"},
})

STRINGS.update({
    # Reps one-on-one
    "page.reps": {"en": "Reps", "zh": "销售一对一"},
    "reps.subtitle": {
        "en": "One-on-one review · {period} to {to_date} · snapshot {snapshot} · {scope}",
        "zh": "一对一复盘 · {period}，截至 {to_date} · 快照 {snapshot} · {scope}"},
    "reps.kpi.team": {"en": "Reps", "zh": "销售人数"},
    "reps.kpi.below_norm": {"en": "Below the visit norm", "zh": "拜访低于标准"},
    "reps.kpi.below_norm.help": {
        "en": "Reps with fewer face-to-face activities (visit, meeting, workshop) per week than "
              "the norm of {norm}.",
        "zh": "每周面对面活动（拜访、会议、研讨会）少于标准 {norm} 次的销售。"},
    "reps.kpi.overdue": {"en": "Overdue contacts", "zh": "逾期未联系客户"},
    "reps.kpi.overdue.help": {
        "en": "Owned accounts of tier 1 / 2 / 3 with no activity within {t1} / {t2} / {t3} days.",
        "zh": "一 / 二 / 三级客户超过 {t1} / {t2} / {t3} 天没有任何活动。"},
    "reps.kpi.behind": {"en": "Behind pace", "zh": "落后进度"},
    "reps.team": {"en": "Team", "zh": "团队"},
    "reps.team.caption": {
        "en": "Select a rep's row to open their one-on-one. Face-to-face per week is red below "
              "the norm ({norm}); attainment (with rep targets) green on pace, red behind.",
        "zh": "选中某销售的行打开其一对一复盘。每周面对面活动低于标准（{norm}）显示红色；"
              "达成率（有个人目标时）达到进度为绿色，落后为红色。"},
    "reps.back": {"en": "Back to the team", "zh": "返回团队"},
    "reps.not_found": {
        "en": "Rep {rep} is not in this view (another region, or not in the data).",
        "zh": "销售 {rep} 不在当前视图中（属于其他区域或数据中不存在）。"},
    "reps.title": {"en": "{name} · {role} · {region}", "zh": "{name} · 岗位 {role} · {region}"},
    "reps.kpi.revenue": {"en": "Revenue to date", "zh": "累计收入"},
    "reps.kpi.revenue.delta": {"en": "{attainment} of target", "zh": "目标达成 {attainment}"},
    "reps.kpi.pipeline": {"en": "Open pipeline", "zh": "未结商机"},
    "reps.kpi.pipeline.delta": {"en": "weighted {value}", "zh": "加权 {value}"},
    "reps.kpi.win_rate": {"en": "Win rate", "zh": "赢单率"},
    "reps.kpi.f2f": {"en": "Face-to-face per week", "zh": "每周面对面"},
    "reps.kpi.f2f.delta": {"en": "norm {norm} · {count} in all", "zh": "标准 {norm} · 共 {count} 次"},
    "reps.kpi.accounts": {"en": "Accounts owned", "zh": "负责客户"},
    "reps.kpi.accounts.delta": {"en": "norm {norm}", "zh": "标准 {norm}"},
    "reps.deals": {"en": "Open deals", "zh": "未结商机"},
    "reps.deals.caption": {
        "en": "The rep's open deals in the view, largest first; stale and past-due ones "
              "marked.",
        "zh": "该销售在当前视图中的未结商机，按金额排序；标出停滞和逾期商机。"},
    "reps.overdue": {"en": "Overdue contacts", "zh": "逾期未联系客户"},
    "reps.overdue.caption": {
        "en": "Owned accounts of tier 1 / 2 / 3 with no activity by anyone within {t1} / {t2} / "
              "{t3} days of {as_of}.",
        "zh": "截至 {as_of}，一 / 二 / 三级客户超过 {t1} / {t2} / {t3} 天没有任何人联系。"},
    "reps.overdue.none": {"en": "No overdue contacts.", "zh": "没有逾期未联系的客户。"},
    "reps.col.role": {"en": "Role", "zh": "岗位"},
    "reps.col.open_pipeline": {"en": "Open pipeline", "zh": "未结商机"},
    "reps.col.win_rate": {"en": "Win rate", "zh": "赢单率"},
    "reps.col.stale": {"en": "Stale", "zh": "停滞"},
    "reps.col.past_due": {"en": "Past due", "zh": "逾期"},
    "reps.col.f2f_week": {"en": "Face-to-face / week", "zh": "每周面对面"},
    "reps.col.accounts": {"en": "Accounts", "zh": "客户数"},
    "reps.col.accounts_norm": {"en": "Account norm", "zh": "客户数标准"},
    "reps.col.overdue": {"en": "Overdue contacts", "zh": "逾期未联系"},
    "reps.col.tier": {"en": "Tier", "zh": "级别"},
    "reps.col.last_activity": {"en": "Last activity", "zh": "最近活动"},
    "reps.col.days_since": {"en": "Days since", "zh": "间隔天数"},
    "reps.col.limit_days": {"en": "Cadence (days)", "zh": "联系周期（天）"},
    "reps.col.flags": {"en": "Flags", "zh": "标记"},
    "reps.flag.stale": {"en": "stale", "zh": "停滞"},
    "reps.flag.past_due": {"en": "past due", "zh": "逾期"},
})
