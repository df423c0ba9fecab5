"""The server's part of a render (issue 16), for ``python -m bench.browser --phases server``.

The browser benchmark's twenty-session run puts twenty Chromium tabs on the server's two cores:
what it measures is mostly their drawing (bench/browser.py). People's browsers run on their
own machines, so this measures what the server delivers to twenty sessions at once: each session
is a client of Streamlit's own websocket protocol, sending what a browser tab sends (a page's
run with its address; then the sidebar links' page switches, with the hashes of the messages it
keeps, as ``global.maxCachedMessageAge`` lets a browser keep them) and drawing nothing. A render
is from the request to the end of the page's script run, every message of it received. What a
person waits for is about that plus their own browser's drawing of one page (the page switch
column of the browser table, measured with nothing else drawing).

An exception element, the app's "unexpected error" message, a page not found, a closed
connection or a render not finished within ``TIMEOUT_S`` is an error.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from bench.browser import (LINKED, RAMP_S, SHOWS, TIMEOUT_S, Render, Server, _drained, _kinds,
                           _machine_busy_s, _spread, cycle, page_target)
from pages.ui.i18n import LANGS, t

# A page's run is over; the others (a run cut short by st.rerun, a fragment's run) are not the
# end of a render.
_FINISHED = {ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
             ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR}
_ERROR_ALERT = 1  # Alert.Format.ERROR: st.error
# The app's message for an unexpected error (app.py), in any language, up to its error id.
_UNEXPECTED = tuple(t("error.unexpected", lang, id="\0").split("\0")[0] for lang in LANGS)


class Session:
    """One client of the app's websocket: ``open`` is a fresh tab on a page's address,
    ``switch`` a click on the page's sidebar link."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url.replace("http", "ws", 1) + "/_stcore/stream"
        self.origin = base_url
        self.ws = None
        self.pages: dict[str, str] = {}  # url path → page script hash (the navigation message)
        self.kept: set[str] = set()  # hashes of the cacheable messages received
        self.asked = ""  # the page of the render under way (a path, or a page script hash)

    async def open(self, name: str) -> Render:
        target = page_target(name)
        return await self.open_path(target.path.strip("/"), target.query)

    async def open_path(self, path: str, query: str = "") -> Render:
        """A fresh tab on ``/<path>?<query>``."""
        await self.close()
        self.pages, self.kept = {}, set()
        try:
            self.ws = await connect(self.url, subprotocols=["streamlit"], max_size=None,
                                    additional_headers={"Origin": self.origin})
        except (OSError, WebSocketException) as exc:
            return Render(None, error=f"connect: {type(exc).__name__}: {exc}"[:300])
        return await self._render(page_name=path, query_string=query)

    async def switch(self, name: str) -> Render:
        target = replace(page_target(name, {**SHOWS, **LINKED}), query="")
        script = self.pages.get(target.path.strip("/"))
        if script is None:
            return Render(None, error=f"no sidebar page {target.path}")
        return await self._render(page_script_hash=script, query_string="")

    async def _render(self, **state) -> Render:
        message = BackMsg()
        for key, value in state.items():
            setattr(message.rerun_script, key, value)
        message.rerun_script.cached_message_hashes.extend(sorted(self.kept))
        self.asked = state.get("page_name") or state.get("page_script_hash", "")
        started = time.monotonic()
        received, error = 0, None
        try:
            await self.ws.send(message.SerializeToString())
            async with asyncio.timeout(TIMEOUT_S):
                while True:
                    data = await self.ws.recv()
                    received += len(data)
                    msg = ForwardMsg()
                    msg.ParseFromString(data)
                    error = error or self._receive(msg)
                    kind = msg.WhichOneof("type")
                    if kind == "script_finished" and msg.script_finished in _FINISHED:
                        break
        except TimeoutError:
            return Render(None, error=f"timeout: not finished in {TIMEOUT_S} s",
                          ws_kib=received / 1024)
        except WebSocketException as exc:
            self.ws = None
            return Render(None, error=f"connection: {type(exc).__name__}", ws_kib=received / 1024)
        return Render(time.monotonic() - started, error=error, ws_kib=received / 1024)

    def _receive(self, msg: ForwardMsg) -> str | None:
        """Take ``msg`` as the client would: keep its hash when it is cacheable and the pages of a
        navigation message; return the error it shows, if any."""
        if msg.metadata.cacheable:
            self.kept.add(msg.hash)
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            self.pages = {page.url_pathname: page.page_script_hash
                          for page in msg.navigation.app_pages}
        elif kind == "page_not_found":
            return f"page not found: {msg.page_not_found.page_name or self.asked}"
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "exception":
                return f"exception: {element.exception.type}: {element.exception.message}"[:300]
            if (element.WhichOneof("type") == "alert" and element.alert.format == _ERROR_ALERT
                    and element.alert.body.startswith(_UNEXPECTED)):
                return f"unexpected error: {element.alert.body}"[:300]
        return None

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None


async def concurrency(server: Server, names: list[str], sessions: int, seconds: float) -> dict:
    """``sessions`` protocol sessions, each opening a page and then switching through the
    sidebar's pages (each session starting at another page) until ``seconds`` are over, as
    bench.browser.concurrency's tabs do; a session whose render failed opens its next page
    afresh. Renders per second, p50 / p95 (also apart for the first pages and the switches),
    errors, the server's peak RSS and CPU time."""
    opening: list[Render] = []
    switches: list[Render] = []
    drain_s = await _drained(server)
    stop_at = time.monotonic() + seconds + RAMP_S * (sessions - 1)
    peak = {"rss_mib": server.rss_mib()}

    async def sample():
        while True:
            peak["rss_mib"] = max(peak["rss_mib"], server.rss_mib())
            await asyncio.sleep(0.5)

    async def session(i: int):
        await asyncio.sleep(i * RAMP_S)
        client = Session(server.url)
        try:
            await cycle(names, i, stop_at,
                        lambda name, fresh: client.open(name) if fresh else client.switch(name),
                        opening, switches)
        finally:
            await client.close()

    sampler = asyncio.create_task(sample())
    cpu, busy = server.cpu_s(), _machine_busy_s()
    started = time.monotonic()
    await asyncio.gather(*(session(i) for i in range(sessions)))
    wall = time.monotonic() - started
    sampler.cancel()
    renders = opening + switches
    overall = _spread(renders)
    errors = [r.error for r in renders if r.error]
    return {
        "sessions": sessions, "seconds": seconds, "wall_s": wall, **overall,
        "renders_per_s": overall["renders"] / wall if wall else None,
        "opening": _spread(opening), "switches": _spread(switches),
        "errors": len(errors), "error_kinds": _kinds(errors), "error_samples": errors[:10],
        "server_rss_peak_sampled_mib": peak["rss_mib"], "server_cpu_s": server.cpu_s() - cpu,
        "machine_busy_cpu_s": _machine_busy_s() - busy, "drain_before_s": drain_s,
        "ws_mib": sum(r.ws_kib for r in renders) / 1024,
    }
