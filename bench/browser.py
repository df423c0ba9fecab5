"""Browser benchmark (issue 16): ``python -m bench.browser``, part of ``make bench``.

What a person feels, measured from outside: seconds from navigation to a finished, settled page
in headless Chromium (Playwright on the system Chromium, as in tests/browser_support.py), with
``python -m pages.ui.serve`` (``streamlit run app.py``, ready first) serving the 10M-order-line
data of bench/run.py (generated once under bench/data/, git-ignored). For every page of
pages/views PAGES, on its URL (region review needs ``region=GD``, market order
``period=2026-11``):

- cold: the first visit after a server start, a fresh server process per page (the validation
  records on disk are reused, as on a restart; a new browser context, as each server has a
  port of its own), and whether progress text was visible while waiting; also the first visit
  of each page on one freshly started server, and the first visit after new data (snapshot
  folders the server has never validated);
- fresh tab: a new tab of a browser that has shown the app before opening the page's URL on
  a warm server, median of N; and the same in a new browser context (a first-time visitor's
  browser, every script downloaded and compiled again);
- page switch: a click on the sidebar link to the page from another page, median of N;
- cost: for the fresh tabs and page switches, the machine's busy CPU seconds per render (all
  processes, /proc/stat: the server, Chromium, this client) and the server's part, one tab
  alone; from the switches' mean, the most renders per second the cores can give and the
  concurrency run's mean render at best (``best_case``);
- one filter change on the dashboard (a region in the sidebar), and opening a drill-down: a row
  clicked in the scorecard's ranking and in the pipeline's stale deals, and the same drill-downs
  opened as links (``/scorecard?region=``, ``/pipeline?deal=``); each repeat picks another region
  or deal, so its metrics are not cached yet;
- concurrency: S browser sessions (new tabs of one browser that has shown the app) cycling
  through the pages by their sidebar links for T seconds (renders per second, p50 / p95, also
  apart for each session's first page and the page switches after it; errors: exception
  elements, console errors, timeouts; the server's peak RSS; the machine's busy CPU time and the
  server's part of it), and renders per second for 1, 5, 10 and 20 sessions; each run starts
  once the server has finished the last one's script runs. A render given up on (``TIMEOUT_S``)
  is an error; renders per second counts finished renders over the whole run;
- server: the same concurrency run and scaling steps without browsers, by sessions speaking
  Streamlit's websocket protocol (bench/protocol.py): what the server delivers to twenty people
  whose browsers draw on their own machines.

A page is done when Streamlit's script run is over, nothing is stale or a skeleton, its title is
drawn, at least its number of KPI tiles and drawn charts (those of tests/test_browser.py) are
there, and what is drawn holds still for ``SETTLE_MS``; the time is taken when it first looked
done, so the settling wait is not counted. A page showing an exception element is done, with an
error. The browser runs on the same two cores as the server: its drawing is part of the time.

Prints a Markdown table beside the SPEC §8 targets and writes bench/browser_results.json
(git-ignored). No assertions: the numbers are for reading. ``--quick``: 1M lines, N=2, 20 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import duckdb
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from bench.run import BENCH_DATA, ensure_data
from pages.ui.i18n import t
from pages.views import PAGES
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "browser_results.json"
LOGS = BENCH_DATA / "browser_logs"
SETTLE_MS = 1000
TIMEOUT_S = 120
VIEWPORT = {"width": 1500, "height": 2600}  # tall: every element is drawn, as in the tests
RAMP_S = 0.5  # sessions of a concurrency run start this far apart
PHASES = ("cold", "pages", "interactions", "concurrency", "server")
TARGETS = {"page_switch_s": 1.0, "fresh_tab_s": 2.5, "first_visit_s": 4.0,
           "concurrency_errors": 0, "concurrency_p95_s": 10.0, "server_rss_mib": 2048}

# Each page on its own URL: (query it needs for its main content, KPI tiles, drawn charts), the
# counts of tests/test_browser.py. A page not listed here is done once idle with its title.
SHOWS = {
    "dashboard": ("", 10, 2), "region": ("region=GD", 12, 0), "pipeline": ("", 5, 5),
    "scorecard": ("", 4, 1), "alerts": ("", 5, 3), "reps": ("", 4, 0),
    "market_order": ("period=2026-11", 4, 0), "customers": ("", 6, 6), "data": ("", 6, 2),
    "importer": ("", 0, 0),
}
# Reached by a plain sidebar link (no query): the region review is only its region picker.
LINKED = {"region": ("", 0, 0)}
# The drill-downs: a region's below the scorecard ranking, a deal's above the pipeline.
SCORECARD_REGION = (8, 3)
PIPELINE_DEAL = (5, 6)


@dataclass(frozen=True)
class Target:
    """A URL path and what its page shows once finished."""

    path: str
    title: str
    query: str = ""
    tiles: int = 0
    charts: int = 0
    search: str = ""  # must be in the address (a filter or a drill-down written to the URL)

    def url(self, base: str) -> str:
        return base + self.path + (f"?{self.query}" if self.query else "")


def page_target(name: str, shows: dict = SHOWS) -> Target:
    query, tiles, charts = shows.get(name, SHOWS.get(name, ("", 0, 0)))
    return Target("/" if name == "dashboard" else f"/{name}", t(f"page.{name}", "en"), query,
                  tiles, charts)


# Done: the fingerprint of what is drawn, or null while the page is busy or short of its tiles
# and charts. An exception element ends the wait too (the fingerprint says so).
_DONE = """([path, search, title, tiles, charts]) => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || location.pathname !== path || !location.search.includes(search)) return null;
    if (app.dataset.testScriptState !== 'notRunning' || document.querySelector(
            '[data-stale=true], [data-testid=stSkeleton], [data-testid=stAppSkeleton]')) {
        return null;
    }
    const h1 = document.querySelector('[data-testid=stMain] h1');
    const error = document.querySelector('[data-testid=stExceptionMessage]')
        || document.querySelector('[data-testid=stException]');
    const drawn = {
        title: h1 ? h1.innerText.trim() : null,
        tiles: document.querySelectorAll('[data-testid=stMain] [data-testid=stMetric]').length,
        charts: document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, '
                                          + '[data-testid=stVegaLiteChart] svg').length,
        error: error ? error.innerText.trim().split('\\n')[0].slice(0, 300) : null,
    };
    if (!error && (drawn.title !== title || drawn.tiles < tiles || drawn.charts < charts)) {
        return null;
    }
    // The whole page's text (a layout of all of it) only once it looks done: polled every
    // 50 ms in twenty tabs, it would take the CPU the pages are timed on.
    drawn.text = app.innerText.length;
    return drawn;
}"""

# In every page: what was shown while waiting. Progress text is any spinner, progress bar, toast
# or running status container, and any text in the main area before the page's title.
_RECORDER = """(() => {
    const seen = {title_ms: null, progress: [], running: false, dialog: null};
    window.__bench = seen;
    const note = text => {
        text = (text || '').trim().slice(0, 200);
        if (text && !seen.progress.includes(text)) seen.progress.push(text);
    };
    setInterval(() => {
        const main = document.querySelector('[data-testid=stMain]');
        if (seen.title_ms === null) {
            if (main && main.querySelector('h1')) seen.title_ms = performance.now();
            else if (main) note(main.innerText);
        }
        document.querySelectorAll('[data-testid=stSpinner], [data-testid=stProgress], '
            + '[data-testid=stToast], [data-testid=stExpander]:has('
            + '[data-testid=stExpanderIconSpinner])').forEach(el => note(el.innerText));
        if (document.querySelector('[data-testid=stStatusWidget]')) seen.running = true;
        const dialog = document.querySelector('[data-testid=stDialog]');
        if (dialog) seen.dialog = dialog.innerText.trim().slice(0, 200);
    }, 100);
})();"""

_STATE = """() => {
    const count = s => document.querySelectorAll(s).length;
    const text = s => document.querySelector(s)?.innerText.trim().slice(0, 80) || null;
    return {path: location.pathname + location.search,
            state: document.querySelector('[data-testid=stApp]')?.dataset.testScriptState,
            h1: text('[data-testid=stMain] h1'), tiles: count('[data-testid=stMetric]'),
            charts: count('[data-testid=stVegaLiteChart]'),
            drawn: count('[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg'),
            stale: count('[data-stale=true]'),
            skeletons: count('[data-testid=stSkeleton], [data-testid=stAppSkeleton]'),
            connection: text('[data-testid=stConnectionStatus]'),
            dialog: text('[data-testid=stDialog]')};
}"""

async def new_context(browser):
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(_RECORDER)
    return context


# Opened on a page's own path, Streamlit's front end first looks for its server under that path
# (two 404s): its base-path discovery, not a fault (as in tests/test_browser.py).
_BASE_PATH_PROBE = re.compile(r"/[a-z_]+/_stcore/(health|host-config)$")


@dataclass
class Render:
    """One navigation, from the action to a settled page."""

    seconds: float | None  # None: not finished (timeout)
    error: str | None = None
    title_s: float | None = None  # title drawn, after a navigation (fresh document)
    progress: list[str] = field(default_factory=list)
    running_indicator: bool = False
    dialog: str | None = None
    ws_kib: float = 0.0  # websocket bytes received during the render
    # One tab alone (fresh tabs and page switches): the machine's busy CPU seconds from the
    # action to the end of the settling wait (server, browser, this client), and the server's.
    cpu_s: float | None = None
    server_cpu_s: float | None = None


class Tab:
    """A page that records console errors, page errors, failed requests and the websocket
    bytes it receives: in a fresh browser context (a new visitor: empty cache), or a new tab in
    a given one (the same browser: the app's scripts cached)."""

    def __init__(self, context, page, own_context: bool) -> None:
        self.context, self.page, self.own_context = context, page, own_context
        self.errors: list[str] = []
        self.ws_bytes = 0
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", self._response)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    @classmethod
    async def open(cls, browser, context=None) -> Tab:
        own = context is None
        context = context or await new_context(browser)
        return cls(context, await context.new_page(), own)

    def _console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text[:300])

    def _response(self, response) -> None:
        if response.status >= 400 and not _BASE_PATH_PROBE.search(response.url):
            self.errors.append(f"{response.status} {response.url}")

    def _frame(self, payload) -> None:
        self.ws_bytes += len(payload)

    async def close(self) -> None:
        await (self.context.close() if self.own_context else self.page.close())

    async def goto(self, base: str, target: Target, timeout_s: float = TIMEOUT_S) -> Render:
        """A navigation to ``target``'s URL, timed to a settled page."""
        async def go():
            await self.page.goto(target.url(base), wait_until="commit")
        return await self.timed(go, target, timeout_s, navigation=True)

    async def click_link(self, name: str, target: Target, timeout_s: float = TIMEOUT_S) -> Render:
        """A click on the sidebar's link to page ``name`` (an ``st.page_link``; the dashboard's
        href is empty or only a query), timed to a settled page."""
        index = await self.page.evaluate(
            """name => [...document.querySelectorAll('[data-testid=stSidebar] a')].findIndex(
                a => (a.getAttribute('href') || '').split('?')[0] === name)""",
            "" if name == "dashboard" else name)
        if index < 0:
            raise LookupError(f"no sidebar link to {name}")
        link = self.page.locator("[data-testid=stSidebar] a").nth(index)
        return await self.timed(link.click, target, timeout_s)

    async def click_row(self, key: str, row: int, target: Target) -> Render:
        """A click on row ``row``'s selection box in the dataframe with widget key ``key``."""
        grid = self.page.locator(f".st-key-{key} [data-testid=stDataFrame]")
        await grid.scroll_into_view_if_needed()
        await grid.hover()
        box = await grid.bounding_box()

        async def click():
            # The grid draws a header and 35 px rows; the selection box is the first column.
            await self.page.mouse.click(box["x"] + 12, box["y"] + 35 * (row + 1) + 17)
        return await self.timed(click, target, TIMEOUT_S)

    async def timed(self, act, target: Target, timeout_s: float,
                    navigation: bool = False) -> Render:
        errors, ws_bytes = len(self.errors), self.ws_bytes
        if not navigation:
            await self.page.evaluate("() => { if (window.__bench) { window.__bench.progress = [];"
                                     " window.__bench.running = false; } }")
        started = time.monotonic()
        try:
            await act()
            seconds, drawn, seen = await self._settled(target, started, timeout_s)
        except (TimeoutError, PlaywrightError) as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            return Render(None, error=f"{type(exc).__name__}: {first_line[:200]}")
        seen = seen or {}
        error = drawn.get("error") and f"exception: {drawn['error']}"
        if not error and len(self.errors) > errors:
            error = "console: " + "; ".join(self.errors[errors:])[:300]
        title_ms = seen.get("title_ms")
        return Render(seconds, error=error,
                      title_s=title_ms / 1000 if navigation and title_ms is not None else None,
                      progress=seen.get("progress", []), running_indicator=seen.get("running"),
                      dialog=seen.get("dialog"), ws_kib=(self.ws_bytes - ws_bytes) / 1024)

    async def _settled(self, target: Target, started: float, timeout_s: float):
        """Wait until the page looks done and holds still for SETTLE_MS; the time it first
        looked done, what was drawn and what the recorder saw."""
        arg = [target.path, target.search, target.title, target.tiles, target.charts]
        deadline = started + timeout_s
        while True:
            remaining_ms = (deadline - time.monotonic()) * 1000
            if remaining_ms <= 0:
                raise TimeoutError(f"{target.path}: not done after {timeout_s:.0f} s")
            try:
                handle = await self.page.wait_for_function(_DONE, arg=arg, polling=50,
                                                           timeout=remaining_ms)
            except PlaywrightError as exc:
                if "Timeout" in str(exc):
                    raise TimeoutError(f"{target.path}: not done after {timeout_s:.0f} s; "
                                       f"{await self._state()}") from None
                if "context was destroyed" not in str(exc):
                    raise
                await asyncio.sleep(0.1)  # the document was replaced while waiting
                continue
            seen_at = time.monotonic()
            drawn = await handle.json_value()
            seen = await self.page.evaluate("() => window.__bench || null")
            await self.page.wait_for_timeout(SETTLE_MS)
            if await self.page.evaluate(_DONE, arg) == drawn:
                return seen_at - started, drawn, seen

    async def _state(self) -> str:
        """What the page showed when it was given up on."""
        try:
            return json.dumps(await self.page.evaluate(_STATE))
        except PlaywrightError:
            return "page state unknown"


# ------------------------------------------------------------------------ the server process

def _proc_stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()  # fields from the state on


def _processes() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, process group) of every process we can read."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = _proc_stat(int(entry))
            except OSError:
                continue
            out[int(entry)] = (int(fields[1]), int(fields[2]))
    return out


def _status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_s(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = _proc_stat(pid)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


class Server(StreamlitServer):
    """``python -m pages.ui.serve`` (tests/browser_support.py: its own process group, a free port)
    with its memory and CPU time."""

    def __init__(self, data_dir: Path, log_name: str, check_first: bool = True) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"{log_name}.log"
        started = time.monotonic()
        # An exception element names the error (the committed config redacts it).
        os.environ["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] = "full"
        super().__init__(data_dir, self.log_path, check_first=check_first)
        try:
            self.wait_healthy(timeout=120)
        except Exception:
            self.stop()
            raise
        self.start_s = time.monotonic() - started

    def pids(self) -> list[int]:
        return [pid for pid, (_, group) in _processes().items() if group == self.process.pid]

    def rss_mib(self) -> float:
        return sum(_status_kib(pid, "VmRSS") for pid in self.pids()) / 1024

    def peak_rss_mib(self) -> float:
        """The largest resident set any of its processes had since start (VmHWM)."""
        return max((_status_kib(pid, "VmHWM") for pid in self.pids()), default=0) / 1024

    def cpu_s(self) -> float:
        return _cpu_s(self.pids())

    def cache_data_mib(self) -> float:
        """What the server's ``st.cache_data`` caches hold, in pickled bytes (Streamlit's own
        metrics endpoint; the budget ``server.maxCacheDataSize`` of .streamlit/config.toml counts
        the same bytes)."""
        url = f"{self.url}/_stcore/metrics?families=cache_memory_bytes"
        with urllib.request.urlopen(url, timeout=30) as response:
            text = response.read().decode()
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith('cache_memory_bytes{cache_type="st_cache_data"')) / 2**20


# ----------------------------------------------------------------------------------- phases

def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _summary(renders: list[Render]) -> dict:
    return {"median_s": _median(r.seconds for r in renders),
            "runs_s": [r.seconds for r in renders],
            "errors": [r.error for r in renders if r.error],
            "ws_kib": _median(r.ws_kib for r in renders),
            "cpu_s": _median(r.cpu_s for r in renders),
            "server_cpu_s": _median(r.server_cpu_s for r in renders),
            "renders": [asdict(r) for r in renders]}


async def _costed(server: Server, render) -> Render:
    """``await render`` with what it cost the machine and the server (one tab alone: nothing
    else runs)."""
    busy, cpu = _machine_busy_s(), server.cpu_s()
    done = await render
    done.cpu_s, done.server_cpu_s = _machine_busy_s() - busy, server.cpu_s() - cpu
    return done


def best_case(cpu_s: list[float], sessions: int, cores: int, think_s: float) -> dict:
    """What ``cores`` can give ``sessions`` that render without pause but ``think_s`` between
    renders, when a render costs the machine what it costs one tab alone (``cpu_s``, one per
    page): at most cores ÷ mean cost renders per second, so each session's render takes on
    average at least sessions ÷ that rate − ``think_s`` (a closed queue's response time). Twenty
    tabs at once cost more per render than one alone, so the run can only do worse."""
    mean = statistics.fmean(cpu_s)
    rate = cores / mean
    return {"cpu_s_mean": mean, "renders_per_s": rate,
            "mean_render_s": max(0.0, sessions / rate - think_s)}


def _say(text: str) -> None:
    print(text, flush=True)


def _fmt(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f}"


async def first_visit(browser, data_dir: Path, target: Target, log_name: str,
                      check_first: bool = True) -> dict:
    """A fresh server process and its very first visitor, on ``target``."""
    server = Server(data_dir, log_name, check_first=check_first)
    try:
        tab = await Tab.open(browser)
        render = await tab.goto(server.url, target)
        await tab.close()
        return {**asdict(render), "server_start_s": server.start_s,
                "server_peak_rss_mib": server.peak_rss_mib(), "server_cpu_s": server.cpu_s()}
    finally:
        server.stop()


async def first_visit_new_data(browser, data_dir: Path) -> dict:
    """The first visit after new data: the snapshot folders linked into an empty data folder,
    so the server validates them and writes their records and extracts (in that folder)."""
    with tempfile.TemporaryDirectory(dir=BENCH_DATA, prefix="browser-new-") as tmp:
        (Path(tmp) / "snapshots").mkdir()
        for snapshot in sorted((data_dir / "snapshots").iterdir()):
            (Path(tmp) / "snapshots" / snapshot.name).symlink_to(snapshot.resolve())
        return await first_visit(browser, Path(tmp), page_target("dashboard"), "new-data",
                                 check_first=False)


async def cold(browser, data_dir: Path, names: list[str]) -> dict:
    out = {}
    for name in names:
        out[name] = await first_visit(browser, data_dir, page_target(name), f"cold-{name}")
        _say(f"  cold {name:<13} {_fmt(out[name]['seconds'])} s  title "
             f"{_fmt(out[name]['title_s'])} s  progress {out[name]['progress'] or 'none'}"
             + (f"  {out[name]['error']}" if out[name]["error"] else "")
             + (f"  dialog: {out[name]['dialog']!r}" if out[name]["dialog"] else ""))
    return out


async def fresh_tabs(browser, server: Server, names: list[str], runs: int) -> dict:
    """Each page opened by its URL, ``runs`` rounds over the pages: in a new tab of a browser
    that has shown every page before (its cache holds the app's scripts), and in a new browser
    context (a first-time visitor's browser: every script downloaded and compiled)."""
    browser_context = await new_context(browser)
    for name in names:
        tab = await Tab.open(browser, browser_context)
        await tab.goto(server.url, page_target(name))
        await tab.close()
    renders = {(kind, name): [] for kind in ("fresh_tab", "new_browser") for name in names}
    for _ in range(runs):
        for name in names:
            for kind, context in (("fresh_tab", browser_context), ("new_browser", None)):
                tab = await Tab.open(browser, context)
                renders[kind, name].append(
                    await _costed(server, tab.goto(server.url, page_target(name))))
                await tab.close()
    await browser_context.close()
    return {key: _summary(r) for key, r in renders.items()}


async def page_switches(browser, server: Server, names: list[str], runs: int) -> dict:
    """A click on the sidebar link to each page from another one (the dashboard, or for the
    dashboard the scorecard), carrying the page's query (the links keep the shared view)."""
    out = {}
    for name in names:
        target = page_target(name)
        source_name = "scorecard" if name == "dashboard" else "dashboard"
        source = replace(page_target(source_name), query=target.query)
        tab = await Tab.open(browser)
        renders = []
        try:
            await tab.goto(server.url, source)
            for _ in range(runs):
                renders.append(await _costed(server, tab.click_link(name, target)))
                await tab.click_link(source_name, source)
        except LookupError as exc:
            renders.append(Render(None, error=str(exc)))
        await tab.close()
        out[name] = _summary(renders)
    return out


def _choices(data_dir: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """Regions (id, English name) and open deal ids of the newest snapshot."""
    newest = sorted((data_dir / "snapshots").glob("*/manifest.json"))[-1].parent
    con = duckdb.connect()
    regions = con.execute("SELECT region_id, name_en FROM read_parquet($p) ORDER BY region_id",
                          {"p": str(newest / "regions.parquet")}).fetchall()
    deals = [row[0] for row in con.execute(
        "SELECT opportunity_id FROM read_parquet($p) WHERE status = 'open' "
        "ORDER BY opportunity_id LIMIT 50",
        {"p": str(newest / "opportunities.parquet")}).fetchall()]
    con.close()
    return regions, deals


async def interactions(browser, server: Server, data_dir: Path, runs: int) -> dict:
    """Drill-downs clicked (rows of the scorecard and the stale deals), then as links, then a
    region chosen in the dashboard's sidebar; each repeat on another region or deal."""
    regions, deals = _choices(data_dir)
    used_regions, used_deals = {"GD"}, set()
    scorecard, pipeline = page_target("scorecard"), page_target("pipeline")
    region_drill = replace(scorecard, tiles=SCORECARD_REGION[0], charts=SCORECARD_REGION[1])
    deal_drill = replace(pipeline, tiles=PIPELINE_DEAL[0], charts=PIPELINE_DEAL[1])
    out = {"drill_scorecard_click": [], "drill_deal_click": [], "drill_scorecard_link": [],
           "drill_deal_link": [], "filter_region": []}

    async def in_tab(kind, job):
        tab = await Tab.open(browser)
        try:
            render = await job(tab)
            out[kind].append(render)
            return tab.page.url
        finally:
            await tab.close()

    for row in range(runs):
        async def click_region(tab, row=row):
            await tab.goto(server.url, scorecard)
            return await tab.click_row("score_table", row,
                                       replace(region_drill, search="region="))
        url = await in_tab("drill_scorecard_click", click_region)
        used_regions.update(re.findall(r"region=([A-Z]+)", url))

        async def click_deal(tab, row=row):
            await tab.goto(server.url, pipeline)
            return await tab.click_row("stale_table", row, replace(deal_drill, search="deal="))
        url = await in_tab("drill_deal_click", click_deal)
        used_deals.update(re.findall(r"deal=([^&]+)", url))
    fresh_regions = [r for r in regions if r[0] not in used_regions]
    fresh_deals = [d for d in deals if d not in used_deals]
    for region_id, _ in fresh_regions[:runs]:
        await in_tab("drill_scorecard_link", lambda tab, r=region_id: tab.goto(
            server.url, replace(region_drill, query=f"region={r}")))
        used_regions.add(region_id)
    for deal in fresh_deals[:runs]:
        await in_tab("drill_deal_link", lambda tab, d=deal: tab.goto(
            server.url, replace(deal_drill, query=f"deal={d}")))
    for region_id, name in [r for r in regions if r[0] not in used_regions][:runs]:
        async def choose(tab, region_id=region_id, name=name):
            dashboard = page_target("dashboard")
            await tab.goto(server.url, dashboard)
            page = tab.page
            await page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first.click()
            await page.keyboard.type(name)
            option = page.get_by_role("option").filter(has_text=name).first

            async def pick():
                await option.click()
                await page.keyboard.press("Escape")
            return await tab.timed(pick, replace(dashboard, search=f"region={region_id}"),
                                   TIMEOUT_S)
        await in_tab("filter_region", choose)
    return {kind: _summary(renders) for kind, renders in out.items()}


async def concurrency(browser, server: Server, names: list[str], sessions: int,
                      seconds: float) -> dict:
    """``sessions`` browser sessions, each opening a page and then clicking through the sidebar
    links (each session starting at another page) until ``seconds`` are over; a session whose
    render failed opens its next page afresh. Each session is a new tab of a browser that has
    shown the app before (its cache holds the app's scripts: the fresh tab of SPEC §8, people
    who open the cockpit every Monday), so the run does not spend the two cores compiling
    Streamlit's scripts twenty times over. The opening renders (each session's first page) and
    the page switches are also summarised apart."""
    opening: list[Render] = []  # each session's first page
    switches: list[Render] = []
    browser_context = await new_context(browser)
    tab = await Tab.open(browser, browser_context)
    await tab.goto(server.url, page_target("importer"))
    await tab.close()
    drain_s = await _drained(server)
    stop_at = time.monotonic() + seconds + RAMP_S * (sessions - 1)
    peak = {"rss_mib": server.rss_mib()}

    async def sample():
        while time.monotonic() < stop_at + TIMEOUT_S:
            peak["rss_mib"] = max(peak["rss_mib"], server.rss_mib())
            await asyncio.sleep(0.5)

    async def session(i: int):
        await asyncio.sleep(i * RAMP_S)
        tab = await Tab.open(browser, browser_context)

        async def render(name: str, fresh: bool) -> Render:
            target = replace(page_target(name, {**SHOWS, **LINKED}), query="")
            try:
                done = await (tab.goto(server.url, target) if fresh
                              else tab.click_link(name, target))
            except LookupError as exc:
                done = Render(None, error=str(exc))
            if done.dialog and not done.error:
                done.error = f"dialog: {done.dialog}"
            return done

        try:
            await cycle(names, i, stop_at, render, opening, switches)
        finally:
            await tab.close()

    sampler = asyncio.create_task(sample())
    cpu, busy, load = server.cpu_s(), _machine_busy_s(), os.getloadavg()
    started = time.monotonic()
    await asyncio.gather(*(session(i) for i in range(sessions)))
    wall = time.monotonic() - started
    sampler.cancel()
    await browser_context.close()
    renders = opening + switches
    overall = _spread(renders)
    errors = [r.error for r in renders if r.error]
    server_cpu, busy = server.cpu_s() - cpu, _machine_busy_s() - busy
    return {
        "sessions": sessions, "seconds": seconds, "wall_s": wall, **overall,
        "renders_per_s": overall["renders"] / wall if wall else None,
        "opening": _spread(opening), "switches": _spread(switches),
        "errors": len(errors), "error_kinds": _kinds(errors), "error_samples": errors[:10],
        "server_rss_peak_sampled_mib": peak["rss_mib"],
        # The machine's busy CPU time (all processes: /proc/stat) and the server's part of it;
        # the rest is the browsers (renderers, their compositor and browser processes) and this
        # client. Chromium's renderers of closed tabs are gone before a per-process count.
        "server_cpu_s": server_cpu, "machine_busy_cpu_s": busy,
        "machine_cpu_s": wall * (os.cpu_count() or 1),
        "load_before": load, "load_after": os.getloadavg(), "drain_before_s": drain_s,
    }


async def cycle(names: list[str], i: int, stop_at: float, render, opening: list[Render],
                switches: list[Render]) -> None:
    """Session ``i`` of a concurrency run until ``stop_at``: its first page (the ``i``-th of
    ``names``), then the next ones in turn by page switches, as ``render(name, fresh)`` renders
    them; after a failed render the next page is opened afresh. Each render goes to ``opening``
    (fresh) or ``switches``."""
    order = names[i % len(names):] + names[:i % len(names)]
    fresh, k = True, 0
    while time.monotonic() < stop_at:
        name = order[k % len(order)]
        k += 1
        done = await render(name, fresh)
        (opening if fresh else switches).append(done)
        fresh = done.seconds is None


def _p95(times: list[float]) -> float | None:
    return times[min(len(times) - 1, int(0.95 * len(times)))] if times else None


def _spread(renders: list[Render]) -> dict:
    """Finished renders: how many, p50, p95 and the slowest."""
    times = sorted(r.seconds for r in renders if r.seconds is not None)
    return {"renders": len(times), "p50_s": _median(times), "p95_s": _p95(times),
            "max_s": times[-1] if times else None}


def _machine_busy_s() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


async def _drained(server: Server, limit_s: float = 3 * TIMEOUT_S) -> float:
    """Wait until the server is idle (script runs of closed sessions go on until they end), so
    that a run does not inherit the last one's backlog; the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        cpu = server.cpu_s()
        await asyncio.sleep(2)
        if server.cpu_s() - cpu < 0.2:
            break
    return time.monotonic() - started


def _kinds(errors: list[str]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for error in errors:
        kind = error.split(":")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


# ----------------------------------------------------------------------------------- report

def _cell(seconds: float | None, target: float, errors: list | None = None) -> str:
    if errors and seconds is None:
        return "fails"
    if seconds is None:
        return "–"
    text = f"{seconds:.2f}"
    text = f"**{text}**" if seconds > target else text
    return text + (" (error)" if errors else "")


def _cost(summary: dict) -> str:
    if summary.get("cpu_s") is None:
        return "–"
    return f"{summary['cpu_s']:.2f} ({summary['server_cpu_s']:.2f})"


def table(results: dict) -> str:
    pages, tg = results["pages"], results["targets"]
    lines = [
        "| page | cold s (own fresh server) | first visit s (one fresh server) "
        "| fresh tab s (median) | page switch s (median) | new browser s (median) "
        "| progress text while cold | CPU s per switch / fresh tab (server's part) | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| *target (SPEC §8)* | ≤ {tg['first_visit_s']:g}, progress visible | "
        f"≤ {tg['first_visit_s']:g} | ≤ {tg['fresh_tab_s']:g} | ≤ {tg['page_switch_s']:g} | "
        f"(≤ {tg['fresh_tab_s']:g}) | yes | – | none |",
    ]
    for name, p in pages.items():
        cold_r, shared = p.get("cold", {}), p.get("first_on_shared_server", {})
        tab, switch = p.get("fresh_tab", {}), p.get("page_switch", {})
        new = p.get("new_browser", {})
        errors = sorted({e.split(":")[0] + (": " + e.split(":")[1][:60] if ":" in e else "")
                         for e in [cold_r.get("error"), shared.get("error"),
                                   *tab.get("errors", []), *switch.get("errors", []),
                                   *new.get("errors", [])] if e})
        if cold_r.get("dialog"):
            dialog = cold_r["dialog"].splitlines()
            errors = [e for e in errors if e.split(":")[-1].strip()[:20] not in cold_r["dialog"]]
            errors.append(f"cold: “{dialog[0]}” dialog")
        lines.append(
            f"| {name} | {_cell(cold_r.get('seconds'), tg['first_visit_s'], cold_r.get('error'))}"
            f" | {_cell(shared.get('seconds'), tg['first_visit_s'], shared.get('error'))}"
            f" | {_cell(tab.get('median_s'), tg['fresh_tab_s'], tab.get('errors'))}"
            f" | {_cell(switch.get('median_s'), tg['page_switch_s'], switch.get('errors'))}"
            f" | {_cell(new.get('median_s'), tg['fresh_tab_s'], new.get('errors'))}"
            f" | {'yes' if cold_r.get('progress') else 'no'}"
            f" | {_cost(switch)} / {_cost(tab)} | {'; '.join(errors) or '–'} |")
    lines += ["", "| measure | value | target |", "| --- | --- | --- |"]
    fresh = results.get("first_visit_new_data")
    if fresh:
        lines.append(f"| first visit after new data (dashboard, validation), s | "
                     f"{_fmt(fresh['seconds'])} (progress: "
                     f"{'yes' if fresh['progress'] else 'no'}) | progress visible |")
    labels = {"filter_region": "dashboard: one region chosen in the sidebar",
              "drill_scorecard_click": "scorecard: a region's row clicked (drill-down)",
              "drill_deal_click": "pipeline: a stale deal's row clicked (deal detail)",
              "drill_scorecard_link": "scorecard drill-down as a link, fresh tab",
              "drill_deal_link": "pipeline deal as a link, fresh tab"}
    for kind, label in labels.items():
        s = results.get("interactions", {}).get(kind)
        if s:
            lines.append(f"| {label}, median s | {_fmt(s['median_s'])}"
                         + (f" ({len(s['errors'])} errors)" if s["errors"] else "")
                         + f" | ≤ {tg['page_switch_s']:g} (in app) |")
    best = results.get("best_case")
    if best:
        lines.append(
            f"| at one tab's cost per page switch ({best['cpu_s_mean']:.2f} CPU s on average), "
            f"{best['cores']} cores give at most, renders/s; {best['sessions']} sessions' mean "
            f"render at best, s | {best['renders_per_s']:.2f}; {best['mean_render_s']:.1f} | – |")
    c = results.get("concurrency")
    if c:
        lines += [
            f"| {c['sessions']} sessions × {c['seconds']:.0f} s: renders per second | "
            f"{c['renders_per_s']:.2f} ({c['renders']} renders) | – |",
            f"| p50 / p95 / max render s | {_fmt(c['p50_s'])} / {_fmt(c['p95_s'])} / "
            f"{_fmt(c['max_s'])} | p95 ≤ {tg['concurrency_p95_s']:g} |",
            f"| errors (exception, console, timeout) | {c['errors']} {c['error_kinds'] or ''} | "
            f"{tg['concurrency_errors']} |",
            f"| server peak RSS MiB (sampled in the run / VmHWM since start) | "
            f"{c['server_rss_peak_sampled_mib']:.0f} / {results['server_peak_rss_mib']:.0f} | "
            f"≤ {tg['server_rss_mib']} |",
            f"| p50 / p95 s: each session's first page / page switches | "
            f"{_fmt(c['opening']['p50_s'])} / {_fmt(c['opening']['p95_s'])}; "
            f"{_fmt(c['switches']['p50_s'])} / {_fmt(c['switches']['p95_s'])} | – |",
            f"| CPU s in the run: server / the rest (browsers, Playwright) / the machine's "
            f"capacity | {c['server_cpu_s']:.0f} / "
            f"{c['machine_busy_cpu_s'] - c['server_cpu_s']:.0f} / {c['machine_cpu_s']:.0f} | – |",
        ]
    scaling = results.get("scaling")
    if scaling:
        lines.append("| renders per second at " + " / ".join(str(s["sessions"]) for s in scaling)
                     + " sessions (p50 s) | " + " / ".join(
                         f"{s['renders_per_s']:.2f} ({_fmt(s['p50_s'])})" for s in scaling)
                     + " | – |")
    c = results.get("server_sessions")
    if c:
        lines += [
            f"| the server alone (bench/protocol.py), {c['sessions']} sessions × "
            f"{c['seconds']:.0f} s: renders per second, p50 / p95 / max s | "
            f"{c['renders_per_s']:.2f} ({c['renders']} renders), {_fmt(c['p50_s'])} / "
            f"{_fmt(c['p95_s'])} / {_fmt(c['max_s'])} | p95 ≤ {tg['concurrency_p95_s']:g} |",
            f"| the server alone: errors; peak RSS MiB; CPU s server / machine busy | "
            f"{c['errors']} {c['error_kinds'] or ''}; {c['server_rss_peak_sampled_mib']:.0f}; "
            f"{c['server_cpu_s']:.0f} / {c['machine_busy_cpu_s']:.0f} | "
            f"{tg['concurrency_errors']}; ≤ {tg['server_rss_mib']} |",
            f"| the server alone, p50 / p95 s: first pages / page switches | "
            f"{_fmt(c['opening']['p50_s'])} / {_fmt(c['opening']['p95_s'])}; "
            f"{_fmt(c['switches']['p50_s'])} / {_fmt(c['switches']['p95_s'])} | – |",
        ]
    scaling = results.get("server_scaling")
    if scaling:
        lines.append("| the server alone, renders per second at "
                     + " / ".join(str(s["sessions"]) for s in scaling) + " sessions (p95 s) | "
                     + " / ".join(f"{s['renders_per_s']:.2f} ({_fmt(s['p95_s'])})"
                                  for s in scaling) + " | – |")
    if results.get("server_cache_data_mib") is not None:
        lines.append(f"| cached results at the end, MiB (st.cache_data, pickled) | "
                     f"{results['server_cache_data_mib']:.1f} | ≤ server.maxCacheDataSize "
                     f"(.streamlit/config.toml) |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- driver

async def run(args, data_dir: Path, names: list[str]) -> dict:
    results: dict = {"pages": {name: {} for name in names}}
    phases = set(args.phases)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if "cold" in phases:
            _say("first visit after new data (validation of unseen snapshots) …")
            results["first_visit_new_data"] = await first_visit_new_data(browser, data_dir)
            _say(f"  dashboard {_fmt(results['first_visit_new_data']['seconds'])} s")
            _say("cold: a fresh server process per page …")
            for name, render in (await cold(browser, data_dir, names)).items():
                results["pages"][name]["cold"] = render
        if phases <= {"cold"}:
            await browser.close()
            return results

        server = Server(data_dir, "warm")
        try:
            # Also what warms the server for the phases after it.
            _say("one fresh server: first visit of each page …")
            for name in names:
                tab = await Tab.open(browser)
                render = await tab.goto(server.url, page_target(name))
                await tab.close()
                results["pages"][name]["first_on_shared_server"] = asdict(render)
                _say(f"  {name:<13} {_fmt(render.seconds)} s"
                     + (f"  {render.error}" if render.error else ""))
            if "pages" in phases:
                await _pages(args, browser, server, names, results)
            if "interactions" in phases:
                _say("filter change and drill-downs …")
                results["interactions"] = await interactions(browser, server, data_dir,
                                                             args.runs)
                for kind, s in results["interactions"].items():
                    _say(f"  {kind:<22} median {_fmt(s['median_s'])} s  runs "
                         f"{[_fmt(x) for x in s['runs_s']]}"
                         + (f"  errors: {s['errors'][:2]}" if s["errors"] else ""))
            if "concurrency" in phases:
                await _concurrency(args, browser, server, names, results)
            if "server" in phases:
                await _server_sessions(args, server, names, results)
            results["server_peak_rss_mib"] = server.peak_rss_mib()
            results["server_cache_data_mib"] = server.cache_data_mib()
        finally:
            server.stop()
        await browser.close()
    return results


async def _pages(args, browser, server: Server, names: list[str], results: dict) -> None:
    _say(f"fresh tabs and new browsers, {args.runs} rounds …")
    for (kind, name), s in (await fresh_tabs(browser, server, names, args.runs)).items():
        results["pages"][name][kind] = s
        _say(f"  {kind:<11} {name:<13} median {_fmt(s['median_s'])} s  {s['ws_kib']:.0f} KiB ws"
             f"  {_cost(s)} CPU s"
             + (f"  {len(s['errors'])} errors: {s['errors'][0]}" if s["errors"] else ""))
    _say(f"page switches, {args.runs} per page …")
    for name, s in (await page_switches(browser, server, names, args.runs)).items():
        results["pages"][name]["page_switch"] = s
        _say(f"  {name:<13} median {_fmt(s['median_s'])} s, {_cost(s)} CPU s"
             + (f"  {len(s['errors'])} errors: {s['errors'][0]}" if s["errors"] else ""))
    costs = [results["pages"][name]["page_switch"]["cpu_s"] for name in names]
    if None not in costs:
        cores = os.cpu_count() or 1
        results["best_case"] = {"sessions": args.concurrency, "cores": cores,
                                **best_case(costs, args.concurrency, cores, SETTLE_MS / 1000)}


async def _concurrency(args, browser, server: Server, names: list[str], results: dict) -> None:
    _say(f"concurrency: {args.concurrency} sessions for {args.seconds:.0f} s …")
    c = results["concurrency"] = await concurrency(browser, server, names, args.concurrency,
                                                   args.seconds)
    _say(f"  {c['renders_per_s']:.2f} renders/s, p50 {_fmt(c['p50_s'])} s, p95 "
         f"{_fmt(c['p95_s'])} s, {c['errors']} errors, RSS peak "
         f"{c['server_rss_peak_sampled_mib']:.0f} MiB (waited {c['drain_before_s']:.0f} s "
         "for an idle server)")
    results["scaling"] = []
    for sessions in args.scale:
        s = await concurrency(browser, server, names, sessions, args.scale_seconds)
        results["scaling"].append(s)
        _say(f"  scaling {sessions:>2} sessions: {s['renders_per_s']:.2f} renders/s, "
             f"p50 {_fmt(s['p50_s'])} s, {s['errors']} errors (waited "
             f"{s['drain_before_s']:.0f} s for an idle server)")


async def _server_sessions(args, server: Server, names: list[str], results: dict) -> None:
    from bench import protocol  # here: it builds on this module

    _say(f"the server alone: {args.concurrency} protocol sessions for {args.seconds:.0f} s …")
    c = results["server_sessions"] = await protocol.concurrency(server, names, args.concurrency,
                                                                args.seconds)
    _say(f"  {c['renders_per_s']:.2f} renders/s, p50 {_fmt(c['p50_s'])} s, p95 "
         f"{_fmt(c['p95_s'])} s, {c['errors']} errors, RSS peak "
         f"{c['server_rss_peak_sampled_mib']:.0f} MiB, server {c['server_cpu_s']:.0f} of "
         f"{c['machine_busy_cpu_s']:.0f} busy CPU-s")
    results["server_scaling"] = []
    for sessions in args.scale:
        s = await protocol.concurrency(server, names, sessions, args.scale_seconds)
        results["server_scaling"].append(s)
        _say(f"  scaling {sessions:>2} sessions: {s['renders_per_s']:.2f} renders/s, "
             f"p50 {_fmt(s['p50_s'])} s, p95 {_fmt(s['p95_s'])} s, {s['errors']} errors")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1M lines, 2 runs, 20 s concurrency, 10 s per scale step")
    parser.add_argument("--orders", type=int, help="order lines (default 10M; --quick 1M)")
    parser.add_argument("--runs", type=int, help="repeats per warm measure (default 5)")
    parser.add_argument("--concurrency", type=int, default=20, help="sessions (default 20)")
    parser.add_argument("--seconds", type=float, help="concurrency run (default 120 s)")
    parser.add_argument("--scale", type=int, nargs="*", default=[1, 5, 10, 20],
                        help="sessions per scaling step (default 1 5 10 20)")
    parser.add_argument("--scale-seconds", type=float, help="per scaling step (default 30 s)")
    parser.add_argument("--pages", nargs="+", help="only these pages (default: all)")
    parser.add_argument("--phases", nargs="+", default=list(PHASES), choices=PHASES,
                        help="what to measure (default: all); the first visit of each page on "
                             "the warm server is always measured, it warms the server")
    args = parser.parse_args(argv)
    quick = args.quick
    args.orders = args.orders or (1_000_000 if quick else 10_000_000)
    args.runs = args.runs or (2 if quick else 5)
    args.seconds = args.seconds or (20 if quick else 120)
    args.scale_seconds = args.scale_seconds or (10 if quick else 30)
    names = [name for name, _ in PAGES if not args.pages or name in args.pages]

    generation = ensure_data(args.orders)
    data_dir = BENCH_DATA / f"orders_{args.orders}"
    load = os.getloadavg()
    started = time.monotonic()
    results = asyncio.run(run(args, data_dir, names))
    results = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "chromium": CHROMIUM, "load_before": load, "load_after": os.getloadavg(),
                    "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
        "orders": args.orders, "generation": generation, "runs": args.runs,
        "settle_ms": SETTLE_MS, "targets": TARGETS, **results,
    }
    RESULTS.write_text(json.dumps(results, indent=2, default=str))
    _say("\n" + table(results))
    _say(f"\nwrote {RESULTS.relative_to(ROOT)} in {time.monotonic() - started:.0f} s "
         f"(server logs in {LOGS.relative_to(ROOT)}); load {load[0]:.2f} → "
         f"{os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
