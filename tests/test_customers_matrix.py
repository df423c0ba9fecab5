"""The prioritisation matrix as counts per cell (SPEC §5.6, issue 16: a few hundred cells and the
largest accounts instead of a dot per customer) on a hand-built snapshot.

Default weights: attractiveness financial_performance 40, it_spend 30, reputation_management 20,
location 10; feasibility existing_relationship 30, competitor_relationship 30, attitude_to_us 30,
execution_capability 10; threshold 6; cells of 0.5 points with edges on the threshold.

| id | scores (a · f)          | a    | f    | tier        | revenue_12m | cell (a · f)               |
|----|-------------------------|------|------|-------------|-------------|----------------------------|
| M1 | 10 × 4 · 10 × 4         | 10.0 | 10.0 | 1           | 5,000       | 9.5–10 · 9.5–10 (10 below) |
| M2 | 6 × 4 · 6 × 4           | 6.0  | 6.0  | 1           | 1,000       | 6–6.5 · 6–6.5              |
| M3 | 6 6 6 5 · 6 6 6 7       | 5.9  | 6.1  | 2           | 300         | 5.5–6 · 6–6.5              |
| M4 | 6 6 7 6 · 6 × 4         | 6.2  | 6.0  | 1           | 200         | 6–6.5 · 6–6.5 (with M2)    |
| M5 | 1 × 4 · 1 × 4           | 1.0  | 1.0  | not pursued | 0           | 1–1.5 · 1–1.5              |
| M6 | 8 × 4 · (none)          | 8.0  | null | unscored    | 900         | (not on the matrix)        |
| M7 | 7 × 4 · 5 × 4           | 7.0  | 5.0  | 3           | −100        | 7–7.5 · 5–5.5              |

M3: a = (240 + 180 + 120 + 50) ÷ 100 = 5.9, f = (180 + 180 + 180 + 70) ÷ 100 = 6.1;
M4: a = (240 + 180 + 140 + 60) ÷ 100 = 6.2. M7's revenue is a return only.
"""

from __future__ import annotations

import pandas as pd
import pytest

from data import config
from data.config import SCORE_CRITERIA
from metrics import customers
from metrics.periods import parse_period
from metrics.view import View
from tests.builders import D, connect, make_snapshot, order

A_CRITERIA, F_CRITERIA = SCORE_CRITERIA[:4], SCORE_CRITERIA[4:]
SCORES = {"M1": ([10] * 4, [10] * 4), "M2": ([6] * 4, [6] * 4), "M3": ([6, 6, 6, 5], [6, 6, 6, 7]),
          "M4": ([6, 6, 7, 6], [6] * 4), "M5": ([1] * 4, [1] * 4), "M6": ([8] * 4, []),
          "M7": ([7] * 4, [5] * 4)}
REGION = {"M1": "R1", "M2": "R1", "M3": "R2", "M4": "R2", "M5": "R3", "M6": "R3", "M7": "R1"}
REVENUE = {"M1": 5_000, "M2": 1_000, "M3": 300, "M4": 200, "M6": 900, "M7": -100}
COLUMNS = ["attractiveness_low", "attractiveness_high", "feasibility_low", "feasibility_high",
           "tier_group", "customers", "revenue_12m"]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    customer_rows = [{"customer_id": cid, "name": f"Customer {cid}", "region_id": region,
                      "industry_id": "GOV", "owner_rep_id": "AE1",
                      "created_date": D("2020-01-01")} for cid, region in REGION.items()]
    scores = [{"customer_id": cid, "criterion": criterion, "score": score}
              for cid, (a, f) in SCORES.items()
              for criterion, score in [*zip(A_CRITERIA, a), *zip(F_CRITERIA, f)]]
    orders = [order("2026-10-05", revenue, revenue * 9 // 10, region_id=REGION[cid],
                    industry_id="GOV", customer_id=cid, quantity=1 if revenue > 0 else -1)
              for cid, revenue in REVENUE.items()]
    info = make_snapshot(tmp_path_factory.mktemp("matrix"), "2026-11-22", orders=orders,
                         customers=customer_rows, customer_scores=scores)
    assert info.valid, info.errors
    return info, connect(info)


@pytest.fixture
def toml(tmp_path, monkeypatch):
    def write(text: str) -> None:
        path = tmp_path / "cockpit.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv(config.CONFIG_ENV, str(path))
        config.reset()
    yield write
    config.reset()


def view(info, **filters) -> View:
    return View(info.snapshot_id, info.as_of, parse_period("FY26Q3"), **filters)


def cells(frame) -> list[tuple]:
    return [tuple(row) for row in frame[COLUMNS].itertuples(index=False)]


def test_matrix_cells_count_the_scored_customers_per_cell(snapshot):
    info, con = snapshot
    assert cells(customers.matrix_cells(con, view(info))) == [
        (1.0, 1.5, 1.0, 1.5, "not_pursued", 1, 0.0),      # M5
        (5.5, 6.0, 6.0, 6.5, "tier2", 1, 300.0),          # M3
        (6.0, 6.5, 6.0, 6.5, "tier1", 2, 1_200.0),        # M2, M4
        (7.0, 7.5, 5.0, 5.5, "tier3", 1, -100.0),         # M7
        (9.5, 10.0, 9.5, 10.0, "tier1", 1, 5_000.0),      # M1: 10 counts in the cell below 10
    ]


def test_matrix_cells_follow_the_region_filter(snapshot):
    info, con = snapshot
    assert cells(customers.matrix_cells(con, view(info, regions=("R2",)))) == [
        (5.5, 6.0, 6.0, 6.5, "tier2", 1, 300.0),          # M3
        (6.0, 6.5, 6.0, 6.5, "tier1", 1, 200.0),          # M4
    ]
    assert customers.matrix_cells(con, view(info, regions=("R9",))).empty


def test_matrix_cell_edges_sit_on_a_configured_threshold(snapshot, toml):
    """Threshold 6.3: edges at …, 5.8, 6.3, 6.8, …, 9.8, 10.3; a 10 is inside 9.8–10.3. M2, M3
    and M4 all fall below 6.3 on both axes (not pursued, one cell); M7 is 7.0 · 5.0, tier 3."""
    info, con = snapshot
    toml("[customers]\ntier_threshold = 6.3\n")
    assert cells(customers.matrix_cells(con, view(info))) == [
        (0.8, 1.3, 0.8, 1.3, "not_pursued", 1, 0.0),      # M5: 1.0 in the cell 0.8–1.3
        (5.8, 6.3, 5.8, 6.3, "not_pursued", 3, 1_500.0),  # M2, M3, M4
        (6.8, 7.3, 4.8, 5.3, "tier3", 1, -100.0),         # M7
        (9.8, 10.3, 9.8, 10.3, "tier1", 1, 5_000.0),      # M1
    ]


def test_a_score_of_10_on_the_threshold_stays_above_it(snapshot, toml):
    """Threshold 10: only M1 is tier 1; its cell starts at 10 (never below the threshold)."""
    info, con = snapshot
    toml("[customers]\ntier_threshold = 10\n")
    top = customers.matrix_cells(con, view(info)).iloc[-1]
    assert tuple(top[COLUMNS]) == (10.0, 10.5, 10.0, 10.5, "tier1", 1, 5_000.0)


def test_every_cell_lies_in_one_tier(snapshot):
    """Cells never straddle the threshold: a cell's tier follows from its lower edges."""
    info, con = snapshot
    frame = customers.matrix_cells(con, view(info))
    a_high = frame["attractiveness_low"] >= 6
    f_high = frame["feasibility_low"] >= 6
    expected = [("tier1" if a and f else "tier3" if a else "tier2" if f else "not_pursued")
                for a, f in zip(a_high, f_high)]
    assert frame["tier_group"].tolist() == expected
    assert frame["customers"].sum() == 6  # every scored customer once (M6 is unscored)


def test_matrix_accounts_are_the_largest_scored_customers_with_revenue(snapshot):
    info, con = snapshot
    accounts = customers.matrix_accounts(con, view(info))
    # M6 (900) is unscored; M5 has no revenue and M7 a negative one.
    assert accounts["customer_id"].tolist() == ["M1", "M2", "M3", "M4"]
    assert accounts["revenue_12m"].tolist() == [5_000, 1_000, 300, 200]
    assert accounts.set_index("customer_id").loc["M3", ["attractiveness", "feasibility"]].tolist() \
        == pytest.approx([5.9, 6.1])
    assert accounts["tier_group"].tolist() == ["tier1", "tier1", "tier2", "tier1"]


def test_overview_holds_the_matrix_parts(snapshot):
    info, con = snapshot
    v = view(info, regions=("R1", "R2"))
    o = customers.overview(con, v)
    assert o["matrix_cells"].equals(customers.matrix_cells(con, v))
    assert o["matrix_accounts"].equals(customers.matrix_accounts(con, v))


def test_a_dots_jitter_keeps_it_in_its_tier_and_on_the_scale():
    """The matrix's dots are moved by at most ±0.09 (display only), never across the threshold
    or off the 1–10 scale. The n-th dot's jitter on attractiveness is 0.18 × ((n × 7919 mod 997)
    ÷ 997 − ½): dot 1 +0.0797 (7919 mod 997 = 940), dot 2 +0.0694 (883), dot 3 +0.0591 (826),
    dot 10 −0.0129 (427)."""
    from pages.ui.charts_customers import _jittered

    scores = pd.Series([5.95, 9.95, 7.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 6.0])
    moved = _jittered(scores, 7919, 997, threshold=6)
    # Below the threshold stays below it (5.95 + 0.0797 → 5.995); 9.95 + 0.0694 stops at 10;
    # 7.0 + 0.0591; 6.0 − 0.0129 stays at the threshold, in tier 1.
    assert moved[[0, 1, 2, 9]] == pytest.approx([5.995, 10.0, 7.0 + 0.18 * (826 / 997 - 0.5), 6.0])
    assert moved[3] == pytest.approx(4.0 + 0.18 * (769 / 997 - 0.5))
