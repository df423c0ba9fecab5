"""Charts drawn from a finished Vega-Lite spec kept per view and language.

Building an Altair chart and turning it into a Vega-Lite spec costs 50–100 ms of Python a chart
(Altair checks each part against the Vega-Lite schema), on every run of a page: at 10M order
lines most of a warm page's run. What a chart shows depends only on the view, the language and
the snapshot, so its spec is built once for them and then reused, with its data already in Arrow
form (as ``st.altair_chart`` sends it)."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import streamlit as st
# What st.altair_chart does before drawing: Altair's spec with the data as named Arrow datasets.
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec


@st.cache_data(show_spinner=False, max_entries=512)
def _spec(key: tuple, _build: Callable[[], alt.TopLevelMixin]) -> dict:
    return _convert_altair_to_vega_lite_spec(_build())


def draw(spec_key: tuple, build: Callable[[], alt.TopLevelMixin], **selection):
    """Draw the chart ``build()`` returns, full width, as ``st.altair_chart`` would. ``spec_key``
    names the chart and everything it depends on (the chart's name, the view, the language,
    the snapshot's path, any other input); ``build`` runs only for a key not seen before.
    ``selection``: ``st.vega_lite_chart``'s ``on_select``, ``selection_mode`` and widget ``key``
    for a chart that can be clicked; its state is returned."""
    return st.vega_lite_chart(spec=_spec(spec_key, build), width="stretch", **selection)
