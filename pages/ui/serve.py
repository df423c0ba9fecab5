"""``python -m pages.ui.serve [streamlit run options]``: ``streamlit run app.py``, ready first.

A plain ``streamlit run`` listens at once and leaves everything else to the first visitor after a
restart: importing pandas, Altair, DuckDB and the app's modules (about 2.5 s), attaching the
served snapshots (views over their Parquet files, the small tables read into memory), and a first
run in Streamlit's old multipage mode (a pages/ folder lies beside app.py) that reports a deep
link such as /alerts as "page not found" before app.py registers its pages. This entry point does
those before the server listens, so a health check that passes means a page can be served. What
is not ready yet (a snapshot that was never checked) is left to the background check, as before.
``make run`` and the browser tests and benchmark start the app this way; a host that runs
``streamlit run app.py`` itself still gets a working app (app.py handles the old-mode run).
"""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil
import sys
import time
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"
_LOG = logging.getLogger("cockpit.serve")


def import_modules() -> None:
    """Import every module a page run imports (pages.ui pulls in metrics, data and the stack)."""
    import pages.ui
    from streamlit.runtime.caching import cache_data_api

    # The caching decorators run outside a Streamlit runtime here and say so once per function;
    # they bind to the runtime's storage on their first call, which is in a page run.
    caching = logging.getLogger(cache_data_api.__name__)
    level = caching.level
    caching.setLevel(logging.ERROR)
    try:
        for module in pkgutil.iter_modules(pages.ui.__path__):
            importlib.import_module(f"pages.ui.{module.name}")
    finally:
        caching.setLevel(level)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    started = time.perf_counter()
    import_modules()
    from streamlit.runtime.pages_manager import PagesManager

    from pages.ui import state

    # app.py registers its pages with st.navigation; the folder's old mode is never wanted.
    PagesManager.uses_pages_directory = False
    try:
        state.warm()
    except Exception as exc:  # noqa: BLE001 — the first page run tells the visitor what is wrong
        _LOG.warning("the served snapshots were not prepared before serving: %s", exc)
    from streamlit.web import cli  # with the server's modules, frozen below

    # What exists now (the modules, the stack's tables, the prepared snapshots) lives as long as
    # the process: frozen, the garbage collector no longer walks it on every full collection
    # (about 0.1 s of interpreter lock over it on a 2-core machine; .streamlit/config.toml also
    # turns off Streamlit's collection after every run).
    gc.collect()
    gc.freeze()
    print(f"Sales Cockpit ready to serve in {time.perf_counter() - started:.1f} s", flush=True)

    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main()
