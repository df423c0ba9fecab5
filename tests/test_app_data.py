"""The Data page under AppTest: both languages, an invalid snapshot with its errors, a stale
snapshot, and a data folder without any valid snapshot."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import CUSTOMERS, make_snapshot, order
from tests.test_app import run_page, texts

PAGE = "pages/views/data.py"


def _sunday_weeks_ago(weeks: int) -> str:
    """A Sunday at least ``weeks`` weeks before today, so the served snapshot is stale."""
    today = dt.date.today()
    day = today - dt.timedelta(weeks=weeks)
    return (day - dt.timedelta(days=day.isoweekday() % 7)).isoformat()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("data-app")
    older, served, broken = _sunday_weeks_ago(5), _sunday_weeks_ago(4), _sunday_weeks_ago(3)
    make_snapshot(root, older, orders=[order(older, 100, 90)])
    # C2 has no owner: one customer without owner.
    good = make_snapshot(root, served, orders=[order(served, 1_200_000, 1_000_000),
                                               order(served, 100, 90)],
                         customers=[CUSTOMERS[0], dict(CUSTOMERS[1], owner_rep_id=None),
                                    CUSTOMERS[2]])
    bad = make_snapshot(root, broken, orders=[order(broken, 100, 90, customer_id="NOPE")])
    assert good.valid and not bad.valid
    return root, good, bad


@pytest.mark.parametrize("lang, title, tile, checks", [
    ("en", "Data", "Served snapshot", "Data-quality report"),
    ("zh", "数据", "当前快照", "数据质量报告"),
])
def test_data_page_renders_in_both_languages(data_dir, monkeypatch, lang, title, tile, checks):
    root, good, bad = data_dir
    at = run_page(root, monkeypatch, PAGE, lang=lang)
    assert not at.exception
    assert title in [t.value for t in at.title]
    assert len(at.metric) == 6
    assert at.metric[0].label == tile and at.metric[0].value == good.snapshot_id
    assert len(at.get("vega_lite_chart")) == 2  # rows per snapshot, quality checks
    assert checks in texts(at)
    # Orphan keys 0; the big order without an opportunity; C2 without an owner.
    assert [m.value for m in at.metric[3:]] == ["0", "1", "1"]


def test_invalid_snapshot_is_listed_with_its_errors(data_dir, monkeypatch):
    root, good, bad = data_dir
    at = run_page(root, monkeypatch, PAGE)
    assert not at.exception
    # The newest snapshot is invalid: the app serves the newest valid one and says so.
    assert any(bad.snapshot_id in w.value and good.snapshot_id in w.value for w in at.warning)
    assert at.metric[2].value == "2 of 3"
    frames = [df.value for df in at.dataframe]
    listed = next(f for f in frames if "Status" in f.columns)
    assert listed.set_index("Snapshot").loc[bad.snapshot_id, "Status"] == "invalid"
    errors = next(f for f in frames if list(f.columns) == ["Snapshot", "As of", "Error"])
    assert errors["Snapshot"].tolist() == [bad.snapshot_id]
    assert "orders.customer_id: 1 values not found in customers.customer_id" in errors[
        "Error"].iloc[0]


def test_stale_snapshot_warns(data_dir, monkeypatch):
    root, good, bad = data_dir
    at = run_page(root, monkeypatch, PAGE, lang="zh")
    assert any(f"快照 {good.snapshot_id} 已过去" in w.value for w in at.warning)


def test_quality_report_lists_every_check(data_dir, monkeypatch):
    root, good, bad = data_dir
    at = run_page(root, monkeypatch, PAGE)
    report = next(df.value for df in at.dataframe if "Rows flagged" in df.value.columns)
    assert (report["Check"] == "Orphan keys").sum() >= 20
    assert report.set_index("Check").loc["Key orders without an opportunity", "Rows flagged"] == 1


def test_no_valid_snapshot_still_lists_the_invalid_ones(tmp_path, monkeypatch):
    bad = make_snapshot(tmp_path, "2026-11-22", orders=[order("2026-11-20", 1, 1,
                                                              customer_id="NOPE")])
    at = run_page(tmp_path, monkeypatch, PAGE)
    assert not at.exception
    assert any("No valid snapshot" in w.value for w in at.warning)
    frames = [df.value for df in at.dataframe]
    assert any(bad.snapshot_id in f.iloc[:, 0].tolist() for f in frames)
