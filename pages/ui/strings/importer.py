"""Strings of the Import page (SPEC §9)."""

STRINGS = {
    "page.importer": {"en": "Import", "zh": "导入数据"},
    "import.subtitle": {
        "en": "Load your CRM and ERP exports into {data_dir} as a weekly snapshot. The same "
              "mapping works from the command line: python -m data.importer.",
        "zh": "将 CRM 与 ERP 导出文件载入 {data_dir}，生成周快照。同一映射文件也可在命令行使用："
              "python -m data.importer。"},
    "import.upload": {"en": "Export files (CSV or Excel)", "zh": "导出文件（CSV 或 Excel）"},
    "import.upload.help": {
        "en": "Any delimiter; UTF-8, UTF-8 with BOM or GBK. Only orders or opportunities are "
              "required; accounts, products, sales teams and targets add more.",
        "zh": "任意分隔符；UTF-8、带 BOM 的 UTF-8 或 GBK。只需订单或商机其一；客户、产品、销售团队和目标提供更多分析。"},
    "import.start": {
        "en": "Upload one or more exports to start: their columns are matched to the cockpit's "
              "tables by name, and you review the mapping before anything is written.",
        "zh": "上传一个或多个导出文件即可开始：系统按列名匹配到驾驶舱的数据表，写入前您可检查映射。"},
    "import.problem": {"en": "Cannot import: {problem}", "zh": "无法导入：{problem}"},
    "import.mapping.title": {"en": "1. Map the columns", "zh": "1. 映射列"},
    "import.columns": {"en": "Columns found in the files", "zh": "文件中的列"},
    "import.mapping.label": {"en": "Mapping (pre-filled from the column names; edit as needed)",
                             "zh": "映射（已按列名预填，可按需修改）"},
    "import.mapping.help": {
        "en": "Which file feeds which table, each column from a source column or a constant, "
              "value maps (stage names → stage numbers) and date and number formats. The format "
              "is described in the README under \"Use your own data\".",
        "zh": "哪个文件对应哪张表、每列取自哪一源列或常量、取值映射（阶段名称 → 阶段编号）以及日期和数字格式。"
              "格式说明见 README 的“Use your own data”。"},
    "import.mapping.download": {"en": "Download the mapping file", "zh": "下载映射文件"},
    "import.preview.title": {"en": "2. Check", "zh": "2. 检查"},
    "import.preview.running": {"en": "Mapping and validating…", "zh": "正在映射和校验……"},
    "import.preview.caption": {"en": "Snapshot as of {as_of}: {counts} rows.",
                               "zh": "快照截至 {as_of}：{counts} 行。"},
    "import.preview.table": {"en": "{table}: {rows} rows (first rows)",
                             "zh": "{table}：{rows} 行（前几行）"},
    "import.invalid": {"en": "The mapped data does not pass validation:",
                       "zh": "映射后的数据未通过校验："},
    "import.valid": {"en": "The mapped data passes validation.", "zh": "映射后的数据通过校验。"},
    "import.write.title": {"en": "3. Write the snapshot", "zh": "3. 写入快照"},
    "import.backfill": {"en": "Earlier weeks to reconstruct", "zh": "重建之前的周数"},
    "import.backfill.help": {
        "en": "Also write this many previous weekly snapshots rebuilt from the export's dates, so "
              "week-over-week movement works from the first import (amounts and close dates as "
              "exported).",
        "zh": "同时根据导出文件中的日期重建之前若干周的快照，使周环比变动从第一次导入起即可使用（金额与预计成交日期按导出值）。"},
    "import.write": {"en": "Write the snapshot", "zh": "写入快照"},
    "import.write.running": {"en": "Importing…", "zh": "正在导入……"},
    "import.written": {"en": "Written: {snapshots}.", "zh": "已写入：{snapshots}。"},
    "import.open": {"en": "Open the dashboard", "zh": "打开仪表盘"},
}
