"""The benchmark's protocol sessions (bench/protocol.py): the server's part of a render, measured
without a browser, must see the runs a browser would and count what a browser would show as an
error."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bench import protocol
from bench.browser import PAGES
from tests.browser_support import StreamlitServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from data.demo import generate

    data_dir = tmp_path_factory.mktemp("protocol-data")
    generate(data_dir, dt.date(2026, 11, 22), weeks=2, orders=5_000, seed=3)
    with StreamlitServer(data_dir, tmp_path_factory.mktemp("logs") / "streamlit.log") as srv:
        yield srv


def test_a_session_opens_a_page_and_switches_through_every_sidebar_page(server):
    names = [name for name, _ in PAGES]

    async def visit():
        session = protocol.Session(server.url)
        try:
            first = await session.open("pipeline")
            pages = dict(session.pages)
            switches = {name: await session.switch(name) for name in names}
            return first, pages, switches
        finally:
            await session.close()

    first, pages, switches = asyncio.run(visit())
    assert first.error is None and first.seconds is not None and first.ws_kib > 1
    # The sidebar's pages came with the first run, each under its own path.
    assert {"", "pipeline", "customers", "importer"} <= set(pages)
    assert len(set(pages.values())) == len(pages)
    for name, render in switches.items():
        assert render.error is None and render.seconds is not None, (name, render)
    # A page's elements went out once: going back to it sends references, not the tables again.
    again = asyncio.run(_open_then_back(server.url, "customers"))
    assert again[1].ws_kib < again[0].ws_kib / 2, again


async def _open_then_back(url: str, name: str):
    session = protocol.Session(url)
    try:
        first = await session.open(name)
        await session.switch("importer")
        return first, await session.switch(name)
    finally:
        await session.close()


def test_a_page_that_does_not_exist_is_an_error(server):
    async def visit():
        session = protocol.Session(server.url)
        try:
            return await session.open_path("no_such_page")
        finally:
            await session.close()

    render = asyncio.run(visit())
    assert render.error == "page not found: no_such_page"


def test_an_exception_or_the_apps_unexpected_error_message_is_an_error():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from pages.ui.i18n import t

    session = protocol.Session("http://127.0.0.1:1")

    def element(fill) -> ForwardMsg:
        msg = ForwardMsg()
        fill(msg.delta.new_element)
        return msg

    def exception(e):
        e.exception.type, e.exception.message = "KeyError", "'region_id'"

    def unexpected(e):
        e.alert.format, e.alert.body = 1, t("error.unexpected", "zh", id="ab12cd34")

    def other_error(e):  # a message the app shows on purpose (bad input) is not a failure
        e.alert.format, e.alert.body = 1, "The file has no header row."

    assert session._receive(element(exception)) == "exception: KeyError: 'region_id'"
    assert session._receive(element(unexpected)).startswith("unexpected error: 本页出现意外错误")
    assert session._receive(element(other_error)) is None
