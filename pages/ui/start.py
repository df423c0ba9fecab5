"""The starting point of an empty data folder (SPEC §9): import your own data, or create the demo
with visible progress, so that a fresh deployment becomes a working shared-link demo in one click."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from data import demo
from pages.ui.i18n import md, t

# The demo written from the app: eight weeks, sized to generate in well under a minute on a
# small server (the command line's default is 300,000 order lines).
DEMO_WEEKS = 8
DEMO_ORDERS = 100_000


def panel(ctx, on_written) -> None:
    """Two ways to start; ``on_written`` runs after demo snapshots are written (cache refresh)."""
    lang = ctx.lang
    st.subheader(md("start.title", lang))
    st.text(t("start.body", lang, data_dir=ctx.data_dir))
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(f"**{t('start.import.title', lang)}**")
        st.caption(md("start.import.body", lang))
        if "importer" in ctx.pages:
            st.page_link(ctx.pages["importer"], label=t("start.import.link", lang),
                         icon=":material/upload_file:")
    with right.container(border=True):
        st.markdown(f"**{t('start.demo.title', lang)}**")
        st.caption(md("start.demo.body", lang, weeks=DEMO_WEEKS, orders=f"{DEMO_ORDERS:,}"))
        if st.button(t("start.demo.button", lang), icon=":material/auto_awesome:",
                     type="primary"):
            bar = st.progress(0.0, text=t("start.demo.simulating", lang))

            def progress(fraction: float, week: str | None) -> None:
                bar.progress(fraction, text=t("start.demo.simulating", lang) if week is None
                             else t("start.demo.week", lang, week=week))

            demo.generate(ctx.data_dir, dt.date.today(), weeks=DEMO_WEEKS, orders=DEMO_ORDERS,
                          progress=progress)
            on_written()
            st.rerun()
