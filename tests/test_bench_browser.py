"""The browser benchmark's report (bench/browser.py): what a render costs one tab alone, and
what the cores can give a number of sessions at that cost."""

import pytest

from bench.browser import TARGETS, best_case, table


def test_the_cores_give_at_most_their_number_over_the_mean_cost_renders_a_second():
    # Switches costing 0.5, 1.0 and 0.5 CPU s: 2/3 on average; two cores: 3 renders/s; twenty
    # sessions, each waiting 1 s between renders: 20 / 3 − 1 = 17/3 s per render at best.
    best = best_case([0.5, 1.0, 0.5], sessions=20, cores=2, think_s=1.0)
    assert best["cpu_s_mean"] == pytest.approx(2 / 3)
    assert best["renders_per_s"] == pytest.approx(3.0)
    assert best["mean_render_s"] == pytest.approx(17 / 3)


def test_a_lone_session_on_an_idle_machine_waits_no_less_than_nothing():
    # 1 / (4 / 0.2) = 0.05 s of CPU per render, less than the 1 s between renders.
    assert best_case([0.2], sessions=1, cores=4, think_s=1.0)["mean_render_s"] == 0.0


def test_the_report_shows_each_pages_cost_and_the_best_case():
    switch = {"median_s": 0.4, "errors": [], "cpu_s": 0.66, "server_cpu_s": 0.11}
    fresh = {"median_s": 1.9, "errors": [], "cpu_s": 2.25, "server_cpu_s": 0.12}
    results = {"targets": TARGETS,
               "pages": {"dashboard": {"page_switch": switch, "fresh_tab": fresh},
                         "importer": {}},
               "best_case": {"sessions": 20, "cores": 2,
                             **best_case([0.66], sessions=20, cores=2, think_s=1.0)}}
    lines = table(results).splitlines()
    dashboard = next(line for line in lines if line.startswith("| dashboard |"))
    assert "| 0.66 (0.11) / 2.25 (0.12) |" in dashboard
    importer = next(line for line in lines if line.startswith("| importer |"))
    assert "| – / – |" in importer
    # 2 / 0.66 = 3.03 renders/s; 20 / 3.03 − 1 = 5.6 s.
    assert any("(0.66 CPU s on average), 2 cores" in line and "| 3.03; 5.6 |" in line
               for line in lines)
