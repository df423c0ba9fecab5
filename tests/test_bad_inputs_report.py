"""Command-line abuse of ``python -m metrics.report`` and ``python -m data.demo`` (SPEC §7, §8).

Every case exits 2 with exactly one line on stderr holding the expected fragment, prints nothing
on stdout and leaves the data folder it was pointed at byte for byte as it was. A few run in a
real subprocess to prove no traceback reaches stderr. Then the report's other promises: the
notice when an older snapshot is served, money in cents, text from data that stays text, and
the last-resort ``internal error`` line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from decimal import Decimal as M
from pathlib import Path

import pytest

from data import config, demo
from data.store import discover
from metrics import report
from tests.builders import make_snapshot, opportunity, order, target

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """Two valid weeks and a newer, invalid one (an empty folder)."""
    root = tmp_path_factory.mktemp("abuse")
    make_snapshot(root, "2026-11-15", orders=[order("2026-10-02", 1_000, 880)],
                  opportunities=[opportunity("A", 500, 2, "2026-12-01")])
    make_snapshot(root, "2026-11-22",
                  orders=[order("2026-10-02", 1_000, 880),
                          order("2026-11-03", 400, 300, region_id="R2", industry_id="EDU")],
                  opportunities=[opportunity("A", 700, 3, "2026-12-01")],
                  targets=[target("2026-10", 2_000, 200)])
    (root / "snapshots" / "2026-W49").mkdir()
    discover(root)  # validation records written now, not by the first case
    return root


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → SHA-256); {} when there is none."""
    folder = Path(folder)
    if not folder.is_dir():
        return {} if not folder.exists() else {".": hashlib.sha256(folder.read_bytes()).hexdigest()}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------- special data folders

def _locked(tmp_path: Path, monkeypatch) -> Path:
    """A data folder nobody may read. chmod 000 does not stop root (tests may run as root), so
    then listing it raises PermissionError as the system would for anyone else."""
    folder = tmp_path / "locked"
    (folder / "snapshots").mkdir(parents=True)
    folder.chmod(0)
    if os.geteuid() == 0:
        real = os.listdir

        def listdir(path="."):
            if str(path).startswith(str(folder)):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)
        monkeypatch.setattr(os, "listdir", listdir)
    return folder


def _only_invalid(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "only-invalid"
    (folder / "snapshots" / "2026-W47").mkdir(parents=True)
    (folder / "snapshots" / "2026-W47" / "manifest.json").write_text("{not json", "utf-8")
    discover(folder)  # its validation record written now, as for the other data folders
    return folder


def _bad_toml(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "bad-toml"
    folder.mkdir()
    (folder / "config.toml").write_text("[business\ncurrency = ", "utf-8")
    return folder


def _bad_env_config(tmp_path: Path, monkeypatch) -> Path:
    bad = tmp_path / "bad.toml"
    bad.write_text("[business]\nfiscal_year_start_month = 13\n", "utf-8")
    monkeypatch.setenv(config.CONFIG_ENV, str(bad))
    return bad


def _env_data_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path / "nowhere"))
    return tmp_path / "nowhere"


def _file(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "a-file"
    path.write_text("not a folder", "utf-8")
    return path


def _empty(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "empty").mkdir()
    return tmp_path / "empty"


PLACES = {
    "{missing}": lambda tmp_path, mp: tmp_path / "does-not-exist",
    "{file}": _file,
    "{empty}": _empty,
    "{only_invalid}": _only_invalid,
    "{locked}": _locked,
    "{bad_toml}": _bad_toml,
    "{bad_env_config}": _bad_env_config,
    "{env_data_dir}": _env_data_dir,
    "{long}": lambda tmp_path, mp: tmp_path / ("x" * 5000),
}


# Placeholders that set the environment instead of standing for an argument.
ENVIRONMENT = ("{bad_env_config}", "{env_data_dir}")


def prepare(args: list[str], data_dir: Path, tmp_path: Path, monkeypatch) -> tuple[list, list]:
    """The arguments with placeholders filled in, and the folders whose files must not change."""
    out, watched = [], [data_dir]
    for arg in args:
        if arg in ENVIRONMENT:
            watched.append(PLACES[arg](tmp_path, monkeypatch))
            continue
        if arg == "{data}":
            out.append(str(data_dir))
        elif arg == "{copy}":  # data.demo gets a copy: a bug that writes cannot spoil the rest
            copy = tmp_path / "copy"
            shutil.copytree(data_dir, copy)
            out.append(str(copy))
            watched.append(copy)
        elif arg in PLACES:
            place = PLACES[arg](tmp_path, monkeypatch)
            out.append(str(place))
            if arg != "{long}":
                watched.append(place)
        else:
            out.append(arg)
    return out, watched


def snapshot_of(folders: list[Path]) -> list[dict]:
    restore = []
    for folder in folders:  # a locked folder is hashed as its owner would see it
        if folder.exists() and stat.S_IMODE(folder.stat().st_mode) == 0:
            restore.append(folder)
    for folder in restore:
        folder.chmod(0o700)
    try:
        return [tree(f) for f in folders]
    finally:
        for folder in restore:
            folder.chmod(0)


# ------------------------------------------------------------------------------- the battery

DASH = ["--data-dir", "{data}", "--section", "dashboard"]
MOVE = ["--data-dir", "{data}", "--section", "pipeline_movement"]

REPORT_CASES = [
    pytest.param([*DASH, "--period", "garbage"], "--period: 'garbage' is not a period",
                 id="period-garbage"),
    pytest.param([*DASH, "--period", "9999-W52"], "outside the supported years",
                 id="period-9999-W52"),
    pytest.param([*DASH, "--period", "9999-12"], "outside the supported years",
                 id="period-9999-12"),
    pytest.param([*DASH, "--period", "0001-W01"], "outside the supported years",
                 id="period-0001-W01"),
    pytest.param([*DASH, "--period", "0002-12"], "outside the supported years",
                 id="period-0002-12-just-before-the-range"),
    pytest.param([*DASH, "--period", "9998-01"], "outside the supported years",
                 id="period-9998-01-just-after-the-range"),
    pytest.param([*DASH, "--period", "2025-W53"], "2025 has no ISO week 53",
                 id="period-week-53-of-a-52-week-year"),
    pytest.param([*DASH, "--period", "2026-13"], "month must be 01–12", id="period-month-13"),
    pytest.param([*DASH, "--period", "FY26Q5"], "is not a period", id="period-quarter-5"),
    pytest.param([*DASH, "--period", "10000-01"], "is not a period", id="period-five-digit-year"),
    pytest.param([*DASH, "--period", "２０２６-11"], "is not a period",
                 id="period-fullwidth-digits"),
    pytest.param([*DASH, "--period", "2026-W47\nFY26"], "is not a period",
                 id="period-with-a-line-break"),
    pytest.param(["--data-dir", "{data}", "--section", "snapshots", "--period", "9999-W52"],
                 "outside the supported years", id="period-far-year-on-snapshots-section"),
    pytest.param([*DASH, "--region", "NOPE"], "--region: unknown NOPE", id="region-unknown"),
    pytest.param([*DASH, "--region", ""], "--region: unknown ''", id="region-empty"),
    pytest.param([*DASH, "--region", "R1' OR '1'='1"], "--region: unknown R1' OR '1'='1",
                 id="region-sql-injection"),
    pytest.param([*DASH, "--region", "R1\nR2"], "--region: unknown R1", id="region-line-break"),
    pytest.param([*DASH, "--industry", "MINING"], "--industry: unknown MINING",
                 id="industry-unknown"),
    pytest.param([*DASH, "--product-line", "Laptop"], "--product-line: unknown Laptop",
                 id="product-line-unknown"),
    pytest.param([*DASH, "--product-line", "pc"], "--product-line: unknown pc",
                 id="product-line-wrong-case"),
    pytest.param(["--data-dir", "{data}", "--section", "nope"], "--section",
                 id="section-unknown"),
    pytest.param(["--data-dir", "{data}"], "required: --section", id="section-missing"),
    pytest.param([*DASH, "--format", "xml"], "--format", id="format-unknown"),
    pytest.param([*DASH, "--channel", "fax"], "--channel", id="channel-unknown"),
    pytest.param([*DASH, "--bogus"], "unrecognized arguments: --bogus", id="option-unknown"),
    pytest.param([*DASH, "--snapshot", "2019-W01"], "--snapshot: '2019-W01' not found",
                 id="snapshot-unknown"),
    pytest.param([*DASH, "--snapshot", "../../etc"], "--snapshot: '../../etc' not found",
                 id="snapshot-path-traversal"),
    pytest.param([*DASH, "--snapshot", "2026-W49"], "--snapshot: 2026-W49 is invalid",
                 id="snapshot-invalid"),
    pytest.param([*MOVE, "--compare", "2026-W47"], "not older than the served snapshot 2026-W47",
                 id="compare-same-as-served"),
    pytest.param([*MOVE, "--snapshot", "2026-W46", "--compare", "2026-W47"],
                 "not older than the served snapshot 2026-W46", id="compare-newer-than-served"),
    pytest.param([*DASH, "--compare", "2026-W47"], "not older than",
                 id="compare-same-on-dashboard"),
    pytest.param([*MOVE, "--compare", "2001-W01"], "--compare: '2001-W01' not found",
                 id="compare-unknown"),
    pytest.param([*MOVE, "--compare", "2026-W49"], "--compare: 2026-W49 is invalid",
                 id="compare-invalid"),
    pytest.param([*MOVE, "--snapshot", "2026-W46"], "no snapshot older than 2026-W46",
                 id="movement-with-nothing-older"),
    pytest.param(["--data-dir", "{missing}", "--section", "dashboard"], "no such data folder",
                 id="data-dir-missing"),
    pytest.param(["--data-dir", "{missing}", "--section", "snapshots"], "no such data folder",
                 id="data-dir-missing-snapshots-section"),
    pytest.param(["--section", "snapshots", "{env_data_dir}"],
                 "COCKPIT_DATA_DIR: no such data folder", id="env-data-dir-missing"),
    pytest.param(["--data-dir", "{file}", "--section", "dashboard"], "--data-dir: not a folder",
                 id="data-dir-is-a-file"),
    pytest.param(["--data-dir", "{empty}", "--section", "dashboard"], "no valid snapshot",
                 id="data-dir-empty"),
    pytest.param(["--data-dir", "{only_invalid}", "--section", "alerts"], "no valid snapshot",
                 id="data-dir-only-invalid-snapshots"),
    pytest.param(["--data-dir", "{locked}", "--section", "dashboard"], "Permission denied",
                 id="data-dir-unreadable"),
    pytest.param(["--data-dir", "{locked}", "--section", "snapshots"], "Permission denied",
                 id="data-dir-unreadable-snapshots-section"),
    pytest.param(["--data-dir", "bad\0folder", "--section", "dashboard"], "no such data folder",
                 id="data-dir-nul-character"),
    pytest.param(["--data-dir", "{long}", "--section", "dashboard"], "--data-dir",
                 id="data-dir-name-too-long"),
    pytest.param(["--data-dir", "{bad_toml}", "--section", "dashboard"], "is not valid TOML",
                 id="config-toml-not-toml"),
    pytest.param(["--section", "dashboard", "--data-dir"], "--data-dir: expected one argument",
                 id="data-dir-without-a-value"),
    pytest.param([*DASH, "--period", "FY26Q3", "{bad_env_config}"],
                 "fiscal_year_start_month = 13 must be at most 12", id="config-env-out-of-range"),
]


def run_report(args: list[str], capsys) -> tuple[int, str, str]:
    code = report.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_exit_2(code: int, out: str, err: str, fragment: str) -> None:
    assert code == 2, (code, out, err)
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("error: ") and fragment in err, err
    assert "internal error" not in err and "Traceback" not in err


@pytest.mark.parametrize("args, fragment", REPORT_CASES)
def test_report_rejects(args, fragment, data_dir, tmp_path, monkeypatch, capsys):
    argv, watched = prepare(args, data_dir, tmp_path, monkeypatch)
    before = snapshot_of(watched)
    code, out, err = run_report(argv, capsys)
    assert_one_line_exit_2(code, out, err, fragment)
    assert snapshot_of(watched) == before  # nothing written, nothing changed


DEMO_CASES = [
    pytest.param(["--data-dir", "{copy}", "--as-of", "garbage"], "--as-of",
                 id="demo-as-of-not-a-date"),
    pytest.param(["--data-dir", "{copy}", "--weeks", "0"], "--weeks", id="demo-weeks-zero"),
    pytest.param(["--data-dir", "{copy}", "--weeks", "x"], "--weeks", id="demo-weeks-not-a-number"),
    pytest.param(["--data-dir", "{copy}", "--orders", "-5"], "--orders",
                 id="demo-orders-negative"),
    pytest.param(["--data-dir", "{copy}", "--profile", "nope"], "--profile",
                 id="demo-profile-unknown"),
    pytest.param(["--data-dir", "{copy}", "--deals", "5"], "--deals",
                 id="demo-deals-without-crm-profile"),
    pytest.param(["--as-of", "2026-11-22"], "--data-dir", id="demo-data-dir-missing"),
    pytest.param(["--data-dir", "{copy}", "--bogus"], "unrecognized arguments",
                 id="demo-option-unknown"),
    pytest.param(["--data-dir", "{copy}", "--as-of", "9999-12-31", "--orders", "100"], "--as-of",
                 id="demo-as-of-9999"),
    pytest.param(["--data-dir", "{copy}", "--as-of", "0001-01-01", "--orders", "100"], "--as-of",
                 id="demo-as-of-0001"),
    pytest.param(["--data-dir", "{copy}", "--seed", "-1", "--orders", "100", "--weeks", "1",
                  "--as-of", "2026-11-22"], "--seed", id="demo-seed-negative"),
    pytest.param(["--data-dir", "{file}", "--orders", "100", "--weeks", "1", "--as-of",
                  "2026-11-22"], "--data-dir", id="demo-data-dir-is-a-file"),
    pytest.param(["--data-dir", "{locked}", "--orders", "100", "--weeks", "1", "--as-of",
                  "2026-11-22"], "--data-dir", id="demo-data-dir-unreadable"),
]


def run_demo(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = demo.main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args, fragment", DEMO_CASES)
def test_demo_rejects(args, fragment, data_dir, tmp_path, monkeypatch, capsys):
    argv, watched = prepare(args, data_dir, tmp_path, monkeypatch)
    if os.geteuid() == 0 and "{locked}" in args:  # as root the folder is writable after all
        monkeypatch.setattr(Path, "mkdir", _denied)
    before = snapshot_of(watched)
    code, out, err = run_demo(argv, capsys)
    assert_one_line_exit_2(code, out, err, fragment)
    assert snapshot_of(watched) == before


def _denied(self, *args, **kwargs):
    raise PermissionError(13, "Permission denied", str(self))


# ------------------------------------------------------------------- through a real subprocess

def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != config.CONFIG_ENV}
    env[config.DATA_DIR_ENV] = str(tmp_path / "no-data")
    return env


@pytest.mark.parametrize("module, args, fragment", [
    pytest.param("metrics.report", [*DASH, "--period", "9999-W52"], "outside the supported years",
                 id="report-far-period"),
    pytest.param("metrics.report", ["--data-dir", "{missing}", "--section", "snapshots"],
                 "no such data folder", id="report-missing-data-dir"),
    pytest.param("metrics.report", [*MOVE, "--compare", "2026-W47"], "not older than",
                 id="report-compare-not-older"),
    pytest.param("data.demo", ["--data-dir", "{copy}", "--as-of", "9999-12-31", "--orders", "100"],
                 "--as-of", id="demo-as-of-9999"),
])
def test_no_traceback_reaches_stderr(module, args, fragment, data_dir, tmp_path, monkeypatch):
    argv, watched = prepare(args, data_dir, tmp_path, monkeypatch)
    before = snapshot_of(watched)
    done = subprocess.run([sys.executable, "-m", module, *argv], cwd=ROOT, capture_output=True,
                          text=True, env=_environment(tmp_path), timeout=120)
    assert "Traceback" not in done.stderr
    assert_one_line_exit_2(done.returncode, done.stdout, done.stderr, fragment)
    assert snapshot_of(watched) == before


# ------------------------------------------------------------------------ the report's promises

def dash(data_dir: Path, *more: str) -> list[str]:
    return ["--data-dir", str(data_dir), "--section", "dashboard", *more]


def test_an_older_snapshot_served_says_so_on_one_line(data_dir, capsys):
    code, out, err = run_report(dash(data_dir, "--period", "FY26Q3"), capsys)
    assert code == 0 and json.loads(out)["revenue"] == 1_400
    assert err.count("\n") == 1
    assert err.startswith("note: newest snapshot 2026-W49 is invalid (")
    assert "serving 2026-W47" in err
    code, out, err = run_report(dash(data_dir, "--period", "FY26Q3", "--snapshot", "2026-W47"),
                                capsys)
    assert code == 0 and err == ""  # asked for by name: nothing to say


def test_snapshots_section_lists_the_invalid_one_without_a_notice(data_dir, capsys):
    code, out, err = run_report(["--data-dir", str(data_dir), "--section", "snapshots"], capsys)
    assert code == 0 and err == ""
    assert {s["snapshot_id"]: s["valid"] for s in json.loads(out)} == {
        "2026-W49": False, "2026-W47": True, "2026-W46": True}


@pytest.fixture(scope="module")
def cents_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("cents")
    make_snapshot(root, "2026-11-22", orders=[
        order("2026-10-02", M("0.30"), M("0.10")),
        order("2026-10-03", M("5828065.56"), M("5000000.01")),
        order("2026-10-04", M("-0.07"), M("-0.01"))],
        opportunities=[opportunity("A", M("0.10"), 3, "2026-12-01"),
                       opportunity("B", M("0.20"), 3, "2026-12-02")],
        targets=[target("2026-10", 3_000_000, M("1000000.01"))])
    return root


def test_money_is_printed_in_cents_and_ratios_in_full(cents_dir, capsys):
    args = ["--data-dir", str(cents_dir), "--period", "FY26Q3"]
    code, out, _ = run_report([*args, "--section", "dashboard"], capsys)
    result = json.loads(out)
    assert code == 0
    assert result["revenue"] == 5_828_065.79 and result["cost"] == 5_000_000.1
    assert result["gross_margin"] == 828_065.69  # not 828065.6899999999
    assert repr(result["gross_margin"]) in out
    gm_pct = result["gross_margin"] / result["revenue"]
    assert result["gm_pct"] == pytest.approx(gm_pct, rel=1e-12) and round(gm_pct, 2) != gm_pct
    for key in report.MONEY & set(result):
        assert result[key] is None or round(result[key], 2) == result[key], key
    code, out, _ = run_report([*args, "--section", "regional_report", "--format", "csv"], capsys)
    row = next(r for r in csv.DictReader(io.StringIO(out)) if r["region_id"] == "R1")
    assert row["gross_margin"] == "828065.69"
    code, out, _ = run_report([*args, "--section", "pipeline"], capsys)
    funnel = json.loads(out)["funnel"]
    assert [s["weighted_amount"] for s in funnel if s["stage"] == 3] == [0.15]


def test_text_from_data_stays_text_in_markdown_and_csv():
    rows = [{"entity_name": '=HYPERLINK("http://x","y")', "value": -1.5, "note": None},
            {"entity_name": "**bold** <script>x</script> | [a](b)\nnext", "value": 2,
             "note": "-plain"}]
    markdown = report.render(rows, "markdown").splitlines()
    assert len(markdown) == 4  # header, rule, one line per row: a line break stays in its cell
    assert markdown[2] == '| =HYPERLINK("http://x","y") | -1.5 |  |'
    assert markdown[3] == r"| \*\*bold\*\* \<script\>x\</script\> \| \[a\](b) next | 2 | -plain |"
    parsed = list(csv.reader(io.StringIO(report.render(rows, "csv"))))
    assert parsed[1] == ["'=HYPERLINK(\"http://x\",\"y\")", "-1.5", ""]
    assert parsed[2][2] == "'-plain"  # a text cell starting with - could be a formula
    assert json.loads(report.render(rows, "json")) == rows  # JSON carries the text as it is


def test_an_unexpected_exception_is_one_line_not_a_traceback(data_dir, monkeypatch, capsys):
    def boom(con, view):
        raise RuntimeError("boom\nsecond line")
    monkeypatch.setitem(report.SECTIONS, "dashboard", boom)
    code, out, err = run_report(dash(data_dir, "--snapshot", "2026-W47"), capsys)
    assert (code, out) == (2, "")
    assert err == "error: internal error (RuntimeError): boom second line\n"


def test_expected_errors_are_not_internal_errors(data_dir, monkeypatch, capsys):
    """A ValueError from the metrics is not expected input trouble: it is reported as internal
    (with its type), while bad input names the argument and never says 'internal'."""
    def refuse(con, view):
        raise ValueError("metrics refused")
    monkeypatch.setitem(report.SECTIONS, "dashboard", refuse)
    code, _, err = run_report(dash(data_dir, "--snapshot", "2026-W47"), capsys)
    assert code == 2 and err == "error: internal error (ValueError): metrics refused\n"
    code, _, err = run_report(dash(data_dir, "--period", "9999-W52"), capsys)
    assert code == 2 and "internal" not in err and err.startswith("error: --period: ")


def test_help_is_not_an_error(capsys):
    assert report.main(["--help"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("usage: python -m metrics.report") and err == ""
