"""Settings with defaults and help text, in one registry (each is documented in the README)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: float | int
    help: str


SETTINGS = {
    s.name: s
    for s in (
        Setting("key_opportunity_min", 1_000_000,
                "Open opportunities with at least this amount are key opportunities (SPEC §5.1)."),
        Setting("order_flow_rows", 50, "Most recent order lines shown in the order flow."),
        Setting("trend_weeks", 13, "ISO weeks in the revenue and margin trend, ending at as_of."),
        Setting("stale_activity_days", 30,
                "An open opportunity with no activity for more than this many days is stale."),
        Setting("stale_stage_days", 60,
                "An open opportunity more than this many days in its current stage is stale."),
        Setting("coverage_reference", 3,
                "Pipeline coverage drawn as the reference line on the coverage-by-region chart."),
    )
}


def setting(name: str):
    return SETTINGS[name].default
