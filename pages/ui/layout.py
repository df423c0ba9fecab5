"""Page-wide layout rules the Streamlit API does not offer, as one style sheet.

On a phone (up to 640 px wide) Streamlit stacks every column full width, so six KPI tiles take a
whole screen before the first chart. Rows of tiles keep two tiles side by side there instead
(several rows drawn in one container keyed ``tiles_…`` flow as one two-column grid), with a
smaller value font; charts and tables stay full width.
"""

from __future__ import annotations

import streamlit as st

_TILE_ROW = ('[data-testid="stHorizontalBlock"]'
             ':has(> [data-testid="stColumn"] [data-testid="stMetric"])')

PHONE_CSS = f"""
<style>
@media (max-width: 640px) {{
  {_TILE_ROW} {{
    flex-direction: row !important; flex-wrap: wrap !important; gap: 0.5rem !important;
  }}
  {_TILE_ROW} > [data-testid="stColumn"] {{
    flex: 1 1 calc(50% - 0.5rem) !important; width: calc(50% - 0.5rem) !important;
    min-width: calc(50% - 0.5rem) !important;
  }}
  /* Several rows of tiles in one keyed container (key "tiles_…") form one two-column grid. */
  [class*="st-key-tiles_"] {{
    display: grid !important; grid-template-columns: 1fr 1fr; gap: 0.5rem !important;
  }}
  [class*="st-key-tiles_"] > [data-testid="stLayoutWrapper"],
  [class*="st-key-tiles_"] [data-testid="stHorizontalBlock"] {{ display: contents !important; }}
  [class*="st-key-tiles_"] {_TILE_ROW} > [data-testid="stColumn"] {{
    width: 100% !important; max-width: 100% !important; min-width: 0 !important;
    flex: none !important;
  }}
  [data-testid="stMetricValue"] {{ font-size: 1.45rem !important; }}
  [data-testid="stMetric"] {{ padding: 0.5rem 0.6rem !important; }}
}}
</style>
"""


def apply() -> None:
    """Add the style sheet to this run's page (a style-only st.html takes no space)."""
    st.html(PHONE_CSS)
