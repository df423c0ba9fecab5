"""Strings of table downloads (pages/ui/export.py): the note under a table that shows only its
largest rows while its downloads hold them all."""

STRINGS: dict[str, dict[str, str]] = {
    "export.capped": {
        "en": "Showing the top {shown} of {total} rows by {measure}; the CSV and Excel downloads "
              "hold all {total}.",
        "zh": "按{measure}显示前 {shown} 行（共 {total} 行）；CSV 和 Excel 下载包含全部 {total} 行。"},
    "export.by.revenue": {"en": "revenue", "zh": "收入"},
    "export.by.amount": {"en": "amount", "zh": "金额"},
    "export.by.revenue_12m": {"en": "revenue in the last 12 months", "zh": "近12个月收入"},
    "export.by.revenue_prior_12m": {"en": "revenue in the 12 months before",
                                    "zh": "此前12个月收入"},
}
