"""Market-order check (SPEC §10.5) against a hand-built month."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from data.config import SCORE_CRITERIA
from metrics import market_order
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import D, connect, make_snapshot, opportunity, order

# October 2026; deep-discount limit 25 %, key-order minimum 1,000,000 (the defaults).
ORDERS = [
    order("2026-10-05", 500, 450, special_price=True),                        # O1: C1, no deal
    order("2026-10-06", 700, 600, channel="partner", discount_pct=0.30),      # O2: above 25 %
    order("2026-10-07", 700, 600, channel="partner", discount_pct=0.25),      # O3: at the limit
    order("2026-10-08", 1_000_000, 900_000),                                  # O4: key, no deal
    order("2026-10-09", 1_000_000, 900_000, opportunity_id="W1"),             # O5: key, linked
    order("2026-10-10", Decimal("999999.99"), 900_000),                      # O6: below the key
    order("2026-10-11", 800, 700, region_id="R2", special_price=True,         # O7: C2 unscored,
          opportunity_id="W1"),                                               #     linked
    order("2026-11-02", 500, 450, special_price=True),                        # O8: November
]
# C1 scores 3 on every criterion: attractiveness 3, feasibility 3 → scored, not pursued.
SCORES = [{"customer_id": "C1", "criterion": c, "score": 3.0} for c in SCORE_CRITERIA]


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    info = make_snapshot(tmp_path_factory.mktemp("market"), "2026-11-22", orders=ORDERS,
                         customer_scores=SCORES,
                         opportunities=[{**opportunity("W1", 1_000_000, 5, "2026-10-09",
                                                       status="won"),
                                         "closed_date": D("2026-10-09")}])
    assert info.valid, info.errors
    return info, connect(info)


def test_each_suspect_line_with_every_reason(month):
    info, con = month
    frame = market_order.suspect_lines(con, View(info.snapshot_id, info.as_of,
                                                 parse_period("2026-10")))
    assert list(zip(frame["order_id"], frame["reason"])) == [
        ("O1", "special_price_no_opportunity"), ("O1", "not_pursued_customer"),
        ("O2", "partner_deep_discount"),
        ("O4", "key_order_no_opportunity"),
    ]
    assert frame["rep"].tolist() == ["Li Na"] * 4 and set(frame["region_id"]) == {"R1"}


def test_filters_and_the_report_section(month, capsys):
    from metrics.report import main

    info, con = month
    r2 = market_order.suspect_lines(con, View(info.snapshot_id, info.as_of,
                                              parse_period("2026-10"), regions=("R2",)))
    assert r2.empty  # O7 is linked and its customer unscored
    assert main(["--data-dir", str(info.path.parent.parent), "--section", "market_order",
                 "--period", "2026-11"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [{"reason": "special_price_no_opportunity", "region_id": "R1",
                     "rep_id": "AE1", "customer_id": "C1", "order_id": "O8", "line_no": 1,
                     "revenue": 500.0, "discount_pct": 0.0},
                    {"reason": "not_pursued_customer", "region_id": "R1", "rep_id": "AE1",
                     "customer_id": "C1", "order_id": "O8", "line_no": 1, "revenue": 500.0,
                     "discount_pct": 0.0}]
