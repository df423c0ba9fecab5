"""Executive pack benchmark (issue 19): ``python -m bench.pack_bench``, part of ``make bench``.

On the 10M-line demo data (``bench/data/orders_10000000``, generated once by ``bench.run``'s
``ensure_data`` and reused), builds the pack as a scheduled job would:
``python -m metrics.report --section pack --format pdf|pptx --lang en|zh --out FILE`` in a
fresh process each time — interpreter start, opening the snapshot and the one before it,
collecting the numbers, drawing the two charts, writing the file. Median of ``RUNS`` per format
and language, with the peak RSS; then, in one process, where the time of one PDF goes (open,
collect, layout and charts, render). Target: ≤ 20 s for a pack (issue 19).

Prints a table and writes ``bench/data/pack_results.json`` (git-ignored, like the data).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.run import BENCH_DATA, ROOT, ensure_data

SIZE = 10_000_000
RUNS = 3
TARGET_SECONDS = 20
RESULTS = BENCH_DATA / "pack_results.json"
OUT = BENCH_DATA / "pack"

# Runs the report's main() and prints its peak RSS as the last line.
_CHILD = """
import json, resource, sys
from metrics.report import main
code = main(sys.argv[1:])
print(json.dumps({"code": code,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# Where the time of one pack goes, in one process.
_PHASES = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from data import config
from data.store import SnapshotDatabase, discover, newest_valid, previous_valid
from metrics import pack
from metrics.periods import default_period
from metrics.view import View
data_dir, kind, lang = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
phases = {"import": time.perf_counter() - started}
mark = time.perf_counter()
config.use_data_dir(data_dir)
infos = discover(data_dir)
info = newest_valid(infos)
before = previous_valid(infos, info)
db = SnapshotDatabase()
con = db.cursor(info, also=(before,))
view = View(info.snapshot_id, info.as_of, default_period(info.as_of), compare=before.snapshot_id)
phases["open"] = time.perf_counter() - mark
mark = time.perf_counter()
numbers = pack.collect(con, view)
phases["collect"] = time.perf_counter() - mark
mark = time.perf_counter()
built = pack.make(numbers, view, lang, kind)
phases["layout_charts_render"] = time.perf_counter() - mark
phases["total"] = time.perf_counter() - started
print(json.dumps({k: round(v, 2) for k, v in phases.items()}))
"""


def _run(data_dir: Path, kind: str, lang: str) -> dict:
    out = OUT / f"pack-{lang}.{kind}"
    command = [sys.executable, "-c", _CHILD, "--data-dir", str(data_dir), "--section", "pack",
               "--format", kind, "--lang", lang, "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"pack {kind} {lang} failed: {done.stderr.strip()}")
    last = json.loads(done.stdout.strip().splitlines()[-1])
    if last["code"] != 0:
        raise RuntimeError(f"pack {kind} {lang} exited {last['code']}: {done.stderr.strip()}")
    return {"seconds": seconds, "peak_rss_mib": last["peak_rss_mib"],
            "bytes": out.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pack_bench",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    generation = ensure_data(SIZE)
    data_dir = BENCH_DATA / f"orders_{SIZE}"
    OUT.mkdir(parents=True, exist_ok=True)
    results = {"orders": SIZE, "data_reused": generation["reused"], "runs": args.runs,
               "target_seconds": TARGET_SECONDS, "packs": {}}
    print(f"executive pack at {SIZE:,} order lines ({args.runs} runs each, fresh process)")
    print(f"{'pack':<10} {'median s':>9} {'max s':>7} {'peak MiB':>9} {'bytes':>10}  target")
    for kind in ("pdf", "pptx"):
        for lang in ("en", "zh"):
            runs = [_run(data_dir, kind, lang) for _ in range(args.runs)]
            seconds = [r["seconds"] for r in runs]
            row = {"median_seconds": round(statistics.median(seconds), 2),
                   "max_seconds": round(max(seconds), 2),
                   "peak_rss_mib": round(max(r["peak_rss_mib"] for r in runs)),
                   "bytes": runs[-1]["bytes"]}
            row["met"] = row["max_seconds"] <= TARGET_SECONDS
            results["packs"][f"{kind}-{lang}"] = row
            print(f"{kind + '-' + lang:<10} {row['median_seconds']:>9.2f} "
                  f"{row['max_seconds']:>7.2f} {row['peak_rss_mib']:>9} {row['bytes']:>10,}  "
                  f"{'met' if row['met'] else 'MISSED'} (≤ {TARGET_SECONDS} s)")
    done = subprocess.run([sys.executable, "-c", _PHASES, str(data_dir), "pdf", "zh"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    results["phases_pdf_zh"] = json.loads(done.stdout.strip().splitlines()[-1])
    print("one PDF (zh), in seconds: " + ", ".join(
        f"{name} {value}" for name, value in results["phases_pdf_zh"].items()))
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}; the packs are in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
