"""Table downloads (CSV and Excel): the rows on screen, safe to open in a spreadsheet. Text from
data that begins like a formula (= + - @, or a tab / carriage return before one) is exported as
text, never as a live formula (e.g. a customer named ``=HYPERLINK(…)``)."""

from __future__ import annotations

import functools
import importlib.util
import io

import pandas as pd
import streamlit as st

from pages.ui import fmt
from pages.ui.i18n import md, t

MIME_CSV = "text/csv"
MIME_EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell that a spreadsheet would read as a formula prefixed by an
    apostrophe (the spreadsheet convention for "this is text")."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def excel_available() -> bool:
    return importlib.util.find_spec("openpyxl") is not None


def to_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    return formula_safe(table).to_csv(index=False).encode("utf-8-sig")


def to_excel(table: pd.DataFrame, sheet: str, percent: tuple[str, ...] = (),
             money: tuple[str, ...] = ()) -> bytes:
    """One sheet with a header row; ``percent`` columns formatted 0.0%, ``money`` in the data's
    currency. Every text cell is stored as text (openpyxl would store "=…" as a formula)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31], index=False)
        sheet_ = writer.sheets[sheet[:31]]
        for row in sheet_.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
        for position, column in enumerate(table.columns, start=1):
            number_format = ("0.0%" if column in percent
                             else f'"{fmt.currency_symbol().strip()}"#,##0.00' if column in money
                             else None)
            letter = sheet_.cell(row=1, column=position).column_letter
            width = max([len(str(column)), *(len(str(v)) for v in table[column].head(200))])
            sheet_.column_dimensions[letter].width = min(max(width + 2, 8), 60)
            if number_format:
                for (cell,) in sheet_.iter_rows(min_row=2, min_col=position, max_col=position):
                    cell.number_format = number_format
    return buffer.getvalue()


def download_buttons(view, lang: str, table: pd.DataFrame, name: str, key: str,
                     percent: tuple[str, ...] = (), money: tuple[str, ...] = ()) -> None:
    """CSV and Excel downloads of exactly ``table`` (the rows on screen), named after the
    table, the snapshot and the period."""
    stem = f"{name}-{view.snapshot_id}-{view.period.code}"
    cols = st.columns([1, 1, 4])
    cols[0].download_button(t("alerts.download.csv", lang), data=to_csv(table),
                            file_name=f"{stem}.csv", mime=MIME_CSV, on_click="ignore",
                            icon=":material/download:", key=f"{key}_csv")
    if excel_available():
        cols[1].download_button(
            t("alerts.download.excel", lang), on_click="ignore", icon=":material/table_view:",
            data=functools.partial(to_excel, table, name, percent, money),
            file_name=f"{stem}.xlsx", mime=MIME_EXCEL, key=f"{key}_xlsx")
    else:
        cols[2].caption(md("alerts.download.no_excel", lang))
