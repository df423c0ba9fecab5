"""The import mapping file (SPEC §9): which export feeds which snapshot table, and how.

A mapping is a declarative TOML file a sales-operations analyst writes once and reuses every week.
Its sections, each documented in README.md "Use your own data":

- ``[defaults]``: reading and format settings for every file (``encoding``, ``delimiter``,
  ``header_row``, ``date_format``, ``decimal``, ``thousands``);
- ``[<table>]`` for each SPEC §3 table fed by an export (``orders``, ``opportunities``, …):
  ``file`` (a file name or glob), ``sheet`` (XLSX), ``optional``, the same format settings, and
  for ``opportunities`` ``lost_stage``;
- ``[<table>.columns]``: each SPEC column from a source column (``rep_id = "Sales Agent"``) or a
  rule (``stage = { column = "Deal Stage", map = "stages" }``, ``channel = { value = "direct" }``);
- ``[maps.<name>]``: value maps (export value → SPEC value), shared by any column.

Nothing here reads data: ``load_mapping`` checks the file (unknown keys and wrong types are errors
naming the file and key), ``mapping_to_toml`` writes it back, ``guess_mapping`` pre-fills one from
column names.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from data.schema import TABLES

# SPEC §2's default pipeline has four open stages (Identify … Commit); won is stage 5.
DEFAULT_OPEN_STAGES = 4
# Columns a mapping may give beyond the SPEC's: used to derive others, not written.
EXTRA_COLUMNS = {"opportunities": {"product_id": "VARCHAR"}}
# Columns each table's mapping must provide (the rest are derived or left empty).
REQUIRED = {
    "regions": ("region_id",), "industries": ("industry_id",), "reps": ("rep_id",),
    "products": ("product_id",), "customers": ("customer_id",),
    "customer_scores": ("customer_id", "criterion", "score"),
    "orders": ("order_id", "order_date", "revenue"),
    "opportunities": ("opportunity_id", "stage"),
    "opportunity_history": ("opportunity_id", "stage", "entered_date"),
    "targets": ("fiscal_month",), "activities": ("activity_date",),
}
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb2312", "gb18030", "utf-16", "latin-1")
DELIMITERS = {"auto": None, "comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
FORMAT_KEYS = ("encoding", "delimiter", "header_row", "date_format", "decimal", "thousands")
TABLE_KEYS = ("file", "sheet", "optional", *FORMAT_KEYS, "lost_stage", "columns")
RULE_KEYS = ("column", "value", "map", "default", "date_format", "decimal", "thousands", "scale")
CATCH_ALL = "*"


class ImportProblem(Exception):
    """Bad input: ``str()`` is the one line shown to the user, naming the file, the row as a
    spreadsheet shows it (header = row 1) and the column, where they are known."""

    def __init__(self, file: str, row: int | None, column: str | None, message: str):
        super().__init__(file, row, column, message)
        self.file, self.row, self.column, self.message = str(file), row, column, message

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {json.dumps(self.column, ensure_ascii=False)}"
        return _one_line(f"{where}: {self.message}")


class MappingProblem(ImportProblem):
    """The mapping file is unusable: names the mapping file and the key (``orders.columns.x``)."""

    def __init__(self, file: str, key: str, message: str, line: int | None = None):
        super().__init__(file, line, None, message)
        self.key = key

    def __str__(self) -> str:
        where = self.file + (f", line {self.row}" if self.row is not None else "")
        return _one_line(f"{where}: " + (f"key {self.key}: " if self.key else "") + self.message)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------- the model

@dataclass(frozen=True)
class Formats:
    """How to read a file and its values; None means "inherit" (table → defaults → built-in)."""

    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    date_format: tuple[str, ...] | None = None
    decimal: str | None = None
    thousands: str | None = None

    def over(self, base: Formats) -> Formats:
        """These settings, falling back to ``base`` for the ones not set."""
        return Formats(*(getattr(self, k) if getattr(self, k) is not None else getattr(base, k)
                         for k in FORMAT_KEYS))


BUILT_IN = Formats("auto", "auto", 1, ("%Y-%m-%d",), ".", ",")


@dataclass(frozen=True)
class ColumnRule:
    """One SPEC column: from source ``column`` or the constant ``value``; ``map`` names a
    ``[maps.<name>]`` table or is an inline dict; ``default`` fills empty cells."""

    column: str | None = None
    value: object = None
    map: str | dict | None = None
    default: object = None
    date_format: tuple[str, ...] | None = None
    decimal: str | None = None
    thousands: str | None = None
    scale: float | None = None


@dataclass(frozen=True)
class TableRule:
    """Which file (name or glob; ``sheet`` for XLSX) feeds one table, and its columns."""

    file: str
    columns: dict[str, ColumnRule]
    sheet: str | None = None
    optional: bool = False
    formats: Formats = Formats()
    lost_stage: int | None = None

    def matches(self, file_name: str) -> bool:
        return fnmatch.fnmatch(file_name.lower(), self.file.lower())


@dataclass(frozen=True)
class Mapping:
    """A whole mapping file: table rules in SPEC order, shared value maps, default formats."""

    tables: dict[str, TableRule]
    maps: dict[str, dict[str, object]] = field(default_factory=dict)
    defaults: Formats = Formats()
    name: str = "mapping"

    def formats(self, table: str) -> Formats:
        return self.tables[table].formats.over(self.defaults).over(BUILT_IN)

    def value_map(self, table: str, column: str) -> dict[str, object] | None:
        rule = self.tables[table].columns[column]
        return self.maps[rule.map] if isinstance(rule.map, str) else rule.map


# ------------------------------------------------------------------------------------- loading

def load_mapping(source: str | Path, name: str | None = None) -> Mapping:
    """A mapping from a TOML file (``Path``) or TOML text (``str``; ``name`` labels messages).

    Raises MappingProblem naming the file and key for invalid TOML, unknown keys (with a
    suggestion), wrong types, a missing required column and a map that does not exist."""
    if isinstance(source, Path):
        name = name or source.name
        try:
            text = source.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise MappingProblem(name, "", f"cannot read the mapping file ({exc.strerror})")
        except UnicodeDecodeError:
            raise MappingProblem(name, "", "the mapping file is not UTF-8 text")
    else:
        text, name = source, name or "mapping"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise MappingProblem(name, "", f"not valid TOML ({exc})",
                             int(line.group(1)) if line else None)
    return _Loader(name).mapping(raw)


class _Loader:
    def __init__(self, name: str):
        self.name = name

    def fail(self, key: str, message: str):
        raise MappingProblem(self.name, key, message)

    def unknown(self, key: str, known) -> None:
        close = difflib.get_close_matches(key.rsplit(".", 1)[-1], list(known), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        self.fail(key, f"unknown key ({hint})")

    def table(self, key: str, value) -> dict:
        if not isinstance(value, dict):
            self.fail(key, f"must be a table [{key}], not {_type_name(value)}")
        return value

    def mapping(self, raw: dict) -> Mapping:
        known = ("defaults", "maps", *TABLES)
        for key in raw:
            if key not in known:
                self.unknown(key, known)
        maps = {}
        for map_name, entries in self.table("maps", raw.get("maps", {})).items():
            entries = self.table(f"maps.{map_name}", entries)
            for source_value, target in entries.items():
                if not isinstance(target, (str, int, float, bool)):
                    self.fail(f"maps.{map_name}.{source_value}",
                              f"a map value must be text, a number or true/false, "
                              f"not {_type_name(target)}")
            _check_map_keys(self, f"maps.{map_name}", entries)
            maps[map_name] = dict(entries)
        defaults = self.formats("defaults", self.table("defaults", raw.get("defaults", {})),
                                FORMAT_KEYS)
        tables = {name: self.table_rule(name, self.table(name, raw[name]), maps)
                  for name in TABLES if name in raw}
        if not tables:
            self.fail("", "maps no table: add a section such as [orders] or [opportunities]")
        if not {"orders", "opportunities"} & set(tables):
            self.fail("", "a snapshot needs [orders] or [opportunities] (or both)")
        return Mapping(tables, maps, defaults, self.name)

    def formats(self, where: str, raw: dict, allowed) -> Formats:
        for key in raw:
            if key not in allowed:
                self.unknown(f"{where}.{key}" if where else key, allowed)
        values = {}
        for key in FORMAT_KEYS:
            if key in raw:
                values[key] = self.format_value(f"{where}.{key}", key, raw[key])
        return Formats(**values)

    def format_value(self, key: str, name: str, value):
        if name == "encoding":
            if not isinstance(value, str) or value.lower() not in ENCODINGS:
                self.fail(key, f"must be one of {', '.join(ENCODINGS)}, not {value!r}")
            return value.lower()
        if name == "delimiter":
            if isinstance(value, str) and value.lower() in DELIMITERS:
                return value.lower()
            if not isinstance(value, str) or len(value) != 1 or value in "\"\r\n":
                self.fail(key, f"must be one character (\",\", \";\", \"\\t\", \"|\") or one of "
                               f"{', '.join(DELIMITERS)}, not {value!r}")
            return value
        if name == "header_row":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                self.fail(key, f"must be a whole number ≥ 1 (the row holding the column "
                               f"names), not {value!r}")
            return value
        if name == "date_format":
            formats = [value] if isinstance(value, str) else value
            if (not isinstance(formats, list) or not formats
                    or not all(isinstance(f, str) and "%" in f for f in formats)):
                self.fail(key, f"must be a strftime pattern such as \"%d/%m/%Y\" or a list of "
                               f"them, not {value!r}")
            return tuple(formats)
        if name == "decimal":
            if value not in (".", ","):
                self.fail(key, f"must be \".\" or \",\", not {value!r}")
            return value
        if name == "thousands":
            if value not in ("", ",", ".", " ", "'", "\u00a0"):
                self.fail(key, f"must be \",\", \".\", \" \", \"'\" or \"\" (none), "
                               f"not {value!r}")
            return value
        raise AssertionError(name)

    def table_rule(self, name: str, raw: dict, maps: dict) -> TableRule:
        allowed = [k for k in TABLE_KEYS if k != "lost_stage" or name == "opportunities"]
        for key in raw:
            if key not in allowed:
                self.unknown(f"{name}.{key}", allowed)
        formats = self.formats(name, {k: raw[k] for k in FORMAT_KEYS if k in raw}, FORMAT_KEYS)
        if not isinstance(raw.get("file"), str) or not raw["file"].strip():
            self.fail(f"{name}.file", "required: the export's file name or a glob such as "
                                      "\"orders_*.csv\"")
        sheet = raw.get("sheet")
        if sheet is not None and not isinstance(sheet, str):
            self.fail(f"{name}.sheet", f"must be a sheet name (text), not {sheet!r}")
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            self.fail(f"{name}.optional", f"must be true or false, not {optional!r}")
        lost_stage = raw.get("lost_stage")
        if lost_stage is not None and (not isinstance(lost_stage, int)
                                       or isinstance(lost_stage, bool) or lost_stage < 1):
            self.fail(f"{name}.lost_stage", f"must be an open stage number ≥ 1, "
                                            f"not {lost_stage!r}")
        columns_raw = self.table(f"{name}.columns", raw.get("columns", {}))
        known = [*TABLES[name].column_names, *EXTRA_COLUMNS.get(name, {})]
        columns = {}
        for column in known:  # SPEC order, whatever the file's order
            if column in columns_raw:
                columns[column] = self.rule(f"{name}.columns.{column}", columns_raw[column], maps)
        for column in columns_raw:
            if column not in known:
                self.unknown(f"{name}.columns.{column}", known)
        for column in REQUIRED[name]:
            if column not in columns:
                self.fail(f"{name}.columns", f"{column} is required: say which source column "
                                             f"holds it, e.g. {column} = \"…\"")
        return TableRule(raw["file"].strip(), columns, sheet, optional, formats, lost_stage)

    def rule(self, key: str, raw, maps: dict) -> ColumnRule:
        if isinstance(raw, str):
            if not raw.strip():
                self.fail(key, "names no source column (empty text)")
            return ColumnRule(column=raw.strip())
        if not isinstance(raw, dict):
            self.fail(key, f"must be a source column name in quotes or a table such as "
                           f"{{ value = {json.dumps(_literal(raw))} }} for a constant, "
                           f"not {_type_name(raw)}")
        for k in raw:
            if k not in RULE_KEYS:
                self.unknown(f"{key}.{k}", RULE_KEYS)
        if ("column" in raw) == ("value" in raw):
            self.fail(key, "give exactly one of column = \"<source column>\" or "
                           "value = <constant>")
        column = raw.get("column")
        if column is not None and (not isinstance(column, str) or not column.strip()):
            self.fail(f"{key}.column", f"must be a source column name, not {column!r}")
        for k in ("value", "default"):
            if k in raw and not isinstance(raw[k], (str, int, float, bool, dt.date)):
                self.fail(f"{key}.{k}", f"must be text, a number, true/false or a date, "
                                        f"not {_type_name(raw[k])}")
        value_map = raw.get("map")
        if isinstance(value_map, str):
            if value_map not in maps:
                self.fail(f"{key}.map", f"no [maps.{value_map}] in this file"
                                        + (f" (maps: {', '.join(maps)})" if maps else ""))
        elif isinstance(value_map, dict):
            for source_value, target in value_map.items():
                if not isinstance(target, (str, int, float, bool)):
                    self.fail(f"{key}.map.{source_value}",
                              "a map value must be text, a number or true/false")
            _check_map_keys(self, f"{key}.map", value_map)
        elif value_map is not None:
            self.fail(f"{key}.map", f"must name a [maps.<name>] table or be an inline table, "
                                    f"not {_type_name(value_map)}")
        scale = raw.get("scale")
        if scale is not None and (not isinstance(scale, (int, float)) or isinstance(scale, bool)
                                  or scale == 0):
            self.fail(f"{key}.scale", f"must be a non-zero number (0.01 for percentage points, "
                                      f"1000 for thousands), not {scale!r}")
        formats = self.formats(key, {k: raw[k] for k in ("date_format", "decimal", "thousands")
                                     if k in raw}, FORMAT_KEYS)
        return ColumnRule(column.strip() if column else None, _literal(raw.get("value")),
                          value_map, _literal(raw.get("default")), formats.date_format,
                          formats.decimal, formats.thousands,
                          float(scale) if scale is not None else None)


def _check_map_keys(loader: _Loader, key: str, entries: dict) -> None:
    seen: dict[str, str] = {}
    for source_value in entries:
        folded = source_value.strip().lower()
        if folded in seen:
            loader.fail(key, f"{seen[folded]!r} and {source_value!r} are the same value "
                             f"(maps ignore case and surrounding spaces)")
        seen[folded] = source_value


def _literal(value):
    """TOML dates and times become ISO text, the form every column parser accepts."""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def _type_name(value) -> str:
    return {dict: "a table", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


# ------------------------------------------------------------------------------ documentation

@dataclass(frozen=True)
class Key:
    """One key of the mapping file: where it may appear, its default, what it means."""

    name: str
    where: str
    default: str
    help: str


KEYS: tuple[Key, ...] = (
    Key("file", "[<table>]", "required",
        "The export feeding the table: a file name or a glob such as `orders_*.csv` (case is "
        "ignored). Several matching files are read as one table, in file-name order."),
    Key("sheet", "[<table>]", "the first sheet", "XLSX only: the sheet to read."),
    Key("optional", "[<table>]", "false",
        "`true`: no error when none of the given files matches `file`; the table is then "
        "simply not written."),
    Key("lost_stage", "[opportunities]", "1",
        "The open stage a lost deal gets when the export does not say which stage it reached "
        "and its stage history has no open stage for it."),
    Key("columns", "[<table>]", "required",
        "The table `[<table>.columns]`: one line per SPEC column (see below)."),
    Key("encoding", "[defaults], [<table>]", "auto",
        "`auto` (UTF-8 with or without BOM, UTF-16 with BOM, else GBK), `utf-8`, `utf-8-sig`, "
        "`gbk` (also `gb2312`, `gb18030`), `utf-16`, `latin-1`. CSV only."),
    Key("delimiter", "[defaults], [<table>]", "auto",
        "`auto` (whichever of comma, semicolon, tab and pipe splits the header row into the most "
        "columns), one character, or `comma`, `semicolon`, `tab`, `pipe`. CSV only."),
    Key("header_row", "[defaults], [<table>]", "1",
        "The row holding the column names (rows above it, such as report titles, are skipped)."),
    Key("date_format", "[defaults], [<table>], { … }", "%Y-%m-%d",
        "strftime pattern(s) of dates, e.g. `\"%d/%m/%Y\"` or a list tried in order. A time "
        "after the date is accepted; ISO dates (2026-11-22) are always accepted, and XLSX date "
        "cells need no format."),
    Key("decimal", "[defaults], [<table>], { … }", ".",
        "The decimal mark of numbers: `.` or `,`."),
    Key("thousands", "[defaults], [<table>], { … }", ",",
        "The thousands separator: `,` `.` space `'` or `\"\"` (none). A value using it must "
        "group digits by three, so `1,5` is refused rather than read as 15."),
    Key("column", "{ … }", "—", "The source column (name matched ignoring case, spaces and "
                                 "underscores when there is no exact match)."),
    Key("value", "{ … }", "—", "A constant for every row instead of a source column."),
    Key("map", "{ … }", "none",
        "A value map: the name of a `[maps.<name>]` table or an inline table "
        "`{ \"Won\" = \"won\" }`. A value that is not in the map is an error unless the "
        "map has `\"*\"` (every other value)."),
    Key("default", "{ … }", "none",
        "The value (a SPEC value, as after the map) for empty cells."),
    Key("scale", "{ … }", "none",
        "Multiply numbers: `0.01` for percentage points (12 → 0.12), `1000` for amounts in "
        "thousands."),
)


def keys_table() -> str:
    """The README's table of mapping keys, generated from KEYS."""
    rows = ["| key | where | default | meaning |", "| --- | --- | --- | --- |"]
    for key in KEYS:
        where = ", ".join(f"`{w}`" for w in key.where.split(", "))
        rows.append(f"| `{key.name}` | {where} | {key.default} | {key.help} |")
    return "\n".join(rows) + "\n"


# ------------------------------------------------------------------------------------- writing

def mapping_to_toml(mapping: Mapping) -> str:
    """The mapping as a TOML file that ``load_mapping`` reads back to an equal Mapping."""
    lines = ["# Sales Cockpit import mapping (README.md, \"Use your own data\").", ""]
    defaults = _format_items(mapping.defaults)
    if defaults:
        lines += ["[defaults]", *defaults, ""]
    for name, rule in mapping.tables.items():
        lines.append(f"[{name}]")
        lines.append(f"file = {_toml(rule.file)}")
        if rule.sheet is not None:
            lines.append(f"sheet = {_toml(rule.sheet)}")
        if rule.optional:
            lines.append("optional = true")
        lines += _format_items(rule.formats)
        if rule.lost_stage is not None:
            lines.append(f"lost_stage = {rule.lost_stage}")
        lines += ["", f"[{name}.columns]"]
        for column, col in rule.columns.items():
            lines.append(f"{column} = {_rule_toml(col)}")
        lines.append("")
    for map_name, entries in mapping.maps.items():
        lines.append(f"[maps.{_key(map_name)}]")
        lines += [f"{_key(k)} = {_toml(v)}" for k, v in entries.items()]
        lines.append("")
    return "\n".join(lines)


def _format_items(formats: Formats) -> list[str]:
    out = []
    for key in FORMAT_KEYS:
        value = getattr(formats, key)
        if value is not None:
            if key == "date_format":
                value = value[0] if len(value) == 1 else list(value)
            out.append(f"{key} = {_toml(value)}")
    return out


def _rule_toml(rule: ColumnRule) -> str:
    if rule.column is not None and rule == ColumnRule(column=rule.column):
        return _toml(rule.column)
    parts = [f"column = {_toml(rule.column)}" if rule.column is not None
             else f"value = {_toml(rule.value)}"]
    if rule.map is not None:
        parts.append(f"map = {_toml(rule.map)}")
    if rule.default is not None:
        parts.append(f"default = {_toml(rule.default)}")
    for key in ("date_format", "decimal", "thousands", "scale"):
        value = getattr(rule, key)
        if value is not None:
            if key == "date_format":
                value = value[0] if len(value) == 1 else list(value)
            parts.append(f"{key} = {_toml(value)}")
    return "{ " + ", ".join(parts) + " }"


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml(name)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} to TOML")


# ------------------------------------------------------------------------------------- guessing

def _norm(name: str) -> str:
    return re.sub(r"[\s_\-./()#:]+", "", name).casefold()


# Per table: SPEC column → source names it is often exported as (normalised: lower case, no
# spaces, underscores, hyphens or dots), best first. Common CRM (Salesforce, HubSpot, the public
# "CRM sales opportunities" sample) and ERP (SAP, Oracle, Kingdee/Yonyou) spellings.
_ID = {"customer_id": ("customerid", "customer", "account", "accountname", "accountid",
                       "client", "clientid", "customername", "company", "soldto", "客户", "客户名称"),
       "rep_id": ("repid", "salesagent", "salesrep", "rep", "owner", "opportunityowner",
                  "dealowner", "salesperson", "seller", "agent", "employee", "销售", "销售代表"),
       "region_id": ("regionid", "region", "regionaloffice", "territory", "salesregion", "area",
                     "区域", "大区"),
       "industry_id": ("industryid", "industry", "sector", "vertical", "行业"),
       "product_id": ("productid", "product", "sku", "productcode", "item", "itemcode",
                      "material", "materialnumber", "产品", "产品编码"),
       "product_line": ("productline", "productfamily", "family", "productcategory", "category",
                        "产品线"),
       "opportunity_id": ("opportunityid", "oppid", "dealid", "opportunity", "商机", "商机编号")}
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "opportunities": {
        "opportunity_id": ("opportunityid", "oppid", "dealid", "id", "opportunity", "商机编号"),
        "name": ("opportunityname", "dealname", "name", "subject", "商机名称"),
        "customer_id": _ID["customer_id"], "rep_id": _ID["rep_id"],
        "region_id": _ID["region_id"], "industry_id": _ID["industry_id"],
        "product_line": _ID["product_line"], "product_id": _ID["product_id"],
        "stage": ("stage", "dealstage", "salesstage", "opportunitystage", "阶段", "销售阶段"),
        "status": ("status", "outcome", "result", "wonlost", "状态"),
        "amount": ("amount", "closevalue", "dealvalue", "value", "opportunityamount",
                   "expectedrevenue", "金额", "商机金额"),
        "expected_margin_pct": ("expectedmarginpct", "expectedmargin", "marginpct", "margin",
                                "毛利率"),
        "created_date": ("createddate", "createdate", "created", "engagedate", "opendate",
                         "创建日期"),
        "expected_close_date": ("expectedclosedate", "forecastclosedate", "targetclosedate",
                                "预计关闭日期"),
        "closed_date": ("closeddate", "closedate", "actualclosedate", "closingdate", "关闭日期"),
        "source": ("source", "leadsource", "opportunitysource", "origin", "来源"),
        "last_activity_date": ("lastactivitydate", "lastactivity", "lastmodifieddate")},
    "orders": {
        "order_id": ("orderid", "ordernumber", "orderno", "salesorder", "salesordernumber",
                     "sonumber", "invoicenumber", "invoiceno", "documentnumber", "订单号"),
        "line_no": ("lineno", "linenumber", "line", "orderline", "position", "item", "行号"),
        "order_date": ("orderdate", "invoicedate", "bookingdate", "postingdate", "documentdate",
                       "date", "订单日期", "日期"),
        "customer_id": _ID["customer_id"], "rep_id": _ID["rep_id"],
        "region_id": _ID["region_id"], "industry_id": _ID["industry_id"],
        "product_id": _ID["product_id"], "product_line": _ID["product_line"],
        "channel": ("channel", "saleschannel", "distributionchannel", "route", "渠道"),
        "quantity": ("quantity", "qty", "units", "数量"),
        "revenue": ("revenue", "netrevenue", "netamount", "netvalue", "netsales", "sales",
                    "linetotal", "amount", "收入", "金额"),
        "cost": ("cost", "cogs", "costamount", "totalcost", "成本"),
        "discount_pct": ("discountpct", "discount", "discountrate", "discount%", "disc%",
                         "disc", "折扣"),
        "special_price": ("specialprice", "special", "specialpricing", "特价", "特单"),
        "opportunity_id": _ID["opportunity_id"]},
    "opportunity_history": {
        "opportunity_id": ("opportunityid", "oppid", "dealid", "opportunity"),
        "stage": ("stage", "tostage", "newstage", "dealstage", "阶段"),
        "entered_date": ("entereddate", "changedate", "stagedate", "date", "changedon")},
    "reps": {
        "rep_id": ("repid", "salesagent", "salesrep", "rep", "employeeid", "employee", "销售"),
        "name": ("name", "repname", "fullname", "姓名"),
        "role": ("role", "title", "角色"), "region_id": _ID["region_id"],
        "manager_id": ("managerid",), "active": ("active", "isactive", "enabled")},
    "customers": {
        "customer_id": _ID["customer_id"], "name": ("name", "accountname", "customername"),
        "industry_id": _ID["industry_id"], "region_id": _ID["region_id"],
        "owner_rep_id": ("ownerrepid", "owner", "accountowner", "salesrep", "rep"),
        "created_date": ("createddate", "created", "since")},
    "products": {
        "product_id": _ID["product_id"], "name": ("name", "productname", "description"),
        "product_line": (*_ID["product_line"], "line"),
        "series": ("series", "productseries", "系列"),
        "list_price": ("listprice", "salesprice", "price", "unitprice", "价格"),
        "standard_cost": ("standardcost", "unitcost", "cost", "成本"),
        "high_margin": ("highmargin",)},
    "regions": {"region_id": ("regionid", "region", "code", "区域"),
                "name_en": ("nameen", "name", "regionname"), "name_zh": ("namezh", "中文名"),
                "region_group": ("regiongroup", "group", "zone")},
    "industries": {"industry_id": ("industryid", "industry", "sector", "code", "行业"),
                   "name_en": ("nameen", "name", "industryname"), "name_zh": ("namezh",)},
    "targets": {"fiscal_month": ("fiscalmonth", "month", "period", "月份"),
                "region_id": _ID["region_id"], "industry_id": _ID["industry_id"],
                "product_line": _ID["product_line"],
                "revenue_target": ("revenuetarget", "target", "quota", "salestarget", "收入目标"),
                "margin_target": ("margintarget", "gptarget", "grossmargintarget", "毛利目标")},
    "activities": {"activity_id": ("activityid", "id"),
                   "activity_date": ("activitydate", "date", "日期"),
                   "rep_id": _ID["rep_id"], "customer_id": _ID["customer_id"],
                   "type": ("type", "activitytype", "类型"),
                   "opportunity_id": _ID["opportunity_id"]},
    "customer_scores": {"customer_id": _ID["customer_id"], "criterion": ("criterion",),
                        "score": ("score",)},
}
# File-name hints: a file called like this most likely feeds the table.
_FILE_HINTS = {"orders": ("order", "sales_line", "invoice", "订单"),
               "opportunities": ("opportunit", "pipeline", "deal", "商机"),
               "opportunity_history": ("history", "stage_change"),
               "reps": ("sales_team", "rep", "employee", "agent"),
               "customers": ("account", "customer", "client", "客户"),
               "products": ("product", "产品"), "regions": ("region",),
               "industries": ("industr", "sector"), "targets": ("target", "quota", "目标"),
               "activities": ("activit", "call", "visit"), "customer_scores": ("score",)}
# Open-stage names in their usual pipeline order (a guess for the stage value map).
_STAGE_ORDER = ("lead", "prospect", "identif", "qualif", "engag", "validat", "discover",
                "develop", "solution", "demo", "propos", "quot", "negotiat", "commit", "contract")


def guess_mapping(file_columns: dict[str, list[str]],
                  values: dict[str, dict[str, list[str]]] | None = None,
                  open_stages: int = DEFAULT_OPEN_STAGES,
                  header_rows: dict[str, int] | None = None) -> Mapping:
    """A first mapping pre-filled from column names (ignoring case, spaces and underscores, with
    common CRM/ERP synonyms such as "Close Date", "Account", "Deal Stage", "Sales Agent").

    ``file_columns``: source label (a file name, or ``book.xlsx[Sheet]`` for a sheet) → its
    column names. ``values`` (optional): label → column → distinct values, used to pre-fill the
    stage value map (names containing won/lost become won/lost, others open stages in their
    usual order). ``header_rows`` (optional): label → the row holding the column names, when
    not 1. Each table takes the one source that matches it best; the analyst reviews the result
    before importing."""
    candidates = []
    for label, columns in file_columns.items():
        for table in SYNONYMS:
            found = _match_columns(table, columns)
            if not all(c in found for c in REQUIRED[table]):
                continue
            hint = any(h in label.lower() for h in _FILE_HINTS[table])
            candidates.append((len(found) + 3 * hint, label, table, found))
    tables: dict[str, TableRule] = {}
    used: set[str] = set()
    maps: dict[str, dict] = {}
    for _, label, table, found in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if table in tables or label in used:
            continue
        used.add(label)
        file, sheet = _split_label(label)
        columns = {c: ColumnRule(column=found[c]) for c in found}
        if table == "products" and "product_line" not in columns and "series" in columns:
            columns["product_line"] = columns["series"]
        for column in ("stage",):
            if column in columns:
                seen = ((values or {}).get(label) or {}).get(found[column]) or []
                stage_map = _guess_stage_map(seen, open_stages)
                if stage_map:
                    maps[f"{table}_{column}"] = stage_map
                    columns[column] = replace(columns[column], map=f"{table}_{column}")
        ordered = {c: columns[c] for c in [*TABLES[table].column_names,
                                          *EXTRA_COLUMNS.get(table, {})] if c in columns}
        header_row = (header_rows or {}).get(label, 1)
        tables[table] = TableRule(file, ordered, sheet,
                                  formats=Formats(header_row=header_row if header_row != 1
                                                  else None))
    ordered_tables = {t: tables[t] for t in TABLES if t in tables}
    return Mapping(ordered_tables, maps, Formats(), "guessed mapping")


def _match_columns(table: str, columns: list[str]) -> dict[str, str]:
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(_norm(column), column)
    found, taken = {}, set()
    for spec_column, names in SYNONYMS[table].items():
        for name in (spec_column.replace("_", ""), *names):
            source = by_norm.get(name)
            if source is not None and source not in taken:
                found[spec_column] = source
                taken.add(source)
                break
    return found


def _guess_stage_map(seen: list[str], open_stages: int) -> dict[str, object]:
    def rank(name: str) -> tuple:
        low = name.casefold()
        hits = [i for i, word in enumerate(_STAGE_ORDER) if word in low]
        return (hits[0] if hits else len(_STAGE_ORDER), low)

    out: dict[str, object] = {}
    open_names = []
    for name in sorted({str(v).strip() for v in seen if v is not None and str(v).strip()}):
        low = name.casefold()
        if "won" in low or low in ("win", "closed won", "赢单", "成交"):
            out[name] = "won"
        elif "lost" in low or low in ("lose", "closed lost", "丢单", "输单"):
            out[name] = "lost"
        else:
            open_names.append(name)
    for number, name in enumerate(sorted(open_names, key=rank), start=1):
        out[name] = min(number, open_stages)
    return out


def _split_label(label: str) -> tuple[str, str | None]:
    match = re.fullmatch(r"(.+?)\[(.+)\]", label)
    return (match.group(1), match.group(2)) if match else (label, None)
