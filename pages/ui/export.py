"""Table downloads (CSV and Excel): every row of a table, safe to open in a spreadsheet. Text from
data that begins like a formula (= + - @, or a tab / carriage return before one) is exported as
text, never as a live formula (e.g. a customer named ``=HYPERLINK(…)``).

A long list (thousands of alerts, suspect lines or deals at 10M order lines) shows its largest
``SCREEN_ROWS`` rows on screen with a note saying so; its downloads hold every row and are built
only when a download button is clicked, so a page does not pay for a file nobody asks for."""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable

import pandas as pd
import streamlit as st

from pages.ui import fmt
from pages.ui.i18n import md, t

MIME_CSV = "text/csv"
MIME_EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Rows a long table shows on screen (its downloads hold them all): a browser draws a few hundred
# rows at once, while tens of thousands cost seconds to send and to lay out.
SCREEN_ROWS = 500


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


def screen_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` (in its order: largest first) that a table shows on screen."""
    return frame.head(SCREEN_ROWS)


def capped_note(lang: str, shown: int, total: int, measure: str) -> None:
    """Under a table that shows only its ``shown`` largest rows (by ``measure``: revenue, amount)
    of ``total``: say so and that the downloads hold them all. Nothing when every row shows."""
    if total > shown:
        st.caption(md("export.capped", lang, shown=fmt.count(shown, lang),
                      total=fmt.count(total, lang), measure=t(f"export.by.{measure}", lang)))


def _built(table: pd.DataFrame | Callable[[], pd.DataFrame]) -> Callable[[], pd.DataFrame]:
    return table if callable(table) else (lambda: table)


def download_buttons(view, lang: str, table: pd.DataFrame | Callable[[], pd.DataFrame],
                     name: str, key: str, percent: tuple[str, ...] = (),
                     money: tuple[str, ...] = ()) -> None:
    """CSV and Excel downloads of ``table`` (or of the table a no-argument function builds, called
    only on a click: for a long list, all its rows), named after the table, the snapshot and the
    period. Both files are written when their button is clicked."""
    stem = f"{name}-{view.snapshot_id}-{view.period.code}"
    build = _built(table)
    cols = st.columns([1, 1, 4])
    cols[0].download_button(t("alerts.download.csv", lang), on_click="ignore",
                            data=lambda: to_csv(build()), file_name=f"{stem}.csv",
                            mime=MIME_CSV, icon=":material/download:", key=f"{key}_csv")
    if excel_available():
        cols[1].download_button(
            t("alerts.download.excel", lang), on_click="ignore", icon=":material/table_view:",
            data=lambda: to_excel(build(), name, percent, money),
            file_name=f"{stem}.xlsx", mime=MIME_EXCEL, key=f"{key}_xlsx")
    else:
        cols[2].caption(md("alerts.download.no_excel", lang))
