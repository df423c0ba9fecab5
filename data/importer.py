"""Import a company's own exports as snapshots (SPEC §9 "Importer").

    python -m data.importer --data-dir DIR --mapping MAP.toml [--as-of YYYY-MM-DD]
                            [--backfill-weeks N] FILE…

CSV (any delimiter; UTF-8, UTF-8 with BOM, UTF-16, GBK) and XLSX exports are mapped by a
declarative mapping file (data/mapping.py) onto the SPEC §3 tables, checked, reconstructed as of
each snapshot's Sunday, written into a hidden folder of the data dir, validated by the store and
only then renamed into ``<data dir>/snapshots/``. On any error nothing is written and the command
exits 2 with one line naming the file, the row (as a spreadsheet shows it: header = row 1) and
the column.

DuckDB reads and parses the files and does every transformation (vectorised SQL); openpyxl reads
XLSX in read-only mode. The library functions are pure (no Streamlit) so the Import page builds on
them: ``read_sources``, ``build_tables``, ``preview``, ``import_files``.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import inspect
import json
import re
import shutil
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from data import store
from data.mapping import (CATCH_ALL, DEFAULT_OPEN_STAGES, DELIMITERS, EXTRA_COLUMNS, REQUIRED,
                          ImportProblem, Mapping, MappingProblem, guess_mapping, load_mapping,
                          mapping_to_toml)
from data.schema import (ACTIVITY_TYPES, CHANNELS, OPPORTUNITY_SOURCES, OPPORTUNITY_STATUSES,
                         ROLES, TABLES)

__all__ = ["ImportProblem", "MappingProblem", "Source", "Sources", "build_tables",
           "guess_mapping", "import_files", "load_mapping", "main", "mapping_to_toml", "preview",
           "read_sources"]

Progress = Callable[[float, str], None]
_DUCKDB_CONFIG = {"threads": 2, "memory_limit": "400MB",
                  "preserve_insertion_order": True}
_GBK = ("gbk", "gb2312", "gb18030")
_ISO_DATES = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f",
              "%Y-%m-%dT%H:%M:%S.%f")
_MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y%m", "%m/%Y", "%b %Y", "%B %Y", "%Y.%m")
_SPACES = " \t\u00a0\u3000"
# Stripped from numbers: spaces, currency symbols and codes (¥1,234.50, "USD 12", 12元).
_CURRENCY = r"[\s\x{00A0}\x{202F}\x{3000}¥￥$€£₩₹元]|(?i:cny|rmb|usd|eur|gbp|jpy|hkd)"
_ENUMS = {("orders", "channel"): CHANNELS, ("opportunities", "status"): OPPORTUNITY_STATUSES,
          ("opportunities", "source"): OPPORTUNITY_SOURCES, ("activities", "type"): ACTIVITY_TYPES,
          ("reps", "role"): ROLES}
_TRUE = ("true", "t", "yes", "y", "1", "x", "on", "是", "√")
_FALSE = ("false", "f", "no", "n", "0", "off", "否")


# ------------------------------------------------------------------------------------ reading

@dataclass(frozen=True)
class Source:
    """One file (or XLSX sheet) read into DuckDB as text: ``relation`` has ``__row`` (the row a
    spreadsheet shows) and the file's columns."""

    label: str
    path: Path
    sheet: str | None
    relation: str
    columns: tuple[str, ...]
    rows: int
    typed: bool  # XLSX: numbers and dates arrive as values, not as formatted text
    first_sheet: bool = True
    header_row: int = 1


class Sources:
    """The sources of one import in their own DuckDB connection; a context manager (close()
    drops the connection and the temporary files)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, tmp: Path, paths: list[Path]):
        self.con, self.tmp, self.paths = con, tmp, paths
        self.by_label: dict[str, Source] = {}
        self._relations = 0

    def new_relation(self) -> str:
        self._relations += 1
        return f"src_{self._relations}"

    def __iter__(self):
        return iter(self.by_label.values())

    def __getitem__(self, label: str) -> Source:
        return self.by_label[label]

    def columns(self) -> dict[str, list[str]]:
        """Label → column names: the input of ``guess_mapping``."""
        return {s.label: list(s.columns) for s in self}

    def header_rows(self) -> dict[str, int]:
        """Label → the row holding the column names (guessed for workbooks read without a
        mapping): ``guess_mapping``'s ``header_rows``."""
        return {s.label: s.header_row for s in self}

    def values(self, label: str, column: str, limit: int = 100) -> list[str]:
        """Distinct non-empty values of one column, sorted (for value-map suggestions)."""
        source = self[label]
        if column not in source.columns:
            raise KeyError(column)
        sql = (f"SELECT DISTINCT trim({_q(column)}) v FROM {source.relation} "
               f"WHERE trim({_q(column)}) <> '' ORDER BY v LIMIT {int(limit)}")
        return [row[0] for row in self.con.execute(sql).fetchall()]

    def release(self) -> None:
        """Drop the source text once the tables are built (frees memory for writing)."""
        relations = {s.relation for s in self} | {s.relation + "_t" for s in self}
        found = self.con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                 "ORDER BY table_type DESC").fetchall()  # views first
        for name, kind in found:
            if name in relations:
                self.con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} {name}")

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Sources:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_sources(paths: Iterable[str | Path], mapping: Mapping | None = None) -> Sources:
    """Read every file into DuckDB (all columns as text). With a mapping, only the files and
    sheets it uses, with its encoding, delimiter and header row; without one, every sheet of
    every workbook with automatic detection (for ``guess_mapping``). Raises ImportProblem."""
    paths = [Path(p) for p in paths]
    tmp = Path(tempfile.mkdtemp(prefix="cockpit-import-"))
    con = duckdb.connect(config={**_DUCKDB_CONFIG, "temp_directory": str(tmp / "duckdb")})
    con.execute("SET enable_progress_bar = false")  # stdout carries only the summary
    sources = Sources(con, tmp, paths)
    try:
        names = [p.name for p in paths]
        for path in paths:
            label = path.name if names.count(path.name) == 1 else str(path)
            wanted = _wanted(mapping, path) if mapping is not None else None
            if wanted == {}:
                continue  # not used by the mapping
            if not path.is_file():
                raise ImportProblem(label, None, None, "cannot read the file (no such file)")
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                _read_xlsx(sources, path, label, wanted)
            elif path.suffix.lower() == ".xls":
                raise ImportProblem(label, None, None, "old .xls workbooks cannot be read: "
                                                       "save it as .xlsx or CSV")
            else:
                formats = next(iter(wanted.values())) if wanted else None
                _read_csv(sources, path, label, formats)
    except BaseException:
        sources.close()
        raise
    return sources


def _wanted(mapping: Mapping, path: Path) -> dict:
    """(sheet or None) → Formats of the rules that read this file; conflicting settings fail."""
    wanted: dict = {}
    for table, rule in mapping.tables.items():
        if not rule.matches(path.name):
            continue
        formats = mapping.formats(table)
        key = rule.sheet.lower() if rule.sheet else None
        other = wanted.setdefault(key, formats)
        for setting in ("encoding", "delimiter", "header_row"):
            if getattr(other, setting) != getattr(formats, setting):
                raise MappingProblem(mapping.name, f"{table}.{setting}",
                                     f"{path.name} is read by two tables with different "
                                     f"{setting} settings")
    return wanted


def _read_csv(sources: Sources, path: Path, label: str, formats) -> None:
    encoding = formats.encoding if formats else "auto"
    delimiter = DELIMITERS.get(formats.delimiter, formats.delimiter) if formats else None
    header_row = formats.header_row if formats else 1
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError as exc:
        raise ImportProblem(label, None, None, f"cannot read the file ({exc.strerror})")
    if not head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n"):
        raise ImportProblem(label, 1, None, "the file is empty (no header row)")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if encoding == "utf-16" or (encoding == "auto" and utf16):
        codec = "utf-16"
    elif encoding in _GBK:
        if head.startswith(b"\xef\xbb\xbf") or _is_utf8_text(head):
            row, column = _locate_non_ascii(sources, path, "utf-8-sig", delimiter, header_row)
            raise ImportProblem(label, row, column, f"the file is UTF-8 text but the mapping "
                                                    f"says encoding = \"{encoding}\"")
        codec = "gb18030"  # superset of GBK and GB2312
    elif encoding == "latin-1":
        codec = "latin-1"
    else:
        codec = "utf-8-sig"
    try:
        _load_csv(sources, path, label, codec, delimiter, header_row)
    except _Undecodable:
        if encoding == "auto" and codec == "utf-8-sig":
            try:
                _load_csv(sources, path, label, "gb18030", delimiter, header_row)
                return
            except _Undecodable:
                pass
        row, column = _locate_undecodable(sources, path, codec, delimiter, header_row)
        said = {"utf-8-sig": "UTF-8", "gb18030": "GBK", "utf-16": "UTF-16"}.get(codec, codec)
        hint = (" nor GBK" if encoding == "auto" else
                "; set encoding in the mapping (\"gbk\" for Chinese Excel CSV)")
        raise ImportProblem(label, row, column, f"bytes that are not {said} text{hint}")


class _Undecodable(Exception):
    pass


def _is_utf8_text(head: bytes) -> bool:
    """Valid UTF-8 with non-ASCII characters (GBK text almost never is)."""
    if head.isascii():
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return True
    except UnicodeDecodeError:
        return False


def _load_csv(sources: Sources, path: Path, label: str, codec: str, delimiter: str | None,
              header_row: int) -> None:
    text_path = path if codec == "utf-8-sig" else _transcode(sources, path, codec, "strict")
    header = _header_line(text_path, header_row, label)
    delimiter = delimiter or _detect_delimiter(header)
    names = _dedupe(next(csv.reader([header], delimiter=delimiter), []))
    relation = sources.new_relation()
    table = relation + "_t"
    try:
        # Strict reading with the dialect fixed: a ragged row or a broken quote is an error
        # naming its line, never a silently skipped row or a re-guessed header.
        sources.con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv($f, auto_detect=false, header=false, "
            f"skip=$skip, delim=$d, quote='\"', escape='\"', columns=$cols, strict_mode=true)",
            {"f": str(text_path), "skip": header_row, "d": delimiter,
             "cols": {n: "VARCHAR" for n in names}})
    except duckdb.Error as exc:
        text = str(exc)
        if "Invalid unicode" in text or "not utf-8 encoded" in text:
            raise _Undecodable() from None
        line = re.search(r"Line: (\d+)", text)
        reason = _csv_reason(text, len(names))
        raise ImportProblem(label, int(line.group(1)) if line else None, None, reason) from None
    # rowid follows the file order (preserve_insertion_order); blank lines are not rows.
    sources.con.execute(f"CREATE VIEW {relation} AS SELECT rowid + {header_row + 1} AS __row, * "
                        f"FROM {table}")
    _register(sources, Source(label, path, None, relation, tuple(names), 0, False), header_row)


def _register(sources: Sources, source: Source, header_row: int) -> None:
    rows = sources.con.execute(f"SELECT count(*) FROM {source.relation}").fetchall()[0][0]
    if rows == 0:
        raise ImportProblem(source.label, header_row + 1, None,
                            f"no data rows below the header (row {header_row})")
    sources.by_label[source.label] = Source(source.label, source.path, source.sheet,
                                            source.relation, source.columns, rows, source.typed,
                                            source.first_sheet, header_row)


def _csv_reason(text: str, expected: int) -> str:
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        return (f"the row has {found.group(2)} values, the header has {expected} "
                f"column{'s' if expected != 1 else ''}")
    if "unterminated quote" in text:
        return "a quoted value is not closed (unterminated \")"
    first = next((line for line in text.splitlines()[1:] if line.strip()
                  and not line.startswith(("Original Line", "CSV Error"))), text.splitlines()[0])
    return f"unreadable CSV ({first.strip()})"


def _transcode(sources: Sources, path: Path, codec: str, errors: str) -> Path:
    """The file re-encoded as UTF-8 in the import's temporary folder (streamed)."""
    out_path = sources.tmp / f"{len(list(sources.tmp.glob('*.csv')))}-{errors}.csv"
    decoder = codecs.getincrementaldecoder(codec)(errors)
    try:
        with open(path, "rb") as src, open(out_path, "w", encoding="utf-8", newline="") as out:
            while chunk := src.read(1 << 22):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise _Undecodable() from None
    return out_path


def _header_line(text_path: Path, header_row: int, label: str) -> str:
    try:
        with open(text_path, encoding="utf-8-sig", newline="") as f:
            for _ in range(header_row):
                line = f.readline()
    except UnicodeDecodeError:
        raise _Undecodable() from None
    line = line.rstrip("\r\n")
    if not line.strip():
        raise ImportProblem(label, header_row, None, "no column names on the header row"
                            + (" (set header_row in the mapping)" if header_row == 1 else ""))
    return line


def _detect_delimiter(header: str) -> str:
    """The candidate that splits the header into the most columns (ties: , ; tab |)."""
    counts = [(len(next(csv.reader([header], delimiter=d))), -i, d)
              for i, d in enumerate((",", ";", "\t", "|"))]
    return max(counts)[2]


def _dedupe(names: list[str]) -> list[str]:
    out: list[str] = []
    for i, name in enumerate(names):
        name = name.strip(_SPACES) or f"column{i + 1}"
        base, n = name, 2
        while name in out:
            name, n = f"{base}_{n}", n + 1
        out.append(name)
    return out


def _locate_undecodable(sources, path, codec, delimiter, header_row) -> tuple[int | None, str]:
    """Row and column of the first undecodable bytes (decoded with replacement characters)."""
    return _locate(sources, path, codec, delimiter, header_row, "\ufffd")


def _locate_non_ascii(sources, path, codec, delimiter, header_row) -> tuple[int | None, str]:
    return _locate(sources, path, codec, delimiter, header_row, "[^\\x00-\\x7f]")


def _locate(sources, path, codec, delimiter, header_row, pattern) -> tuple[int | None, str]:
    """The first row and column (header included) holding a value that matches ``pattern``,
    reading the file decoded with replacement characters; only called to word an error."""
    text_path = _transcode(sources, path, codec, "replace")
    header = _header_line(text_path, header_row, path.name)
    names = _dedupe(next(csv.reader([header], delimiter=delimiter or _detect_delimiter(header))))
    for name in names:
        if re.search(pattern, name):
            return header_row, name
    probe = Sources(duckdb.connect(config=_DUCKDB_CONFIG), sources.tmp, [])
    probe.con.execute("SET enable_progress_bar = false")
    try:
        _load_csv(probe, text_path, path.name, "utf-8-sig", delimiter, header_row)
        relation = probe.by_label[path.name].relation
        firsts = ", ".join(f"min(__row) FILTER (WHERE regexp_matches({_q(n)}, $p))"
                           for n in names)
        rows = probe.con.execute(f"SELECT {firsts} FROM {relation}", {"p": pattern}).fetchall()[0]
    except (ImportProblem, _Undecodable, duckdb.Error):
        return None, None
    finally:
        probe.con.close()
    found = sorted((r, i) for i, r in enumerate(rows) if r is not None)
    return (found[0][0], names[found[0][1]]) if found else (None, None)


def _read_xlsx(sources: Sources, path: Path, label: str, wanted: dict | None) -> None:
    import openpyxl  # only imported when a workbook is read
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportProblem(label, None, None, f"not a readable XLSX workbook "
                                               f"({type(exc).__name__})") from None
    try:
        names = book.sheetnames
        guessing = wanted is None
        if guessing:
            wanted = {name.lower(): None for name in names}
        for key, formats in wanted.items():
            sheet = names[0] if key is None else next(
                (n for n in names if n.lower() == key), None)
            if sheet is None:
                raise ImportProblem(label, None, None, f"no sheet {key!r} in the workbook "
                                                       f"(sheets: {', '.join(names)})")
            header_row = formats.header_row if formats else _likely_header_row(book[sheet])
            try:
                _read_sheet(sources, book[sheet], path, label, sheet, header_row,
                            first=sheet == names[0], single=len(wanted) == 1 and key is None)
            except ImportProblem:
                if not guessing:
                    raise  # guessing skips sheets without a table (notes, charts)
    finally:
        book.close()


def _likely_header_row(sheet) -> int:
    """For a guess: the first of the top 20 rows with the most filled cells (title rows above
    a table have fewer)."""
    counts = [sum(v is not None and str(v).strip() != "" for v in row)
              for row in sheet.iter_rows(min_row=1, max_row=20, values_only=True)]
    return counts.index(max(counts)) + 1 if counts and max(counts) else 1


def _read_sheet(sources, sheet, path, label, name, header_row, first, single) -> None:
    sheet_label = label if single else f"{label}[{name}]"
    rows = sheet.iter_rows(min_row=header_row, values_only=True)
    header = next(rows, None)
    while header and header[-1] is None:
        header = header[:-1]
    if not header:
        raise ImportProblem(sheet_label, header_row, None, "no column names on the header row")
    names = _dedupe([_cell_text(v) or "" for v in header])
    width = len(names)
    numbers: list[int] = []
    columns: list[list] = [[] for _ in names]
    for number, values in enumerate(rows, start=header_row + 1):
        cells = [_cell_text(v) for v in values[:width]]
        if all(c is None or not c.strip() for c in cells):
            continue  # Excel keeps formatted but empty rows
        numbers.append(number)
        cells += [None] * (width - len(cells))
        for column, cell in zip(columns, cells):
            column.append(cell)
    arrow = pa.table({"__row": pa.array(numbers, pa.int64()),
                      **{n: pa.array(c, pa.string()) for n, c in zip(names, columns)}})
    relation = sources.new_relation()
    sources.con.register(relation + "_arrow", arrow)
    sources.con.execute(f"CREATE TABLE {relation} AS SELECT * FROM {relation}_arrow")
    sources.con.unregister(relation + "_arrow")
    _register(sources, Source(sheet_label, path, name, relation, tuple(names), 0, True, first),
              header_row)


def _cell_text(value) -> str | None:
    """An XLSX cell as canonical text: dates ISO, numbers with a "." decimal point."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else \
            value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _q(identifier: str) -> str:
    """A quoted identifier: source column names come from the file's own header (allow-list)."""
    return '"' + identifier.replace('"', '""') + '"'


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

def _open_stages(data_dir: Path | None) -> int:
    """N, the number of open stages, from the configuration of the data dir (SPEC §9
    ``[stages] names_en``); the SPEC §2 default when the configuration module is absent."""
    try:
        from data.config import current
    except ImportError:
        return DEFAULT_OPEN_STAGES
    return current(data_dir).stages.open_count


def build_tables(mapping: Mapping, sources: Sources,
                 open_stages: int = DEFAULT_OPEN_STAGES) -> dict[str, pa.Table]:
    """The SPEC §3 tables the mapping feeds, typed, derived (SPEC §9 keys, stage and status,
    defaults), checked and sorted by primary key, as exported (no as-of reconstruction).
    Raises ImportProblem for the first bad cell."""
    builder = _Builder(mapping, sources, open_stages)
    builder.build()
    return builder.tables()


@dataclass(frozen=True)
class Preview:
    """What an import would write: the first rows of each mapped table, row counts, the as_of
    it would use, and either the problem that stops it or the store's validation errors."""

    tables: dict[str, pa.Table]
    row_counts: dict[str, int]
    as_of: dt.date | None
    problem: ImportProblem | None
    validation_errors: tuple[str, ...] = ()


def preview(mapping: Mapping, sources: Sources, open_stages: int = DEFAULT_OPEN_STAGES,
            limit: int = 20, as_of: dt.date | None = None, validate: bool = True,
            data_dir: Path | None = None) -> Preview:
    """Map the sources without writing anything the caller can see: ``limit`` rows per table as
    of the snapshot's Sunday, and (``validate``) the store's validation of that snapshot, built
    in a temporary folder with ``data_dir``'s config.toml (its stage count). Never raises
    ImportProblem: it is returned."""
    try:
        builder = _Builder(mapping, sources, open_stages)
        builder.build()
        sunday = _resolve_as_of(builder, as_of)
        tables, _ = builder.snapshot(sunday)
    except ImportProblem as problem:
        return Preview({}, {}, None, problem)
    errors: tuple[str, ...] = ()
    if validate:
        with tempfile.TemporaryDirectory(prefix="cockpit-preview-") as tmp:
            _copy_config(data_dir, Path(tmp))
            path = _write(Path(tmp), sunday, tables, "preview")
            errors = store.validate(path).errors
    return Preview({t: table.slice(0, limit) for t, table in tables.items()},
                   {t: table.num_rows for t, table in tables.items()}, sunday, None, errors)


def import_files(data_dir: str | Path, mapping: Mapping | str | Path, paths: Iterable[str | Path],
                 as_of: dt.date | None = None, backfill_weeks: int = 0,
                 progress: Progress | None = None, open_stages: int | None = None,
                 notes: list[str] | None = None) -> list[Path]:
    """Import ``paths`` with ``mapping`` into ``data_dir``: the snapshot as of ``as_of`` (default:
    the Sunday on or before the newest order, created, closed or stage date) and
    ``backfill_weeks`` earlier weekly snapshots reconstructed from the export's dates.

    Every snapshot is built and validated in a hidden folder of ``data_dir`` and only then
    renamed into ``snapshots/``; on any problem nothing is written and ImportProblem is raised.
    ``progress(fraction, message)`` is called as the work advances; ``notes`` (a list) receives
    remarks such as rows dated after as_of. Returns the snapshot folders, newest first."""
    report = progress or (lambda fraction, message: None)
    notes = notes if notes is not None else []
    data_dir = Path(data_dir)
    if not isinstance(mapping, Mapping):  # the path of a mapping file
        mapping = load_mapping(Path(mapping))
    if backfill_weeks < 0:
        raise ImportProblem("--backfill-weeks", None, None, "must be 0 or more")
    n = open_stages if open_stages is not None else _open_stages(data_dir)
    paths = [Path(p) for p in paths]
    report(0.0, "reading files")
    with read_sources(paths, mapping) as sources:
        used = {s.path for s in sources}
        notes += [f"{p.name} is not used by the mapping" for p in paths if p not in used]
        report(0.3, "mapping columns")
        builder = _Builder(mapping, sources, n)
        builder.build()
        labels = ", ".join(sorted(s.label for s in sources))
        sources.release()
        sunday = _resolve_as_of(builder, as_of)
        sundays = [sunday - dt.timedelta(weeks=k) for k in range(backfill_weeks + 1)]
        for day in sundays:
            existing = data_dir / "snapshots" / store.iso_week_id(day)
            if existing.exists():
                raise ImportProblem(str(existing), None, None,
                                    f"snapshot {existing.name} already exists; snapshots are "
                                    f"never overwritten (remove that folder to import the week "
                                    f"again)")
        created_dir = not data_dir.exists()
        created_root = not (data_dir / "snapshots").exists()
        data_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".import-", dir=data_dir))
        moved: list[Path] = []
        try:
            _copy_config(data_dir, work)
            built = []
            for k, day in enumerate(sundays):
                report(0.4 + 0.5 * k / len(sundays), f"writing {store.iso_week_id(day)}")
                tables, left_out = builder.snapshot(day)
                if k == 0 and left_out:
                    notes.append(f"as of {day}: left out "
                                 + ", ".join(f"{v:,} {t} rows" for t, v in left_out.items())
                                 + " dated after it (or reconstructed)")
                source = f"import of {labels} with {mapping.name}" + (
                    f"; reconstructed as of {day} from the export's dates" if k else "")
                path = _write(work, day, tables, source)
                del tables
                info = store.validate(path)
                if not info.valid:
                    raise _invalid(info, builder)
                built.append(path)
            report(0.95, "renaming into place")
            final_root = data_dir / "snapshots"
            final_root.mkdir(exist_ok=True)  # created_root: removed again on failure
            for path in built:
                target = final_root / path.name
                path.rename(target)
                moved.append(target)
        except BaseException:
            for target in moved:
                shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)
            if created_dir:
                shutil.rmtree(data_dir, ignore_errors=True)
            elif created_root:
                shutil.rmtree(data_dir / "snapshots", ignore_errors=True)
            raise
        shutil.rmtree(work, ignore_errors=True)
    report(1.0, "done")
    return moved


def _copy_config(data_dir: Path | None, work: Path) -> None:
    """The store validates a snapshot with its data folder's configuration (the stage count):
    the hidden folder it is built in gets a copy of ``<data dir>/config.toml``."""
    if data_dir is not None and (Path(data_dir) / "config.toml").is_file():
        shutil.copy2(Path(data_dir) / "config.toml", work / "config.toml")


def _write(data_dir: Path, sunday: dt.date, tables: dict[str, pa.Table], source: str) -> Path:
    """store.write_snapshot, with a created_at derived from as_of when the store accepts one
    (the same input then gives a byte-identical manifest)."""
    kwargs = {}
    if "created_at" in inspect.signature(store.write_snapshot).parameters:
        kwargs["created_at"] = dt.datetime.combine(sunday, dt.time(), dt.timezone.utc)
    return store.write_snapshot(data_dir, sunday, tables, source, **kwargs)


def _invalid(info: store.SnapshotInfo, builder: _Builder) -> ImportProblem:
    first = info.errors[0] if info.errors else "invalid"
    table = re.match(r"([a-z_]+)[:.]", first)
    files = builder.files.get(table.group(1), []) if table else []
    more = f" (and {len(info.errors) - 1} more problems)" if len(info.errors) > 1 else ""
    where = ", ".join(s.label for s in files) or builder.mapping.name
    return ImportProblem(where, None, None, f"snapshot {info.snapshot_id} would not be valid: "
                                            f"{first}{more}")


def _resolve_as_of(builder: _Builder, as_of: dt.date | None) -> dt.date:
    if as_of is not None:
        if as_of.weekday() != 6:
            sunday = as_of - dt.timedelta(days=(as_of.weekday() + 1) % 7)
            raise ImportProblem("--as-of", None, None,
                                f"{as_of} is a {as_of:%A}; as_of is the Sunday of the snapshot "
                                f"week (e.g. {sunday})")
        return as_of
    newest = builder.newest_date()
    if newest is None:
        raise ImportProblem(builder.mapping.name, None, None,
                            "the export has no order, created, closed or stage dates to date the "
                            "snapshot: give --as-of")
    return newest - dt.timedelta(days=(newest.weekday() + 1) % 7)


# ------------------------------------------------------------------------------------ command

class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage block
        self.exit(2, f"python -m data.importer: {message} (see --help)\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m data.importer",
                     description="Import CSV/XLSX exports as Sales Cockpit snapshots (SPEC §9).")
    parser.add_argument("--data-dir", required=True, type=Path,
                        help="the data folder; snapshots go to DATA_DIR/snapshots/")
    parser.add_argument("--mapping", required=True, type=Path, help="the mapping file (TOML)")
    parser.add_argument("--as-of", type=_date, default=None,
                        help="the snapshot's Sunday (default: the Sunday on or before the "
                             "newest date in the export)")
    parser.add_argument("--backfill-weeks", type=int, default=0, metavar="N",
                        help="also write the N previous weekly snapshots, reconstructed")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. openpyxl on styles: not the user's concern
            written = import_files(args.data_dir, args.mapping, args.files, args.as_of,
                                   args.backfill_weeks, notes=notes)
    except ImportProblem as problem:
        print(problem, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return 2
    except Exception as exc:  # unexpected: still one line, never a traceback
        if type(exc).__name__ == "ConfigError":  # data/config.py: names the file and the key
            print(" ".join(str(exc).split()), file=sys.stderr)
            return 2
        first = (str(exc).strip().splitlines() or [""])[0]
        print(f"import failed ({type(exc).__name__}: {first}); nothing was written",
              file=sys.stderr)
        return 2
    for note in notes:
        print(f"note: {note}")
    for path in written:
        counts = json.loads((path / "manifest.json").read_text(encoding="utf-8"))["tables"]
        print(f"wrote snapshot {path.name}: "
              + ", ".join(f"{table} {rows:,}" for table, rows in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
