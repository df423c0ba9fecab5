"""Headless report (SPEC §7): the same numbers as the pages, without the UI.

    python -m metrics.report --data-dir DIR [--snapshot ID|latest] --section SECTION --period P
        [--region ID]… [--industry ID]… [--product-line PL]… [--compare ID]
        [--level region_group|region|industry|product_line|account] [--wins N]
        [--as IDENTITY] [--format json|csv|markdown]
    python -m metrics.report … --section pack --format pdf|pptx [--lang en|zh] [--out FILE]
        [--mail-to ADDR[,ADDR…]]

Money as plain numbers, ratios as fractions, missing values as null. Bad arguments: a one-line
error on stderr and exit code 2.

``--section pack`` writes the executive pack (SPEC §12, ``metrics.pack``) for the view — every
filter above applies, ``--compare`` names the snapshot its pipeline movement starts from — as a
PDF or a PowerPoint file in ``--lang``: to ``--out FILE`` (atomically: a temporary file beside
it, then a rename) and, with ``--mail-to``, as an e-mail attachment through the SMTP server of
the ``COCKPIT_SMTP_*`` environment variables (``metrics.mail``). It prints what it did as JSON:
``{"section": "pack", "format", "pages", "bytes", "out", "mailed_to"}``.

Output rules:

- **Money is rounded to cents.** A number under a key of ``MONEY`` (revenue, cost, gross_margin,
  targets, pipeline amounts, the movement waterfall's contributions, at_stake, revenue_12m, …) is
  rounded to 0.01 wherever it appears (nested lists included), so sums of Parquet doubles never
  print as ``5828065.860000003``. Every other number — ratios and fractions (gm_pct,
  attainment, pace, yoy_growth, coverage, win rates, an alert's value and threshold), scores and
  counts — keeps full precision. A non-finite number (NaN, ±inf) is printed as ``null``.
- **Text from the data is text.** In ``--format markdown`` cell text is escaped so Markdown and
  HTML syntax shows as itself (``**bold**``, ``<script>``, ``[x](…)``, ``|``), and a line break
  becomes a space; in ``--format csv`` a text cell that a spreadsheet would read as a formula
  (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with ``'``.

Exit codes and stderr:

- 0: the section was printed. A line on stderr may say which snapshot was served instead of the
  newest one (``note: newest snapshot … is invalid …; serving …``).
- 2: a bad argument or unusable input — an unknown section, format or channel; a period that
  does not parse or lies outside the supported years (metrics.periods); an unknown
  ``--region`` / ``--industry`` / ``--product-line``; a data folder that does not exist, is not a
  folder or cannot be read; an unknown or invalid ``--snapshot`` / ``--compare``; a ``--compare``
  snapshot not older than the served one; an unusable configuration. Exactly one line on
  stderr, ``error: …``, nothing on stdout. Anything unexpected is reported the same way as
  ``error: internal error (<ExceptionType>): <message>`` — never a traceback.
  For the pack also: a ``--format`` other than pdf / pptx (or pdf / pptx for another section),
  ``--out`` or ``--mail-to`` for another section, neither of them for the pack, an ``--out``
  whose folder does not exist or cannot be written or whose suffix is not the format's, a
  recipient that is not an address, SMTP settings that are missing or malformed, a mail server
  that cannot be reached or refuses the message (the pack is still written to ``--out``), and
  missing Noto Sans CJK fonts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import os
import re
import sys
from pathlib import Path

import pandas as pd

from data import access, config
from data.access import AccessError, Scope, limited
from data.config import ConfigError
from data.schema import CHANNELS
from data.store import (SnapshotDatabase, data_dir_from_env, discover, newest_valid,
                        previous_valid)
from metrics import (alerts, customers, dashboard, forecast_accuracy, market_order, pipeline,
                     reps, scorecard)
from metrics.periods import default_period, parse_period
from metrics.view import View


class UsageError(Exception):
    """A bad argument: reported on one line, exit code 2."""


# Keys whose numbers are money (rounded to cents in the output); every other number is printed
# with full precision. Includes the money keys of the SPEC §7 sections still to come
# (product_lines, forecast_accuracy, reps, market_order).
MONEY = frozenset({
    "revenue", "cost", "gross_margin", "revenue_target", "margin_target", "weighted_pipeline",
    "forecast", "week_revenue", "amount", "weighted_amount", "undated_open_amount",
    "open_amount", "open_pipeline", "start", "new", "pulled_in", "won", "lost", "slipped",
    "removed", "amount_change", "end", "at_stake", "revenue_12m", "actual",
})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of argparse's usage block
        raise UsageError(message)


def _section_dashboard(con, view: View):
    k = dashboard.kpis(con, view)
    return {key: k[key] for key in dashboard.DASHBOARD_KEYS}


# The id key of each review level's rows in the regional_report section (SPEC §10.2).
LEVEL_KEYS = {"region_group": "region_group", "region": "region_id",
              "industry": "industry_id", "product_line": "product_line",
              "account": "customer_id"}


def _section_regional_report(con, view: View, level: str = "region"):
    if level == "region":
        frame = dashboard.regional_report(con, view)
    else:
        frame = dashboard.review_table(con, view, level).rename(columns={"key": LEVEL_KEYS[level]})
    columns = [LEVEL_KEYS[level], *dashboard.DASHBOARD_KEYS, "week_revenue", "on_track"]
    return _records(frame[columns])


def _section_pipeline(con, view: View):
    funnel = pipeline.funnel(con, view)
    wins = pipeline.win_rate(con, view)
    undated = pipeline.undated_open(con, view)
    return {
        "funnel": _records(funnel[["stage", "count", "amount", "weighted_amount"]]),
        "undated_open_count": undated["count"],
        "undated_open_amount": undated["amount"],
        "win_rate_count": wins["win_rate_count"],
        "win_rate_amount": wins["win_rate_amount"],
        "median_cycle_days": wins["median_cycle_days"],
        "stale": list(pipeline.stale_deals(con, view)["opportunity_id"]),
        "past_due": list(pipeline.past_due_deals(con, view)["opportunity_id"]),
    }


def _section_product_lines(con, view: View):
    return _records(dashboard.product_lines(con, view))


SECTIONS = {
    "dashboard": _section_dashboard,
    "product_lines": _section_product_lines,
    "market_order": market_order.report_market_order,
    "reps": reps.report_reps,
    "funnel_calculator": None,  # needs --wins (see _compute)
    "forecast_accuracy": None,  # reads the period's other snapshots (see _compute)
    "regional_report": _section_regional_report,
    "pipeline": _section_pipeline,
    "pipeline_movement": pipeline.movement,
    "scorecard": scorecard.report_scorecard,
    "alerts": alerts.report_alerts,
    "customers": customers.report_customers,
    "snapshots": None,  # needs no snapshot connection
    "pack": None,  # written to a file or mailed (see _compute, metrics.pack)
}
PACK_FORMATS = ("pdf", "pptx")
LANGS = ("en", "zh")  # the languages of the translation layer (pages.ui.i18n.LANGS)


def _parser() -> _Parser:
    p = _Parser(prog="python -m metrics.report", description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", type=Path, default=None)
    p.add_argument("--snapshot", default="latest")
    p.add_argument("--section", required=True, choices=sorted(SECTIONS))
    p.add_argument("--period", default=None)
    p.add_argument("--region", action="append", default=[])
    p.add_argument("--industry", action="append", default=[])
    p.add_argument("--product-line", action="append", default=[])
    p.add_argument("--channel", default=None, choices=CHANNELS)
    p.add_argument("--compare", default=None)
    p.add_argument("--as", dest="identity", default=None, metavar="IDENTITY",
                   help="compute as this person sees it: an e-mail of the access file (SPEC §11); "
                        "default: the full data")
    p.add_argument("--level", default="region", choices=dashboard.LEVELS,
                   help="regional_report: the review level (SPEC §10.2)")
    p.add_argument("--wins", type=int, default=None,
                   help="funnel_calculator: the number of wins to plan for")
    p.add_argument("--format", default="json",
                   choices=("json", "csv", "markdown", *PACK_FORMATS))
    p.add_argument("--lang", default="en", choices=LANGS, help="pack: its language")
    p.add_argument("--out", type=Path, default=None, help="pack: the file to write")
    p.add_argument("--mail-to", default=None, metavar="ADDR[,ADDR…]",
                   help="pack: send it to these addresses (SMTP settings: COCKPIT_SMTP_*)")
    return p


def run(argv: list[str], notices: list[str] | None = None) -> tuple[object, str]:
    """Parse arguments and compute the section's result (JSON-ready, money rounded to cents) and
    the output format. Lines for stderr that do not stop the report (which snapshot was served)
    are appended to ``notices``."""
    args = _parser().parse_args(argv)
    result = printed(_compute(args, [] if notices is None else notices))
    return result, "json" if args.section == "pack" else args.format


def _compute(args: argparse.Namespace, notices: list[str]) -> object:
    if args.section == "funnel_calculator" and (args.wins is None or args.wins < 1):
        raise UsageError("--wins: funnel_calculator needs the number of wins, 1 or more")
    delivery = _check_pack_arguments(args)
    period = _parse_period(args.period) if args.period else None
    data_dir = args.data_dir or data_dir_from_env()
    flag = "--data-dir" if args.data_dir else config.DATA_DIR_ENV
    _check_data_dir(data_dir, flag)
    try:
        config.use_data_dir(data_dir)
        config.current()  # an unusable configuration stops here, with its file and key
        infos = discover(data_dir)
    except OSError as exc:
        raise UsageError(f"{flag}: cannot read {exc.filename or data_dir}: "
                         f"{exc.strerror or exc}") from None
    if args.section == "snapshots":
        return [{"snapshot_id": i.snapshot_id,
                 "as_of": i.as_of.isoformat() if i.as_of else None,
                 "valid": i.valid, "errors": list(i.errors)} for i in infos]
    info = _pick_snapshot(infos, args.snapshot, data_dir)
    if args.snapshot == "latest":
        newer = [i for i in infos if not i.valid and (
            i.as_of > info.as_of if i.as_of else i.snapshot_id > info.snapshot_id)]
        if newer:
            newest = max(newer, key=lambda i: i.snapshot_id)
            reason = newest.errors[0] if newest.errors else "invalid"
            notices.append(f"note: newest snapshot {newest.snapshot_id} is invalid ({reason}); "
                           f"serving {info.snapshot_id} (as_of {info.as_of})")
    if period is None:
        period = default_period(info.as_of)
    compare = None
    if args.compare:
        compare = _pick_snapshot(infos, args.compare, data_dir, flag="--compare")
        if compare.as_of is None or info.as_of is None or compare.as_of >= info.as_of:
            raise UsageError(f"--compare: {compare.snapshot_id} (as_of {compare.as_of}) is not "
                             f"older than the served snapshot {info.snapshot_id} "
                             f"(as_of {info.as_of})")
    if args.section not in ("pipeline_movement", "pack"):
        compare = None
    elif compare is None:
        compare = previous_valid(infos, info)
        if compare is None and args.section == "pipeline_movement":  # the pack says so instead
            raise UsageError(
                f"--compare: no snapshot older than {info.snapshot_id} to compare with")
    also = (compare,) if compare else ()
    if args.section == "forecast_accuracy":  # every stored week in the period is read
        weeks = forecast_accuracy.snapshots_in(View(info.snapshot_id, info.as_of, period), infos)
        by_id = {i.snapshot_id: i for i in infos}
        also = tuple(by_id[week] for week, _ in weeks if week != info.snapshot_id)
    scope = _scope_of(args.identity, data_dir)
    db = SnapshotDatabase()
    try:
        con = db.cursor(info, also=also, scope=scope)
        dims = dashboard.dimensions(con)
        if limited(scope):  # a region outside the scope is narrowed away, as a link is
            outside = [r for r in args.region if r not in set(dims["regions"]["region_id"])]
            if outside:
                notices.append(f"note: --region {', '.join(outside)} is outside what "
                               f"{args.identity} may see; narrowed to their scope")
                args.region = [r for r in args.region if r not in outside]
        _check_known("--region", args.region, dims["regions"]["region_id"])
        _check_known("--industry", args.industry, dims["industries"]["industry_id"])
        _check_known("--product-line", args.product_line, dims["product_lines"]["product_line"])
        view = View(info.snapshot_id, info.as_of, period, tuple(args.region),
                    tuple(args.industry), tuple(args.product_line), args.channel,
                    compare=compare.snapshot_id if compare else None, scope=scope)
        if args.section == "pack":
            return _deliver_pack(con, view, args, delivery)
        if args.section == "funnel_calculator":
            return _records(pipeline.funnel_calculator(con, view, args.wins))
        if args.section == "regional_report":
            return _section_regional_report(con, view, args.level)
        if args.section == "forecast_accuracy":
            return forecast_accuracy.report_forecast_accuracy(
                con, view, tuple((i.snapshot_id, i.as_of) for i in (info, *also)))
        return SECTIONS[args.section](con, view)
    finally:
        db.close()


def _check_pack_arguments(args: argparse.Namespace) -> dict:
    """The pack's own arguments, checked before any data is read: the format, the file to write
    (its folder exists and can be written, its suffix is the format's), the recipients and the
    SMTP settings. Returns the recipients and settings for ``_deliver_pack``."""
    if args.section != "pack":
        for flag, value in (("--out", args.out), ("--mail-to", args.mail_to)):
            if value is not None:
                raise UsageError(f"{flag}: only the pack (--section pack) is written to a file "
                                 f"or mailed; {args.section} prints to stdout")
        if args.format in PACK_FORMATS:
            raise UsageError(f"--format {args.format}: only the pack (--section pack) is "
                             f"written as {args.format}; {args.section} is json, csv or markdown")
        return {}
    if args.format not in PACK_FORMATS:
        raise UsageError(f"--format: the pack is written as {' or '.join(PACK_FORMATS)}, "
                         f"not {args.format}")
    if args.out is None and not args.mail_to:
        raise UsageError("--out: the pack needs a file to write (--out FILE) or recipients "
                         "(--mail-to ADDR)")
    if args.out is not None:
        _check_out(args.out, args.format)
    if not args.mail_to:
        return {}
    from metrics import mail

    try:
        return {"recipients": mail.recipients(args.mail_to), "smtp": mail.settings()}
    except mail.MailError as exc:
        raise UsageError(f"--mail-to: {exc}") from None


def _check_out(out: Path, fmt: str) -> None:
    if "\0" in str(out):  # Path.is_dir and .exists say False where the system would refuse
        raise UsageError("--out: not a usable path: it holds a NUL character")
    if out.is_dir():
        raise UsageError(f"--out: {out} is a folder; name the file to write")
    if out.suffix.lower() != f".{fmt}":
        raise UsageError(f"--out: {out} does not end in .{fmt}, the --format")
    folder = out.parent
    if not folder.exists():
        raise UsageError(f"--out: no such folder: {folder}")
    if not folder.is_dir():
        raise UsageError(f"--out: not a folder: {folder}")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"--out: cannot write in {folder}: permission denied")


def _deliver_pack(con, view: View, args: argparse.Namespace, delivery: dict) -> dict:
    """Build the pack, write it to ``--out`` and mail it to ``--mail-to``; what was done."""
    from metrics import mail, pack

    try:
        built = pack.build(con, view, args.lang, args.format)
    except pack.PackError as exc:
        raise UsageError(f"--section pack: {exc}") from None
    result = {"section": "pack", "format": args.format, "pages": built.pages,
              "bytes": len(built.data), "out": None, "mailed_to": []}
    if args.out is not None:
        try:
            pack.save(built.data, args.out)
        except OSError as exc:
            raise UsageError(f"--out: cannot write {exc.filename or args.out}: "
                             f"{exc.strerror or exc}") from None
        result["out"] = str(args.out)
    if delivery.get("recipients"):
        name = args.out.name if args.out is not None else built.file_name
        try:
            mail.send(delivery["smtp"], delivery["recipients"], built.mail_subject,
                      built.mail_body, (name, built.data, built.mime))
        except mail.MailError as exc:
            written = f" (the pack was written to {args.out})" if args.out is not None else ""
            raise UsageError(f"--mail-to: {exc}{written}") from None
        result["mailed_to"] = list(delivery["recipients"])
    return result


def _scope_of(identity: str | None, data_dir: Path) -> Scope | None:
    """``--as``: the scope the access file gives ``identity`` (None: the full data)."""
    if identity is None:
        return None
    try:
        scope = access.load(access.access_path(data_dir)).scope_of(identity)
    except AccessError as exc:
        raise UsageError(f"--as: {exc}") from None
    if scope is None:
        raise UsageError(f"--as: {identity} is not in the access file "
                         f"{access.access_path(data_dir)}; no data is shown to them")
    return scope


def _parse_period(text: str):
    try:
        return parse_period(text)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None


def _check_data_dir(data_dir: Path, flag: str) -> None:
    """The data folder exists, is a folder and can be listed (with its snapshots folder)."""
    try:
        if not data_dir.exists():
            raise UsageError(f"{flag}: no such data folder: {data_dir}")
        if not data_dir.is_dir():
            raise UsageError(f"{flag}: not a folder: {data_dir}")
        os.listdir(data_dir)
        snapshots = data_dir / "snapshots"
        if snapshots.is_dir():
            os.listdir(snapshots)
    except OSError as exc:
        raise UsageError(f"{flag}: cannot read {exc.filename or data_dir}: "
                         f"{exc.strerror or exc}") from None
    except ValueError as exc:  # a path Python cannot hand to the system (a NUL character)
        raise UsageError(f"{flag}: not a usable path: {exc}") from None


def _pick_snapshot(infos, requested: str, data_dir: Path, flag: str = "--snapshot"):
    if requested == "latest":
        info = newest_valid(infos)
        if info is None:
            raise UsageError(f"no valid snapshot in {data_dir}")
        return info
    info = next((i for i in infos if i.snapshot_id == requested), None)
    if info is None:
        raise UsageError(f"{flag}: {requested!r} not found in {data_dir}")
    if not info.valid:
        raise UsageError(f"{flag}: {requested} is invalid: {info.errors[0]}")
    return info


def _check_known(flag: str, values: list[str], known: pd.Series) -> None:
    unknown = sorted(set(values) - set(known))
    if unknown:
        shown = (v if v.strip() else repr(v) for v in unknown)  # an empty id shows as ''
        raise UsageError(f"{flag}: unknown {', '.join(shown)}")


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def printed(value, key: str | None = None):
    """A section's result as the report prints it: money (keys of ``MONEY``) rounded to cents, non-finite numbers as
    None, numpy / pandas scalars and dates as plain values; other numbers unchanged."""
    if isinstance(value, dict):
        return {k: printed(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printed(v, key) for v in value]
    value = _plain(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if key in MONEY:
            return round(value, 2) + 0.0  # + 0.0: no -0.0
    return value


_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]<>|~&$#])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _markdown_cell(value) -> str:
    """A cell of a Markdown table showing the value as itself (SPEC §8)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    return _MARKDOWN_SYNTAX.sub(r"\\\1", " ".join(value.splitlines()))


def _csv_cell(value):
    """Text a spreadsheet would read as a formula gets a leading ' (SPEC §8)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render(result: object, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False)
    rows = result if isinstance(result, list) else [result]
    rows = [{k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
             for k, v in r.items()} for r in rows]
    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _csv_cell(v) for k, v in r.items()} for r in rows)
        return out.getvalue().rstrip("\n")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_markdown_cell(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def _one_line(message: str) -> str:
    """The message on one line: line breaks become spaces, other control characters escapes."""
    text = " ".join(str(message).split("\n")).strip()
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _error(message: str) -> int:
    print(_one_line(f"error: {message}"), file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Run the report; 0 when printed, 2 with one ``error: …`` line on stderr otherwise."""
    argv = sys.argv[1:] if argv is None else argv
    notices: list[str] = []
    try:
        result, fmt = run(argv, notices)
        text = render(result, fmt)
    except (UsageError, ConfigError) as exc:
        return _error(str(exc))
    except SystemExit as exc:  # argparse's --help: printed already
        return exc.code if isinstance(exc.code, int) else 0
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, never a traceback
        return _error(f"internal error ({type(exc).__name__}): {exc}")
    for notice in notices:
        print(_one_line(notice), file=sys.stderr)
    print(text)
    return 0


if __name__ == "__main__":
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)
