"""Sales Cockpit: the frame. Page config once, the shared view state and sidebar, the pages.

Page scripts live in pages/views/, not directly in pages/: Streamlit treats every pages/*.py as an
old-style auto-discovered page and would run it without this frame on a rerun.
"""

from pathlib import Path

import streamlit as st

from pages.ui import state
from pages.ui.i18n import t

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Sales Cockpit", page_icon="📊", layout="wide")
ctx = state.load()
pages = [
    st.Page(HERE / "pages" / "views" / "dashboard.py", title=t("page.dashboard", ctx.lang), icon=":material/monitoring:",
            url_path="dashboard", default=True),
]
# Navigation is drawn by state.sidebar with links that carry the view state across pages.
page = st.navigation(pages, position="hidden")
state.sidebar(ctx, pages)
page.run()
