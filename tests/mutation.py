"""Mutation testing of the metric boundaries: ``make mutation``.

Flips the comparison operators and nudges the compared constants of ``metrics/*.py`` one at a
time and runs that module's tests against each mutant; a mutant the tests do not notice
*survives* and is printed. What is mutated:

- SQL in string constants (docstrings and ``--`` comments left out): ``>=`` ↔ ``>`` and
  ``<=`` ↔ ``<`` (so ``> 0`` becomes ``>= 0``);
- Python comparisons (``ast.Compare``): ``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=``, and each
  numeric constant compared with something, ``n`` → ``n + 1`` and ``n - 1``.

Deterministic and small: one pass over the source, mutants in file and position order. The
repository is copied to a temporary folder (without .git, .venv and generated data) and only the
copy is mutated, so the working tree is never touched; each worker of ``--jobs`` has its own
copy. Every mutated file is restored from its backup in a ``finally``, on Ctrl-C too. Bytecode is
never written, so a mutant of the same size and second as the original is not masked by a stale
``.pyc``.

    .venv/bin/python tests/mutation.py                     # every metrics file, 2 jobs
    .venv/bin/python tests/mutation.py --files metrics/alerts.py --max 20
    .venv/bin/python tests/mutation.py --list              # the mutants, nothing run

Output (stdout; progress goes to stderr): one line per surviving mutant (``file:line  original →
mutant  | source line``; one listed in ``EQUIVALENT`` or ``ACCEPTED`` below carries the reason),
a summary line, then ``mutation score: K killed / N mutants (P%)`` on the last line. A mutant
whose tests time out twice counts as killed. Exit status 0; 1 when a file's unmutated tests
already fail (that file is left out and named). Not named ``test_*.py``: pytest does not collect
it.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The tests that exercise each metrics module (run with -x: the first failure kills the mutant).
TESTS = {
    "metrics/alerts.py": ["tests/test_alerts_metrics.py", "tests/test_mutation_survivors.py"],
    "metrics/pipeline.py": ["tests/test_pipeline_metrics.py", "tests/test_mutation_survivors.py"],
    "metrics/dashboard.py": ["tests/test_dashboard_metrics.py",
                             "tests/test_mutation_survivors.py"],
    "metrics/scorecard.py": ["tests/test_scorecard_metrics.py",
                             "tests/test_mutation_survivors.py"],
    "metrics/customers.py": ["tests/test_customers_metrics.py",
                             "tests/test_mutation_survivors.py"],
    "metrics/periods.py": ["tests/test_periods.py", "tests/test_config.py",
                           "tests/test_mutation_survivors.py"],
    "metrics/quality.py": ["tests/test_quality_metrics.py", "tests/test_mutation_survivors.py"],
    "metrics/availability.py": ["tests/test_partial_data.py"],
    "metrics/view.py": ["tests/test_view.py", "tests/test_partial_data.py",
                        "tests/test_mutation_survivors.py"],
    "metrics/report.py": ["tests/test_report.py", "tests/test_mutation_survivors.py"],
}

# Survivors that cannot change any result, keyed by (file, stripped source line, "orig → mutant",
# n-th such mutant of that line). A key stops matching when its line changes, so the survivor
# shows up unexplained again and has to be looked at afresh.
_PREFILTER = ("the lines pre-filter is a superset: a widened branch only lets more lines into "
              "`lines`, and every rule re-applies its own exact, rounded predicate to them")
_ONLY_EMPTY = ("with the empty frame alone, concatenating it gives an equal empty frame (same "
               "columns, no rows)")
_NO_ZERO_STEP = "the message is built only on an overflow, and a step of 0 days never overflows"
_ZERO_SHARE = "problems <= checked, so at checked = 0 it is 0 / 0 = NaN either way"
_BY_CHECK_SHARE = ('by_check["share"] = by_check["problems"] / '
                   'by_check["checked"].where(by_check["checked"] > 0)')
EQUIVALENT: dict[tuple[str, str, str, int], str] = {
    # metrics/alerts.py: the cheap pre-filter of the line rules and the gm_pct it computes.
    ("metrics/alerts.py",
     "CASE WHEN o.revenue > 0 THEN ((o.revenue - o.cost) / o.revenue)::DOUBLE END AS gm_pct",
     "> → >=", 0):
        "gm_pct of `lines` is read only by margin_floor, which requires l.revenue > 0 itself",
    ("metrics/alerts.py",
     "AND ((o.revenue > 0 AND (o.revenue - o.cost)::DOUBLE < f.floor * o.revenue::DOUBLE)",
     "> → >=", 0): _PREFILTER,
    ("metrics/alerts.py",
     "AND ((o.revenue > 0 AND (o.revenue - o.cost)::DOUBLE < f.floor * o.revenue::DOUBLE)",
     "< → <=", 0): _PREFILTER,
    ("metrics/alerts.py",
     "OR (o.quantity > 0 AND o.revenue >= 0 AND o.discount_pct > $discount_limit))",
     "> → >=", 0): _PREFILTER,
    ("metrics/alerts.py",
     "OR (o.quantity > 0 AND o.revenue >= 0 AND o.discount_pct > $discount_limit))",
     "> → >=", 1): _PREFILTER,
    ("metrics/alerts.py",
     'WHERE l.revenue > 0 AND round(l.floor - l.gm_pct, 9) > 0""",', "> → >=", 0):
        "a zero-revenue line in `lines` has gm_pct NULL, so the gap test is NULL and it never "
        "fires",
    # metrics/customers.py: the tier CASE tests tier 1 (both >= threshold) first.
    ("metrics/customers.py",
     "WHEN t.attractiveness < $tier_threshold AND t.feasibility >= $tier_threshold THEN 2",
     "< → <=", 0): "attractiveness = threshold with feasibility >= threshold is tier 1 already",
    ("metrics/customers.py",
     "WHEN t.attractiveness >= $tier_threshold AND t.feasibility < $tier_threshold THEN 3",
     "< → <=", 0): "feasibility = threshold with attractiveness >= threshold is tier 1 already",
    ("metrics/customers.py",
     "/ nullif(sum(revenue_12m) FILTER (WHERE revenue_12m > 0), 0) AS abc_a_revenue_share,",
     "> → >=", 0): "adding customers of revenue 0 adds 0 to the sum; all-zero is NULL either "
                   "way through nullif",
    # metrics/pipeline.py
    ("metrics/pipeline.py",
     "WHERE h.entered_date BETWEEN $start AND $to_date AND h.stage < $won_stage",
     "< → <=", 0): "the won stage's row is dropped anyway: the frame maps only the open stages",
    ("metrics/pipeline.py",
     'frame["conversion"] = frame["converted"] / frame["entered"].where(frame["entered"] > 0)',
     "> → >=", 0): "converted <= entered, so at entered = 0 it is 0 / 0 = NaN either way",
    ("metrics/pipeline.py",
     'frame["conversion"] = frame["converted"] / frame["entered"].where(frame["entered"] > 0)',
     "0 → -1", 0): "counts are never negative: > -1 is >= 0, and 0 / 0 = NaN either way",
    # metrics/quality.py
    ("metrics/quality.py",
     'frame["share"] = frame["problems"] / frame["checked"].where(frame["checked"] > 0)',
     "> → >=", 0): _ZERO_SHARE,
    ("metrics/quality.py",
     'frame["share"] = frame["problems"] / frame["checked"].where(frame["checked"] > 0)',
     "0 → -1", 0): _ZERO_SHARE + " (counts are never negative)",
    ("metrics/quality.py",
     _BY_CHECK_SHARE,
     "> → >=", 0): _ZERO_SHARE,
    ("metrics/quality.py",
     _BY_CHECK_SHARE,
     "0 → -1", 0): _ZERO_SHARE + " (counts are never negative)",
    # metrics/scorecard.py
    ("metrics/scorecard.py", "CASE WHEN industry_target > 0", "> → >=", 0):
        "industry_target sums only targets > 0: it is NULL or positive, never 0",
    ("metrics/scorecard.py", "CASE WHEN industry_target > 0", "> → >=", 1):
        "industry_target sums only targets > 0: it is NULL or positive, never 0",
    ("metrics/scorecard.py", 'if not first <= params["start"] <= params["to_date"] <= last:',
     "<= → <", 0): "routing only: the shared daily sums and the order lines give the same sums",
    ("metrics/scorecard.py", 'if not first <= params["start"] <= params["to_date"] <= last:',
     "<= → <", 1): "routing only: the shared daily sums and the order lines give the same sums",
    ("metrics/scorecard.py", 'if not first <= params["start"] <= params["to_date"] <= last:',
     "<= → <", 2): "routing only: the shared daily sums and the order lines give the same sums",
    ("metrics/scorecard.py",
     "return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]",
     "> → >=", 0): _ONLY_EMPTY,
    ("metrics/scorecard.py",
     "return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]",
     "1 → 0", 0): _ONLY_EMPTY,
    ("metrics/scorecard.py",
     "return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]",
     "1 → 2", 0): "never 2 frames: a started quarter has started its first month too, so it is "
                  "the empty frame alone or with at least that month and the quarter",
    # metrics/periods.py: the sign in the overflow message of _plus_days.
    ("metrics/periods.py",
     "raise _outside(f\"{day.isoformat()} {'+' if days >= 0 else '−'} {abs(days)} days\") "
     "from None", ">= → >", 0): _NO_ZERO_STEP,
    ("metrics/periods.py",
     "raise _outside(f\"{day.isoformat()} {'+' if days >= 0 else '−'} {abs(days)} days\") "
     "from None", "0 → 1", 0): _NO_ZERO_STEP,
    ("metrics/scorecard.py", "present = values.notna() & (weight > 0)", "> → >=", 0):
        "a weight-0 dimension adds 0 to the basis and 0 to its share either way",
    ("metrics/scorecard.py", "present = values.notna() & (weight > 0)", "0 → -1", 0):
        "weights are >= 0 (the configuration refuses negatives): > -1 is >= 0, see above",
    ("metrics/scorecard.py",
     "return (values.fillna(0) * weight).where(present, 0).div(basis.where(basis > 0), axis=0)",
     "> → >=", 0): "basis 0 means no dimension is present: 0 / 0 = NaN either way",
    ("metrics/scorecard.py",
     "return (values.fillna(0) * weight).where(present, 0).div(basis.where(basis > 0), axis=0)",
     "0 → -1", 0): "the basis is never negative; at 0 it is 0 / 0 = NaN either way",
}

# Survivors that are not equivalent but are left on purpose (not a metric boundary, or reachable
# only through data no valid snapshot can hold), with why. Same keys as EQUIVALENT.
_SAME_WEEK = ("not a metric boundary: an equal as_of means the same ISO week, i.e. the served "
              "snapshot's own folder; only a corrupt manifest whose as_of disagrees with its "
              "folder name could tell > from >=")
ACCEPTED: dict[tuple[str, str, str, int], str] = {
    ("metrics/report.py",
     "i.as_of > info.as_of if i.as_of else i.snapshot_id > info.snapshot_id)]", "> → >=", 0):
        _SAME_WEEK,
    ("metrics/report.py",
     "i.as_of > info.as_of if i.as_of else i.snapshot_id > info.snapshot_id)]", "> → >=", 1):
        "not a metric boundary: two snapshot folders never share a snapshot_id",
}

# Not copied to the scratch repositories: version control, the venv, generated data.
_SKIP_NAMES = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_SKIP_PATHS = {"bench/data", "data/snapshots", "data/cache", "tests/screenshots"}

_PY_FLIP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
_PY_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
            ast.NotEq: "!="}
_SQL_FLIP = {">=": ">", ">": ">=", "<=": "<", "<": "<="}
# A lone comparison operator: not part of <>, =>, ->, >> or <<.
_SQL_OP = re.compile(r"(?<![<>=!\-])(<=|>=|<|>)(?![<>=])")
_SQL_WORDS = re.compile(r"\b(SELECT|WHERE|FILTER|WHEN|BETWEEN|AND|OR)\b")


@dataclass(frozen=True)
class Mutant:
    file: str          # relative to the repository root
    line: int
    start: int         # byte offsets of the replaced text in the file
    end: int
    original: str
    replacement: str
    kind: str          # "sql" | "python" | "constant"
    source: str        # the stripped source line

    @property
    def label(self) -> str:
        return f"{self.original} → {self.replacement}"


# ------------------------------------------------------------------------------------ mutants

def _line_starts(data: bytes) -> list[int]:
    starts = [0]
    for index, byte in enumerate(data):
        if byte == 0x0A:
            starts.append(index + 1)
    return starts


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that stand alone as statements (docstrings, notes)."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)}


def mutants_of(root: Path, relative: str) -> list[Mutant]:
    data = (root / relative).read_bytes()
    tree = ast.parse(data, filename=relative)
    starts = _line_starts(data)
    lines = data.decode("utf-8").splitlines()

    def offset(lineno: int, col: int) -> int:  # ast columns are UTF-8 byte offsets
        return starts[lineno - 1] + col

    def line_of(position: int) -> int:
        low, high = 0, len(starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if starts[middle] <= position:
                low = middle
            else:
                high = middle - 1
        return low + 1

    def make(start: int, end: int, original: str, replacement: str, kind: str) -> Mutant:
        line = line_of(start)
        return Mutant(relative, line, start, end, original, replacement, kind,
                      lines[line - 1].strip())

    found: list[Mutant] = []
    notes = _docstrings(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in notes and _SQL_WORDS.search(node.value)):
            begin = offset(node.lineno, node.col_offset)
            text = data[begin:offset(node.end_lineno, node.end_col_offset)].decode("utf-8")
            for match in _SQL_OP.finditer(text):
                line_start = text.rfind("\n", 0, match.start()) + 1
                if "--" in text[line_start:match.start()]:
                    continue  # an SQL comment
                at = begin + len(text[:match.start()].encode("utf-8"))
                found.append(make(at, at + len(match.group(1)), match.group(1),
                                  _SQL_FLIP[match.group(1)], "sql"))
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for index, op in enumerate(node.ops):
                if type(op) not in _PY_FLIP:
                    continue
                left, right = operands[index], operands[index + 1]
                gap_start = offset(left.end_lineno, left.end_col_offset)
                gap = data[gap_start:offset(right.lineno, right.col_offset)].decode("utf-8")
                text = _PY_TEXT[type(op)]
                match = re.search(r"(<=|>=|==|!=|<|>)", gap)
                if match is None or match.group(1) != text:
                    continue  # not where expected: leave it alone rather than guess
                at = gap_start + len(gap[:match.start()].encode("utf-8"))
                found.append(make(at, at + len(text), text, _PY_TEXT[_PY_FLIP[type(op)]],
                                  "python"))
            for operand in operands:
                if (isinstance(operand, ast.Constant) and type(operand.value) in (int, float)):
                    begin = offset(operand.lineno, operand.col_offset)
                    end = offset(operand.end_lineno, operand.end_col_offset)
                    original = data[begin:end].decode("utf-8")
                    for changed in (operand.value + 1, operand.value - 1):
                        found.append(make(begin, end, original, repr(changed), "constant"))
    found.sort(key=lambda m: (m.start, m.kind, m.replacement))
    return found


def equivalence_keys(mutants: list[Mutant]) -> dict[Mutant, tuple[str, str, str, int]]:
    seen: Counter = Counter()
    keys = {}
    for mutant in mutants:
        base = (mutant.file, mutant.source, mutant.label)
        keys[mutant] = (*base, seen[base])
        seen[base] += 1
    return keys


# ------------------------------------------------------------------------------------- running

def _ignore(root: Path):
    def ignore(directory: str, names: list[str]) -> set[str]:
        here = Path(directory).resolve().relative_to(root)
        return {name for name in names
                if name in _SKIP_NAMES or (here / name).as_posix() in _SKIP_PATHS}
    return ignore


def copy_repository(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=_ignore(source.resolve()), symlinks=True)
    return target


class Runner:
    """Runs a file's tests in one repository copy, a subprocess at a time; ``stop`` kills it."""

    def __init__(self, repo: Path, python: str, timeout: float):
        self.repo, self.python, self.timeout = repo, python, timeout
        self.process: subprocess.Popen | None = None
        self.stopped = False

    def run(self, tests: list[str], timeout: float | None = None) -> tuple[str, float]:
        """("passed" | "failed" | "timeout" | "stopped", seconds)."""
        env = {**os.environ, "PYTHONPATH": str(self.repo), "PYTHONDONTWRITEBYTECODE": "1",
               "PYTHONHASHSEED": "0"}
        command = [self.python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                   *[test for test in tests if (self.repo / test).exists()]]
        began = time.monotonic()
        if self.stopped:
            return "stopped", 0.0
        self.process = subprocess.Popen(command, cwd=self.repo, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        if self.stopped:  # stopped while it was starting
            self._kill()
        try:
            code = self.process.wait(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            self._kill()
            return "timeout", time.monotonic() - began
        finally:
            if self.stopped:
                self._kill()
        if self.stopped:
            return "stopped", time.monotonic() - began
        return ("passed" if code == 0 else "failed"), time.monotonic() - began

    def _kill(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()

    def stop(self) -> None:
        self.stopped = True
        self._kill()


def run_mutant(runner: Runner, mutant: Mutant, tests: list[str], timeout: float) -> str:
    path = runner.repo / mutant.file
    original = path.read_bytes()
    backup = path.with_name(path.name + ".mutation-backup")
    backup.write_bytes(original)
    try:
        path.write_bytes(original[:mutant.start] + mutant.replacement.encode("utf-8")
                         + original[mutant.end:])
        outcome, _ = runner.run(tests, timeout)
        if outcome == "timeout":  # once more with twice the time: a busy machine is no kill
            outcome, _ = runner.run(tests, 2 * timeout)
        return outcome
    finally:
        path.write_bytes(original)
        backup.unlink(missing_ok=True)


# ----------------------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=ROOT,
                        help="repository root (default: %(default)s)")
    parser.add_argument("--files", nargs="+", metavar="FILE",
                        help="metrics files to mutate, relative to the repo (default: all in "
                             "TESTS)")
    parser.add_argument("--max", type=int, metavar="N", help="at most N mutants per file")
    parser.add_argument("--jobs", type=int, default=2, help="parallel test runs (default: 2)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per test run (default: 4 × the unmutated run + 60; a "
                             "run that times out is retried once with twice as long)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for pytest")
    parser.add_argument("--in-place", action="store_true",
                        help="mutate --repo itself instead of a temporary copy (jobs = 1)")
    parser.add_argument("--omit-tests", nargs="+", default=[], metavar="TEST",
                        help="leave these test files out of every run (e.g. the score without "
                             "tests/test_mutation_survivors.py)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every result here")
    args = parser.parse_args(argv)

    repo = args.repo.resolve()
    tests = {name: [t for t in found if t not in args.omit_tests] for name, found in TESTS.items()}
    files = args.files or sorted(TESTS)
    unknown = [name for name in files if name not in TESTS]
    if unknown:
        parser.error(f"no tests mapped for {', '.join(unknown)}; "
                     f"known: {', '.join(sorted(TESTS))}")
    by_file = {name: mutants_of(repo, name) for name in files}
    if args.max is not None:
        by_file = {name: found[:args.max] for name, found in by_file.items()}
    mutants = [mutant for name in files for mutant in by_file[name]]
    keys = equivalence_keys([m for name in files for m in mutants_of(repo, name)])
    if args.list:
        for mutant in mutants:
            print(f"{mutant.file}:{mutant.line}  {mutant.label}  [{mutant.kind}]  | "
                  f"{mutant.source}")
        print(f"{len(mutants)} mutants")
        return 0

    def interrupt(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)

    began = time.monotonic()
    scratch = None if args.in_place else Path(tempfile.mkdtemp(prefix="mutation-"))
    jobs = 1 if args.in_place else max(1, args.jobs)
    runners: list[Runner] = []
    results: dict[Mutant, str] = {}
    lock = threading.Lock()
    broken: list[str] = []
    try:
        for index in range(jobs):
            copy = repo if args.in_place else copy_repository(repo, scratch / f"repo{index}")
            runners.append(Runner(copy, args.python, args.timeout or 600))
        free = list(runners)

        def with_runner(job):
            with lock:
                runner = free.pop()
            try:
                return job(runner)
            finally:
                with lock:
                    free.append(runner)

        def run_all(jobs_to_run: list) -> list:
            """Run ``job(runner)`` for each job on the free runners, in parallel; Ctrl-C stops
            the test runs and waits for every worker to restore its file."""
            pool = ThreadPoolExecutor(max_workers=jobs)
            futures = [pool.submit(with_runner, job) for job in jobs_to_run]
            try:
                for future in futures:
                    while not future.done():
                        time.sleep(0.2)
                return [future.result() for future in futures]
            finally:
                for future in futures:
                    future.cancel()
                if any(not future.done() for future in futures):
                    for runner in runners:
                        runner.stop()
                pool.shutdown(wait=True)  # each worker restores its file in its finally

        # The unmutated tests must pass, else every mutant would count as killed.
        tested = [name for name in files if by_file[name]]
        baselines = run_all([lambda runner, name=name: runner.run(tests[name])
                             for name in tested])
        timeouts: dict[str, float] = {}
        for name, (outcome, seconds) in zip(tested, baselines):
            if outcome != "passed":
                broken.append(name)
            timeouts[name] = args.timeout or 4 * seconds + 60
            print(f"baseline {name}: {outcome} in {seconds:.1f}s, {len(by_file[name])} mutants",
                  file=sys.stderr, flush=True)
        if broken:
            # Every mutant would count as killed: leave those files out, say so, exit 1.
            print(f"skipped, the unmutated tests fail: {', '.join(broken)}", file=sys.stderr)
            mutants = [m for m in mutants if m.file not in broken]

        def work(mutant: Mutant, runner: Runner) -> None:
            outcome = run_mutant(runner, mutant, tests[mutant.file], timeouts[mutant.file])
            with lock:
                results[mutant] = outcome
                done = len(results)
            print(f"[{done}/{len(mutants)}] {outcome:8} {mutant.file}:{mutant.line} "
                  f"{mutant.label}", file=sys.stderr, flush=True)

        run_all([lambda runner, mutant=mutant: work(mutant, runner) for mutant in mutants])
    except KeyboardInterrupt:
        print("interrupted: mutated files restored", file=sys.stderr)
        return 130
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    survivors = [m for m in mutants if results.get(m) == "passed"]
    equivalent = [m for m in survivors if keys[m] in EQUIVALENT]
    accepted = [m for m in survivors if keys[m] in ACCEPTED]
    killed = sum(1 for m in mutants if results.get(m) in ("failed", "timeout"))

    def note(mutant: Mutant) -> str:
        if keys[mutant] in EQUIVALENT:
            return f"  [equivalent: {EQUIVALENT[keys[mutant]]}]"
        if keys[mutant] in ACCEPTED:
            return f"  [accepted: {ACCEPTED[keys[mutant]]}]"
        return ""
    for mutant in survivors:
        print(f"{mutant.file}:{mutant.line}  {mutant.label}  | {mutant.source}{note(mutant)}")
    if args.json:
        args.json.write_text(json.dumps(
            [{**asdict(m), "outcome": results.get(m), "note": note(m).strip() or None}
             for m in mutants], ensure_ascii=False, indent=1), encoding="utf-8")
    score = 100 * killed / len(mutants) if mutants else 100.0
    countable = len(mutants) - len(equivalent)
    unexplained = len(survivors) - len(equivalent) - len(accepted)
    print(f"{len(survivors)} survived: {len(equivalent)} equivalent, {len(accepted)} accepted, "
          f"{unexplained} unexplained; without the equivalent ones {killed} / {countable} "
          f"({100 * killed / countable if countable else 100.0:.1f}%); "
          f"{time.monotonic() - began:.0f}s, {jobs} jobs")
    if broken:
        print(f"not run (their unmutated tests fail): {', '.join(broken)}")
    print(f"mutation score: {killed} killed / {len(mutants)} mutants ({score:.1f}%)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
