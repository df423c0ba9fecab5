"""Sales Cockpit: the frame. Page config once, the shared view state and sidebar, the pages.

A pages/ folder beside this script puts Streamlit in its old auto-discovered multipage mode: it
wraps this script in a navigation of its own that knows none of the pages registered below, so a
deep link such as /pipeline is first reported as "page not found", and any pages/*.py would be
run without this frame. The pages are registered explicitly here, so that mode is switched off
(Streamlit reads the flag before each run; started by pages/ui/serve.py, as ``make run`` does,
the flag is off before the first run too; under a plain ``streamlit run`` the process's very first
run still goes through it and is restarted below), and page scripts live in pages/views/ in any
case.
"""

import logging
import os
import uuid
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from data.store import data_dir_from_env
from pages.ui import auth, layout, state
from pages.views import PAGES
from pages.ui.i18n import DEFAULT_LANG, LANGS, t

HERE = Path(__file__).resolve().parent
# True only in the process's very first run, which Streamlit sends through the old mode: the
# widgets it draws would carry other ids than the same widgets in every later run, so a first
# click on them (Sign in, a filter) would be lost. That run only starts the next one.
_OLD_MODE_RUN = bool(PagesManager.uses_pages_directory) and state.first_run()
PagesManager.uses_pages_directory = False

st.set_page_config(page_title="Sales Cockpit", page_icon="📊", layout="wide")


def _pages(lang: str) -> list:
    return [st.Page(HERE / "pages" / "views" / f"{name}.py", title=t(f"page.{name}", lang),
                    icon=icon, url_path=name, default=name == "dashboard")
            for name, icon in PAGES if (HERE / "pages" / "views" / f"{name}.py").exists()]


def _restart_old_mode_run() -> None:
    """Run the page the URL names again, with its query, in the mode of every later run."""
    page = st.navigation(_pages(DEFAULT_LANG), position="hidden")
    st.switch_page(page, query_params={k: st.query_params.get_all(k) for k in st.query_params})


def main() -> None:
    if _OLD_MODE_RUN:
        _restart_old_mode_run()
    # Who is looking comes first: signed out or unknown, the run stops before any data is read.
    visitor = auth.visitor(data_dir_from_env(), state.url_lang())
    ctx = state.load(visitor)
    pages = _pages(ctx.lang)
    # Navigation is drawn by state.sidebar with links that carry the view state across pages.
    page = st.navigation(pages, position="hidden")
    layout.apply()
    state.sidebar(ctx, pages)
    page.run()


# An unexpected error shows a short message with an id, never a trace with file paths; the trace
# goes to the server log under that id. COCKPIT_SHOW_ERRORS=1 (the test suite) shows it instead.
try:
    main()
except Exception:
    if os.environ.get("COCKPIT_SHOW_ERRORS"):
        raise
    error_id = uuid.uuid4().hex[:8]
    logging.getLogger("cockpit").exception("unexpected error %s", error_id)
    lang = st.query_params.get("lang", DEFAULT_LANG)
    st.error(t("error.unexpected", lang if lang in LANGS else DEFAULT_LANG, id=error_id),
             icon=":material/error:")
