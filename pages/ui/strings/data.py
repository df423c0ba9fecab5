"""Strings of the Data page (SPEC §6.6, §3)."""

STRINGS = {
    "page.data": {"en": "Data", "zh": "数据"},
    "data.subtitle": {
        "en": "Snapshots in {data_dir} · serving {snapshot}, as of {as_of}.",
        "zh": "{data_dir} 中的数据快照 · 当前使用 {snapshot}，截至 {as_of}。"},
    "data.subtitle.none": {
        "en": "Snapshots in {data_dir} · no valid snapshot to serve.",
        "zh": "{data_dir} 中的数据快照 · 没有可使用的有效快照。"},
    # Tiles
    "data.kpi.served": {"en": "Served snapshot", "zh": "当前快照"},
    "data.kpi.served.delta": {"en": "as of {as_of}", "zh": "截至 {as_of}"},
    "data.kpi.served.help": {
        "en": "The snapshot every page shows: the newest valid one unless a link pins another.",
        "zh": "各页面使用的快照：默认为最新的有效快照，除非链接指定了其他快照。"},
    "data.kpi.freshness": {"en": "Freshness", "zh": "数据新鲜度"},
    "data.kpi.freshness.value": {"en": "{days} days", "zh": "{days} 天"},
    "data.kpi.freshness.delta": {"en": "warning after {limit} days", "zh": "超过 {limit} 天告警"},
    "data.kpi.freshness.help": {
        "en": "Days from the snapshot's as_of to today ({today}). Snapshots arrive weekly.",
        "zh": "从快照截至日期到今天（{today}）的天数。快照每周生成一次。"},
    "data.kpi.snapshots": {"en": "Valid snapshots", "zh": "有效快照"},
    "data.kpi.snapshots.value": {"en": "{valid} of {total}", "zh": "{valid} / {total}"},
    "data.kpi.snapshots.delta": {"en": "{invalid} invalid", "zh": "{invalid} 个无效"},
    "data.kpi.snapshots.help": {
        "en": "Snapshot folders found; an invalid one is listed with its errors and never served.",
        "zh": "找到的快照目录；无效快照会列出错误，且不会被使用。"},
    "data.kpi.orphans": {"en": "Orphan keys", "zh": "孤立外键"},
    "data.kpi.orphans.help": {
        "en": "Rows whose foreign keys do not resolve. A valid snapshot has none.",
        "zh": "外键无法对应的行。有效快照中应为 0。"},
    "data.kpi.keyorders": {"en": "Key orders without opportunity", "zh": "无商机的大额订单"},
    "data.kpi.keyorders.help": {
        "en": "Orders of at least {min} with no line linked to an opportunity.",
        "zh": "金额不低于 {min} 且没有任何订单行关联商机的订单。"},
    "data.kpi.ownerless": {"en": "Customers without owner", "zh": "无负责人客户"},
    "data.kpi.ownerless.help": {
        "en": "Customers whose owner is missing, unknown or no longer an active rep.",
        "zh": "负责人缺失、不存在或已不是在职销售的客户。"},
    "data.kpi.checks.delta": {"en": "{failing} of {checks} checks flag rows",
                              "zh": "{checks} 项检查中 {failing} 项有问题"},
    # Freshness
    "data.stale": {
        "en": "Snapshot {snapshot} is {days} days old (as of {as_of}); a new snapshot is "
              "expected every week. Check the weekly extract.",
        "zh": "快照 {snapshot} 已过去 {days} 天（截至 {as_of}）；快照应每周更新一次。请检查每周数据抽取。"},
    "data.future": {
        "en": "Snapshot {snapshot} is dated {as_of}, after today ({today}).",
        "zh": "快照 {snapshot} 的日期 {as_of} 晚于今天（{today}）。"},
    # Charts
    "data.rows.title": {"en": "Rows per snapshot", "zh": "各快照行数"},
    "data.rows.caption": {
        "en": "Rows of the tables that grow week by week, one point per snapshot (log scale); "
              "hollow points are invalid snapshots.",
        "zh": "逐周增长的各表行数，每个快照一个点（对数刻度）；空心点为无效快照。"},
    "data.chart.snapshot": {"en": "Snapshot", "zh": "快照"},
    "data.chart.rows": {"en": "Rows", "zh": "行数"},
    "data.chart.table": {"en": "Table", "zh": "数据表"},
    "data.chart.share": {"en": "Rows flagged", "zh": "问题行占比"},
    "data.chart.check": {"en": "Check", "zh": "检查项"},
    "data.chart.flagged": {"en": "Flagged", "zh": "有问题"},
    "data.chart.clean": {"en": "Clean", "zh": "无问题"},
    "data.quality.chart.title": {"en": "Data-quality checks", "zh": "数据质量检查"},
    "data.quality.chart.caption": {
        "en": "Share of the checked rows each check flags in {snapshot}; labels give the rows. "
              "Orphan keys are summed over every foreign key.",
        "zh": "{snapshot} 中各检查项标记的问题行占被检查行的比例；标签为行数。孤立外键为所有外键之和。"},
    "data.quality.flagged": {"en": "{problems} of {checked}", "zh": "{checked} 行中 {problems} 行"},
    # Tables
    "data.snapshots.title": {"en": "Snapshots", "zh": "数据快照"},
    "data.snapshots.caption": {
        "en": "Every snapshot folder, newest first, with its status and first validation error. "
              "Only valid snapshots can be served; the newest valid one is the default.",
        "zh": "所有快照目录（由新到旧）及其状态和首个校验错误。只有有效快照可被使用；默认使用最新的有效快照。"},
    "data.counts.title": {"en": "Row counts", "zh": "各表行数"},
    "data.counts.caption": {
        "en": "Rows of each table in each snapshot (newest on the left), as read when validating; "
              "— where a table could not be read.",
        "zh": "各快照中每张表的行数（最新的在左侧），为校验时读取的结果；无法读取的表显示为 —。"},
    "data.errors.title": {"en": "Validation errors", "zh": "校验错误"},
    "data.errors.caption": {
        "en": "Each problem found in an invalid snapshot; such a snapshot is never served.",
        "zh": "无效快照中发现的每个问题；此类快照不会被使用。"},
    "data.errors.none": {"en": "Every snapshot is valid.", "zh": "所有快照均有效。"},
    "data.quality.title": {"en": "Data-quality report", "zh": "数据质量报告"},
    "data.quality.caption": {
        "en": "Checks over the whole served snapshot {snapshot}; the view's filters do not apply. "
              "Orphan keys make a snapshot invalid, so a served snapshot shows 0 for each.",
        "zh": "对当前快照 {snapshot} 全量数据的检查；不受视图筛选影响。孤立外键会使快照无效，"
              "因此当前快照的每一项均应为 0。"},
    "data.keyorders.title": {"en": "Key orders without an opportunity", "zh": "无商机的大额订单"},
    "data.keyorders.caption": {
        "en": "Orders of at least {min} (all lines together) with no line linked to an "
              "opportunity, newest first (at most {rows}): big deals that bypassed the pipeline.",
        "zh": "金额不低于 {min}（所有订单行合计）且没有任何订单行关联商机的订单，由新到旧（最多 {rows} 条）："
              "绕过商机管道的大单。"},
    "data.ownerless.title": {"en": "Customers without an active owner", "zh": "无在职负责人的客户"},
    "data.ownerless.caption": {
        "en": "Customers whose owner_rep_id is empty, not a known rep, or a rep who has left.",
        "zh": "owner_rep_id 为空、不是已知销售，或负责人已离职的客户。"},
    "data.none": {"en": "Nothing to fix.", "zh": "没有需要处理的数据。"},
    # Checks
    "data.check.orphan_key": {"en": "Orphan keys", "zh": "孤立外键"},
    "data.check.key_order_without_opportunity": {
        "en": "Key orders without an opportunity", "zh": "无商机的大额订单"},
    "data.check.customer_without_owner": {
        "en": "Customers without an active owner", "zh": "无在职负责人的客户"},
    "data.check.customer_missing_scores": {
        "en": "Customers missing scores", "zh": "缺少评分的客户"},
    "data.check.score_out_of_range": {"en": "Scores outside 1–10", "zh": "超出1–10的评分"},
    "data.check.score_unknown_criterion": {
        "en": "Scores of an unknown criterion", "zh": "未知评分项的评分"},
    "data.check.order_product_line_mismatch": {
        "en": "Order lines with another product line than their product",
        "zh": "产品线与产品不一致的订单行"},
    "data.check.won_without_orders": {"en": "Won deals with no order line", "zh": "无订单的赢单商机"},
    "data.check.open_deal_without_close_date": {
        "en": "Open deals without an expected close date (not in the funnel or forecast)",
        "zh": "没有预计成交日期的未结商机（未计入漏斗和预测）"},
    "data.check.open_deal_inactive_owner": {
        "en": "Open deals owned by an inactive rep", "zh": "由离职销售负责的未结商机"},
    "data.check.activity_after_as_of": {
        "en": "Activities dated after as_of", "zh": "日期晚于快照日的活动"},
    "data.check.opportunity_after_as_of": {
        "en": "Opportunities dated after as_of", "zh": "日期晚于快照日的商机"},
    "data.severity.error": {"en": "error", "zh": "错误"},
    "data.severity.warning": {"en": "warning", "zh": "警告"},
    "data.reason.no_owner": {"en": "no owner", "zh": "无负责人"},
    "data.reason.unknown_owner": {"en": "unknown rep", "zh": "销售不存在"},
    "data.reason.inactive_owner": {"en": "rep inactive", "zh": "销售已离职"},
    "data.status.valid": {"en": "valid", "zh": "有效"},
    "data.status.invalid": {"en": "invalid", "zh": "无效"},
    "data.status.served": {"en": "valid · served", "zh": "有效 · 使用中"},
    # Columns
    "data.col.snapshot": {"en": "Snapshot", "zh": "快照"},
    "data.col.as_of": {"en": "As of", "zh": "截至"},
    "data.col.status": {"en": "Status", "zh": "状态"},
    "data.col.errors": {"en": "Errors", "zh": "错误数"},
    "data.col.first_error": {"en": "First error", "zh": "首个错误"},
    "data.col.error": {"en": "Error", "zh": "错误"},
    "data.col.check": {"en": "Check", "zh": "检查项"},
    "data.col.table": {"en": "Table", "zh": "数据表"},
    "data.col.detail": {"en": "Detail", "zh": "明细"},
    "data.col.severity": {"en": "Severity", "zh": "级别"},
    "data.col.problems": {"en": "Rows flagged", "zh": "问题行数"},
    "data.col.checked": {"en": "Rows checked", "zh": "检查行数"},
    "data.col.share": {"en": "Share", "zh": "占比"},
    "data.col.lines": {"en": "Lines", "zh": "行数"},
    "data.col.reason": {"en": "Reason", "zh": "原因"},
    "data.col.owner_id": {"en": "Owner id", "zh": "负责人编号"},
    "data.table.regions": {"en": "Regions", "zh": "区域"},
    "data.table.industries": {"en": "Industries", "zh": "行业"},
    "data.table.reps": {"en": "Reps", "zh": "销售"},
    "data.table.products": {"en": "Products", "zh": "产品"},
    "data.table.customers": {"en": "Customers", "zh": "客户"},
    "data.table.customer_scores": {"en": "Scores", "zh": "客户评分"},
    "data.table.orders": {"en": "Order lines", "zh": "订单行"},
    "data.table.opportunities": {"en": "Opportunities", "zh": "商机"},
    "data.table.opportunity_history": {"en": "Stage history", "zh": "阶段历史"},
    "data.table.targets": {"en": "Targets", "zh": "目标"},
    "data.table.activities": {"en": "Activities", "zh": "活动"},
    "data.table.rep_targets": {"en": "Rep targets", "zh": "销售个人目标"},
    "data.enables.title": {"en": "What this data enables", "zh": "当前数据支持的分析"},
    "data.enables.caption": {
        "en": "Only orders or opportunities are required; each further table enables the "
              "metrics listed. A metric without its table shows n/a with the reason.",
        "zh": "只需订单或商机其一；其他每张表支持所列指标。缺少对应表的指标显示为“无”并说明原因。"},
    "data.enables.what": {"en": "Metrics", "zh": "指标"},
    "data.enables.status": {"en": "Status", "zh": "状态"},
    "data.enables.yes": {"en": "✓ available", "zh": "✓ 可用"},
    "data.enables.no": {"en": "not available: no {tables} table", "zh": "不可用：缺少 {tables} 表"},
}
