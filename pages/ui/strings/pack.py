"""Strings of the executive pack (SPEC §12): its pages, stamps, the dashboard's download buttons
and the e-mail that carries it."""

STRINGS: dict[str, dict[str, str]] = {
    "pack.title": {"en": "Weekly sales review", "zh": "销售周报"},
    "pack.subtitle": {"en": "Executive pack", "zh": "管理层简报"},
    # Stamped on every page, with the filters and the page number.
    "pack.stamp": {"en": "{period} · snapshot {snapshot} · as of {as_of}",
                   "zh": "{period} · 快照 {snapshot} · 截至 {as_of}"},
    "pack.page": {"en": "Page {page} of {pages}", "zh": "第 {page} 页，共 {pages} 页"},
    "pack.generated": {"en": "Generated {time}", "zh": "生成于 {time}"},
    "pack.continued": {"en": "{title} (continued)", "zh": "{title}（续）"},
    "pack.filters.none": {"en": "All regions, industries, product lines and channels",
                          "zh": "全部区域、行业、产品线和渠道"},
    "pack.filters.some": {"en": "Filtered view: {filters}", "zh": "筛选视图：{filters}"},
    "pack.filter.region": {"en": "region {names}", "zh": "区域 {names}"},
    "pack.filter.industry": {"en": "industry {names}", "zh": "行业 {names}"},
    "pack.filter.product_line": {"en": "product line {names}", "zh": "产品线 {names}"},
    "pack.filter.channel": {"en": "channel {names}", "zh": "渠道 {names}"},
    # The cover
    "pack.cover.period": {"en": "Period", "zh": "期间"},
    "pack.cover.period.value": {"en": "{period}; actuals to {to_date}",
                                "zh": "{period}；实际数截至 {to_date}"},
    "pack.cover.period.not_started": {"en": "{period}; not started by the snapshot date",
                                      "zh": "{period}；快照日期时尚未开始"},
    "pack.cover.snapshot": {"en": "Snapshot", "zh": "数据快照"},
    "pack.cover.snapshot.value": {"en": "{snapshot}, as of {as_of}",
                                  "zh": "{snapshot}，截至 {as_of}"},
    "pack.cover.compare": {"en": "Pipeline movement from", "zh": "商机变动起点"},
    "pack.cover.compare.none": {"en": "no earlier snapshot", "zh": "无更早的快照"},
    "pack.cover.filters": {"en": "Filters", "zh": "筛选"},
    "pack.cover.currency": {"en": "Currency", "zh": "币种"},
    "pack.cover.generated": {"en": "Generated", "zh": "生成时间"},
    "pack.cover.contents": {"en": "Contents", "zh": "目录"},
    # The pages
    "pack.kpis.title": {"en": "Key figures", "zh": "关键指标"},
    "pack.kpis.caption": {
        "en": "{period} to date. Attainment is against the whole period's target; pace "
              "(share of the period elapsed) is {pace}. The table gives the amounts in full.",
        "zh": "{period} 至今。达成率对比全期目标；时间进度（已过天数占比）为 {pace}。"
              "上表为完整金额。"},
    "pack.attainment.none": {
        "en": "No region has a revenue target in {period}.",
        "zh": "{period} 没有任何区域设有收入目标。"},
    "pack.movement.steps": {"en": "Movement in full", "zh": "变动明细"},
    "pack.scorecard.title": {"en": "Regional scorecard ranking", "zh": "区域记分卡排名"},
    "pack.scorecard.caption": {
        "en": "Every region ranked by its weighted total score (0–100) on its whole business: the "
              "industry, product-line and channel filters do not apply. n/a = no basis.",
        "zh": "按加权总分（0–100）对所有区域排名，基于各区域的全部业务：不受行业、产品线和渠道筛选影响。"
              "无 = 无计算依据。"},
    "pack.scorecard.selected": {
        "en": "In bold: the regions of the filter ({regions}).",
        "zh": "加粗：筛选中的区域（{regions}）。"},
    "pack.alerts.title": {"en": "The {rows} alerts with the most money at stake",
                          "zh": "涉及金额最大的 {rows} 条预警"},
    "pack.alerts.caption": {
        "en": "Gross-margin alerts of {period} to date, largest amount at stake first ({shown} "
              "of {count}). Actual and threshold are the rule's measure (gross margin %, "
              "discount or share).",
        "zh": "{period} 至今的毛利预警，按涉及金额从大到小（共 {count} 条，显示 {shown} 条）。"
              "实际值与阈值为该规则的指标（毛利率、折扣或占比）。"},
    # The dashboard's download buttons
    "pack.download.pdf": {"en": "Pack (PDF)", "zh": "简报（PDF）"},
    "pack.download.pptx": {"en": "Pack (PowerPoint)", "zh": "简报（PPT）"},
    "pack.download.help": {
        "en": "The weekly meeting's pack for this view — cover, KPI tiles, product lines, "
              "attainment and the regional report, pipeline movement, scorecard ranking and the "
              "top alerts — built when you click (a few seconds).",
        "zh": "本视图的周会简报——封面、关键指标、产品线、区域达成与分区周报、商机变动、记分卡排名和主要预警——"
              "点击后生成（需几秒钟）。"},
    "pack.download.unavailable": {"en": "No pack can be made on this server: {reason}.",
                                  "zh": "此服务器无法生成简报：{reason}。"},
    # The e-mail
    "pack.mail.subject": {"en": "Weekly sales review {period} · {snapshot}",
                          "zh": "销售周报 {period} · {snapshot}"},
    "pack.mail.body": {
        "en": "The weekly executive pack is attached: {period}, snapshot {snapshot} (as of "
              "{as_of}); {filters}.\n\nSent by Sales Cockpit.",
        "zh": "附件为本周管理层简报：{period}，快照 {snapshot}（截至 {as_of}）；{filters}。\n\n"
              "由销售驾驶舱发送。"},
}
