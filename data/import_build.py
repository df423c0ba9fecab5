"""Mapping the exports onto the SPEC §3 tables for the importer: typed, derived (SPEC §9 keys,
stage and status), checked cell by cell (ImportProblem names file, row and column) and
reconstructed as of a Sunday, all in DuckDB SQL over data/import_read.py's sources."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pyarrow as pa

from data.import_read import Source, Sources, _q
from data.mapping import CATCH_ALL, EXTRA_COLUMNS, REQUIRED, ImportProblem, Mapping, MappingProblem
from data.schema import (ACTIVITY_TYPES, CHANNELS, OPPORTUNITY_SOURCES, OPPORTUNITY_STATUSES,
                         ROLES, TABLES)

_ISO_DATES = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f",
              "%Y-%m-%dT%H:%M:%S.%f")
_MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y%m", "%m/%Y", "%b %Y", "%B %Y", "%Y.%m")
# Stripped from numbers: spaces, currency symbols and codes (¥1,234.50, "USD 12", 12元).
_CURRENCY = r"[\s\x{00A0}\x{202F}\x{3000}¥￥$€£₩₹元]|(?i:cny|rmb|usd|eur|gbp|jpy|hkd)"
_ENUMS = {("orders", "channel"): CHANNELS, ("opportunities", "status"): OPPORTUNITY_STATUSES,
          ("opportunities", "source"): OPPORTUNITY_SOURCES, ("activities", "type"): ACTIVITY_TYPES,
          ("reps", "role"): ROLES}
_TRUE = ("true", "t", "yes", "y", "1", "x", "on", "是", "√")
_FALSE = ("false", "f", "no", "n", "0", "off", "否")

# ----------------------------------------------------------------------------------- building

class _Sql:
    """The bound parameters of one statement: values never go into SQL text."""

    def __init__(self) -> None:
        self.params: dict[str, object] = {}

    def bind(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"


def _macros(con: duckdb.DuckDBPyConnection) -> None:
    # Spaces and currency symbols or codes go; "(12)" and SAP's "12-" are negative.
    # Most values are plain digits and separators: only the others go through the regexes.
    con.execute(f"CREATE OR REPLACE TEMP MACRO imp_clean(v) AS CASE WHEN "
                f"regexp_full_match(v, '-?[0-9][0-9.,]*%?') THEN v ELSE regexp_replace("
                f"regexp_replace(regexp_replace(v, '{_CURRENCY}', '', 'g'), '^\\((.*)\\)$', "
                f"'-\\1'), '^([^-].*)-$', '-\\1') END")


# Built-in values for columns a mapping leaves empty (SPEC §9: derived where it says so).
_FALLBACK = {
    ("regions", "name_en"): "s.region_id", ("industries", "name_en"): "s.industry_id",
    ("reps", "name"): "s.rep_id", ("reps", "active"): "true",
    ("products", "name"): "s.product_id", ("products", "high_margin"): "false",
    ("customers", "name"): "s.customer_id", ("orders", "channel"): "'direct'",
    ("orders", "quantity"): "CASE WHEN s.revenue < 0 THEN -1 ELSE 1 END",
    ("orders", "special_price"): "false", ("opportunities", "name"): "s.opportunity_id",
    ("opportunities", "source"): "'rep'",
}
# Derived keys (SPEC §9): (table, column) → (joined table, its column, join key of s).
_DERIVED = {
    ("customers", "region_id"): [("reps", "region_id", "owner_rep_id")],
    ("orders", "region_id"): [("reps", "region_id", "rep_id")],
    ("orders", "industry_id"): [("customers", "industry_id", "customer_id")],
    ("orders", "product_line"): [("products", "product_line", "product_id")],
    ("opportunities", "region_id"): [("reps", "region_id", "rep_id"),
                                     ("customers", "region_id", "customer_id")],
    ("opportunities", "industry_id"): [("customers", "industry_id", "customer_id")],
    ("opportunities", "product_line"): [("products", "product_line", "product_id")],
}
_KEY_OF = {"reps": "rep_id", "customers": "customer_id", "products": "product_id"}
_BUILD_ORDER = ("regions", "industries", "reps", "products", "customers", "customer_scores",
                "activities", "opportunity_history", "opportunities", "orders", "targets")


class _Builder:
    """Stages each mapped table (source text → typed columns, every bad cell reported), then
    derives the final tables in DuckDB; ``snapshot`` reconstructs them as of a Sunday."""

    def __init__(self, mapping: Mapping, sources: Sources, open_stages: int):
        self.mapping, self.sources, self.con = mapping, sources, sources.con
        self.n = open_stages
        self.files: dict[str, list[Source]] = {}
        self.names: dict[str, list[dict[str, str]]] = {}  # table → per file: column → header
        self.built: list[str] = []
        _macros(self.con)

    # -- staging ------------------------------------------------------------------------------

    def sources_of(self, table: str) -> list[Source]:
        rule = self.mapping.tables[table]
        found = [s for s in self.sources if rule.matches(s.path.name) and (
            (s.sheet or "").lower() == rule.sheet.lower() if rule.sheet else s.first_sheet)]
        if not found and not rule.optional:
            given = ", ".join(p.name for p in self.sources.paths) or "none"
            raise MappingProblem(self.mapping.name, f"{table}.file",
                                 f"no input file matches {rule.file!r} (files given: {given}); "
                                 f"add the file or set optional = true")
        return sorted(found, key=lambda s: s.label)

    def column_type(self, table: str, column: str) -> str:
        if column in EXTRA_COLUMNS.get(table, {}):
            return EXTRA_COLUMNS[table][column]
        if column == "stage":
            return "STAGE"
        if (table, column) == ("targets", "fiscal_month"):
            return "MONTH"
        return TABLES[table].type_of(column)

    def resolve(self, source: Source, table: str, column: str, wanted: str) -> str:
        exact = [c for c in source.columns if c == wanted]
        loose = [c for c in source.columns if c.strip().lower() == wanted.strip().lower()]
        norm = [c for c in source.columns if _norm(c) == _norm(wanted)]
        for found in (exact, loose, norm):
            if len(found) == 1:
                return found[0]
        hint = ""
        if (table, column) in _ENUMS:
            hint = f"; for a constant write {column} = {{ value = \"{wanted}\" }}"
        shown = ", ".join(source.columns[:20]) + (" …" if len(source.columns) > 20 else "")
        raise ImportProblem(source.label, source.header_row, wanted,
                            f"no such column (mapped to {table}.{column} in "
                            f"{self.mapping.name}; columns: {shown}){hint}")

    def stage(self, table: str) -> bool:
        sources = self.sources_of(table)
        if not sources:
            return False
        rule, formats = self.mapping.tables[table], self.mapping.formats(table)
        sql = _Sql()
        columns = [*TABLES[table].column_names, *EXTRA_COLUMNS.get(table, {})]
        self.files[table], self.names[table] = sources, []
        parts = []
        for index, source in enumerate(sources):
            names, raws = {}, [f"{index} AS __file", "__row"]
            for column, col_rule in rule.columns.items():
                if col_rule.column is not None:
                    names[column] = self.resolve(source, table, column, col_rule.column)
                    raws.append(f"NULLIF({_trimmed(_q(names[column]))}, '') "
                                f"AS {_q(column + '__raw')}")
                else:
                    names[column] = f"{column} (constant)"
                    raws.append(f"CAST({sql.bind(_text(col_rule.value))} AS VARCHAR) "
                                f"AS {_q(column + '__raw')}")
            self.names[table].append(names)
            parts.append(f"SELECT {', '.join(raws)} FROM {source.relation}")
        # r: the trimmed source text; t: after value maps, numbers cleaned once; then parsed.
        selects, middle, inner, joins, checks = ["__file", "__row"], ["r.*"], ["t.*"], [], []
        typed = all(s.typed for s in sources)
        for column in columns:
            col_rule = rule.columns.get(column)
            kind = self.column_type(table, column)
            if col_rule is None:
                null_type = {"STAGE": "INTEGER", "MONTH": "VARCHAR"}.get(kind, kind)
                selects.append(f"CAST(NULL AS {null_type}) AS {_q(column)}")
                if kind == "STAGE":
                    selects.append("CAST(NULL AS VARCHAR) AS stage__kind")
                continue
            raw_q = _q(column + "__raw")
            text, canonical = raw_q, col_rule.value is not None
            value_map = self.mapping.value_map(table, column)
            if value_map is not None:
                alias = f"m_{len(joins)}"
                entries = {k.strip().lower(): _text(v) for k, v in value_map.items()
                           if k != CATCH_ALL}
                joins.append(f"LEFT JOIN (SELECT unnest({sql.bind(list(entries))}) AS k, "
                             f"unnest({sql.bind(list(entries.values()))}) AS v) {alias} "
                             f"ON {alias}.k = lower(r.{raw_q})")
                mapped = f"{alias}.v"
                if CATCH_ALL in value_map:
                    mapped = (f"coalesce({alias}.v, CASE WHEN r.{raw_q} IS NOT NULL THEN "
                              f"{sql.bind(_text(value_map[CATCH_ALL]))} END)")
                else:
                    checks.append((column, f"{raw_q} IS NOT NULL AND "
                                           f"{_q(column + '__mapped')} IS NULL", "unmapped"))
                canonical, text = True, _q(column + "__mapped")
                middle.append(f"{mapped} AS {text}")
                selects.append(text)
            number = None
            if kind in ("INTEGER", "DOUBLE", "STAGE") or kind.startswith("DECIMAL"):
                clean, number = _q(column + "__clean"), _q(column + "__number")
                middle.append(f"imp_clean({text}) AS {clean}")
                inner.append(f"{self.number(sql, col_rule, formats, text, canonical, typed, clean)}"
                             f" AS {number}")
            parsed = self.parse(sql, table, column, kind, col_rule, formats, text, canonical,
                                typed, number)
            selects.append(f"{parsed} AS {_q(column)}")
            selects.append(raw_q)
            if kind == "STAGE":
                selects.append(f"CASE WHEN lower({text}) IN ('won', 'lost') THEN lower({text}) "
                               f"END AS stage__kind")
                checks.append((column, f"{raw_q} IS NOT NULL AND stage IS NULL AND "
                                       f"stage__kind IS NULL", "parse"))
                if table == "opportunity_history":
                    checks.append((column, "stage IS NULL AND stage__kind IS NULL", "required"))
            else:
                checks.append((column, f"{raw_q} IS NOT NULL AND {_q(column)} IS NULL", "parse"))
            allowed = _ENUMS.get((table, column))
            if allowed:
                # The allowed values are the schema's constants, not input: written inline.
                listed = ", ".join("'" + value + "'" for value in allowed)
                checks.append((column, f"{_q(column)} IS NOT NULL AND {_q(column)} NOT IN "
                                       f"({listed})", "enum"))
            required = column in REQUIRED[table] or (
                column in TABLES[table].primary_key and table != "targets")
            if required and col_rule.default is None and kind != "STAGE":
                checks.append((column, f"{_q(column)} IS NULL", "required"))
        self.con.execute(f"CREATE OR REPLACE TABLE stg_{table} AS SELECT {', '.join(selects)} "
                         f"FROM (SELECT {', '.join(inner)} FROM (SELECT {', '.join(middle)} "
                         f"FROM ({' UNION ALL '.join(parts)}) r {' '.join(joins)}) t)",
                         sql.params)
        self.check(table, checks)
        return True

    def number(self, sql: _Sql, col_rule, formats, text, canonical, typed, clean) -> str:
        """SQL reading a DECIMAL from ``clean`` (``text`` through imp_clean) with the column's
        decimal and thousands settings, "%" and scale; XLSX numbers are read as stored."""
        decimal = col_rule.decimal or formats.decimal
        thousands = col_rule.thousands if col_rule.thousands is not None else formats.thousands
        number = _number_sql(sql, clean, ".", "") if canonical else _number_sql(
            sql, clean, decimal, thousands)
        if typed and not canonical:
            number = (f"CASE WHEN regexp_full_match({text}, '-?[0-9]+(\\.[0-9]+)?"
                      f"([eE][-+]?[0-9]+)?') THEN {_number_sql(sql, clean, '.', '')} "
                      f"ELSE {number} END")
        if col_rule.scale is not None:
            number = f"({number} * CAST({sql.bind(col_rule.scale)} AS DECIMAL(38,10)))"
        return number

    def parse(self, sql: _Sql, table, column, kind, col_rule, formats, text, canonical,
              typed, number=None) -> str:
        """SQL turning ``text`` (source or mapped text) into the column's type, NULL where it
        does not parse; ``number``: the column's value from ``self.number`` when computed
        already (a column of an inner query, so it is not evaluated again)."""
        date_formats = col_rule.date_format or formats.date_format
        if kind in ("VARCHAR", "STAGE", "MONTH", "BOOLEAN", "DATE") and \
                col_rule.scale is not None:
            raise MappingProblem(self.mapping.name, f"{table}.columns.{column}.scale",
                                 "only number columns can be scaled")
        if kind == "VARCHAR":
            allowed = _ENUMS.get((table, column))
            if allowed == ROLES:
                return f"upper({text})"
            return f"lower({text})" if allowed else text
        if kind == "DATE":
            fmts = [] if canonical else _with_times(date_formats)
            return f"CAST(try_strptime({text}, {sql.bind([*fmts, *_ISO_DATES])}) AS DATE)"
        if kind == "MONTH":
            fmts = [*_MONTH_FORMATS, *([] if canonical else _with_times(date_formats)),
                    *_ISO_DATES]
            return f"strftime(try_strptime({text}, {sql.bind(fmts)}), '%Y-%m')"
        if kind == "BOOLEAN":
            return (f"CASE WHEN lower({text}) IN ({', '.join(map(sql.bind, _TRUE))}) THEN true "
                    f"WHEN lower({text}) IN ({', '.join(map(sql.bind, _FALSE))}) THEN false END")
        if number is None:
            number = self.number(sql, col_rule, formats, text, canonical, typed,
                                 f"imp_clean({text})")
        if kind in ("INTEGER", "STAGE"):
            whole = f"CASE WHEN {number} = trunc({number}) THEN try_cast({number} AS INTEGER) END"
            if kind == "STAGE":
                return f"CASE WHEN lower({text}) NOT IN ('won', 'lost') THEN {whole} END"
            return whole
        if kind == "DOUBLE":
            return f"CAST({number} AS DOUBLE)"
        return f"try_cast({number} AS {kind})"

    def check(self, table: str, checks: list[tuple[str, str, str]]) -> None:
        """Raise ImportProblem for the first bad cell (by file, row, then column order)."""
        if not checks:
            return
        firsts = ", ".join(f"min(__file * 10000000000 + __row) FILTER (WHERE {cond})"
                           for _, cond, _ in checks)
        found = self.con.execute(f"SELECT {firsts} FROM stg_{table}").fetchall()[0]
        hits = [(key, i) for i, key in enumerate(found) if key is not None]
        if not hits:
            return
        key, i = min(hits)
        column, _, kind = checks[i]
        file_index, row = divmod(key, 10_000_000_000)
        self.fail_cell(table, column, kind, file_index, row)

    def fail_cell(self, table, column, kind, file_index, row, message=None):
        source = self.files[table][file_index]
        name = self.names[table][file_index].get(column, column)
        if message is None:
            mapped = column in self.mapping.tables[table].columns and \
                self.mapping.value_map(table, column) is not None
            extra = f", {_q(column + '__mapped')}" if mapped else ""
            values = self.con.execute(
                f"SELECT {_q(column + '__raw')}{extra} FROM stg_{table} "
                f"WHERE __file = $f AND __row = $r", {"f": file_index, "r": row}).fetchall()[0]
            message = self.describe(table, column, kind, values[0],
                                    values[1] if mapped else None)
        raise ImportProblem(source.label, row, name, message)

    def describe(self, table, column, kind, raw, mapped) -> str:
        rule = self.mapping.tables[table].columns[column]
        shown = _shown(raw)
        if kind == "unmapped":
            where = f"[maps.{rule.map}]" if isinstance(rule.map, str) else \
                f"the map of {table}.columns.{column}"
            return (f"{shown} is not in the value map {where}: add it there "
                    f"(or \"*\" = … for every other value)")
        if kind == "required":
            return f"empty, but {table}.{column} is required"
        value = f"{shown} (mapped to {_shown(mapped)})" if mapped is not None else shown
        if kind == "enum":
            allowed = ", ".join(_ENUMS[(table, column)])
            return f"{value} is not a {column} ({allowed}): map the export's values with a map"
        what = self.column_type(table, column)
        formats = self.mapping.formats(table)
        if what == "DATE":
            fmts = " or ".join(rule.date_format or formats.date_format)
            return f"{value} is not a date in the format {fmts} (set date_format)"
        if what == "MONTH":
            return f"{value} is not a month (YYYY-MM, or a date in the date_format)"
        if what == "BOOLEAN":
            return f"{value} is not yes/no (true/false, Y/N, yes/no, 1/0, X); map it with a map"
        if what == "STAGE":
            return (f"{value} is not a stage: map stage names to an open stage 1–{self.n}, "
                    f"\"won\" or \"lost\"")
        decimal = rule.decimal or formats.decimal
        thousands = rule.thousands if rule.thousands is not None else formats.thousands
        number = "whole number" if what == "INTEGER" else "number"
        return (f"{value} is not a {number} (decimal = \"{decimal}\", thousands = "
                f"\"{thousands}\"; set them for this file or column)")

    # -- final tables -------------------------------------------------------------------------

    def build(self) -> None:
        for table in _BUILD_ORDER:
            if table in self.mapping.tables and self.stage(table):
                self.finish(table)
                self.built.append(table)
        for table in self.built:
            self.check_keys(table)
        for table in self.built:
            self.con.execute(f"DROP TABLE IF EXISTS stg_{table}")

    def finish(self, table: str) -> None:
        sql = _Sql()
        rule = self.mapping.tables[table]
        joins, exprs = {}, ["s.__file", "s.__row"]
        for column, _ in TABLES[table].columns:
            expr = f"s.{_q(column)}"
            options = [expr]
            for ref_table, ref_column, key in _DERIVED.get((table, column), []):
                if ref_table in self.built and rule.columns.get(key) is not None:
                    alias = f"j_{ref_table}"
                    joins[alias] = (f"LEFT JOIN f_{ref_table} {alias} ON "
                                    f"{alias}.{_KEY_OF[ref_table]} = s.{key}")
                    options.append(f"{alias}.{ref_column}")
            col_rule = rule.columns.get(column)
            if col_rule is not None and col_rule.default is not None:
                options.append(self.default_sql(sql, table, column, col_rule))
            if (table, column) in _FALLBACK:
                options.append(_FALLBACK[(table, column)])
            expr = options[0] if len(options) == 1 else f"coalesce({', '.join(options)})"
            exprs.append(f"{expr} AS {_q(column)}")
        source = f"stg_{table} s"
        if table == "orders" and "line_no" not in rule.columns:
            exprs[exprs.index('s."line_no" AS "line_no"')] = (
                "CAST(row_number() OVER (PARTITION BY s.order_id ORDER BY s.__file, s.__row) "
                "AS INTEGER) AS line_no")
        if table == "activities" and "activity_id" not in rule.columns:
            exprs[exprs.index('s."activity_id" AS "activity_id"')] = (
                "'A' || lpad(CAST(row_number() OVER (ORDER BY s.__file, s.__row) AS VARCHAR), "
                "7, '0') AS activity_id")
        if table == "opportunities":
            source, exprs = self.opportunities(sql, exprs, joins)
        if table == "opportunity_history":
            return self.history()
        self.con.execute(f"CREATE OR REPLACE TABLE f_{table} AS SELECT {', '.join(exprs)} "
                         f"FROM {source} {' '.join(joins.values())}", sql.params)
        self.check_unique(table)

    def default_sql(self, sql: _Sql, table, column, col_rule) -> str:
        """The rule's default (a SPEC value, read like a map value) as a typed constant."""
        key = f"{table}.columns.{column}.default"
        kind = self.column_type(table, column)
        if column in ("stage", "status"):
            raise MappingProblem(self.mapping.name, key, "stage and status have no default: "
                                                         "map every value (\"*\" for the rest)")
        own = _Sql()
        expr = self.parse(own, table, column, kind, col_rule, self.mapping.formats(table),
                          own.bind(_text(col_rule.default)), True, False)
        value = self.con.execute(f"SELECT {expr}", own.params).fetchall()[0][0]
        allowed = _ENUMS.get((table, column))
        if value is None or (allowed and value not in allowed):
            raise MappingProblem(self.mapping.name, key,
                                 f"{col_rule.default!r} is not a valid {column}")
        sql_type = {"MONTH": "VARCHAR"}.get(kind, kind)
        return f"CAST({sql.bind(value)} AS {sql_type})"

    def opportunities(self, sql: _Sql, exprs: list[str], joins: dict) -> tuple[str, list[str]]:
        n, won = self.n, self.n + 1
        rule = self.mapping.tables["opportunities"]
        checks = [
            ("stage", f"s.stage IS NOT NULL AND s.stage NOT BETWEEN 1 AND {won}",
             f"stage {{raw}} is outside 1–{won} (open stages 1–{n}, won = {won})"),
            ("stage", "s.status = 'open' AND s.stage__kind IS NOT NULL",
             "the status says open but the stage says {kind}"),
            ("stage", f"s.status = 'open' AND (s.stage IS NULL OR s.stage > {n})",
             f"an open deal needs an open stage 1–{n}, not {{raw}}"),
            ("stage", "s.status IN ('won', 'lost') AND s.stage__kind IS NOT NULL "
                      "AND s.stage__kind <> s.status",
             "the stage says {kind} but the status says otherwise"),
            ("closed_date", "s.status <> 'open' AND s.closed_date IS NULL",
             "a won or lost deal needs a close date" + (
                 "" if "closed_date" in rule.columns else " (map closed_date)")),
        ]
        status = ("coalesce(o.status, o.stage__kind, CASE WHEN o.stage = "
                  f"{won} THEN 'won' ELSE 'open' END)")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW stg_opp AS SELECT o.* REPLACE "
                         f"({status} AS status) FROM stg_opportunities o")
        for column, cond, message in checks:
            hit = self.con.execute(
                f"SELECT __file, __row, CAST(stage__raw AS VARCHAR), stage__kind FROM stg_opp s "
                f"WHERE {cond} ORDER BY __file, __row LIMIT 1").fetchall()
            hit = hit[0] if hit else None
            if hit:
                self.fail_cell("opportunities", column, "", hit[0], hit[1],
                               message.format(raw=_shown(hit[2]), kind=hit[3]))
        last_open = ""
        if "opportunity_history" in self.built:
            last_open = ", h.stage"
            joins["h"] = (f"LEFT JOIN (SELECT opportunity_id, stage FROM (SELECT *, row_number() "
                          f"OVER (PARTITION BY opportunity_id ORDER BY entered_date DESC, stage "
                          f"DESC) AS rn FROM f_opportunity_history WHERE stage <= {n}) "
                          f"WHERE rn = 1) h ON h.opportunity_id = s.opportunity_id")
        if "activities" in self.built:
            joins["a"] = ("LEFT JOIN (SELECT opportunity_id, max(activity_date) AS last_date "
                          "FROM f_activities GROUP BY ALL) a ON a.opportunity_id = "
                          "s.opportunity_id")
            exprs = [e.replace('s."last_activity_date" AS', "coalesce(s.last_activity_date, "
                                                            "a.last_date) AS") for e in exprs]
        lost = sql.bind(rule.lost_stage or 1)
        stage = (f"CASE s.status WHEN 'won' THEN {won} WHEN 'lost' THEN least(coalesce(CASE WHEN "
                 f"s.stage BETWEEN 1 AND {n} THEN s.stage END{last_open}, {lost}), {n}) "
                 f"ELSE s.stage END")
        replaced = {
            "stage": stage, "status": "s.status",
            "closed_date": "CASE WHEN s.status = 'open' THEN NULL ELSE s.closed_date END",
            "expected_close_date": "coalesce(s.expected_close_date, s.closed_date)",
        }
        out = []
        for expr in exprs:
            column = expr.rsplit(" AS ", 1)[-1].strip('"')
            out.append(f"{replaced[column]} AS {_q(column)}" if column in replaced else expr)
        return "stg_opp s", out

    def history(self) -> None:
        won = self.n + 1
        hit = self.con.execute(
            f"SELECT __file, __row, CAST(stage__raw AS VARCHAR) FROM stg_opportunity_history "
            f"WHERE stage NOT BETWEEN 1 AND {won} ORDER BY __file, __row LIMIT 1").fetchall()
        hit = hit[0] if hit else None
        if hit:
            self.fail_cell("opportunity_history", "stage", "", hit[0], hit[1],
                           f"stage {_shown(hit[2])} is outside 1–{won}")
        # A deal can enter the same stage twice on a day: one row (the first) per key.
        self.con.execute(
            f"CREATE OR REPLACE TABLE f_opportunity_history AS SELECT __file, __row, "
            f"opportunity_id, stage, entered_date FROM (SELECT __file, __row, opportunity_id, "
            f"CASE WHEN stage__kind = 'won' THEN {won} ELSE stage END AS stage, entered_date, "
            f"row_number() OVER (PARTITION BY opportunity_id, CASE WHEN stage__kind = 'won' "
            f"THEN {won} ELSE stage END, entered_date ORDER BY __file, __row) AS rn "
            f"FROM stg_opportunity_history WHERE stage__kind IS DISTINCT FROM 'lost') "
            f"WHERE rn = 1")

    def check_unique(self, table: str) -> None:
        keys = TABLES[table].primary_key
        cols = ", ".join(_q(k) for k in keys)
        hit = self.con.execute(
            f"SELECT __file, __row, first_row FROM (SELECT __file, __row, first(__row) OVER w AS "
            f"first_row, row_number() OVER w AS n FROM f_{table} WINDOW w AS (PARTITION BY "
            f"{cols} ORDER BY __file, __row)) WHERE n = 2 ORDER BY __file, __row LIMIT 1"
        ).fetchall()
        hit = hit[0] if hit else None
        if hit:
            column = keys[0]
            described = " and ".join(keys)
            self.fail_cell(table, column, "", hit[0], hit[1],
                           f"the same {described} as row {hit[2]}: each {table} row needs its "
                           f"own key")

    def check_keys(self, table: str) -> None:
        """Every key that refers to a mapped table is found there (named by file and row)."""
        for column, ref_table, ref_column in TABLES[table].foreign_keys:
            if ref_table not in self.built:
                continue
            hit = self.con.execute(
                f"SELECT t.__file, t.__row, t.{_q(column)} FROM f_{table} t WHERE "
                f"t.{_q(column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM f_{ref_table} r "
                f"WHERE r.{_q(ref_column)} = t.{_q(column)}) ORDER BY t.__file, t.__row "
                f"LIMIT 1").fetchall()
            hit = hit[0] if hit else None
            if hit:
                files = ", ".join(s.label for s in self.files[ref_table])
                derived = "" if column in self.mapping.tables[table].columns else \
                    f" ({column} derived from the mapped tables)"
                self.fail_cell(table, column, "", hit[0], hit[1],
                               f"{_shown(hit[2])} is not a {ref_column} in {ref_table} "
                               f"({files}){derived}")

    # -- snapshots ----------------------------------------------------------------------------

    def newest_date(self) -> dt.date | None:
        dates = [("orders", "order_date"), ("opportunities", "created_date"),
                 ("opportunities", "closed_date"), ("opportunity_history", "entered_date")]
        parts = [f"SELECT max({c}) AS d FROM f_{t}" for t, c in dates if t in self.built]
        query = f"SELECT max(d) FROM ({' UNION ALL '.join(parts)})"
        return self.con.execute(query).fetchall()[0][0]

    def tables(self) -> dict[str, pa.Table]:
        """The full tables as exported and derived (no as-of reconstruction)."""
        return {t: self.fetch(f"SELECT * FROM f_{t}", t, {}) for t in TABLES if t in self.built}

    def fetch(self, query: str, table: str, params: dict) -> pa.Table:
        columns = ", ".join(_q(c) for c in TABLES[table].column_names)
        order = ", ".join(_q(c) for c in TABLES[table].primary_key)
        return self.con.sql(f"SELECT {columns} FROM ({query}) ORDER BY {order}",
                            params=params).to_arrow_table()

    def snapshot(self, sunday: dt.date) -> tuple[dict[str, pa.Table], dict[str, int]]:
        """Every table as of ``sunday`` (SPEC §9 backfill), and the rows left out per table."""
        n, p = self.n, {"s": sunday}
        opps = "opportunities" in self.built
        history = "opportunity_history" in self.built
        if opps:
            later = ("LEFT JOIN (SELECT DISTINCT opportunity_id FROM f_opportunity_history "
                     "WHERE entered_date > $s) later USING (opportunity_id) "
                     "LEFT JOIN (SELECT opportunity_id, stage AS then_stage FROM (SELECT *, "
                     "row_number() OVER (PARTITION BY opportunity_id ORDER BY entered_date DESC, "
                     "stage DESC) AS rn FROM f_opportunity_history WHERE entered_date <= $s) "
                     "WHERE rn = 1) h USING (opportunity_id)") if history else ""
            moved = "o.closed_date IS NOT NULL" + (" OR later.opportunity_id IS NOT NULL"
                                                   if history else "")
            then = "coalesce(h.then_stage, o.stage)" if history else "o.stage"
            activity = ("(SELECT max(activity_date) FROM f_activities a WHERE a.opportunity_id = "
                        "o.opportunity_id AND a.activity_date <= $s)"
                        if "activities" in self.built else "NULL")
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE snap_opportunities AS SELECT o.* REPLACE ("
                f"CASE WHEN o.closed_date <= $s THEN o.status ELSE 'open' END AS status, "
                f"CASE WHEN o.closed_date <= $s THEN o.stage WHEN {moved} THEN "
                f"least(greatest({then}, 1), {n}) ELSE least(o.stage, {n}) END AS stage, "
                f"CASE WHEN o.closed_date <= $s THEN o.closed_date END AS closed_date, "
                f"CASE WHEN o.last_activity_date <= $s THEN o.last_activity_date "
                f"ELSE {activity} END AS last_activity_date) "
                f"FROM f_opportunities o {later} "
                f"WHERE o.created_date <= $s OR o.created_date IS NULL", p)
        in_snapshot = ("CASE WHEN t.opportunity_id IN (SELECT opportunity_id FROM "
                       "snap_opportunities) THEN t.opportunity_id END") if opps else \
            "t.opportunity_id"
        queries = {
            "orders": f"SELECT t.* REPLACE ({in_snapshot} AS opportunity_id) FROM f_orders t "
                      f"WHERE t.order_date <= $s",
            "opportunities": "SELECT * FROM snap_opportunities",
            "opportunity_history": "SELECT * FROM f_opportunity_history t WHERE entered_date <= $s"
                                   + (" AND opportunity_id IN (SELECT opportunity_id FROM "
                                      "snap_opportunities)" if opps else ""),
            "activities": f"SELECT t.* REPLACE ({in_snapshot} AS opportunity_id) "
                          f"FROM f_activities t WHERE t.activity_date <= $s",
        }
        tables, left_out = {}, {}
        for table in TABLES:
            if table not in self.built:
                continue
            query = queries.get(table, f"SELECT * FROM f_{table}")
            tables[table] = self.fetch(query, table, p if "$s" in query else {})
            total = self.con.execute(f"SELECT count(*) FROM f_{table}").fetchall()[0][0]
            if total != tables[table].num_rows:
                left_out[table] = total - tables[table].num_rows
        return tables, left_out


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-./()#:]+", "", name).casefold()


def _trimmed(column: str) -> str:
    # trim() with a character list is slow; only values starting or ending with a tab, a
    # no-break or an ideographic space need it.
    return (f"CASE WHEN regexp_matches({column}, '^[\\t\\x{{00A0}}\\x{{3000}}]|"
            f"[\\t\\x{{00A0}}\\x{{3000}}]$') THEN trim({column}, ' \t\u00a0\u3000') "
            f"ELSE trim({column}) END")


def _text(value) -> str:
    """A mapping constant or map value as the canonical text every parser reads."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _shown(value) -> str:
    text = "" if value is None else str(value)
    text = text if len(text) <= 60 else text[:57] + "…"
    return repr(text)


def _with_times(formats: tuple[str, ...]) -> list[str]:
    """Each date format, also followed by a time (exports often stamp dates with 00:00)."""
    out = []
    for fmt in formats:
        out.append(fmt)
        if "%H" not in fmt:
            out += [fmt + " %H:%M:%S", fmt + " %H:%M"]
    return out


def _number_sql(sql: _Sql, clean: str, decimal: str, thousands: str) -> str:
    """A number from text already through imp_clean: "%" divides by 100; with a thousands
    separator set, a value using it must group digits by three ("1,5" is refused, not 15)."""
    body = f"rtrim({clean}, '%')"
    value = body
    ok = "true"
    if thousands:
        grouped = (f"^[-+]?[0-9]{{1,3}}({re.escape(thousands)}[0-9]{{3}})+"
                   f"({re.escape(decimal)}[0-9]*)?$")
        separator = sql.bind(thousands)
        ok = (f"CASE WHEN contains({body}, {separator}) THEN regexp_full_match({body}, "
              f"{sql.bind(grouped)}) ELSE true END")
        value = f"replace({value}, {separator}, '')"
    if decimal != ".":
        value = f"replace({value}, {sql.bind(decimal)}, '.')"
    return (f"(CASE WHEN ends_with({clean}, '%') THEN 0.01 ELSE 1 END * "
            f"CASE WHEN {ok} THEN try_cast({value} AS DECIMAL(38,10)) END)")


# ------------------------------------------------------------------------------ the public API

