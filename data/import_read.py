"""Reading a company's exports for the importer (SPEC §9): CSV in any delimiter and encoding
(UTF-8, UTF-8 with BOM, UTF-16, GBK) read by DuckDB, XLSX read by openpyxl in read-only mode, every
value as text with the row a spreadsheet shows, for data/import_build.py to map."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from data.mapping import DELIMITERS, ImportProblem, Mapping, MappingProblem

_DUCKDB_CONFIG = {"threads": 2, "memory_limit": "400MB",
                  "preserve_insertion_order": True}
_GBK = ("gbk", "gb2312", "gb18030")
_SPACES = " \t\u00a0\u3000"


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
