"""Strings of the margin alerts deep dive (SPEC §6.4, §5.5)."""

STRINGS = {
    "page.alerts": {"en": "Margin alerts", "zh": "毛利预警"},
    "alerts.subtitle": {
        "en": "{period} to {to_date} · snapshot {snapshot} · {scope}",
        "zh": "{period}，截至 {to_date} · 快照 {snapshot} · {scope}"},
    "alerts.empty": {
        "en": "No alerts for this selection in {period}: nothing below a threshold.",
        "zh": "{period} 内当前筛选没有预警：没有低于阈值的项目。"},
    "alerts.unchecked": {
        "en": "No margin floor is configured for {lines}: their order lines and deals are not "
              "checked against a floor (rules “{floor_rule}” and “{deal_rule}”).",
        "zh": "{lines} 未配置毛利底线：其订单行和商机不做底线检查（规则“{floor_rule}”和"
              "“{deal_rule}”）。"},
    # KPI tiles
    "alerts.kpi.critical": {"en": "Critical alerts", "zh": "严重预警"},
    "alerts.kpi.critical.help": {
        "en": "Alerts whose gap to the threshold is at least {points} points or whose margin at "
              "stake is at least {money}.",
        "zh": "与阈值差距不小于 {points} 个百分点，或涉及毛利不低于 {money} 的预警。"},
    "alerts.kpi.warning": {"en": "Warnings", "zh": "一般预警"},
    "alerts.kpi.warning.help": {
        "en": "Alerts below the critical level: act before they grow.",
        "zh": "未达到严重级别的预警：在扩大之前处理。"},
    "alerts.kpi.count.delta": {"en": "of {total} alerts", "zh": "共 {total} 条预警"},
    "alerts.kpi.booked": {"en": "At stake in orders", "zh": "已下单涉及毛利"},
    "alerts.kpi.booked.help": {
        "en": "Σ at stake of the alerts on booked orders (every rule but deals below floor): the "
              "margin that would have been earned at the thresholds. Rules overlap (a line can "
              "be below its floor and deeply discounted, and counts in its region's alerts), so "
              "the sum is an upper bound.",
        "zh": "已下单订单上各预警涉及毛利之和（商机毛利低于底线除外）：若达到阈值本可获得的毛利。"
              "规则之间有重叠（同一订单行可能既低于底线又折扣过深，并计入所在区域的预警），"
              "因此合计为上限。"},
    "alerts.kpi.booked.delta": {"en": "{count} alerts", "zh": "{count} 条预警"},
    "alerts.kpi.deals": {"en": "At risk in open deals", "zh": "未结商机风险毛利"},
    "alerts.kpi.deals.help": {
        "en": "Open key opportunities (at least {min}) expecting a gross margin below their "
              "product line's floor: (floor − expected) × amount. Act before they are booked.",
        "zh": "预计毛利率低于产品线底线的未结重要商机（不低于 {min}）：（底线 − 预计）× 金额。"
              "应在下单前处理。"},
    "alerts.kpi.deals.delta": {"en": "{count} deals below floor", "zh": "{count} 个商机低于底线"},
    "alerts.kpi.gm": {"en": "Gross margin %", "zh": "毛利率"},
    "alerts.kpi.gm.help": {
        "en": "(Revenue − cost) ÷ revenue of the period to date, against the whole of {quarter} "
              "(the fiscal quarter before the period's): {value}.",
        "zh": "本期至今（收入 − 成本）÷ 收入，对比 {quarter}（本期之前的财季）全季：{value}。"},
    "alerts.kpi.gm.delta": {"en": "{points} pts vs {quarter}", "zh": "{points}个点 较{quarter}"},
    # Charts
    "alerts.trend.title": {"en": "Gross margin % by product line, last 13 weeks",
                           "zh": "近13周各产品线毛利率"},
    "alerts.trend.caption": {
        "en": "Weekly gross margin % of each product line; dashed lines: each line's floor. ISO "
              "weeks ending with the snapshot week; the period filter does not apply here.",
        "zh": "各产品线每周毛利率；虚线：各产品线的毛利底线。按ISO周，截至快照所在周；"
              "此图不受期间筛选影响。"},
    "alerts.trend.floor": {"en": "{line} floor {value}", "zh": "{line}底线 {value}"},
    "alerts.chart.floor": {"en": "Floor", "zh": "底线"},
    "alerts.chart.line": {"en": "Product line", "zh": "产品线"},
    "alerts.byrule.title": {"en": "Margin at stake by rule", "zh": "各规则涉及毛利"},
    "alerts.byrule.caption": {
        "en": "Σ at stake of each rule's alerts, critical (red) and warning (amber). Rules "
              "overlap, so the bars do not add up to money lost.",
        "zh": "各规则预警涉及毛利之和，红色为严重、黄色为一般。规则之间有重叠，各条相加并非实际损失。"},
    "alerts.byrule.alerts": {"en": "Alerts", "zh": "预警数"},
    "alerts.mix.title": {"en": "High-margin mix by region", "zh": "各区域高毛利产品占比"},
    "alerts.mix.caption": {
        "en": "Revenue share of high-margin products in {period} to date, lowest first; dashed "
              "line: target {target}. Red regions are below it.",
        "zh": "{period} 至今高毛利产品的收入占比，由低到高；虚线：目标 {target}。红色区域低于目标。"},
    "alerts.mix.share": {"en": "High-margin share", "zh": "高毛利占比"},
    "alerts.mix.high_revenue": {"en": "High-margin revenue", "zh": "高毛利产品收入"},
    "alerts.mix.below": {"en": "Below target", "zh": "低于目标"},
    "alerts.mix.on_target": {"en": "On target", "zh": "达到目标"},
    # Rules and thresholds
    "alerts.rules.title": {"en": "Rules and thresholds in use", "zh": "预警规则与阈值"},
    "alerts.rules.caption": {
        "en": "From {file}. Critical when the gap is at least {points} points or at stake at "
              "least {money}; otherwise a warning.",
        "zh": "来自 {file}。差距不小于 {points} 个百分点或涉及毛利不低于 {money} 为严重，"
              "否则为一般。"},
    "alerts.rules.fires": {"en": "Fires when", "zh": "触发条件"},
    "alerts.rules.stake": {"en": "Money at stake", "zh": "涉及毛利"},
    "alerts.no_floor": {"en": "{line}: no floor (not checked)", "zh": "{line}：未设底线（不检查）"},
    "alerts.rule.margin_floor": {"en": "Below margin floor", "zh": "低于毛利底线"},
    "alerts.rule.deep_discount": {"en": "Deep discount", "zh": "折扣过深"},
    "alerts.rule.special_price_share": {"en": "Special-price share", "zh": "特价占比过高"},
    "alerts.rule.margin_erosion": {"en": "Margin erosion", "zh": "毛利下滑"},
    "alerts.rule.at_risk_deal": {"en": "Deal below floor", "zh": "商机低于底线"},
    "alerts.rule.high_margin_mix": {"en": "High-margin mix", "zh": "高毛利占比不足"},
    "alerts.when.margin_floor": {
        "en": "An order line's gross margin % is below its product line's floor: {floors}.",
        "zh": "订单行毛利率低于其产品线底线：{floors}。"},
    "alerts.when.deep_discount": {
        "en": "An order line's discount is above {limit}.",
        "zh": "订单行折扣高于 {limit}。"},
    "alerts.when.special_price_share": {
        "en": "A region's special-price share of revenue is above {limit}.",
        "zh": "区域特价订单收入占比高于 {limit}。"},
    "alerts.when.margin_erosion": {
        "en": "A region × product line's gross margin % is more than {points} points below "
              "its baseline, the 13 weeks before the period ({start} – {end}).",
        "zh": "区域×产品线毛利率比基准（本期之前13周，{start} 至 {end}）低 {points} 个百分点以上。"},
    "alerts.when.at_risk_deal": {
        "en": "An open deal of at least {min} expects a gross margin % below its line's floor.",
        "zh": "金额不低于 {min} 的未结商机，预计毛利率低于其产品线底线。"},
    "alerts.when.high_margin_mix": {
        "en": "A region's high-margin product share of revenue is below {target}.",
        "zh": "区域高毛利产品收入占比低于 {target}。"},
    "alerts.stake.margin_floor": {"en": "(floor − gm %) × revenue",
                                  "zh": "（底线 − 毛利率）× 收入"},
    "alerts.stake.deep_discount": {
        "en": "(discount − limit) × list value, list value = revenue ÷ (1 − discount)",
        "zh": "（折扣 − 上限）× 目录价值，目录价值 = 收入 ÷（1 − 折扣）"},
    "alerts.stake.special_price_share": {
        "en": "excess special-price revenue × (regular − special-price gm %)",
        "zh": "超额特价收入 ×（常规毛利率 − 特价毛利率）"},
    "alerts.stake.margin_erosion": {"en": "(baseline − current gm %) × revenue",
                                    "zh": "（基准毛利率 − 当前毛利率）× 收入"},
    "alerts.stake.at_risk_deal": {"en": "(floor − expected gm %) × amount",
                                  "zh": "（底线 − 预计毛利率）× 金额"},
    "alerts.stake.high_margin_mix": {
        "en": "(target − share) × revenue × (high-margin − other products' gm %)",
        "zh": "（目标 − 占比）× 收入 ×（高毛利产品 − 其他产品毛利率）"},
    "alerts.severity.critical": {"en": "Critical", "zh": "严重"},
    "alerts.severity.warning": {"en": "Warning", "zh": "一般"},
    # Alert table
    "alerts.table.title": {"en": "Alerts by money at stake", "zh": "预警列表（按涉及毛利排序）"},
    "alerts.table.caption": {
        "en": "{shown} of {total} alerts, largest margin at stake first. Select a row to drill "
              "into its order lines or deal.",
        "zh": "共 {total} 条预警，显示 {shown} 条，按涉及毛利由高到低。选择一行可查看对应的订单行或商机。"},
    "alerts.table.capped": {
        "en": "The {shown} alerts with the most margin at stake of {total}; the CSV and Excel "
              "downloads hold all {total}. Select a row to drill into its order lines or deal.",
        "zh": "共 {total} 条预警，显示涉及毛利最大的 {shown} 条；CSV 和 Excel 下载包含全部 {total} 条。"
              "选择一行可查看对应的订单行或商机。"},
    "alerts.table.capped_chosen": {
        "en": "The {shown} alerts with the most margin at stake of the {matching} chosen ({total} "
              "in all); the CSV and Excel downloads hold all {matching}. Select a row to drill "
              "into its order lines or deal.",
        "zh": "共 {total} 条预警，所选 {matching} 条中显示涉及毛利最大的 {shown} 条；CSV 和 Excel "
              "下载包含全部 {matching} 条。选择一行可查看对应的订单行或商机。"},
    "alerts.filter.rule": {"en": "Rule", "zh": "规则"},
    "alerts.filter.severity": {"en": "Severity", "zh": "级别"},
    "alerts.filter.empty": {
        "en": "No alert matches the chosen rules and severities.",
        "zh": "没有符合所选规则和级别的预警。"},
    "alerts.col.severity": {"en": "Severity", "zh": "级别"},
    "alerts.col.rule": {"en": "Rule", "zh": "规则"},
    "alerts.col.entity": {"en": "Where", "zh": "对象"},
    "alerts.col.entity_type": {"en": "Entity type", "zh": "对象类型"},
    "alerts.col.entity_id": {"en": "ID", "zh": "编号"},
    "alerts.col.owner": {"en": "Route to", "zh": "负责人"},
    "alerts.col.owner_id": {"en": "Owner ID", "zh": "负责人编号"},
    "alerts.col.value": {"en": "Actual", "zh": "实际值"},
    "alerts.col.threshold": {"en": "Threshold", "zh": "阈值"},
    "alerts.col.gap": {"en": "Gap (pts)", "zh": "差距（百分点）"},
    "alerts.col.at_stake": {"en": "At stake", "zh": "涉及毛利"},
    "alerts.col.amount": {"en": "Revenue / amount", "zh": "收入/金额"},
    "alerts.col.discount": {"en": "Discount", "zh": "折扣"},
    "alerts.col.cost": {"en": "Cost", "zh": "成本"},
    "alerts.col.quantity": {"en": "Qty", "zh": "数量"},
    "alerts.col.high_margin": {"en": "High-margin", "zh": "高毛利"},
    "alerts.col.expected_margin": {"en": "Expected GM %", "zh": "预计毛利率"},
    "alerts.col.floor": {"en": "Floor", "zh": "底线"},
    "alerts.col.short": {"en": "Margin short of floor", "zh": "低于底线的毛利"},
    "alerts.entity.order_line": {"en": "order line", "zh": "订单行"},
    "alerts.entity.region": {"en": "region", "zh": "区域"},
    "alerts.entity.region_product_line": {"en": "region × product line", "zh": "区域×产品线"},
    "alerts.entity.opportunity": {"en": "opportunity", "zh": "商机"},
    "alerts.download.csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "alerts.download.excel": {"en": "Download Excel", "zh": "下载 Excel"},
    "alerts.download.no_excel": {
        "en": "Excel export needs the openpyxl package; CSV opens in Excel too.",
        "zh": "导出 Excel 需要安装 openpyxl 包；CSV 也可用 Excel 打开。"},
    # Drill-down
    "alerts.drill.title": {"en": "Drill-down: {rule} · {entity}", "zh": "明细：{rule} · {entity}"},
    "alerts.drill.none": {
        "en": "Select an alert in the table above to see the order lines or the deal behind it.",
        "zh": "在上方表格中选择一条预警，即可查看其对应的订单行或商机。"},
    "alerts.drill.line": {
        "en": "The order line that fired the alert.", "zh": "触发该预警的订单行。"},
    "alerts.drill.lines": {
        "en": "{what} in {period} to date: {total} lines, largest first.",
        "zh": "{period} 至今{what}：共 {total} 行，按金额由高到低。"},
    "alerts.drill.capped": {
        "en": "{what} in {period} to date: the {shown} largest of {total} lines.",
        "zh": "{period} 至今{what}：共 {total} 行，显示金额最大的 {shown} 行。"},
    "alerts.drill.what.special_price_share": {
        "en": "Special-price order lines of {entity}", "zh": "{entity}的特价订单行"},
    "alerts.drill.what.high_margin_mix": {
        "en": "Order lines of {entity} (the High-margin column marks high-margin products)",
        "zh": "{entity}的订单行（“高毛利”列勾选的为高毛利产品）"},
    "alerts.drill.what.margin_erosion": {
        "en": "Order lines of {entity}", "zh": "{entity}的订单行"},
    "alerts.drill.deal": {
        "en": "The open deal: expected gross margin {expected} against a floor of {floor}.",
        "zh": "未结商机：预计毛利率 {expected}，底线 {floor}。"},
    "alerts.drill.gone": {
        "en": "The alert's {entity} is no longer in this snapshot.",
        "zh": "此快照中已没有该预警的{entity}。"},
    "alerts.drill.open_deal": {"en": "Open the deal's stage history", "zh": "查看商机阶段历史"},
}
