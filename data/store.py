"""The snapshot store (SPEC §3): discover, validate, write atomically, and serve over DuckDB.

A snapshot is an immutable folder ``<data dir>/snapshots/<snapshot_id>/`` holding
``manifest.json`` and one Parquet file per table. Nothing here knows about Streamlit or metrics.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from data import config, extracts
from data.access import Scope, limited
from data.config import DATA_DIR_ENV, DEFAULT_DATA_DIR, data_dir_from_env  # noqa: F401
from data.extracts import EXTRACTS
from data.schema import REQUIRED_ANY, SCHEMA_VERSION, TABLES, Table

SNAPSHOT_ID = re.compile(r"^\d{4}-W\d{2}$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "DECIMAL(18,2)": pa.decimal128(18, 2),
}
# Orders are sorted by date and written in row groups of this size so DuckDB can skip row groups
# outside the selected period.
ROW_GROUP_SIZE = 122_880


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[sql_type]) for name, sql_type in table.columns])


def iso_week_id(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --------------------------------------------------------------------------------------- writing

def write_snapshot(
    data_dir: Path,
    as_of: dt.date,
    tables: dict[str, pa.Table],
    source: str,
    created_at: dt.datetime | None = None,
) -> Path:
    """Write one snapshot atomically: into a hidden temp folder, then rename into place.

    Each table is cast to its contract types; extra columns are kept. Refuses to overwrite an
    existing snapshot (snapshots are immutable). ``created_at`` (default: now) is the manifest's
    timestamp; the importer passes a fixed one so the same input gives identical files.
    """
    snapshot_id = iso_week_id(as_of)
    root = Path(data_dir) / "snapshots"
    root.mkdir(parents=True, exist_ok=True)
    final = root / snapshot_id
    if final.exists():
        raise FileExistsError(f"snapshot {snapshot_id} already exists in {root}")
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValueError(f"unknown tables: {', '.join(unknown)}")
    if not set(tables) & set(REQUIRED_ANY):
        raise ValueError(f"a snapshot needs {' or '.join(REQUIRED_ANY)}")
    tmp = Path(tempfile.mkdtemp(prefix=f".{snapshot_id}.", dir=root))
    try:
        counts = {}
        for name, spec in TABLES.items():
            if name not in tables:
                continue
            table = _cast_to_contract(tables[name], spec)
            if name == "orders":
                table = table.sort_by([("order_date", "ascending"), ("order_id", "ascending"),
                                       ("line_no", "ascending")])
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd",
                           row_group_size=ROW_GROUP_SIZE)
            counts[name] = table.num_rows
        manifest = {
            "snapshot_id": snapshot_id,
            "as_of": as_of.isoformat(),
            "created_at": (created_at or dt.datetime.now(dt.timezone.utc)).isoformat(
                timespec="seconds"),
            "schema_version": SCHEMA_VERSION,
            "source": source,
            "tables": counts,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _cast_to_contract(table: pa.Table, spec: Table) -> pa.Table:
    missing = [c for c in spec.column_names if c not in table.column_names]
    if missing:
        raise ValueError(f"{spec.name}: columns missing: {', '.join(missing)}")
    columns = []
    names = []
    for name, sql_type in spec.columns:
        columns.append(table[name].cast(_ARROW_TYPES[sql_type]))
        names.append(name)
    for name in table.column_names:
        if name not in spec.column_names:
            columns.append(table[name])
            names.append(name)
    return pa.Table.from_arrays(columns, names=names)


# ------------------------------------------------------------------------------ discovery, checks

class DataFolderError(OSError):
    """The data folder cannot be listed (permissions, a file where a folder should be); the
    message says which folder and why."""


@dataclass(frozen=True)
class SnapshotInfo:
    """One folder under ``snapshots/``: what its manifest says and whether it may be served."""

    snapshot_id: str
    path: Path
    as_of: dt.date | None
    valid: bool
    errors: tuple[str, ...] = ()
    row_counts: dict[str, int] = field(default_factory=dict, hash=False, compare=False)
    # Per foreign key of the contract: (table, "t.col → ref.col", orphans, rows with a key), as
    # counted by validation (orphans make a snapshot invalid, so a served one has none).
    foreign_keys: tuple[tuple[str, str, int, int], ...] = field(default=(), hash=False,
                                                                compare=False)
    # data/extracts.py tables computed when the snapshot was validated: name → Parquet file.
    extracts: dict[str, Path] = field(default_factory=dict, hash=False, compare=False)
    # Its big tables (over LOAD_ROWS rows) copied into a DuckDB database file when it was
    # validated (``STORED_FILE`` beside the extracts), or None: then they are read from Parquet.
    stored: Path | None = field(default=None, hash=False, compare=False)
    # Not checked yet: being validated in the background (``discover(…, wait=False)``).
    preparing: bool = False

    @property
    def tables(self) -> frozenset[str]:
        """The contract tables the snapshot holds (SPEC §9: the others are derived or empty)."""
        return frozenset(self.row_counts)


def discover(data_dir: Path, wait: bool = True) -> list[SnapshotInfo]:
    """Every snapshot folder, newest first, each validated. Hidden folders (writes in progress)
    are skipped; a foreign or half-written folder is listed as invalid, never raised.

    ``wait=False`` (the app's visitors): a folder not validated yet is not validated here but in
    the background (``prepare``), and listed meanwhile as invalid with ``preparing`` set, so
    a visitor is served the newest snapshot that is ready instead of waiting for a new one."""
    root = Path(data_dir) / "snapshots"
    try:
        if not root.is_dir():
            return []
        folders = [path for path in sorted(root.iterdir())
                   if path.is_dir() and not path.name.startswith(".")]
    except OSError as exc:
        raise DataFolderError(f"cannot read the data folder {root}: "
                              f"{exc.strerror or type(exc).__name__}") from None
    if wait:
        infos = [validate(path) for path in folders]
    else:
        infos = [validate(path) if _prepared(path) else _preparing_info(path)
                 for path in folders]
        new = [info.snapshot_id for info in infos if info.preparing]
        if new:
            prepare(Path(data_dir), max(new))
    return sorted(infos, key=lambda i: (i.as_of or _week_sunday(i.snapshot_id), i.snapshot_id),
                  reverse=True)


def _week_sunday(snapshot_id: str) -> dt.date:
    """The Sunday of a folder named like an ISO week (a snapshot whose manifest cannot be read
    still sorts by its week, so a broken newest one is noticed); date.min for other names."""
    if SNAPSHOT_ID.match(snapshot_id):
        try:
            return dt.date.fromisocalendar(int(snapshot_id[:4]), int(snapshot_id[6:]), 7)
        except ValueError:
            pass
    return dt.date.min


def _prepared(path: Path) -> bool:
    """True when ``path`` has been validated (in this process, or recorded by an earlier one),
    or the background could not (then whoever asks validates it, and sees why)."""
    if str(path.resolve()) in _unpreparable:
        return True
    key = _validation_cache_key(path)
    with _validation_lock:
        if key in _validation_cache:
            return True
    return _record_dir(path, key).joinpath("record.json").is_file()


def _preparing_info(path: Path) -> SnapshotInfo:
    errors: list[str] = []
    _, as_of = _read_manifest(path, errors)
    return SnapshotInfo(path.name, path, as_of, False, ("not checked yet",), preparing=True)


# ------------------------------------------------------------------------ background preparation

@dataclass
class _Preparation:
    """What the background preparation of a data folder is doing."""

    thread: threading.Thread | None = None
    current: str | None = None
    started: float = 0.0
    done: list[str] = field(default_factory=list)


_preparations: dict[str, _Preparation] = {}
_unpreparable: set[str] = set()
_preparations_lock = threading.Lock()


def prepare(data_dir: Path, first: str | None = None) -> None:
    """Validate, in a background thread, every snapshot folder of ``data_dir`` that has no
    validation yet, newest first (validation also records its extracts, so serving it is then
    fast). At most one such thread per data folder; it ends when nothing is left. ``first``:
    the folder it will start with (reported by ``preparing`` from now on)."""
    key = str(Path(data_dir).resolve())
    with _preparations_lock:
        state = _preparations.setdefault(key, _Preparation())
        if state.thread is not None and state.thread.is_alive():
            return
        if first is not None:
            state.current, state.started = first, time.monotonic()
        state.thread = threading.Thread(target=_prepare_all, args=(Path(data_dir), state),
                                        name="snapshot-preparation", daemon=True)
        state.thread.start()


def _prepare_all(data_dir: Path, state: _Preparation) -> None:
    while True:
        root = data_dir / "snapshots"
        try:
            folders = sorted((p for p in root.iterdir()
                              if p.is_dir() and not p.name.startswith(".")), reverse=True)
        except OSError:
            break
        pending = [path for path in folders if not _prepared(path)]
        if not pending:
            break
        state.current, state.started = pending[0].name, time.monotonic()
        try:
            validate(pending[0])
        except Exception:  # noqa: BLE001 - never stop serving; a visitor's validation reports it
            logging.getLogger("cockpit").exception("preparing %s failed", pending[0])
            with _preparations_lock:
                _unpreparable.add(str(pending[0].resolve()))
            break
        finally:
            state.done.append(state.current)
            state.current = None


_watched: set[str] = set()


def watch(data_dir: Path, every_s: float = 10.0) -> None:
    """Look for new snapshot folders every ``every_s`` seconds and prepare them at once, so a
    snapshot written while the app runs is ready before its first visitor asks for it. One
    watcher per data folder and process."""
    key = str(Path(data_dir).resolve())
    with _preparations_lock:
        if key in _watched:
            return
        _watched.add(key)

    def look() -> None:
        while True:
            try:
                discover(Path(data_dir), wait=False)
            except Exception:  # noqa: BLE001 - an unreadable folder now may be readable later
                pass
            time.sleep(every_s)
    threading.Thread(target=look, name="snapshot-watch", daemon=True).start()


def preparing(data_dir: Path) -> tuple[str, float] | None:
    """The snapshot the background is validating and for how many seconds, or None."""
    state = _preparations.get(str(Path(data_dir).resolve()))
    if state is None or state.current is None:
        return None
    return state.current, time.monotonic() - state.started


def newest_valid(infos: list[SnapshotInfo]) -> SnapshotInfo | None:
    return next((info for info in infos if info.valid), None)


def previous_valid(infos: list[SnapshotInfo], current: SnapshotInfo) -> SnapshotInfo | None:
    """The newest valid snapshot older than ``current``: last week's, for week-over-week."""
    return next((info for info in infos
                 if info.valid and info.as_of and info.as_of < current.as_of), None)


def validate(path: Path) -> SnapshotInfo:
    """Validate one snapshot folder against SPEC §3; the result lists every problem found.

    A snapshot is immutable, so its result is worked out once: kept in this process (keyed by
    the folder's file names, sizes and modification times) and recorded under
    ``<data dir>/cache/`` with the snapshot's extracts (data/extracts.py), so the next process
    reads the record instead of scanning every table again."""
    path = Path(path)
    cache_key = _validation_cache_key(path)
    with _validation_lock:
        cached = _validation_cache.get(cache_key)
        folder_lock = _folder_locks.setdefault(str(path.resolve()), threading.Lock())
    if cached is not None:
        return cached
    with folder_lock:  # one validation of a folder at a time (the background's, a visitor's)
        with _validation_lock:
            cached = _validation_cache.get(cache_key)
        if cached is not None:
            return cached
        info = _read_record(path, cache_key) or _record(path, cache_key, _validate_uncached(path))
        with _validation_lock:
            _validation_cache[cache_key] = info
    return info


_validation_cache: dict[tuple, SnapshotInfo] = {}
_VALIDATION_CONFIG = {"memory_limit": "1GB", "preserve_insertion_order": False}
_validation_lock = threading.Lock()
_folder_locks: dict[str, threading.Lock] = {}
# Part of every record's key: bump when validation or the extracts change what they produce.
RECORD_VERSION = 9
CACHE_DIR = "cache"
# The database file of a record holding the snapshot's big tables (SnapshotInfo.stored).
STORED_FILE = "tables.duckdb"


def _validation_cache_key(path: Path) -> tuple:
    # Snapshots are immutable once renamed into place, so path + file stamps identify a result;
    # the number of open stages in force is part of it (it decides which stages are valid).
    try:
        stamps = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                              for p in path.iterdir()))
    except OSError:
        stamps = ()
    return (str(path.resolve()), stamps, _open_stages(path))


def _open_stages(path: Path) -> int:
    """Open stages of the configuration of the snapshot's data folder."""
    return config.current(path.parent.parent).stages.open_count


def _record_dir(path: Path, cache_key: tuple) -> Path:
    """``<data dir>/cache/<snapshot_id>-<hash of version and file stamps>``."""
    digest = hashlib.sha256(json.dumps([RECORD_VERSION, cache_key]).encode()).hexdigest()[:16]
    return path.parent.parent / CACHE_DIR / f"{path.name}-{digest}"


def _read_record(path: Path, cache_key: tuple) -> SnapshotInfo | None:
    """The recorded validation of this exact snapshot, or None (none yet, or unreadable)."""
    folder = _record_dir(path, cache_key)
    try:
        record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
        files = {name: folder / f"{name}.parquet" for name in record["extracts"]}
        stored = folder / STORED_FILE if record["stored"] else None
        if not all(file.is_file() for file in [*files.values(), *filter(None, [stored])]):
            return None
        return SnapshotInfo(
            path.name, path,
            dt.date.fromisoformat(record["as_of"]) if record["as_of"] else None,
            bool(record["valid"]), tuple(record["errors"]), dict(record["row_counts"]),
            tuple(tuple(fk) for fk in record["foreign_keys"]), files, stored)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _record(path: Path, cache_key: tuple, info: SnapshotInfo) -> SnapshotInfo:
    """Write the extracts of a valid snapshot and the validation record (into a hidden folder,
    renamed into place); returns ``info`` with its extracts. When the data dir cannot be written
    the result is only kept in this process, and the extracts are computed when the snapshot is
    first served (``SnapshotDatabase``)."""
    final = _record_dir(path, cache_key)
    if not cache_key[1] or final.is_dir():
        return _read_record(path, cache_key) or info
    tmp = None
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
        stored = _big_tables(info) if info.valid else []
        if info.valid:
            _write_extracts(path, info.as_of, tmp, stored)
        record = {"version": RECORD_VERSION, "snapshot_id": info.snapshot_id,
                  "as_of": info.as_of.isoformat() if info.as_of else None,
                  "valid": info.valid, "errors": list(info.errors), "row_counts": info.row_counts,
                  "foreign_keys": [list(fk) for fk in info.foreign_keys],
                  "extracts": list(EXTRACTS) if info.valid else [], "stored": stored}
        (tmp / "record.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
        tmp.rename(final)
        tmp = None
        for stale in final.parent.glob(f"{path.name}-*"):  # records of earlier file versions
            if stale != final:
                shutil.rmtree(stale, ignore_errors=True)
    except (OSError, duckdb.Error):
        return info
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return _read_record(path, cache_key) or info


def _quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """``con`` (and its cursors) without DuckDB's progress bar, which a statement over 2 s (sorting
    the order totals of millions of lines) would draw on stderr: the server log, the report's and
    the demo's output carry only their own lines."""
    con.execute("SET enable_progress_bar = false")
    return con


def _big_tables(info: SnapshotInfo) -> list[str]:
    """The tables of ``info`` a served snapshot would read from Parquet (over LOAD_ROWS rows)."""
    return sorted(name for name, rows in info.row_counts.items() if rows > LOAD_ROWS)


def _write_extracts(path: Path, as_of: dt.date, folder: Path, stored: list[str]) -> None:
    """The extracts as Parquet files in ``folder``, and the ``stored`` tables copied into a
    DuckDB database there (``STORED_FILE``), typed as the contract's views type them."""
    con = _quiet(duckdb.connect(config=_VALIDATION_CONFIG))
    try:
        _create_views(con, path, schema="main")
        if stored:
            # In the files' order (order lines by date), so a period's query skips the blocks
            # of other days as it skips Parquet row groups.
            con.execute("SET preserve_insertion_order = true")
            target = str(folder / STORED_FILE).replace("'", "''")  # our own cache folder
            con.execute(f"ATTACH '{target}' AS stored")
            for name in stored:  # contract table names (row_counts of validation)
                con.execute(f"CREATE TABLE stored.{_ident(name)} AS "
                            f"SELECT * FROM main.{_ident(name)}")
                # The extracts below read the stored copy, faster than decoding Parquet again.
                con.execute(f"CREATE OR REPLACE VIEW main.{_ident(name)} AS "
                            f"SELECT * FROM stored.{_ident(name)}")
            con.execute("SET preserve_insertion_order = false")
        values = extracts.params(as_of)
        for name, sql in EXTRACTS.items():
            target = str(folder / f"{name}.parquet").replace("'", "''")
            # COPY takes no bound parameters for its target; the path is our own cache folder.
            con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)",
                        extracts.used(sql, values))
        if stored:
            con.execute("DETACH stored")  # written through before the record names it
    finally:
        con.close()


def _validate_uncached(path: Path) -> SnapshotInfo:
    snapshot_id = path.name
    errors: list[str] = []
    manifest, as_of = _read_manifest(path, errors)
    if not SNAPSHOT_ID.match(snapshot_id):
        errors.append(f"folder name {snapshot_id!r} is not an ISO week id like 2026-W47")
    if manifest and manifest.get("snapshot_id") != snapshot_id:
        errors.append(f"manifest snapshot_id {manifest.get('snapshot_id')!r} "
                      f"does not match folder {snapshot_id!r}")
    counts: dict[str, int] = {}
    foreign_keys: list[tuple[str, str, int, int]] = []
    present = [name for name in TABLES if (path / f"{name}.parquet").is_file()]
    if not set(present) & set(REQUIRED_ANY):
        errors.append(f"no {' or '.join(f'{name}.parquet' for name in REQUIRED_ANY)}: a snapshot "
                      f"needs at least one of them")
    if present:
        # Validation scans whole tables (duplicate keys, orphans); capped so the app process's peak
        # stays well under 2 GiB at 10M order lines (DuckDB spills instead). Counts only, so
        # insertion order is irrelevant.
        con = _quiet(duckdb.connect(config=_VALIDATION_CONFIG))
        try:
            readable = _check_tables(con, path, present, manifest, counts, errors)
            if len(readable) == len(present) and not errors:
                _create_views(con, path, schema="main", present=frozenset(present))
                foreign_keys = _check_content(con, as_of, _open_stages(path), errors)
        finally:
            con.close()
    return SnapshotInfo(snapshot_id, path, as_of, not errors, tuple(errors), counts,
                        tuple(foreign_keys))


def _read_manifest(path: Path, errors: list[str]) -> tuple[dict | None, dt.date | None]:
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        errors.append("manifest.json missing (half-written or foreign folder)")
        return None, None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        errors.append(f"manifest.json unreadable: {exc}")
        return None, None
    if not isinstance(manifest, dict):
        errors.append("manifest.json is not an object")
        return None, None
    for key in ("snapshot_id", "as_of", "created_at", "schema_version", "source", "tables"):
        if key not in manifest:
            errors.append(f"manifest.json: key {key!r} missing")
    if manifest.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        errors.append(f"manifest.json: schema_version {manifest.get('schema_version')!r} "
                      f"is not {SCHEMA_VERSION}")
    as_of = None
    try:
        as_of = dt.date.fromisoformat(str(manifest.get("as_of")))
    except ValueError:
        errors.append(f"manifest.json: as_of {manifest.get('as_of')!r} is not a date YYYY-MM-DD")
    else:
        if SNAPSHOT_ID.match(path.name) and iso_week_id(as_of) != path.name:
            errors.append(f"manifest.json: as_of {as_of} is not in week {path.name}")
        elif as_of.isoweekday() != 7:
            errors.append(f"manifest.json: as_of {as_of} is not the Sunday of its week")
    return manifest, as_of


def _check_tables(con, path, present, manifest, counts, errors) -> list[str]:
    """Columns present and castable, row counts as the manifest says. Returns readable tables."""
    declared = (manifest or {}).get("tables") or {}
    readable = []
    for name in present:
        spec = TABLES[name]
        file = str(path / f"{name}.parquet")
        try:
            columns = {row[0] for row in con.execute(
                "SELECT name FROM parquet_schema($f) WHERE name <> 'schema'", {"f": file}).fetchall()}
            count = con.execute("SELECT count(*) FROM read_parquet($f)", {"f": file}).fetchone()[0]
        except duckdb.Error as exc:
            errors.append(f"{name}: unreadable Parquet ({_first_line(exc)})")
            continue
        counts[name] = count
        missing = [c for c in spec.column_names if c not in columns]
        if missing:
            errors.append(f"{name}: columns missing: {', '.join(missing)}")
            continue
        if isinstance(declared, dict) and name in declared and declared[name] != count:
            errors.append(f"{name}: {count} rows, manifest says {declared[name]}")
        bad = _uncastable_columns(con, file, spec)
        if bad:
            errors.append(f"{name}: values not castable: {', '.join(bad)}")
            continue
        readable.append(name)
    return readable


def _ident(name: str) -> str:
    """A quoted SQL identifier; only schema names and snapshot schemas ever get here."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return f'"{name}"'


def _uncastable_columns(con, file: str, spec: Table) -> list[str]:
    # Column names and types come from the schema; the file path is a bound parameter.
    checks = ", ".join(
        f"count(*) FILTER (WHERE {_ident(c)} IS NOT NULL AND TRY_CAST({_ident(c)} AS {t}) IS NULL)"
        for c, t in spec.columns)
    sql = f"SELECT {checks} FROM read_parquet($f)"
    row = con.execute(sql, {"f": file}).fetchone()
    return [c for c, n in zip(spec.column_names, row) if n]


def _check_content(con, as_of: dt.date | None, open_stages: int, errors: list[str]
                   ) -> list[tuple[str, str, int, int]]:
    for table in TABLES.values():
        keys = ", ".join(_ident(k) for k in table.primary_key)
        sql = (f"SELECT count(*) FROM (SELECT {keys} FROM {_ident(table.name)} GROUP BY ALL "
               f"HAVING count(*) > 1)")
        dupes = con.execute(sql).fetchone()[0]
        if dupes:
            errors.append(f"{table.name}: {dupes} duplicate primary keys "
                          f"({', '.join(table.primary_key)})")
        missing = " OR ".join(f"{_ident(k)} IS NULL" for k in table.primary_key)
        nulls = con.execute(f"SELECT count(*) FILTER (WHERE {missing}) "
                            f"FROM {_ident(table.name)}").fetchone()[0]
        if nulls:
            errors.append(f"{table.name}: {nulls} rows without a primary key "
                          f"({', '.join(table.primary_key)})")
    won = open_stages + 1
    for message, sql in _CONTENT_RULES:
        n = con.execute(sql, {"won": won} if "$won" in sql else None).fetchone()[0]
        if n:
            errors.append(message.format(n=n, won=won, last=open_stages))
    if as_of is not None:
        n = con.execute("SELECT count(*) FROM orders WHERE order_date > $as_of",
                        {"as_of": as_of}).fetchone()[0]
        if n:
            errors.append(f"orders: {n} lines dated after as_of {as_of}")
    foreign_keys = foreign_key_counts(con)
    for table, detail, orphans, _ in foreign_keys:
        if orphans:
            column, ref = detail.split(" → ")
            errors.append(f"{column}: {orphans} values not found in {ref}")
    return foreign_keys


def foreign_key_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, int]]:
    """For every foreign key of the contract: (table, "table.column → ref_table.ref_column",
    rows whose key does not resolve, rows with a key). One scan per table for all its keys."""
    out = []
    # A key into a table the snapshot does not hold cannot be checked (SPEC §9: an order line's
    # opportunity_id without an opportunities table); derived dimensions hold every id used.
    held = {row[0] for row in con.execute("SELECT name FROM present_tables").fetchall()}
    for table in TABLES.values():
        keys = [fk for fk in table.foreign_keys if fk[1] in held or fk[1] in _DERIVED]
        if not keys:
            continue
        counts, details = [], []
        for column, ref_table, ref_column in keys:
            has_key = f"t.{_ident(column)} IS NOT NULL"
            counts.append(f"count(*) FILTER (WHERE {has_key} AND NOT EXISTS (SELECT 1 FROM "
                          f"{_ident(ref_table)} r WHERE r.{_ident(ref_column)} = "
                          f"t.{_ident(column)}))")
            counts.append(f"count(*) FILTER (WHERE {has_key})")
            details.append(f"{table.name}.{column} → {ref_table}.{ref_column}")
        values = con.execute(f"SELECT {', '.join(counts)} FROM {_ident(table.name)} t").fetchone()
        out += [(table.name, detail, int(values[2 * i]), int(values[2 * i + 1]))
                for i, detail in enumerate(details)]
    return out


# Each rule counts with an aggregate FILTER, never a WHERE: a WHERE is pushed into the Parquet
# scan, whose min/max statistics leave NaN out, so a row group holding a NaN would be skipped.
_CONTENT_RULES = (
    ("orders: {n} lines with discount_pct outside [0, 1] (or not a number)",
     "SELECT count(*) FILTER (WHERE isnan(discount_pct) OR discount_pct NOT BETWEEN 0 AND 1) "
     "FROM orders"),
    ("orders: {n} lines with revenue or cost that is not a number",
     "SELECT count(*) FILTER (WHERE isnan(revenue::DOUBLE) OR isnan(cost::DOUBLE)) FROM orders"),
    ("orders: {n} lines with negative revenue that are not returns (quantity < 0)",
     "SELECT count(*) FILTER (WHERE revenue < 0 AND quantity >= 0) FROM orders"),
    ("opportunities: {n} with stage outside 1–{won} (open stages 1–{last} of [stages], won {won})",
     "SELECT count(*) FILTER (WHERE stage NOT BETWEEN 1 AND $won) FROM opportunities"),
    ("opportunity_history: {n} rows with stage outside 1–{won}",
     "SELECT count(*) FILTER (WHERE stage NOT BETWEEN 1 AND $won) FROM opportunity_history"),
    ("opportunities: {n} with status not open/won/lost",
     "SELECT count(*) FILTER (WHERE status NOT IN ('open', 'won', 'lost')) FROM opportunities"),
    ("opportunities: {n} whose status disagrees with stage or closed_date "
     "(won = stage {won} and closed; lost = closed; open = not closed and stage < {won})",
     """SELECT count(*) FILTER (WHERE NOT CASE status
            WHEN 'won' THEN stage = $won AND closed_date IS NOT NULL
            WHEN 'lost' THEN stage < $won AND closed_date IS NOT NULL
            WHEN 'open' THEN stage < $won AND closed_date IS NULL
            ELSE true END) FROM opportunities"""),
    ("opportunities: {n} with an amount or expected_margin_pct that is not a number",
     "SELECT count(*) FILTER (WHERE isnan(amount::DOUBLE) OR isnan(expected_margin_pct)) "
     "FROM opportunities"),
    ("customer_scores: {n} scores outside 1–10",
     "SELECT count(*) FILTER (WHERE isnan(score) OR score NOT BETWEEN 1 AND 10) "
     "FROM customer_scores"),
)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# ----------------------------------------------------------------------------------- connection

def _create_views(con: duckdb.DuckDBPyConnection, path: Path, schema: str,
                  load: frozenset[str] = frozenset(),
                  present: frozenset[str] | None = None) -> None:
    """Read-only typed views, one per table, over the snapshot's Parquet files; the tables named
    in ``load`` are read once into memory instead (typed the same way). A table the snapshot does
    not hold (``present`` names those it does; default: every file found) is, per SPEC §9, a
    dimension derived from the ids the fact tables use (read once into memory) or an empty table
    of the contract's types; ``present_tables`` lists the ones it holds.

    DDL takes no bound parameters, so the file path is quoted as a literal; it comes from the
    filesystem (a discovered snapshot folder), never from user text. Schema names come from
    ``schema_name`` (an allow-listed snapshot id)."""
    if present is None:
        present = frozenset(name for name in TABLES if (path / f"{name}.parquet").is_file())
    target = _ident(schema)
    # The tables held first, then empty ones, then derived dimensions (each reads only tables
    # made before it: see _DERIVED's order).
    order = {name: i for i, name in enumerate(_DERIVED)}
    for table in sorted(TABLES.values(), key=lambda t: (
            t.name not in present, t.name in _DERIVED, order.get(t.name, 0))):
        name = _ident(table.name)
        if table.name in present:
            file = str(path / f"{table.name}.parquet").replace("'", "''")
            select = ", ".join(f"CAST({_ident(c)} AS {t}) AS {_ident(c)}"
                               for c, t in table.columns)
            kind = "TABLE" if table.name in load else "VIEW"
            con.execute(f"CREATE OR REPLACE {kind} {target}.{name} AS "
                        f"SELECT {select} FROM read_parquet('{file}')")
        elif table.name in _DERIVED:
            con.execute(f"SET search_path = '{schema}'")  # allow-listed by _ident above
            try:
                con.execute(f"CREATE OR REPLACE TABLE {target}.{name} AS {_DERIVED[table.name]}")
            finally:
                con.execute("RESET search_path")
        else:
            select = ", ".join(f"CAST(NULL AS {t}) AS {_ident(c)}" for c, t in table.columns)
            con.execute(f"CREATE OR REPLACE VIEW {target}.{name} AS SELECT {select} WHERE false")
    con.execute(f"CREATE OR REPLACE TABLE {target}.present_tables AS "
                f"SELECT unnest($names::VARCHAR[]) AS name", {"names": sorted(present)})


# SPEC §9: a dimension table a snapshot lacks, derived from the ids its other tables use (name =
# id, no region group). Each reads the views of the same schema (search_path set by the caller).
_DERIVED = {
    "customers": """
        SELECT customer_id, customer_id AS name, min(industry_id) AS industry_id,
               min(region_id) AS region_id, min(rep_id) AS owner_rep_id,
               min(created) AS created_date
        FROM (SELECT customer_id, industry_id, region_id, rep_id, order_date AS created
              FROM orders UNION ALL
              SELECT customer_id, industry_id, region_id, rep_id, created_date
              FROM opportunities)
        WHERE customer_id IS NOT NULL GROUP BY customer_id ORDER BY customer_id""",
    "products": """
        SELECT product_id, product_id AS name, min(product_line) AS product_line,
               NULL::VARCHAR AS series, NULL::DECIMAL(18,2) AS list_price,
               NULL::DECIMAL(18,2) AS standard_cost, NULL::BOOLEAN AS high_margin
        FROM orders WHERE product_id IS NOT NULL GROUP BY product_id ORDER BY product_id""",
    # Where the facts disagree, a derived rep or customer takes the first id (deterministic).
    "reps": """
        SELECT rep_id, rep_id AS name, NULL::VARCHAR AS role, min(region_id) AS region_id,
               NULL::VARCHAR AS manager_id, true AS active
        FROM (SELECT rep_id, region_id FROM orders UNION ALL
              SELECT rep_id, region_id FROM opportunities UNION ALL
              SELECT rep_id, NULL FROM activities UNION ALL
              SELECT owner_rep_id, region_id FROM customers)
        WHERE rep_id IS NOT NULL GROUP BY rep_id ORDER BY rep_id""",
    "industries": """
        SELECT industry_id, industry_id AS name_en, NULL::VARCHAR AS name_zh
        FROM (SELECT industry_id FROM orders UNION SELECT industry_id FROM opportunities
              UNION SELECT industry_id FROM targets UNION SELECT industry_id FROM customers)
        WHERE industry_id IS NOT NULL ORDER BY industry_id""",
    "regions": """
        SELECT region_id, region_id AS name_en, NULL::VARCHAR AS name_zh,
               NULL::VARCHAR AS region_group
        FROM (SELECT region_id FROM orders UNION SELECT region_id FROM opportunities
              UNION SELECT region_id FROM targets UNION SELECT region_id FROM reps
              UNION SELECT region_id FROM customers)
        WHERE region_id IS NOT NULL ORDER BY region_id""",
}


# Served snapshots read every table up to this many rows into memory once (at 10M order lines:
# customers, scores, opportunities and their history, about 60 MB), which spares each query
# decoding them again. The big ones (order lines, activities: millions of rows, read a period at
# a time) are served from the DuckDB database file validation wrote (SnapshotInfo.stored):
# DuckDB's own storage skips other days' blocks as Parquet skips row groups, and reads what it
# needs two to three times faster than decoding Parquet (dashboard KPIs at 10M lines 48 → 18 ms);
# its buffer pool keeps the hot columns in memory. Without a record they stay views over Parquet.
LOAD_ROWS = 1_000_000

# A one-row table in each served schema: its name and the id of this attach of it. Metrics keep
# rows computed once per snapshot in tables of the schema named after that id
# (``metrics.view.snapshot_tables``), dropped when the schema is attached again.
SERVED_MARKER = "served_snapshot"


def _mark_served(con: duckdb.DuckDBPyConnection, schema: str,
                 record: Path | None = None) -> None:
    """(Re)mark ``schema`` as served by this attach, with the snapshot's record folder when its
    tables computed once may be kept there (``metrics.view.snapshot_tables``); drops the tables
    computed for an earlier attach."""
    stale = [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = $schema "
        "AND starts_with(table_name, 'derived_')", {"schema": schema}).fetchall()]
    for table in stale:
        try:
            con.execute(f"DROP TABLE IF EXISTS {_ident(schema)}.{_ident(table)}")
        except duckdb.Error:  # still read by an earlier cursor: kept, never read again
            pass
    con.execute(f"CREATE OR REPLACE TABLE {_ident(schema)}.{SERVED_MARKER} AS "
                "SELECT $schema AS schema_name, $attach_id AS attach_id, "
                "$record::VARCHAR AS record",
                {"schema": schema, "attach_id": uuid.uuid4().hex,
                 "record": str(record) if record else None})


def _record_folder(info: SnapshotInfo) -> Path | None:
    """The folder of the snapshot's validation record (its extracts), or None without one."""
    if info.stored is not None:
        return info.stored.parent
    if info.extracts and set(info.extracts) == set(EXTRACTS):
        return next(iter(info.extracts.values())).parent
    return None


def _create_extracts(con: duckdb.DuckDBPyConnection, info: SnapshotInfo, schema: str) -> None:
    """The snapshot's extracts (data/extracts.py) as views over their recorded Parquet files; a
    snapshot validated without a record (the data dir was not writable) gets them computed here,
    once, as tables of its schema."""
    if set(info.extracts) != set(EXTRACTS):
        con.execute("SET search_path = '" + schema + "'")  # allow-listed, see cursor()
        try:
            extracts.create(con, info.as_of, schema)
        finally:
            con.execute("RESET search_path")
        return
    for name, file in info.extracts.items():
        literal = str(file).replace("'", "''")  # our own cache folder, see _create_views
        con.execute(f"CREATE OR REPLACE VIEW {_ident(schema)}.{_ident(name)} AS "
                    f"SELECT * FROM read_parquet('{literal}')")


def _use_stored(con: duckdb.DuckDBPyConnection, info: SnapshotInfo, schema: str) -> None:
    """Point the views of the snapshot's big tables at the database file validation stored them
    in (attached read-only as ``<schema>_stored``), when there is one."""
    database = _ident(f"{schema}_stored")
    con.execute(f"DETACH DATABASE IF EXISTS {database}")
    if info.stored is None:
        return
    literal = str(info.stored).replace("'", "''")  # our own cache folder, see _create_views
    try:
        con.execute(f"ATTACH '{literal}' AS {database} (READ_ONLY)")
    except duckdb.Error as exc:  # removed or damaged since it was recorded: Parquet serves
        logging.getLogger("cockpit").warning("serving %s from Parquet: %s", info.snapshot_id,
                                             str(exc).splitlines()[0])
        return
    names = [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $db",
        {"db": f"{schema}_stored"}).fetchall()]
    for name in names:
        if name in TABLES:  # contract tables only
            con.execute(f"CREATE OR REPLACE VIEW {_ident(schema)}.{_ident(name)} AS "
                        f"SELECT * FROM {database}.{_ident(name)}")


def schema_name(snapshot_id: str, scope: Scope | None = None) -> str:
    """The DuckDB schema holding a snapshot's views (``2026-W47`` → ``s_2026_w47``); for a
    limited scope, the schema of the rows that scope may see (``s_2026_w47__<scope key>``)."""
    if not SNAPSHOT_ID.match(snapshot_id):
        raise ValueError(f"not a snapshot id: {snapshot_id!r}")
    name = "s_" + snapshot_id.replace("-", "_").lower()
    return f"{name}__{scope.key}" if limited(scope) else name


# SPEC §11: what a limited scope sees of each table, as a predicate over the snapshot's full table
# (``{full}``) and the scope's own views (``{scoped}``) made before it. A lead sees the rows of
# their regions, a rep their own deals, customers and order lines; both see the activities,
# scores and stage history of what they see, and every product and industry (names only).
_BY_REGION = "region_id IN (SELECT region_id FROM {scoped}.scope_regions)"
_SCOPED_ROWS: dict[str, dict[str, str]] = {
    "lead": {"regions": _BY_REGION, "reps": _BY_REGION, "customers": _BY_REGION,
             "orders": _BY_REGION, "opportunities": _BY_REGION, "targets": _BY_REGION},
    "rep": {"regions": "region_id IN (SELECT region_id FROM {full}.reps "
                       "WHERE rep_id IN (SELECT rep_id FROM {scoped}.scope_rep))",
            "reps": "rep_id IN (SELECT rep_id FROM {scoped}.scope_rep)",
            # Their customers: those they own, and those of their own deals and order lines.
            "customers": "owner_rep_id IN (SELECT rep_id FROM {scoped}.scope_rep) "
                         "OR customer_id IN (SELECT customer_id FROM {full}.orders "
                         "WHERE rep_id IN (SELECT rep_id FROM {scoped}.scope_rep)) "
                         "OR customer_id IN (SELECT customer_id FROM {full}.opportunities "
                         "WHERE rep_id IN (SELECT rep_id FROM {scoped}.scope_rep))",
            "orders": "rep_id IN (SELECT rep_id FROM {scoped}.scope_rep)",
            "opportunities": "rep_id IN (SELECT rep_id FROM {scoped}.scope_rep)",
            # The regional targets are not a rep's; their own are in rep_targets.
            "targets": "false"},
}
_SCOPED_FOLLOWERS = {
    "rep_targets": "rep_id IN (SELECT rep_id FROM {scoped}.reps)",
    "customer_scores": "customer_id IN (SELECT customer_id FROM {scoped}.customers)",
    "opportunity_history": "opportunity_id IN (SELECT opportunity_id FROM {scoped}.opportunities)",
    "activities": "rep_id IN (SELECT rep_id FROM {scoped}.reps) "
                  "OR customer_id IN (SELECT customer_id FROM {scoped}.customers)",
}


def _create_scoped(con: duckdb.DuckDBPyConnection, info: SnapshotInfo, scope: Scope,
                   load: frozenset[str] = frozenset()) -> None:
    """The schema a limited ``scope`` reads ``info`` from: per table only the scope's rows (a view
    over the full schema's table; the tables named in ``load`` are copied once instead, as the
    full schema does), and the extracts computed from those rows. The scope's regions or rep id
    are stored with bound parameters; the statements name only schemas built by
    ``schema_name`` and tables of the contract."""
    full, scoped = schema_name(info.snapshot_id), schema_name(info.snapshot_id, scope)
    names = {"full": _ident(full), "scoped": _ident(scoped)}
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {names['scoped']}")
    con.execute(f"CREATE OR REPLACE TABLE {names['scoped']}.scope_regions AS "
                "SELECT unnest($regions::VARCHAR[]) AS region_id", {"regions": list(scope.regions)})
    con.execute(f"CREATE OR REPLACE TABLE {names['scoped']}.scope_rep AS "
                "SELECT rep_id FROM (SELECT $rep::VARCHAR AS rep_id) WHERE rep_id IS NOT NULL",
                {"rep": scope.rep_id})
    rows = {**_SCOPED_ROWS[scope.role], **_SCOPED_FOLLOWERS}
    for name in [*_SCOPED_ROWS[scope.role], *_SCOPED_FOLLOWERS,
                 *(t for t in TABLES if t not in rows), "present_tables"]:
        where = rows.get(name, "true").format(**names)
        kind = "TABLE" if name in load else "VIEW"
        con.execute(f"CREATE OR REPLACE {kind} {names['scoped']}.{_ident(name)} AS "
                    f"SELECT * FROM {names['full']}.{_ident(name)} WHERE {where}")
    con.execute(f"SET search_path = '{scoped}'")  # allow-listed by _ident above
    try:
        extracts.create(con, info.as_of, scoped)
    finally:
        con.execute("RESET search_path")


class SnapshotDatabase:
    """One DuckDB connection per process; each served snapshot is a schema of views.

    ``cursor(snapshot)`` hands out a new cursor (DuckDB connections are not thread-safe, cursors
    are) whose search path is that snapshot's schema, so metric SQL names plain tables. Snapshots
    passed as ``also`` are attached too, for queries that compare two weeks (their tables are
    qualified with ``schema_name``). With a limited ``scope`` (SPEC §11) the cursor reads the
    scope's schemas instead, which hold only the rows the scope may see."""

    def __init__(self) -> None:
        self._con = _quiet(duckdb.connect(":memory:"))
        self._lock = threading.Lock()
        self._attached: dict[str, Path] = {}

    def cursor(self, snapshot: SnapshotInfo, also: tuple[SnapshotInfo, ...] = (),
               scope: Scope | None = None) -> duckdb.DuckDBPyConnection:
        for info in (snapshot, *also):
            if not info.valid:
                raise ValueError(f"snapshot {info.snapshot_id} is invalid: {info.errors[0]}")
        schema = schema_name(snapshot.snapshot_id, scope)
        with self._lock:
            for info in (snapshot, *also):
                self._attach(info)
                if limited(scope):
                    self._attach_scoped(info, scope)
            cur = self._con.cursor()
        # SET takes no bound parameters; the schema name passed _ident's allow-list pattern.
        cur.execute("SET search_path = '" + schema + "'")
        return cur

    def _attach(self, info: SnapshotInfo) -> None:
        schema = schema_name(info.snapshot_id)
        if self._attached.get(schema) != info.path:
            self._con.execute("CREATE SCHEMA IF NOT EXISTS " + _ident(schema))
            small = frozenset(name for name, rows in info.row_counts.items() if rows <= LOAD_ROWS)
            _create_views(self._con, info.path, schema, load=small, present=info.tables)
            _create_extracts(self._con, info, schema)
            _use_stored(self._con, info, schema)
            _mark_served(self._con, schema, _record_folder(info))
            self._attached[schema] = info.path

    def _attach_scoped(self, info: SnapshotInfo, scope: Scope) -> None:
        schema = schema_name(info.snapshot_id, scope)
        if self._attached.get(schema) != info.path:
            small = frozenset(name for name, rows in info.row_counts.items() if rows <= LOAD_ROWS)
            _create_scoped(self._con, info, scope, load=small)
            _mark_served(self._con, schema)
            self._attached[schema] = info.path

    def close(self) -> None:
        self._con.close()
