"""A real Streamlit server and Debian's Chromium for the browser tests.

The server runs ``streamlit run app.py`` on a free port against a small generated snapshot in a
temporary data dir; it is stopped by its process group afterwards. Chromium is driven through
Playwright with ``executable_path`` (Playwright's own browser downloads are not available here).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from data.store import discover

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "tests" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``python -m pages.ui.serve`` (``streamlit run app.py``) in its own process group, healthy
    before use."""

    def __init__(self, data_dir: Path, log: Path, port: int | None = None,
                 args: tuple[str, ...] = (), check_first: bool = True) -> None:
        # The snapshots are checked (and recorded) before the server starts, so what a test
        # sees does not depend on the background check of new data racing it; without
        # ``check_first`` the server finds them unchecked, as after an import.
        if check_first:
            discover(data_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "wb")
        # Unexpected errors as exception elements the tests can see (app.py), not the visitor's
        # short message.
        env = {**os.environ, "COCKPIT_DATA_DIR": str(data_dir), "COCKPIT_SHOW_ERRORS": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pages.ui.serve",  # streamlit run app.py, ready first
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *args],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"streamlit not healthy on {self.url} after {timeout}s")

    def __enter__(self) -> "StreamlitServer":
        """``with StreamlitServer(…) as server``: healthy inside the block, stopped after it."""
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()


# Idle: the script run is over and nothing is stale. Returns a fingerprint of what is drawn (0
# when busy): element containers appear before lazily loaded components (tiles, charts) fill
# them, so the rendered text and the number of drawn charts are part of it.
_IDLE = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    const idle = app && app.dataset.testScriptState === 'notRunning'
        && document.querySelector('[data-testid=stMain] h1')
        && !document.querySelector('[data-stale=true]')
        && !document.querySelector('[data-testid=stSkeleton]');
    if (!idle) return 0;
    const charts = document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, '
        + '[data-testid=stVegaLiteChart] svg').length;
    return app.innerText.length * 100 + charts + 1;
}"""


def wait_until_idle(page, timeout_ms: int = 60_000, settle_ms: int = 1_000) -> None:
    """Wait until Streamlit has finished running the script and the page stops changing.

    The front end keeps drawing for a moment after the run reports it is over (components load
    lazily in a fresh browser), and a rewritten query string can start a second run, so what
    is drawn must hold still for ``settle_ms``."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        page.wait_for_function(_IDLE, timeout=timeout_ms)
        before = page.evaluate(_IDLE)
        page.wait_for_timeout(settle_ms)
        if page.evaluate(_IDLE) == before:
            break
        if time.monotonic() > deadline:
            raise TimeoutError("Streamlit did not settle")


def wait_for_count(page, selector: str, count: int, timeout_ms: int = 60_000) -> None:
    """Wait until at least ``count`` elements match ``selector`` (what the page must show once
    it has finished, however slowly the machine draws it), then until the page is idle."""
    page.wait_for_function("([s, n]) => document.querySelectorAll(s).length >= n",
                           arg=[selector, count], timeout=timeout_ms)
    wait_until_idle(page, timeout_ms)
