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
import datetime as dt
import inspect
import json
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from data import store
from data import config
from data.import_build import _Builder
from data.import_read import Source, Sources, read_sources
from data.mapping import (DEFAULT_OPEN_STAGES, ImportProblem, Mapping, MappingProblem,
                          guess_mapping, load_mapping,
                          mapping_to_toml)

# The library the Import page builds on (the reading and building halves live in
# data/import_read.py and data/import_build.py).
__all__ = ["ImportProblem", "MappingProblem", "Source", "Sources", "build_tables",
           "guess_mapping", "import_files", "load_mapping", "main", "mapping_to_toml", "preview",
           "read_sources"]

Progress = Callable[[float, str], None]

def _open_stages(data_dir: Path | None) -> int:
    """N, the number of open stages, from the configuration of the data dir (SPEC §9
    ``[stages] names_en``)."""
    return config.current(data_dir).stages.open_count


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
