"""The snapshot data contract of SPEC §3, in one place.

Every table a snapshot must hold, with each column's DuckDB type, its primary key and the foreign
keys that must resolve. Money is DECIMAL(18,2) so sums reconcile exactly; ratios are DOUBLE.
Extra columns in a snapshot's Parquet files are allowed and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 1

MONEY = "DECIMAL(18,2)"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    primary_key: tuple[str, ...] = ()
    # (column, referenced table, referenced column); nulls are allowed where the column is nullable.
    foreign_keys: tuple[tuple[str, str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def type_of(self, column: str) -> str:
        return dict(self.columns)[column]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "regions",
            (("region_id", "VARCHAR"), ("name_en", "VARCHAR"), ("name_zh", "VARCHAR"),
             ("region_group", "VARCHAR")),
            primary_key=("region_id",),
        ),
        Table(
            "industries",
            (("industry_id", "VARCHAR"), ("name_en", "VARCHAR"), ("name_zh", "VARCHAR")),
            primary_key=("industry_id",),
        ),
        Table(
            "reps",
            (("rep_id", "VARCHAR"), ("name", "VARCHAR"), ("role", "VARCHAR"),
             ("region_id", "VARCHAR"), ("manager_id", "VARCHAR"), ("active", "BOOLEAN")),
            primary_key=("rep_id",),
            foreign_keys=(("region_id", "regions", "region_id"), ("manager_id", "reps", "rep_id")),
        ),
        Table(
            "products",
            (("product_id", "VARCHAR"), ("name", "VARCHAR"), ("product_line", "VARCHAR"),
             ("series", "VARCHAR"), ("list_price", MONEY), ("standard_cost", MONEY),
             ("high_margin", "BOOLEAN")),
            primary_key=("product_id",),
        ),
        Table(
            "customers",
            (("customer_id", "VARCHAR"), ("name", "VARCHAR"), ("industry_id", "VARCHAR"),
             ("region_id", "VARCHAR"), ("owner_rep_id", "VARCHAR"), ("created_date", "DATE")),
            primary_key=("customer_id",),
            foreign_keys=(("industry_id", "industries", "industry_id"),
                          ("region_id", "regions", "region_id"),
                          ("owner_rep_id", "reps", "rep_id")),
        ),
        Table(
            "customer_scores",
            (("customer_id", "VARCHAR"), ("criterion", "VARCHAR"), ("score", "DOUBLE")),
            primary_key=("customer_id", "criterion"),
            foreign_keys=(("customer_id", "customers", "customer_id"),),
        ),
        Table(
            "orders",
            (("order_id", "VARCHAR"), ("line_no", "INTEGER"), ("order_date", "DATE"),
             ("customer_id", "VARCHAR"), ("rep_id", "VARCHAR"), ("region_id", "VARCHAR"),
             ("industry_id", "VARCHAR"), ("product_id", "VARCHAR"), ("product_line", "VARCHAR"),
             ("channel", "VARCHAR"), ("quantity", "INTEGER"), ("revenue", MONEY), ("cost", MONEY),
             ("discount_pct", "DOUBLE"), ("special_price", "BOOLEAN"),
             ("opportunity_id", "VARCHAR")),
            primary_key=("order_id", "line_no"),
            foreign_keys=(("customer_id", "customers", "customer_id"),
                          ("rep_id", "reps", "rep_id"),
                          ("region_id", "regions", "region_id"),
                          ("industry_id", "industries", "industry_id"),
                          ("product_id", "products", "product_id"),
                          ("opportunity_id", "opportunities", "opportunity_id")),
        ),
        Table(
            "opportunities",
            (("opportunity_id", "VARCHAR"), ("name", "VARCHAR"), ("customer_id", "VARCHAR"),
             ("rep_id", "VARCHAR"), ("region_id", "VARCHAR"), ("industry_id", "VARCHAR"),
             ("product_line", "VARCHAR"), ("stage", "INTEGER"), ("status", "VARCHAR"),
             ("amount", MONEY), ("expected_margin_pct", "DOUBLE"), ("created_date", "DATE"),
             ("expected_close_date", "DATE"), ("closed_date", "DATE"), ("source", "VARCHAR"),
             ("last_activity_date", "DATE")),
            primary_key=("opportunity_id",),
            foreign_keys=(("customer_id", "customers", "customer_id"),
                          ("rep_id", "reps", "rep_id"),
                          ("region_id", "regions", "region_id"),
                          ("industry_id", "industries", "industry_id")),
        ),
        Table(
            "opportunity_history",
            (("opportunity_id", "VARCHAR"), ("stage", "INTEGER"), ("entered_date", "DATE")),
            primary_key=("opportunity_id", "stage", "entered_date"),
            foreign_keys=(("opportunity_id", "opportunities", "opportunity_id"),),
        ),
        Table(
            "targets",
            (("fiscal_month", "VARCHAR"), ("region_id", "VARCHAR"), ("industry_id", "VARCHAR"),
             ("product_line", "VARCHAR"), ("revenue_target", MONEY), ("margin_target", MONEY)),
            primary_key=("fiscal_month", "region_id", "industry_id", "product_line"),
            foreign_keys=(("region_id", "regions", "region_id"),
                          ("industry_id", "industries", "industry_id")),
        ),
        # Optional (SPEC §10.4): a rep's monthly revenue target, for attainment against pace.
        Table(
            "rep_targets",
            (("fiscal_month", "VARCHAR"), ("rep_id", "VARCHAR"), ("revenue_target", MONEY)),
            primary_key=("fiscal_month", "rep_id"),
            foreign_keys=(("rep_id", "reps", "rep_id"),),
        ),
        Table(
            "activities",
            (("activity_id", "VARCHAR"), ("activity_date", "DATE"), ("rep_id", "VARCHAR"),
             ("customer_id", "VARCHAR"), ("type", "VARCHAR"), ("opportunity_id", "VARCHAR")),
            primary_key=("activity_id",),
            foreign_keys=(("rep_id", "reps", "rep_id"),
                          ("customer_id", "customers", "customer_id"),
                          ("opportunity_id", "opportunities", "opportunity_id")),
        ),
    )
}

# A snapshot holds at least one of these fact tables; every other table is optional (SPEC §9).
REQUIRED_ANY = ("orders", "opportunities")

CHANNELS = ("direct", "partner")
ROLES = ("AE", "ISR")
OPPORTUNITY_STATUSES = ("open", "won", "lost")
OPPORTUNITY_SOURCES = ("rep", "partner", "inbound")
ACTIVITY_TYPES = ("visit", "call", "meeting", "workshop")
# Stages, product lines and criteria weights are vocabulary: data/config.py.
