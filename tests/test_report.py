"""Headless report (SPEC §7): same numbers as the metrics, JSON shapes, bad arguments."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from metrics import dashboard
from metrics.report import main
from tests.builders import make_snapshot, order, target

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    make_snapshot(root, "2026-11-22",
                  orders=[order("2026-10-02", 1_000, 880),
                          order("2026-11-03", 400, 300, region_id="R2", industry_id="EDU")],
                  targets=[target("2026-10", 2_000, 200)])
    return root


def report(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_dashboard_json_has_every_metric(data_dir, capsys):
    code, out, _ = report(capsys, "--data-dir", str(data_dir), "--section", "dashboard",
                          "--period", "FY26Q3", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert list(result) == list(dashboard.DASHBOARD_KEYS)
    assert result["revenue"] == 1_400 and result["revenue_target"] == 2_000
    assert result["revenue_attainment"] == pytest.approx(0.7)
    assert result["yoy_growth"] is None  # no revenue a year earlier: null, not an error
    assert result["pace"] == pytest.approx(53 / 92)


def test_regional_report_filters_and_csv(data_dir, capsys):
    code, out, _ = report(capsys, "--data-dir", str(data_dir), "--section", "regional_report",
                          "--period", "FY26Q3", "--region", "R2", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["region_id"] for r in rows] == ["R2"]
    assert float(rows[0]["revenue"]) == 400 and rows[0]["revenue_target"] == ""


def test_markdown_table(data_dir, capsys):
    code, out, _ = report(capsys, "--data-dir", str(data_dir), "--section", "regional_report",
                          "--period", "FY26Q3", "--format", "markdown")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("| region_id | revenue |") and len(lines) == 2 + 3


def test_snapshots_section_lists_validity(data_dir, capsys, tmp_path):
    (data_dir / "snapshots" / "2026-W48").mkdir(exist_ok=True)
    code, out, _ = report(capsys, "--data-dir", str(data_dir), "--section", "snapshots")
    assert code == 0
    result = {s["snapshot_id"]: s for s in json.loads(out)}
    assert result["2026-W47"] == {"snapshot_id": "2026-W47", "as_of": "2026-11-22",
                                  "valid": True, "errors": []}
    assert result["2026-W48"]["valid"] is False and result["2026-W48"]["errors"]


@pytest.mark.parametrize("args, message", [
    (["--section", "dashboard", "--period", "garbage"], "--period"),
    (["--section", "nope"], "--section"),
    (["--section", "dashboard", "--region", "NOPE"], "--region: unknown NOPE"),
    (["--section", "dashboard", "--snapshot", "2019-W01"], "--snapshot"),
    (["--section", "dashboard", "--format", "xml"], "--format"),
])
def test_bad_arguments_one_line_exit_2(data_dir, capsys, args, message):
    code, out, err = report(capsys, "--data-dir", str(data_dir), *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_runs_as_a_module(data_dir):
    done = subprocess.run([sys.executable, "-m", "metrics.report", "--data-dir", str(data_dir),
                           "--section", "dashboard", "--period", "FY26Q3"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["revenue"] == 1_400


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory):
    from tests.test_pipeline_metrics import S0_OPPS, S1_HISTORY, S1_OPPS
    root = tmp_path_factory.mktemp("report-pipeline")
    make_snapshot(root, "2026-11-15", opportunities=S0_OPPS)
    make_snapshot(root, "2026-11-22", opportunities=S1_OPPS, opportunity_history=S1_HISTORY)
    return root


def test_pipeline_movement_defaults_to_the_previous_snapshot(two_weeks, capsys):
    code, out, _ = report(capsys, "--data-dir", str(two_weeks), "--section", "pipeline_movement",
                          "--period", "FY26Q3", "--region", "R1")
    assert code == 0
    assert json.loads(out) == {
        "start": 2100, "new": 800, "pulled_in": 700, "won": -100, "lost": -200, "slipped": -300,
        "removed": -400, "amount_change": 150, "end": 2750, "advanced": 1, "regressed": 1}
    code, same, _ = report(capsys, "--data-dir", str(two_weeks), "--section", "pipeline_movement",
                           "--period", "FY26Q3", "--region", "R1", "--compare", "2026-W46")
    assert same == out


def test_pipeline_movement_without_an_earlier_snapshot_is_a_usage_error(data_dir, capsys):
    code, _, err = report(capsys, "--data-dir", str(data_dir), "--section", "pipeline_movement")
    assert code == 2 and "--compare: no snapshot older than 2026-W47" in err


def test_pipeline_section(two_weeks, capsys):
    code, out, _ = report(capsys, "--data-dir", str(two_weeks), "--section", "pipeline",
                          "--period", "FY26Q3")
    result = json.loads(out)
    assert code == 0
    assert result["funnel"][1] == {"stage": 2, "count": 3, "amount": 2300.0,
                                   "weighted_amount": 575.0}
    assert result["win_rate_count"] == 0.5 and result["median_cycle_days"] == 215
    assert result["stale"] == ["G", "F"] and result["past_due"] == ["K"]  # money at risk first


def test_alerts_section_shape(data_dir, capsys):
    code, out, _ = report(capsys, "--data-dir", str(data_dir), "--section", "alerts",
                          "--period", "FY26Q3")
    assert code == 0
    rows = json.loads(out)
    keys = {"rule", "severity", "entity_type", "entity_id", "entity_name", "value", "threshold",
            "at_stake", "owner"}
    assert rows and all(keys <= set(r) for r in rows)
    # R1 sells only PC (not a high-margin product): its high-margin share 0 is below 30%.
    mix = [r for r in rows if r["rule"] == "high_margin_mix" and r["entity_id"] == "R1"]
    assert len(mix) == 1 and mix[0]["value"] == 0 and mix[0]["threshold"] == 0.3
    stakes = [r["at_stake"] for r in rows]
    assert stakes == sorted(stakes, reverse=True)


def test_customers_section_shape(data_dir, capsys):
    code, out, _ = report(capsys, "--data-dir", str(data_dir), "--section", "customers")
    assert code == 0
    rows = {r["customer_id"]: r for r in json.loads(out)}
    # The fixture has three customers without scores; C1 and C2 bought in the last 12 months.
    assert set(rows) == {"C1", "C2", "C3"}
    assert rows["C1"]["revenue_12m"] == 1_000 and rows["C2"]["revenue_12m"] == 400
    assert rows["C3"]["revenue_12m"] in (0, None) and rows["C3"]["abc_class"] is None
    assert rows["C1"]["tier"] is None and rows["C3"]["lifecycle"] == "P"
