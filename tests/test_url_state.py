"""URL view state: round trip, invalid parameters dropped with a notice (SPEC §4)."""

from __future__ import annotations

import pytest

from pages.ui.url_state import Options, UrlState, parse, to_params

OPTIONS = Options(snapshots=frozenset({"2026-W46", "2026-W47"}),
                  regions=frozenset({"GD", "ZJ", "XJ"}), industries=frozenset({"GOV", "EDU"}),
                  product_lines=frozenset({"PC", "NB", "Server", "GTX"}))


@pytest.mark.parametrize("state", [
    UrlState(),
    UrlState(snapshot="2026-W46", period="FY26Q3", regions=("GD", "ZJ"), industries=("GOV",),
             product_lines=("PC", "Server"), channel="partner", lang="zh"),
    UrlState(period="2026-W53"),
    UrlState(compare="2026-W46", deal="OPP-00042"),
    UrlState(regions=("XJ",), lang="en"),
])
def test_round_trip(state):
    params = to_params(state)
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    assert parse(as_lists, OPTIONS) == (state, [])


def test_defaults_stay_out_of_the_address_bar():
    assert to_params(UrlState(lang="en")) == {}


def test_pinned_link_spells_out_snapshot_and_period():
    params = to_params(UrlState(regions=("GD",)), pin="2026-W47", period="FY26Q3")
    assert params == {"snapshot": "2026-W47", "period": "FY26Q3", "region": ["GD"]}
    # An explicit period wins over the default passed for pinning.
    params = to_params(UrlState(period="2026-11"), pin="2026-W47", period="FY26Q3")
    assert params["period"] == "2026-11"


def test_junk_parameters_are_dropped_and_reported():
    state, dropped = parse({"region": ["NOPE", "GD"], "period": ["garbage"], "foo": ["1"],
                            "lang": ["fr"], "snapshot": ["2019-W01"], "channel": ["web"],
                            "product_line": ["Phone"], "industry": [""],
                            "compare": ["2020-W01"], "deal": ["'; DROP TABLE"]}, OPTIONS)
    assert state == UrlState(regions=("GD",))
    assert sorted(dropped) == sorted(["region=NOPE", "period=garbage", "foo=1", "lang=fr",
                                      "snapshot=2019-W01", "channel=web", "product_line=Phone",
                                      "compare=2020-W01", "deal='; DROP TABLE"])


def test_duplicates_are_collapsed_and_non_canonical_periods_rejected():
    state, dropped = parse({"region": ["GD", "GD"], "period": ["fy26q3"]}, OPTIONS)
    assert state.regions == ("GD",)
    assert dropped == ["period=fy26q3"]
