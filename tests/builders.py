"""Tiny hand-written snapshots for metric tests, written through the real snapshot writer.

Each table starts from a small default world (three regions, two industries, a few reps, products
and customers); a test passes the rows it cares about, and row dicts are completed with defaults.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from data.schema import TABLES
from data.store import SnapshotDatabase, arrow_schema, validate, write_snapshot

D = dt.date.fromisoformat

REGIONS = [
    {"region_id": "R1", "name_en": "North One", "name_zh": "北一", "region_group": "North"},
    {"region_id": "R2", "name_en": "South Two", "name_zh": "南二", "region_group": "South"},
    {"region_id": "R3", "name_en": "West Three", "name_zh": "西三", "region_group": "West"},
]
INDUSTRIES = [
    {"industry_id": "GOV", "name_en": "Government", "name_zh": "政府"},
    {"industry_id": "EDU", "name_en": "Education", "name_zh": "教育"},
]
REPS = [
    {"rep_id": "AE1", "name": "Li Na", "role": "AE", "region_id": "R1", "manager_id": None,
     "active": True},
    {"rep_id": "AE2", "name": "Wang Fang", "role": "AE", "region_id": "R2", "manager_id": None,
     "active": True},
    {"rep_id": "AE3", "name": "Zhao Lei", "role": "AE", "region_id": "R3", "manager_id": None,
     "active": True},
]
PRODUCTS = [
    {"product_id": "PC1", "name": "Desk 100", "product_line": "PC", "series": "D",
     "list_price": 5000, "standard_cost": 4400, "high_margin": False},
    {"product_id": "NB1", "name": "Book 200", "product_line": "NB", "series": "B",
     "list_price": 8000, "standard_cost": 6900, "high_margin": True},
    {"product_id": "SV1", "name": "Rack 300", "product_line": "Server", "series": "R",
     "list_price": 90000, "standard_cost": 72000, "high_margin": True},
]
CUSTOMERS = [
    {"customer_id": "C1", "name": "Harbin Power", "industry_id": "GOV", "region_id": "R1",
     "owner_rep_id": "AE1", "created_date": D("2020-01-01")},
    {"customer_id": "C2", "name": "Guangzhou School", "industry_id": "EDU", "region_id": "R2",
     "owner_rep_id": "AE2", "created_date": D("2020-01-01")},
    {"customer_id": "C3", "name": "Chengdu Bureau", "industry_id": "GOV", "region_id": "R3",
     "owner_rep_id": "AE3", "created_date": D("2020-01-01")},
]
_CUSTOMER_OF_REGION = {"R1": "C1", "R2": "C2", "R3": "C3"}
_REP_OF_REGION = {"R1": "AE1", "R2": "AE2", "R3": "AE3"}
_PRODUCT_OF_LINE = {"PC": "PC1", "NB": "NB1", "Server": "SV1"}


def order(order_date: str, revenue: float, cost: float, *, region_id: str = "R1",
          industry_id: str = "GOV", product_line: str = "PC", **extra) -> dict:
    """One order line; ids are numbered by the caller's list position when not given."""
    row = {
        "order_date": D(order_date), "region_id": region_id, "industry_id": industry_id,
        "product_line": product_line, "customer_id": _CUSTOMER_OF_REGION[region_id],
        "rep_id": _REP_OF_REGION[region_id], "product_id": _PRODUCT_OF_LINE.get(product_line, "PC1"),
        "channel": "direct", "quantity": 1 if revenue >= 0 else -1, "revenue": revenue,
        "cost": cost, "discount_pct": 0.0, "special_price": False, "opportunity_id": None,
    }
    row.update(extra)
    return row


def target(month: str, revenue_target: float, margin_target: float, *, region_id: str = "R1",
           industry_id: str = "GOV", product_line: str = "PC") -> dict:
    return {"fiscal_month": month, "region_id": region_id, "industry_id": industry_id,
            "product_line": product_line, "revenue_target": revenue_target,
            "margin_target": margin_target}


def opportunity(opportunity_id: str, amount: float, stage: int, expected_close_date: str, *,
                status: str = "open", region_id: str = "R1", industry_id: str = "GOV",
                product_line: str = "PC", **extra) -> dict:
    row = {
        "opportunity_id": opportunity_id, "name": f"Deal {opportunity_id}",
        "customer_id": _CUSTOMER_OF_REGION[region_id], "rep_id": _REP_OF_REGION[region_id],
        "region_id": region_id, "industry_id": industry_id, "product_line": product_line,
        "stage": stage, "status": status, "amount": amount, "expected_margin_pct": 0.15,
        "created_date": D("2026-01-05"), "expected_close_date": D(expected_close_date),
        "closed_date": None, "source": "rep", "last_activity_date": D("2026-01-05"),
    }
    row.update(extra)
    return row


def build_tables(orders=(), targets=(), opportunities=(), **overrides) -> dict[str, pa.Table]:
    rows = {
        "regions": REGIONS, "industries": INDUSTRIES, "reps": REPS, "products": PRODUCTS,
        "customers": CUSTOMERS, "customer_scores": [], "orders": [], "opportunities": [],
        "opportunity_history": [], "targets": list(targets), "activities": [],
        "rep_targets": [],
    }
    rows["orders"] = [{"order_id": f"O{i + 1}", "line_no": 1, **o} for i, o in enumerate(orders)]
    rows["opportunities"] = list(opportunities)
    rows["opportunity_history"] = [
        {"opportunity_id": o["opportunity_id"], "stage": o["stage"],
         "entered_date": o["created_date"]} for o in opportunities]
    rows.update(overrides)
    return {name: pa.Table.from_pylist(list(rows[name]), schema=arrow_schema(TABLES[name]))
            for name in TABLES}


def make_snapshot(data_dir: Path, as_of: str, **tables):
    """Write a snapshot and return its validated SnapshotInfo."""
    path = write_snapshot(Path(data_dir), D(as_of), build_tables(**tables), source="test fixture")
    return validate(path)


def connect(info):
    """A cursor on the snapshot, as the app and the report get one."""
    db = SnapshotDatabase()
    return db.cursor(info)
