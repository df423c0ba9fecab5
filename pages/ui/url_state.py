"""View state in the URL query string (SPEC §4), as pure functions.

``parse`` turns query parameters into a ``UrlState`` plus the list of parameters it had to drop;
``to_params`` turns a state back into query parameters. Defaults (newest snapshot, the snapshot's
fiscal quarter, all filters, English) are left out of the address bar; a pinned link spells out
snapshot and period so it shows the same numbers next week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from data.schema import CHANNELS
from metrics.dashboard import LEVELS
from metrics.periods import parse_period
from pages.ui.i18n import DEFAULT_LANG, LANGS

SINGLE = ("snapshot", "period", "channel", "lang", "compare", "deal", "level", "rep", "wins")
# Parameters of one page's own state (an open deal or rep, the review level, the funnel
# calculator's wins), not carried to other pages by the navigation.
PAGE_LOCAL = ("deal", "level", "rep", "wins")
# An opportunity or rep id opened in a page's detail view; the page says when it is not found.
_DEAL_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
# The funnel calculator's wins: when the link names none, and the most it accepts.
DEFAULT_WINS = 10
MAX_WINS = 100_000
MULTI = {"region": "regions", "industry": "industries", "product_line": "product_lines"}
PARAMS = (*SINGLE, *MULTI)


@dataclass(frozen=True)
class UrlState:
    snapshot: str | None = None
    period: str | None = None
    regions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    product_lines: tuple[str, ...] = ()
    channel: str | None = None
    lang: str = DEFAULT_LANG
    compare: str | None = None
    deal: str | None = None
    level: str | None = None
    rep: str | None = None
    wins: str | None = None


@dataclass(frozen=True)
class Options:
    """What the served data allows: snapshot ids, region, industry and product-line ids."""

    snapshots: frozenset[str] = field(default_factory=frozenset)
    regions: frozenset[str] = field(default_factory=frozenset)
    industries: frozenset[str] = field(default_factory=frozenset)
    product_lines: frozenset[str] = field(default_factory=frozenset)


def _valid_single(name: str, value: str, options: Options) -> bool:
    if name in ("snapshot", "compare"):
        return value in options.snapshots
    if name in ("deal", "rep"):
        return bool(_DEAL_ID.match(value))
    if name == "level":
        return value in LEVELS
    if name == "wins":
        return value.isascii() and value.isdigit() and str(int(value)) == value \
            and 1 <= int(value) <= MAX_WINS
    if name == "period":
        try:
            return parse_period(value).code == value
        except ValueError:
            return False
    if name == "channel":
        return value in CHANNELS
    return value in LANGS


def _allowed(name: str, options: Options) -> frozenset[str]:
    if name == "region":
        return options.regions
    if name == "industry":
        return options.industries
    return options.product_lines


def parse(params: dict[str, list[str]], options: Options) -> tuple[UrlState, list[str]]:
    """The state the query parameters describe, and each ``name=value`` that was dropped
    (unknown parameter, invalid value). Empty values mean "all" and are not reported."""
    values: dict = {}
    dropped: list[str] = []
    for name, raw in params.items():
        items = [v for v in (raw if isinstance(raw, list) else [raw]) if v != ""]
        if name in SINGLE:
            if not items:
                continue
            good = [v for v in items if _valid_single(name, v, options)]
            dropped += [f"{name}={v}" for v in items if v not in good]
            if good:
                values[name] = good[-1]
        elif name in MULTI:
            allowed = _allowed(name, options)
            kept = tuple(dict.fromkeys(v for v in items if v in allowed))
            dropped += [f"{name}={v}" for v in items if v not in allowed]
            if kept:
                values[MULTI[name]] = kept
        else:
            dropped += [f"{name}={v}" for v in items] or [name]
    return UrlState(**values), dropped


def to_params(state: UrlState, *, pin: str | None = None, period: str | None = None) -> dict:
    """Query parameters for the state; ``pin`` and ``period`` make a link explicit about the
    snapshot and period even when they are the defaults."""
    if pin:
        state = replace(state, snapshot=pin, period=state.period or period)
    params: dict = {}
    for name in SINGLE:
        value = getattr(state, name)
        if value and not (name == "lang" and value == DEFAULT_LANG):
            params[name] = value
    for name, attr in MULTI.items():
        if getattr(state, attr):
            params[name] = list(getattr(state, attr))
    return params
