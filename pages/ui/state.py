"""Streamlit glue shared by every page: the served snapshot, the view state from the URL, the
sidebar (navigation, filters, share link) and cached metric calls.

The URL is the source of truth. Each run parses ``st.query_params`` into a view, drops invalid
parameters with a visible notice, and seeds the keyed sidebar widgets from it; a widget's
``on_change`` callback writes its new value back to the URL before the rerun.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from data import config
from data.schema import CHANNELS
from data.store import (DataFolderError, SnapshotDatabase, SnapshotInfo, data_dir_from_env,
                        discover, newest_valid, preparing, previous_valid, watch)
from metrics import availability, dashboard, pipeline
# For the snapshot tables they register (metrics.view.prepare, in ``warm``).
from metrics import alerts, customers, scorecard  # noqa: F401
from metrics.periods import (default_period, month_of, parse_period, period_choices,
                             quarter_of, week_of, year_of)
from data.access import Scope
from metrics.view import View, prepare
from pages.ui import auth, grid, start, vocab
from pages.ui.i18n import DEFAULT_LANG, LANGS, md, t
from pages.ui.url_state import MULTI, PAGE_LOCAL, Options, UrlState, parse, to_params

_CONTEXT_KEY = "_cockpit_context"


@dataclass
class Context:
    """Everything a page needs for this run."""

    lang: str
    data_dir: Path
    url: UrlState
    info: SnapshotInfo | None = None
    compare: SnapshotInfo | None = None
    view: View | None = None
    pages: dict = field(default_factory=dict)
    snapshots: list[SnapshotInfo] = field(default_factory=list)
    dims: dict[str, pd.DataFrame] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    # Who is looking (SPEC §11); nobody in the open app.
    visitor: auth.Visitor = field(default_factory=auth.Visitor)
    # No snapshot is ready yet, but one is being checked in the background.
    preparing: bool = False
    # Snapshots being checked in the background while this one is served.
    pending: tuple[str, ...] = ()
    # Why no page can be shown (an unusable configuration, an unreadable data folder), as the
    # message to show; pages stop after it.
    problem: str | None = None

    def region_name(self, region_id: str) -> str:
        return self._names("regions", "region_id").get(region_id, region_id)

    def industry_name(self, industry_id: str) -> str:
        return self._names("industries", "industry_id").get(industry_id, industry_id)

    def _names(self, table: str, key: str) -> dict[str, str]:
        """id → name of a dimension, built once per run (tables name thousands of rows)."""
        frame = self.dims.get(table)
        cache = self.__dict__.setdefault("_name_cache", {})
        token = (table, id(frame), self.lang)
        if token not in cache:
            cache[token] = _names(frame, key, self.lang)
        return cache[token]


def _names(frame: pd.DataFrame | None, key: str, lang: str) -> dict[str, str]:
    """Each id's name in ``lang``, else its English name; an id without one keeps the id
    (SPEC §9)."""
    if frame is None or frame.empty:
        return {}
    names = {}
    for row in frame.to_dict("records"):
        for column in (f"name_{lang}", "name_en"):
            value = row.get(column)
            if isinstance(value, str) and value.strip():
                names[row[key]] = value
                break
    return names


_started = False


def first_run() -> bool:
    """True the first time it is asked in this process (app.py's first run), False after."""
    global _started
    first, _started = not _started, True
    return first


# ------------------------------------------------------------------------------------- data access

@st.cache_resource(show_spinner=False)
def _database() -> SnapshotDatabase:
    return SnapshotDatabase()


@st.cache_data(ttl=30, show_spinner=False)
def _snapshots(data_dir: str) -> list[SnapshotInfo]:
    # Re-read every 30 s so a newly written snapshot appears without a restart. A folder not
    # checked yet is checked in the background (data.store.prepare) while the visitor is served
    # the newest snapshot that is ready; the store watches the folder for new ones.
    watch(Path(data_dir))
    return discover(Path(data_dir), wait=False)


def warm() -> None:
    """Before the server listens (pages/ui/serve.py): attach the snapshot a first visitor is
    served and last week's, and read their dimensions, so the first page run after a restart
    only queries, and compute the snapshot tables its pages share (``metrics.view.prepare``).
    Snapshots not checked yet are left to the background check."""
    data_dir = data_dir_from_env()
    snapshots = [i for i in discover(data_dir, wait=False) if not i.preparing]
    newest = newest_valid(snapshots)
    if newest is None:
        return
    previous = previous_valid(snapshots, newest)
    view = View(newest.snapshot_id, newest.as_of, default_period(newest.as_of),
                compare=previous.snapshot_id if previous else None)
    con = _database().cursor(newest, also=(previous,) if previous else ())
    try:
        dashboard.dimensions(con)
        # What every view of the snapshot shares (every customer's tier and buying history,
        # the open deals, the deals' stage entries, the alert rules' candidate lines: 1.3 s at
        # 10M lines, most of it the candidates), so no page's first run after a restart computes
        # it; and the two weeks' open deals side by side that the movement reads.
        prepare(con, view)
        if view.compare:
            pipeline.movement(con, view)
    finally:
        con.close()


def refresh_snapshots() -> None:
    """Forget the discovered snapshots, so a snapshot written just now is served at once."""
    _snapshots.clear()


@st.cache_data(show_spinner=False)
def _dimensions(_info: SnapshotInfo, snapshot_path: str,
                scope: Scope | None) -> dict[str, pd.DataFrame]:
    return dashboard.dimensions(_database().cursor(_info, scope=scope))


@st.cache_data(show_spinner=False, max_entries=1024)
def _metric(name: str, view: View, snapshot_path: str, args: tuple, _fn: Callable,
            _info: SnapshotInfo, _also: tuple[SnapshotInfo, ...], _facts: dict):
    # The view names the scope: a limited one reads a cursor holding only its rows (SPEC §11).
    con = _database().cursor(_info, also=_also, scope=view.scope)
    try:
        return _fn(con, view, *args, **_facts)
    finally:
        con.close()


def metric(ctx: Context, fn: Callable, view: View | None = None, args: tuple = (),
           also: tuple[SnapshotInfo, ...] = (), **facts):
    """``fn(con, view, *args)`` from metrics/ for the current view (or ``view``, a variant of it
    such as one region's drill-down), cached by the function's name, the snapshot, the view state
    (which names the comparison snapshot) and ``args`` (hashable: a review level, a rep id).
    ``also``: further snapshots the query reads (attached beside the served one; their ids must
    be in ``args``). ``facts``: keyword arguments the snapshot itself determines (such as what
    its validation recorded), so they are not part of the key."""
    attached = tuple(dict.fromkeys(s for s in (ctx.compare, *also) if s is not None))
    # A cached call returns at once; one computed shows what is happening after half a second
    # (st.spinner's delay), so a first visit is never a silent wait.
    with st.spinner(t("computing", ctx.lang)):
        return _metric(f"{fn.__module__}.{fn.__qualname__}", view or ctx.view,
                       str(ctx.info.path), args, fn, ctx.info, attached, facts)


@st.cache_data(show_spinner=False, max_entries=256)
def _deal(opportunity_id: str, snapshot_path: str, scope: Scope | None, _info: SnapshotInfo):
    con = _database().cursor(_info, scope=scope)
    try:
        return pipeline.deal_detail(con, opportunity_id, _info.as_of)
    finally:
        con.close()


def deal(ctx: Context, opportunity_id: str) -> dict | None:
    """One opportunity and its stage timeline, or None when the snapshot has no such deal."""
    return _deal(opportunity_id, str(ctx.info.path), ctx.view.scope, ctx.info)


# ------------------------------------------------------------------------------------ view state

def url_lang() -> str:
    """The language the URL asks for (``lang=``), else the default."""
    return next((v for v in reversed(st.query_params.get_all("lang")) if v in LANGS),
                DEFAULT_LANG)


def load(visitor: auth.Visitor) -> Context:
    """Resolve this run's snapshot and view from the URL for ``visitor``; record notices for
    what was dropped or narrowed. Pages read the result with ``context()``."""
    ctx = _resolve(visitor)
    st.session_state[_CONTEXT_KEY] = ctx
    return ctx


def _resolve(visitor: auth.Visitor) -> Context:
    data_dir = data_dir_from_env()
    raw = {name: st.query_params.get_all(name) for name in st.query_params}
    asked = {name: list(values) for name, values in raw.items()}
    lang = url_lang()
    try:
        config.current(data_dir)
    except config.ConfigError as exc:
        return Context(lang=lang, data_dir=data_dir, url=UrlState(lang=lang),
                       problem=md("notice.config_error", lang, error=exc))
    try:
        snapshots = _snapshots(str(data_dir))
    except DataFolderError as exc:
        return Context(lang=lang, data_dir=data_dir, url=UrlState(lang=lang),
                       problem=md("notice.data_folder", lang, error=exc))
    ctx = Context(lang=lang, data_dir=data_dir, url=UrlState(lang=lang), snapshots=snapshots,
                  visitor=visitor)
    newest = newest_valid(snapshots)
    new = [i for i in snapshots if i.preparing]
    if new:
        refresh_snapshots()  # the next run looks again
        ctx.snapshots = snapshots = [i for i in snapshots if not i.preparing]
    if newest is None:
        if new:
            ctx.preparing = True  # page_header waits for it, showing what is being checked
        elif snapshots:  # an empty folder gets the starting point instead (page_header)
            ctx.notices.append(md("notice.no_snapshot", lang, data_dir=data_dir))
        return ctx
    ctx.pending = tuple(i.snapshot_id for i in new)
    newer = [i.snapshot_id for i in new if (i.as_of or dt.date.min) > newest.as_of]
    older = [i.snapshot_id for i in new if (i.as_of or dt.date.min) < newest.as_of]
    if newer:
        ctx.notices.append(md("notice.preparing", lang, new=", ".join(newer),
                              served=newest.snapshot_id))
    if older:
        ctx.notices.append(md("notice.preparing_older", lang, older=", ".join(older)))

    by_id = {info.snapshot_id: info for info in snapshots}
    requested = next(iter(reversed(raw.get("snapshot", []))), None)
    info = by_id.get(requested) if requested else newest
    if info is None or not info.valid:
        info = newest
    fallback_from = requested if requested in by_id and not by_id[requested].valid else None
    if requested is None and snapshots[0] is not newest:
        fallback_from = snapshots[0].snapshot_id
    if fallback_from:
        bad = by_id[fallback_from]
        ctx.notices.append(md("notice.fallback", lang, bad=fallback_from, error=bad.errors[0],
                             good=newest.snapshot_id))
        if requested == fallback_from:
            raw.pop("snapshot")

    dims = ctx.dims = _dimensions(info, str(info.path), visitor.scope)
    _narrow(ctx, raw, frozenset(dims["regions"]["region_id"]))
    options = Options(snapshots=frozenset(i.snapshot_id for i in snapshots if i.valid),
                      regions=frozenset(dims["regions"]["region_id"]),
                      industries=frozenset(dims["industries"]["industry_id"]),
                      product_lines=frozenset(dims["product_lines"]["product_line"]))
    url, dropped = parse(raw, options)
    if dropped:
        ctx.notices.append(md("notice.bad_params", lang, params=", ".join(dropped)))
    default_compare = previous_valid(snapshots, info)
    if url.compare and not by_id[url.compare].as_of < info.as_of:
        # Week-over-week movement starts from an earlier snapshot, never the served or a later one.
        ctx.notices.append(md("notice.compare_not_older", lang, compare=url.compare,
                              snapshot=info.snapshot_id))
        url = replace(url, compare=None)
    compare = by_id[url.compare] if url.compare else default_compare
    url = _without_defaults(url, newest, info, default_compare)
    canonical = to_params(url)
    if _as_lists(canonical) != asked:
        st.query_params.from_dict(canonical)

    period = parse_period(url.period) if url.period else default_period(info.as_of)
    ctx.url, ctx.info, ctx.dims, ctx.compare = url, info, dims, compare
    ctx.view = View(info.snapshot_id, info.as_of, period, url.regions, url.industries,
                    url.product_lines, url.channel,
                    compare=compare.snapshot_id if compare else None, scope=visitor.scope)
    if period.start > info.as_of:
        ctx.notices.append(md("notice.not_started", lang, period=period.code, start=period.start,
                              as_of=info.as_of))
    return ctx


def _narrow(ctx: Context, raw: dict[str, list[str]], visible: frozenset[str]) -> None:
    """A limited scope (SPEC §11): regions a link asks for outside the scope leave the view, with
    a notice. (The numbers are narrowed where they are computed in any case.)"""
    scope = ctx.visitor.scope
    if scope is None or not scope.limited or not raw.get("region"):
        return
    outside = [r for r in raw["region"] if r not in visible]
    if outside:
        raw["region"] = [r for r in raw["region"] if r in visible]
        if not raw["region"]:
            raw.pop("region")
        ctx.notices.append(md("auth.narrowed", ctx.lang, asked=", ".join(outside),
                              scope=vocab.scope(scope, ctx.lang, ctx.region_name)))


def _without_defaults(url: UrlState, newest: SnapshotInfo, info: SnapshotInfo,
                      default_compare: SnapshotInfo | None) -> UrlState:
    if url.snapshot == newest.snapshot_id:
        url = replace(url, snapshot=None)
    if url.period == default_period(info.as_of).code:
        url = replace(url, period=None)
    if default_compare and url.compare == default_compare.snapshot_id:
        url = replace(url, compare=None)
    return url


def _as_lists(params: dict) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def context() -> Context:
    """The context ``app.py`` resolved for this run."""
    return st.session_state[_CONTEXT_KEY]


def nav_params(ctx: Context) -> dict:
    """Query parameters that carry the view state to another page (not a page's own state: an
    open deal or rep, the review level, the funnel calculator's wins)."""
    return to_params(replace(ctx.url, **{name: None for name in PAGE_LOCAL}))


def share_link(ctx: Context) -> str:
    """A link that reproduces this view exactly, pinned to the snapshot and period."""
    params = to_params(ctx.url, pin=ctx.info.snapshot_id, period=ctx.view.period.code)
    base = st.context.url or ""
    return f"{base}?{urllib.parse.urlencode(params, doseq=True)}"


# --------------------------------------------------------------------------------------- sidebar

def _write_param(name: str) -> None:
    """on_change: copy a widget's value into the URL (empty / default values leave it)."""
    value = st.session_state[f"w_{name}"]
    if isinstance(value, list):
        value = [v for v in value if v]
    if value in (None, "", [], "all"):
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = value


def sidebar(ctx: Context, pages: list) -> None:
    """Navigation that keeps the view state, the shared filters, and the share link."""
    lang = ctx.lang
    ctx.pages = {page.url_path: page for page in pages}
    with st.sidebar:
        st.title(md("app.title", lang))
        st.caption(md("nav.header", lang))
        for page in pages:
            if page.url_path != "importer" or ctx.visitor.may_import:
                st.page_link(page, query_params=nav_params(ctx))
        auth.sidebar(ctx.visitor, lang, ctx.region_name)
        if ctx.view is None:
            _language_switch(ctx)
            return
        st.subheader(md("filters.header", lang))
        _seed_widgets(ctx)
        as_of = {i.snapshot_id: i.as_of for i in ctx.snapshots if i.valid}
        st.selectbox(t("filters.snapshot", lang), list(as_of),
                     format_func=lambda sid: f"{sid} · {as_of[sid]}",
                     key="w_snapshot", help=md("filters.snapshot.help", lang),
                     on_change=_write_param, args=("snapshot",))
        choices = period_choices(ctx.view.as_of)
        if ctx.view.period.code not in choices:
            choices.insert(0, ctx.view.period.code)
        st.selectbox(t("filters.period", lang), choices, key="w_period",
                     format_func=lambda code: _period_label(code, lang),
                     help=md("filters.period.help", lang, week=week_of(ctx.view.as_of).code,
                             month=month_of(ctx.view.as_of).code,
                             quarter=quarter_of(ctx.view.as_of).code,
                             year=year_of(ctx.view.as_of).code,
                             start_month=config.setting("business.fiscal_year_start_month")),
                     on_change=_write_param, args=("period",))
        st.multiselect(t("filters.regions", lang), list(ctx.dims["regions"]["region_id"]),
                       key="w_region", format_func=ctx.region_name,
                       placeholder=t("filters.all", lang), on_change=_write_param,
                       args=("region",))
        st.multiselect(t("filters.industries", lang), list(ctx.dims["industries"]["industry_id"]),
                       key="w_industry", format_func=ctx.industry_name,
                       placeholder=t("filters.all", lang), on_change=_write_param,
                       args=("industry",))
        st.multiselect(t("filters.product_lines", lang), list(ctx.dims["product_lines"]["product_line"]),
                       key="w_product_line", format_func=lambda pl: vocab.product_line(pl, lang),
                       placeholder=t("filters.all", lang), on_change=_write_param,
                       args=("product_line",))
        st.selectbox(t("filters.channel", lang), ["all", *CHANNELS], key="w_channel",
                     format_func=lambda c: t("filters.all" if c == "all" else f"channel.{c}", lang),
                     on_change=_write_param, args=("channel",))
        older = [i.snapshot_id for i in ctx.snapshots
                 if i.valid and i.as_of and i.as_of < ctx.info.as_of]
        if older:
            st.selectbox(t("filters.compare", lang), older, key="w_compare",
                         format_func=lambda sid: f"{sid} · {as_of[sid]}",
                         help=md("filters.compare.help", lang),
                         on_change=_write_param, args=("compare",))
        _language_switch(ctx)


def _language_switch(ctx: Context) -> None:
    st.session_state["w_lang"] = ctx.lang
    st.radio(t("filters.language", ctx.lang), list(LANGS), key="w_lang", horizontal=True,
             format_func=lambda code: {"en": "English", "zh": "中文"}[code],
             on_change=_write_param, args=("lang",))


def _period_label(code: str, lang: str) -> str:
    period = parse_period(code)
    return t("period.label", lang, code=code, start=f"{period.start:%m-%d}",
             end=f"{period.end:%m-%d}")


def _seed_widgets(ctx: Context) -> None:
    """Set each widget's value from the URL before the widget is drawn."""
    st.session_state["w_snapshot"] = ctx.info.snapshot_id
    st.session_state["w_period"] = ctx.view.period.code
    for name, attr in MULTI.items():
        st.session_state[f"w_{name}"] = list(getattr(ctx.url, attr))
    st.session_state["w_channel"] = ctx.url.channel or "all"
    st.session_state["w_level"] = ctx.url.level or "region"
    if ctx.compare is not None:
        st.session_state["w_compare"] = ctx.compare.snapshot_id


def deal_table(frame: pd.DataFrame, shown: grid.Table, key: str, lang: str) -> None:
    """A table of deals; selecting a row opens that deal's detail view (``deal=`` in the URL)."""
    grid.show(shown, lang, key=key,
              on_select=functools.partial(_open_deal, key, list(frame["opportunity_id"])))


def _open_deal(key: str, ids: list[str]) -> None:
    rows = st.session_state[key].selection.rows
    if rows:
        st.query_params["deal"] = ids[rows[0]]


def set_level() -> None:
    """on_change of the review-level switch: the level into the URL (region is the default;
    a second click on the selected level clears the control and means region too)."""
    level = st.session_state.get("w_level")
    if level in (None, "region"):
        st.query_params.pop("level", None)
    else:
        st.query_params["level"] = level


def review_label(ctx: Context, level: str) -> Callable:
    """The name of a review table's row (a ``review_table`` row tuple) in the page's language."""
    lang = ctx.lang

    def label(row) -> str:
        if level == "region":
            return ctx.region_name(row.key)
        if level == "industry":
            return ctx.industry_name(row.key)
        if level == "product_line":
            return vocab.product_line(row.key, lang)
        if row.key is None or row.key != row.key:  # a region group left empty in the data
            return t("review.no_group", lang)
        name = row.name_en if level == "account" else None
        return str(name) if isinstance(name, str) and name.strip() else str(row.key)
    return label


def set_wins() -> None:
    """on_change of the funnel calculator's wins: the number into the URL (``wins=``)."""
    wins = st.session_state.get("w_wins")
    if wins:
        st.query_params["wins"] = str(int(wins))
    else:
        st.query_params.pop("wins", None)


def open_rep(rep_id: str) -> None:
    """Open a rep's one-on-one page (``rep=`` in the URL)."""
    st.query_params["rep"] = rep_id
    st.rerun()


def open_rep_page(ctx: Context, rep_id: str) -> None:
    """Go to a rep's one-on-one page from another page, keeping the view."""
    st.switch_page(ctx.pages["reps"], query_params={**nav_params(ctx), "rep": rep_id})


def close_rep() -> None:
    st.query_params.pop("rep", None)


def pick_region() -> None:
    """on_change of the region review's picker: that one region becomes the region filter."""
    region = st.session_state.get("w_region_pick")
    if region:
        st.query_params["region"] = region
    else:
        st.query_params.pop("region", None)


def view_key(ctx: Context, name: str) -> str:
    """A widget key that changes with the view, so a table's row selection starts afresh when
    the rows change (a drill that filters the table must not select its new first row)."""
    digest = hashlib.sha1(repr((ctx.view, ctx.url)).encode()).hexdigest()[:10]
    return f"{name}_{digest}"


def filter_to(ctx: Context, name: str, value: str) -> None:
    """Click to drill: ``value`` becomes the filter ``name`` (region, industry, product_line) in
    the view and the URL."""
    st.query_params[name] = [value]
    st.rerun()


def drill(ctx: Context, level: str, key) -> None:
    """A click on a review row: a region opens its region review; an industry or a product line
    becomes the filter; a region group filters to its regions."""
    if level == "region":
        open_region(ctx, key)
    if level in ("industry", "product_line"):
        filter_to(ctx, level, key)
    if level == "region_group":
        regions = ctx.dims["regions"]
        group = regions["region_group"].isna() if key is None or key != key \
            else regions["region_group"] == key
        st.query_params["region"] = list(regions.loc[group, "region_id"])
    st.rerun()


def open_region(ctx: Context, region_id: str) -> None:
    """Go to the region review of ``region_id`` (SPEC §10.2), keeping period and snapshot."""
    params = {**nav_params(ctx), "region": region_id}
    st.switch_page(ctx.pages["region"], query_params=params)


def close_deal() -> None:
    st.query_params.pop("deal", None)


def page_header(name: str, needs_snapshot: bool = True) -> Context:
    """Every page's top: its title and this run's notices; without a valid snapshot, a page that
    needs one stops here (the notice says what to do)."""
    ctx = context()
    st.title(md(f"page.{name}", ctx.lang))
    if ctx.view is not None:
        filter_chips(ctx)
    if ctx.problem:
        st.error(ctx.problem, icon=":material/error:")
        st.stop()
    notices(ctx)
    if ctx.preparing:
        _wait_for_preparation(ctx)
    if ctx.pending:
        _rerun_when_prepared(ctx.data_dir)
    if needs_snapshot and ctx.view is None:
        if not ctx.snapshots and ctx.visitor.may_import:
            start.panel(ctx, on_written=refresh_snapshots)
        st.stop()
    return ctx


# ------------------------------------------------------------------------------- filter chips

def _chips(ctx: Context) -> dict[str, str]:
    """The active filters as chips: ``param=value`` → its label (the region's name, …)."""
    lang, url = ctx.lang, ctx.url
    chips = {f"region={r}": ctx.region_name(r) for r in url.regions}
    chips |= {f"industry={i}": ctx.industry_name(i) for i in url.industries}
    chips |= {f"product_line={pl}": vocab.product_line(pl, lang) for pl in url.product_lines}
    if url.channel:
        chips[f"channel={url.channel}"] = t(f"channel.{url.channel}", lang)
    return chips


def filter_chips(ctx: Context) -> None:
    """Under every page's title: the active filters as chips (removing a chip removes that
    filter from the view and the URL), and the share control with a copy button. On a phone,
    where the sidebar is folded away, this is how a shared link says what it shows."""
    lang = ctx.lang
    chips = _chips(ctx)
    left, right = st.columns([5, 1], vertical_alignment="center")
    with left:
        if chips:
            st.session_state["w_chips"] = list(chips)
            st.pills(t("chips.label", lang), list(chips), selection_mode="multi",
                     format_func=lambda chip: f"{chips[chip]} ✕", key="w_chips",
                     on_change=_remove_chip,
                     args=(tuple(chips),), label_visibility="collapsed",
                     help=t("chips.help", lang))
        elif ctx.visitor.scope is not None and ctx.visitor.scope.limited:
            st.caption(md("chips.scope", lang, scope=vocab.scope(
                ctx.visitor.scope, lang, ctx.region_name)))
        else:
            st.caption(md("chips.none", lang))
    with right.popover(t("share.button", lang), icon=":material/share:", width="stretch"):
        st.caption(md("link.header", lang))
        st.code(share_link(ctx), language=None, wrap_lines=True)
        st.caption(md("link.caption", lang, snapshot=ctx.info.snapshot_id))


def _remove_chip(shown: tuple[str, ...]) -> None:
    """on_change of the chips: each chip no longer selected leaves the URL."""
    kept = set(st.session_state.get("w_chips") or ())
    for chip in shown:
        if chip in kept:
            continue
        name, value = chip.split("=", 1)
        if name == "channel":
            st.query_params.pop("channel", None)
            continue
        values = [v for v in st.query_params.get_all(name) if v != value]
        if values:
            st.query_params[name] = values
        else:
            st.query_params.pop(name, None)


def unavailable(ctx: Context, *groups: str) -> None:
    """Say which of the page's ``groups`` of metrics (metrics.availability.NEEDS) this data
    cannot compute, and why: one note under the title, not a 0 in a tile."""
    missing = metric(ctx, _unavailable)
    shown = [t("availability.item", ctx.lang, what=t(f"availability.{group}", ctx.lang),
               tables=", ".join(missing[group])) for group in groups if group in missing]
    if shown:
        st.info(md("availability.note", ctx.lang, items="; ".join(shown)),
                icon=":material/info:")


def _unavailable(con, view) -> dict:
    return availability.unavailable(con)


@st.fragment(run_every=2)
def _rerun_when_prepared(data_dir: Path) -> None:
    """While snapshots are checked in the background, look every 2 s; when one is ready, run
    the page again with it (the newest week, or last week's comparison)."""
    if preparing(data_dir) is None:
        refresh_snapshots()
        st.rerun()


def _wait_for_preparation(ctx: Context, limit_s: float = 600) -> None:
    """No snapshot is ready and one is being checked: show which and for how long, and serve the
    page as soon as it is ready."""
    lang = ctx.lang
    with st.status(t("preparing.title", lang), expanded=True) as status:
        line = st.empty()
        started, first = time.monotonic(), preparing(ctx.data_dir)
        while time.monotonic() - started < limit_s:
            now = preparing(ctx.data_dir)
            if now is None or first is None or now[0] != first[0]:  # one is ready: serve it
                break
            line.caption(md("preparing.detail", lang, snapshot=now[0], seconds=f"{now[1]:.0f}"))
            time.sleep(0.5)
        status.update(label=t("preparing.done", lang), state="complete")
    refresh_snapshots()
    st.rerun()


def may_import(ctx: Context) -> None:
    """Writing data is an administrator's (SPEC §11): anyone else gets a message and the page
    stops."""
    if not ctx.visitor.may_import:
        st.info(md("auth.import_admin_only", ctx.lang), icon=":material/lock:")
        st.stop()


def scope_words(ctx: Context,
                filters: tuple[str, ...] = ("regions", "industries", "product_lines", "channel")
                ) -> str:
    """What a page's numbers cover, for its subtitle: a filtered view (by one of the ``filters``
    the page applies), the visitor's scope when it is limited (SPEC §11), else all regions."""
    view = ctx.view
    if any(getattr(view, name) for name in filters):
        return t("scope.filtered", ctx.lang)
    scope = ctx.visitor.scope
    if scope is not None and scope.limited:
        return vocab.scope(scope, ctx.lang, ctx.region_name)
    return t("scope.national", ctx.lang)


def notices(ctx: Context) -> None:
    """Show this run's notices at the top of the page."""
    for notice in ctx.notices:
        st.warning(notice, icon=":material/warning:")
