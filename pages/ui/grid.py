"""The one way a table reaches the screen (``st.dataframe``): numbers stay numbers, formatted by
``st.column_config`` in the data's currency, so a column sorts by value and a download carries
numbers; text from data is shown as text; missing values show the n/a placeholder.

A table is built from ``Col`` definitions (header, values, kind); colours, where a page marks good
and bad cells, are CSS per cell applied with a pandas Styler that formats nothing (the column
configuration still formats the numbers). The first text column is pinned, so the row's name
stays in view while the numbers scroll on a narrow screen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from pages.ui import fmt
from pages.ui.i18n import t

# Kinds of column and how each is shown. Ratios are fractions (1.02 → 102%).
KINDS = ("text", "money", "pct", "ratio", "count", "score", "date", "check")
ROW_PX, HEADER_PX = 35, 38
# Colouring cells goes through a pandas Styler, which renders every cell on the server: above this
# many cells a table is shown uncoloured (its values and formats are the same).
MAX_STYLED_CELLS = 20_000
# A table taller than this scrolls inside itself.
MAX_HEIGHT_PX = 740


@dataclass(frozen=True)
class Col:
    """One column: its translated header, its values (a Series aligned with the rows or a list)
    and its kind (``KINDS``); ``help`` is the header's tooltip; ``width`` small / medium /
    large."""

    label: str
    values: object
    kind: str = "text"
    help: str | None = None
    width: str | int | None = None
    # In the frame (and so in a download) but not on screen.
    hidden: bool = False


@dataclass
class Table:
    """A display frame (translated headers, raw values), its column configuration and the CSS of
    any coloured cells (header → one CSS string per row)."""

    frame: pd.DataFrame
    config: dict
    colours: dict[str, list[str]] = field(default_factory=dict)

    def data(self):
        if not self.colours or self.frame.size > MAX_STYLED_CELLS:
            return self.frame
        # Named by what it shows: pandas names a Styler at random, so the same table sent again
        # (a rerun, a page switch) would never match the copy the browser keeps.
        styler = self.frame.style.set_uuid(self._digest())
        for label, css in self.colours.items():
            styler = styler.apply(lambda _column, css=css: css, subset=[label])
        return styler.hide(axis="index")

    def _digest(self) -> str:
        """A short name for the frame, its headers and its colours: equal tables, equal names."""
        digest = hashlib.blake2b(digest_size=6)
        digest.update(pd.util.hash_pandas_object(self.frame, index=False).to_numpy().tobytes())
        digest.update(repr((list(self.frame.columns), sorted(self.colours.items()))).encode())
        return digest.hexdigest()


def money_format() -> str:
    """A printf format for whole amounts in the data's currency: ¥1,234,567 (Streamlit's printf
    takes ``,`` for thousands separators); a ``%`` in a symbol is escaped."""
    return fmt.currency_symbol().replace("%", "%%") + "%,.0f"


def _config(col: Col):
    if col.hidden:
        return None
    common = {"label": col.label, "help": col.help, "width": col.width}
    if col.kind == "money":
        return st.column_config.NumberColumn(format=money_format(), **common)
    if col.kind == "pct":
        # step sets the display precision: 0.001 → one decimal of a percentage (64.5%).
        return st.column_config.NumberColumn(format="percent", step=0.001, **common)
    if col.kind == "ratio":
        return st.column_config.NumberColumn(format="%.1f×", **common)
    if col.kind == "count":
        return st.column_config.NumberColumn(format="%,d", **common)
    if col.kind == "score":
        return st.column_config.NumberColumn(format="%.1f", **common)
    if col.kind == "date":
        return st.column_config.DateColumn(format="YYYY-MM-DD", **common)
    if col.kind == "check":
        return st.column_config.CheckboxColumn(**common)
    return st.column_config.TextColumn(**common)


def _values(col: Col, index: pd.RangeIndex) -> pd.Series:
    values = pd.Series(list(col.values) if not isinstance(col.values, pd.Series)
                       else col.values.to_numpy(), index=index, dtype=object)
    if col.kind == "text":
        # Text as text: None for missing (the placeholder), everything else its str.
        return values.map(lambda v: None if v is None or v is pd.NA or v is pd.NaT
                          or (isinstance(v, float) and v != v) else str(v))
    if col.kind == "date":
        return pd.to_datetime(values, errors="coerce")
    if col.kind == "check":
        return values.map(lambda v: None if v is None or v is pd.NA or v != v else bool(v))
    return pd.to_numeric(values, errors="coerce")


def table(columns: Sequence[Col], colours: dict[str, Sequence[str]] | None = None) -> Table:
    """A ``Table`` of ``columns`` (all the same length); ``colours``: header → CSS per row."""
    rows = len(columns[0].values) if columns else 0
    index = pd.RangeIndex(rows)
    frame = pd.DataFrame({col.label: _values(col, index) for col in columns}, index=index)
    config = {col.label: _config(col) for col in columns}
    first_text = next((col.label for col in columns if col.kind == "text"), None)
    if first_text is not None:
        config[first_text] = st.column_config.TextColumn(
            label=first_text, help=next(c.help for c in columns if c.label == first_text),
            pinned=True)
    return Table(frame, config, {k: list(v) for k, v in (colours or {}).items()})


def height_for(rows: int) -> int:
    """Pixels that show ``rows`` rows and the header without an inner scroll (up to a cap)."""
    return min(HEADER_PX + ROW_PX * max(rows, 1) + 2, MAX_HEIGHT_PX)


def show(shown: Table, lang: str, *, key: str | None = None, on_select="ignore",
         selection_mode="single-row", all_rows: bool = False):
    """Draw the table full width; ``all_rows``: tall enough for every row (up to a cap), for
    tables one reads whole (18 regions). Returns the selection event when ``on_select`` is set,
    else None."""
    kwargs = {"height": height_for(len(shown.frame))} if all_rows else {}
    if on_select != "ignore":
        kwargs.update(on_select=on_select, selection_mode=selection_mode)
    event = st.dataframe(shown.data(), column_config=shown.config, hide_index=True,
                         width="stretch", placeholder=t("na", lang), key=key, **kwargs)
    return None if on_select == "ignore" else event
