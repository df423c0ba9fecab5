"""Executive pack (SPEC §12): the weekly meeting's pages, one model drawn as a PDF and as slides.

Three steps, each a function:

- ``collect(con, view)`` gathers the numbers. Each comes from the function behind the same
  section of the headless report (``metrics.report.SECTIONS``) and is rounded as the report
  prints it, so the pack and ``--format json`` for the same view cannot differ.
- ``layout(numbers, view, lang)`` decides what goes in and in which order: a cover (title,
  period, snapshot and as_of, filters, generation time), the KPI tiles, the product-line table,
  attainment by region (chart), the weekly regional report, the pipeline-movement waterfall
  (chart), the scorecard ranking and the ten alerts with the most money at stake. Each page is a
  title and blocks: tiles, facts, a table of formatted cells, a chart, a note. Text is the
  translation layer's (``pages.ui.i18n``), numbers are formatted by ``pages.ui.fmt`` in the data's
  currency (n/a when missing), and charts come from the pages' own Altair builders
  (``pages.ui.charts``), drawn offline to PNG by vl-convert with the Noto Sans CJK fonts. A table
  longer than ``TABLE_ROWS`` continues on the next page.
- ``pack_pdf.render`` / ``pack_pptx.render`` draw the same pages; every page carries the stamp
  (period, snapshot, as_of), the filters and its page number.

``build`` runs all three; ``save`` writes a file atomically. Text from the data is only ever
drawn as plain text: no renderer reads markup.
"""

from __future__ import annotations

import datetime as dt
import functools
import glob
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from data import config
from data.access import limited
from metrics import dashboard, pipeline, report
from metrics.view import View
from pages.ui import charts, fmt, vocab
from pages.ui.i18n import t

FORMATS = ("pdf", "pptx")
MIME = {"pdf": "application/pdf",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
ALERT_ROWS = 10
# Rows of a table on one page (the regional report's 18 regions fit); more continue overleaf.
TABLE_ROWS = 20
# Charts are drawn for this content width in CSS pixels, at CHART_SCALE for print.
CHART_WIDTH = 1000
CHART_SCALE = 2
# Noto Sans CJK draws Chinese and Latin alike; the PDF embeds subsets of it, the charts use it.
FONT_FILES = {"": "NotoSansCJK-Regular.ttc", "B": "NotoSansCJK-Bold.ttc"}
FONT_FACE = "Noto Sans CJK SC"
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk",
             "/usr/share/fonts/google-noto-cjk", "/usr/local/share/fonts")
# Where the fonts are when they are not in FONT_DIRS (a folder holding FONT_FILES).
FONT_DIR_ENV = "COCKPIT_PACK_FONT_DIR"


class PackError(Exception):
    """The pack cannot be made (no fonts, an unknown format): one line for the user."""


# ------------------------------------------------------------------------------------ the model

@dataclass(frozen=True)
class Tile:
    """A KPI tile: its label, its value and the line below it; ``good`` colours that line
    (None: not judged)."""

    label: str
    value: str
    note: str = ""
    good: bool | None = None


@dataclass(frozen=True)
class Tiles:
    tiles: tuple[Tile, ...]
    columns: int = 3


@dataclass(frozen=True)
class Facts:
    """Label–value lines (the cover)."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Column:
    header: str
    numeric: bool = True


@dataclass(frozen=True)
class Table:
    """Formatted cells, row by row. ``bold``: row indexes set in bold (a total, the filter's
    regions); ``tones``: per cell None or "good" / "bad" / "warn" (its text colour)."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    bold: frozenset[int] = frozenset()
    tones: tuple[tuple[str | None, ...], ...] = ()

    def tone(self, row: int, column: int) -> str | None:
        return self.tones[row][column] if self.tones else None


@dataclass(frozen=True)
class Chart:
    """A chart of the pages' builders (an Altair chart) and the height it asks for in CSS
    pixels at ``CHART_WIDTH``; a renderer draws it (``draw``) across its page's width, no
    taller than the page has room for."""

    figure: object
    height: int


@dataclass(frozen=True)
class Note:
    """A paragraph: a caption, or why a part is empty."""

    text: str


@dataclass(frozen=True)
class Page:
    title: str
    blocks: tuple = ()


@dataclass(frozen=True)
class Pack:
    """Everything the renderers draw. ``stamp`` (period, snapshot, as_of) and ``filters`` go on
    every page; ``filtered`` says whether the view is narrowed."""

    lang: str
    title: str
    subtitle: str
    stamp: str
    filters: str
    filtered: bool
    generated: str
    pages: tuple[Page, ...]
    mail_subject: str = ""
    mail_body: str = ""


@dataclass(frozen=True)
class Built:
    """A rendered pack: the file's bytes, its page count, the name to save or attach it as and
    the e-mail's subject and body."""

    data: bytes
    pages: int
    file_name: str
    mail_subject: str
    mail_body: str
    mime: str = field(default="application/octet-stream")


# --------------------------------------------------------------------------------- the numbers

def collect(con, view: View) -> dict:
    """The pack's numbers for ``view``, as the report prints them: the report sections
    ``dashboard`` (with the other KPI tile figures under ``tiles``), ``product_lines``,
    ``regional_report``, ``pipeline_movement`` (None without a comparison snapshot; its bars as
    ``waterfall``), ``scorecard`` (every region ranked: the region filter only marks rows) and
    ``alerts`` (the ``ALERT_ROWS`` with the most money at stake, of ``alert_count``); and the
    names of regions and industries."""
    sections = report.SECTIONS
    tiles = dashboard.kpis(con, view)
    found = sections["alerts"](con, view)
    moved = sections["pipeline_movement"](con, view) if view.compare else None
    numbers = report.printed({
        # The report's dashboard section is these keys of the same kpis.
        "dashboard": {key: tiles[key] for key in dashboard.DASHBOARD_KEYS},
        "tiles": tiles,
        "product_lines": sections["product_lines"](con, view),
        "regional_report": sections["regional_report"](con, view),
        "pipeline_movement": moved,
        "scorecard": sections["scorecard"](con, replace(view, regions=())),
        "alerts": found[:ALERT_ROWS],
        "alert_count": len(found),
    })
    numbers["waterfall"] = pipeline.movement_waterfall(con, view) if moved else None
    dims = dashboard.dimensions(con)
    numbers["names"] = {
        "regions": _names(dims["regions"], "region_id"),
        "industries": _names(dims["industries"], "industry_id"),
    }
    return numbers


def _names(frame: pd.DataFrame, key: str) -> dict[str, dict[str, str | None]]:
    return {str(row[key]): {"en": _text(row["name_en"]), "zh": _text(row["name_zh"])}
            for row in frame.to_dict("records")}


def _text(value) -> str | None:
    return str(value) if isinstance(value, str) and value.strip() else None


def _listed(names, lang: str) -> str:
    """Names as a list in running text: "A, B" / "A、B"."""
    return ("、" if lang == "zh" else ", ").join(names)


def _space(lang: str) -> str:
    """Between two sentences: a space in English, none in Chinese."""
    return "" if lang == "zh" else " "


def _name(names: dict, key, lang: str) -> str:
    """The name in ``lang``, else the English name, else the id (SPEC §9)."""
    entry = names.get(str(key), {})
    return entry.get(lang) or entry.get("en") or str(key)


# ------------------------------------------------------------------------------------ the pages

def build(con, view: View, lang: str, kind: str,
          generated: dt.datetime | None = None) -> Built:
    """The pack of ``view`` in ``lang``, rendered as ``kind`` (pdf or pptx)."""
    return make(collect(con, view), view, lang, kind, generated)


def make(numbers: dict, view: View, lang: str, kind: str,
         generated: dt.datetime | None = None) -> Built:
    """Lay out ``numbers`` (``collect``) and render them as ``kind``."""
    if kind not in FORMATS:
        raise PackError(f"unknown pack format {kind!r}; one of {', '.join(FORMATS)}")
    pack = layout(numbers, view, lang, generated)
    if kind == "pdf":
        from metrics import pack_pdf as renderer
    else:
        from metrics import pack_pptx as renderer
    return Built(renderer.render(pack), len(pack.pages), file_name(view, kind),
                 pack.mail_subject, pack.mail_body, MIME[kind])


def file_name(view: View, kind: str) -> str:
    """sales-pack-FY26Q3-2026-W47.pdf; "-filtered" before the suffix for a narrowed view."""
    filtered = "-filtered" if _filtered(view) else ""
    return f"sales-pack-{view.period.code}-{view.snapshot_id}{filtered}.{kind}"


def _filtered(view: View) -> bool:
    """Narrowed by a filter, or by who it is for (a lead's or a rep's scope, SPEC §11)."""
    return bool(view.regions or view.industries or view.product_lines or view.channel
                or limited(view.scope))


def filters_text(view: View, names: dict, lang: str) -> str:
    """The view's filters by name ("Filtered view: region Guangdong; channel Partner"), or
    that it covers everything."""
    parts = []
    if limited(view.scope):
        parts.append(vocab.scope(view.scope, lang, lambda r: _name(names["regions"], r, lang)))
    if view.regions:
        parts.append(t("pack.filter.region", lang, names=_listed(
            (_name(names["regions"], r, lang) for r in view.regions), lang)))
    if view.industries:
        parts.append(t("pack.filter.industry", lang, names=_listed(
            (_name(names["industries"], i, lang) for i in view.industries), lang)))
    if view.product_lines:
        parts.append(t("pack.filter.product_line", lang, names=_listed(
            (vocab.product_line(pl, lang) for pl in view.product_lines), lang)))
    if view.channel:
        parts.append(t("pack.filter.channel", lang, names=t(f"channel.{view.channel}", lang)))
    if not parts:
        return t("pack.filters.none", lang)
    return t("pack.filters.some", lang, filters=("；" if lang == "zh" else "; ").join(parts))


def layout(numbers: dict, view: View, lang: str, generated: dt.datetime | None = None) -> Pack:
    """The pages of the pack, in the meeting's order (module docstring)."""
    generated = generated or dt.datetime.now().astimezone()
    names = numbers["names"]
    stamp = t("pack.stamp", lang, period=view.period.code, snapshot=view.snapshot_id,
              as_of=view.as_of.isoformat())
    filters = filters_text(view, names, lang)
    pages = [
        _cover(view, lang, filters, generated),
        _kpis(numbers, view, lang),
        *_paged(t("pl.title", lang), _product_lines(numbers["product_lines"], lang),
                Note(t("pl.caption", lang, period=view.period.code)), lang),
        _attainment(numbers, view, lang),
        *_paged(t("regional.title", lang), _regional(numbers, lang),
                Note(t("regional.caption", lang,
                       floor=fmt.pct(numbers["dashboard"]["gm_pct"], lang, 1))), lang),
        _movement(numbers, view, lang),
        *_scorecard(numbers, view, lang),
        _alerts(numbers, view, lang),
    ]
    mail_values = {"period": view.period.code, "snapshot": view.snapshot_id,
                   "as_of": view.as_of.isoformat()}
    return Pack(lang=lang, title=t("pack.title", lang), subtitle=t("pack.subtitle", lang),
                stamp=stamp, filters=filters, filtered=_filtered(view),
                generated=t("pack.generated", lang, time=_time(generated)), pages=tuple(pages),
                mail_subject=t("pack.mail.subject", lang, **mail_values),
                mail_body=t("pack.mail.body", lang, filters=filters, **mail_values))


def _time(moment: dt.datetime) -> str:
    """2026-11-23 08:05 UTC+08:00"""
    offset = moment.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()


def _paged(title: str, table: Table, note: Note | None, lang: str) -> list[Page]:
    """``table`` on as many pages as it needs (``TABLE_ROWS`` rows each, the heading repeated,
    "(continued)" in the title); the note on the last."""
    pages = []
    for start in range(0, max(len(table.rows), 1), TABLE_ROWS):
        stop = start + TABLE_ROWS
        part = Table(table.columns, table.rows[start:stop],
                     frozenset(i - start for i in table.bold if start <= i < stop),
                     table.tones[start:stop])
        name = title if start == 0 else t("pack.continued", lang, title=title)
        pages.append(Page(name, (part,)))
    if note is not None:
        pages[-1] = Page(pages[-1].title, (*pages[-1].blocks, note))
    return pages


def _cover(view: View, lang: str, filters: str, generated: dt.datetime) -> Page:
    period = t("period.label", lang, code=view.period.code, start=view.period.start.isoformat(),
               end=view.period.end.isoformat())
    to_date = view.to_date_end
    settings = config.current()
    return Page(t("pack.title", lang), (Facts((
        (t("pack.cover.period", lang),
         t("pack.cover.period.value", lang, period=period, to_date=to_date.isoformat())
         if to_date else t("pack.cover.period.not_started", lang, period=period)),
        (t("pack.cover.snapshot", lang),
         t("pack.cover.snapshot.value", lang, snapshot=view.snapshot_id,
           as_of=view.as_of.isoformat())),
        (t("pack.cover.compare", lang), view.compare or t("pack.cover.compare.none", lang)),
        (t("pack.cover.filters", lang), filters),
        (t("pack.cover.currency", lang), f"{settings.currency} ({fmt.currency_symbol().strip()})"),
        (t("pack.cover.generated", lang), _time(generated)),
    )),))


def _at_least(value, floor) -> bool | None:
    if value is None or floor is None:
        return None
    return value >= floor


def _kpis(numbers: dict, view: View, lang: str) -> Page:
    """The dashboard's six tiles (``pages.ui.tiles.kpis``: same values, lines and colours), then
    the dashboard's amounts in full."""
    k = numbers["tiles"]
    reference = config.setting("pipeline.coverage_reference")
    pace_gap = k["pace_gap"]
    tiles = (
        Tile(t("kpi.revenue", lang), fmt.money_short(k["revenue"], lang),
             t("kpi.revenue.delta", lang, value=fmt.money_short(k["week_revenue"], lang))),
        Tile(t("kpi.attainment", lang), fmt.pct(k["revenue_attainment"], lang),
             t("kpi.attainment.delta", lang, points=f"{pace_gap * 100:+.0f}",
               pace=fmt.pct(k["pace"], lang)) if pace_gap is not None else "",
             _at_least(pace_gap, 0)),
        Tile(t("kpi.gm_pct", lang), fmt.pct(k["gm_pct"], lang, 1),
             t("kpi.gm_pct.delta", lang, value=fmt.pct(k["margin_attainment"], lang)),
             _at_least(k["margin_attainment"], k["pace"]) if k["pace"] else None),
        Tile(t("kpi.yoy", lang), fmt.signed_pct(k["yoy_growth"], lang),
             t("kpi.yoy.delta", lang, value=fmt.money_short(k["prior_revenue"], lang))),
        Tile(t("kpi.forecast", lang), fmt.money_short(k["forecast"], lang),
             t("kpi.forecast.delta", lang, value=fmt.pct(k["forecast_attainment"], lang)),
             _at_least(k["forecast_attainment"], 1.0)),
        Tile(t("kpi.coverage", lang),
             t("kpi.coverage.met", lang) if k["target_met"] else fmt.ratio(k["coverage"], lang),
             t("kpi.coverage.gap", lang, value=fmt.money_short(k["target_gap"], lang))
             if k["target_met"] is False else "",
             _at_least(k["coverage"], reference)),
    )
    d = numbers["dashboard"]
    full = [("pl.revenue", "revenue"), ("pl.revenue_target", "revenue_target"),
            ("pl.gross_margin", "gross_margin"), ("pl.margin_target", "margin_target"),
            ("alerts.col.cost", "cost"), ("col.weighted_pipeline", "weighted_pipeline"),
            ("kpi.forecast", "forecast")]
    amounts = Table(tuple(Column(t(label, lang)) for label, _ in full),
                    ((*(fmt.money(d[key], lang) for _, key in full),),))
    return Page(t("pack.kpis.title", lang), (
        Tiles(tiles), amounts,
        Note(t("pack.kpis.caption", lang, period=view.period.code,
               pace=fmt.pct(d["pace"], lang)))))


def _product_lines(rows: list[dict], lang: str) -> Table:
    """The product-line table (``pages.ui.tables.product_lines``), the total in bold."""
    columns = (Column(t("col.product_line", lang), numeric=False),
               Column(t("pl.revenue_target", lang)), Column(t("pl.revenue", lang)),
               Column(t("pl.revenue_attainment", lang)), Column(t("pl.margin_target", lang)),
               Column(t("pl.gross_margin", lang)), Column(t("pl.margin_attainment", lang)),
               Column(t("col.gm_pct", lang)))
    cells = tuple((
        t("pl.total", lang) if r["product_line"] == "total"
        else vocab.product_line(r["product_line"], lang),
        fmt.money(r["revenue_target"], lang), fmt.money(r["revenue"], lang),
        fmt.pct(r["revenue_attainment"], lang, 1), fmt.money(r["margin_target"], lang),
        fmt.money(r["gross_margin"], lang), fmt.pct(r["margin_attainment"], lang, 1),
        fmt.pct(r["gm_pct"], lang, 1)) for r in rows)
    total = frozenset(i for i, r in enumerate(rows) if r["product_line"] == "total")
    return Table(columns, cells, total)


def _attainment(numbers: dict, view: View, lang: str) -> Page:
    """The dashboard's "Revenue attainment by region" chart (``charts.attainment_figure``)."""
    rows = pd.DataFrame(numbers["regional_report"],
                        columns=["region_id", "revenue", "revenue_target", "revenue_attainment",
                                 "on_track"])
    pace = numbers["dashboard"]["pace"]
    names = numbers["names"]["regions"]
    figure = charts.attainment_figure(rows, pace, lambda r: _name(names, r, lang), lang)
    title = t("attainment.title", lang)
    if figure is None:
        return Page(title, (Note(t("pack.attainment.none", lang, period=view.period.code)),))
    shown = int(rows["revenue_attainment"].notna().sum())
    blocks = [Chart(figure, min(540, max(220, 26 * shown + 100))),
              Note(t("attainment.caption", lang, pace=fmt.pct(pace, lang)))]
    missing = rows.loc[rows["revenue_attainment"].isna(), "region_id"]
    if len(missing):
        blocks.append(Note(t("attainment.no_target", lang, regions=_listed(
            (_name(names, r, lang) for r in missing), lang))))
    return Page(title, tuple(blocks))


def _regional(numbers: dict, lang: str) -> Table:
    """The weekly regional report (SPEC §5.1) per region, in the report's order (best
    attainment first): attainment green on pace and red behind, gm_pct red below the whole
    view's, YoY red when negative; coverage says "target met" once the target is reached."""
    names = numbers["names"]["regions"]
    floor = numbers["dashboard"]["gm_pct"]
    rows, tones = [], []
    for r in numbers["regional_report"]:
        met = (r["revenue_target"] is not None and r["revenue"] is not None
               and r["revenue"] >= r["revenue_target"])
        on_track = r["on_track"]
        rows.append((
            _name(names, r["region_id"], lang), fmt.money(r["week_revenue"], lang),
            fmt.money(r["revenue"], lang), fmt.money(r["revenue_target"], lang),
            fmt.pct(r["revenue_attainment"], lang, 1),
            t("na", lang) if on_track is None else t("yes" if on_track else "no", lang),
            fmt.money(r["gross_margin"], lang), fmt.money(r["margin_target"], lang),
            fmt.pct(r["margin_attainment"], lang, 1), fmt.pct(r["gm_pct"], lang, 1),
            fmt.signed_pct(r["yoy_growth"], lang), fmt.money(r["weighted_pipeline"], lang),
            t("kpi.coverage.met", lang) if met else fmt.ratio(r["coverage"], lang)))
        pace_tone = None if on_track is None else "good" if on_track else "bad"
        tones.append((None, None, None, None, pace_tone, pace_tone, None, None, None,
                      _below(r["gm_pct"], floor), _below(r["yoy_growth"], 0), None, None))
    columns = (Column(t("col.region", lang), numeric=False), Column(t("col.week_revenue", lang)),
               Column(t("col.revenue", lang)), Column(t("col.revenue_target", lang)),
               Column(t("col.revenue_attainment", lang)), Column(t("col.on_track", lang)),
               Column(t("col.gross_margin", lang)), Column(t("pl.margin_target", lang)),
               Column(t("pl.margin_attainment", lang)), Column(t("col.gm_pct", lang)),
               Column(t("col.yoy_growth", lang)), Column(t("col.weighted_pipeline", lang)),
               Column(t("col.coverage", lang)))
    return Table(columns, tuple(rows), tones=tuple(tones))


def _below(value, floor) -> str | None:
    return "bad" if value is not None and floor is not None and value < floor else None


def _movement(numbers: dict, view: View, lang: str) -> Page:
    """The pipeline page's waterfall (``charts.waterfall``) and its steps in full."""
    title = t("movement.title", lang)
    moved = numbers["pipeline_movement"]
    if moved is None:
        return Page(title, (Note(t("movement.no_compare", lang, snapshot=view.snapshot_id)),))
    bars = numbers["waterfall"]
    bars = bars.assign(step_label=bars["step"].map(lambda s: t(f"movement.{s}", lang)),
                       amount_label=bars["amount"].map(lambda v: fmt.money_short(v, lang)))
    figure = charts.waterfall(bars, {"amount": t("col.amount", lang),
                                     "step": t("movement.step", lang)}, lang)
    steps = ["start", *pipeline.MOVEMENTS, "end"]
    table = Table(tuple(Column(t(f"movement.{s}", lang)) for s in steps),
                  ((*(fmt.money(moved[s], lang) for s in steps),),))
    return Page(title, (Chart(figure, 320), table,
                        Note(t("movement.caption", lang, compare=view.compare,
                               advanced=fmt.count(moved["advanced"], lang),
                               regressed=fmt.count(moved["regressed"], lang)))))


def _score(value, lang: str) -> str:
    """A 0–100 score as the scorecard shows it (one decimal); n/a when there is no basis."""
    return t("na", lang) if value is None else f"{value:.1f}"


def _scorecard(numbers: dict, view: View, lang: str) -> list[Page]:
    """The scorecard ranking (``pages.ui.tables_scorecard.scorecard``'s columns), the regions of
    the filter in bold."""
    from metrics.scorecard import DIMENSIONS

    names = numbers["names"]["regions"]
    card = numbers["scorecard"]
    flag = {True: t("yes", lang), False: t("no", lang), None: t("na", lang)}
    columns = (Column(t("col.rank", lang)), Column(t("col.region", lang), numeric=False),
               Column(t("col.total", lang)), Column(t("col.met_revenue", lang)),
               Column(t("col.met_margin", lang)),
               *(Column(t(f"dim.{d}", lang)) for d in DIMENSIONS))
    rows = tuple((
        t("na", lang) if r["rank"] is None else f"{int(r['rank'])}",
        _name(names, r["region_id"], lang), _score(r["total"], lang),
        flag[r["met_revenue"]], flag[r["met_margin"]],
        *(_score(r[d], lang) for d in DIMENSIONS)) for r in card)
    tones = tuple((None, None, None,
                   *({True: "good", False: "bad"}.get(r[c]) for c in ("met_revenue", "met_margin")),
                   *(None for _ in DIMENSIONS)) for r in card)
    selected = frozenset(i for i, r in enumerate(card) if r["region_id"] in view.regions)
    note = t("pack.scorecard.caption", lang)
    if view.regions:
        note += _space(lang) + t("pack.scorecard.selected", lang, regions=_listed(
            (_name(names, r, lang) for r in view.regions), lang))
    unranked = [r["region_id"] for r in card if r["rank"] is None]
    if unranked:
        note += _space(lang) + t("score.unranked", lang, period=view.period.code, regions=_listed(
            (_name(names, r, lang) for r in unranked), lang))
    return _paged(t("pack.scorecard.title", lang), Table(columns, rows, selected, tones),
                  Note(note), lang)


def alert_where(alert: dict, names: dict, lang: str) -> str:
    """What an alert is about (``pages.ui.tables_alerts.entity_labels``): a region or a region's
    product line by name, else the order line's or deal's name from the data."""
    if alert["entity_type"] == "region":
        return _name(names["regions"], alert["entity_id"], lang)
    if alert["entity_type"] == "region_product_line" and "/" in str(alert["entity_id"]):
        region, line = str(alert["entity_id"]).split("/", 1)
        return f"{_name(names['regions'], region, lang)} · {vocab.product_line(line, lang)}"
    return str(alert["entity_name"] or alert["entity_id"])


def _alerts(numbers: dict, view: View, lang: str) -> Page:
    """The alerts with the most money at stake (``pages.ui.tables_alerts.alerts``' first
    columns): critical in red, warning in amber."""
    found = numbers["alerts"]
    title = t("pack.alerts.title", lang, rows=ALERT_ROWS)
    if not found:
        return Page(title, (Note(t("alerts.empty", lang, period=view.period.code)),))
    columns = (Column(t("alerts.col.severity", lang), numeric=False),
               Column(t("alerts.col.rule", lang), numeric=False),
               Column(t("alerts.col.entity", lang), numeric=False),
               Column(t("alerts.col.at_stake", lang)), Column(t("alerts.col.value", lang)),
               Column(t("alerts.col.threshold", lang)),
               Column(t("alerts.col.owner", lang), numeric=False))
    rows = tuple((
        t(f"alerts.severity.{a['severity']}", lang), t(f"alerts.rule.{a['rule']}", lang),
        alert_where(a, numbers["names"], lang), fmt.money(a["at_stake"], lang),
        fmt.pct(a["value"], lang, 1), fmt.pct(a["threshold"], lang, 1),
        str(a.get("owner_name") or a["owner"] or t("na", lang))) for a in found)
    tones = tuple(("bad" if a["severity"] == "critical" else "warn", *(None,) * 6)
                  for a in found)
    return Page(title, (Table(columns, rows, tones=tones),
                        Note(t("pack.alerts.caption", lang, period=view.period.code,
                               shown=fmt.count(len(found), lang),
                               count=fmt.count(numbers["alert_count"], lang)))))


# ------------------------------------------------------------------------------------ charts

def font_files() -> dict[str, Path]:
    """The Noto Sans CJK regular and bold collections: from ``COCKPIT_PACK_FONT_DIR`` when set,
    else the usual system folders (Debian's fonts-noto-cjk)."""
    chosen = os.environ.get(FONT_DIR_ENV)
    found = _in_folder(Path(chosen)) if chosen else _on_this_system()
    if found is None:
        raise PackError(f"the pack needs the Noto Sans CJK fonts ({', '.join(FONT_FILES.values())})"
                        f" in {chosen or ', '.join(FONT_DIRS)}; on Debian: apt-get install "
                        f"fonts-noto-cjk, or set {FONT_DIR_ENV}")
    return found


def fonts_missing() -> str | None:
    """Why no pack can be drawn on this machine (its fonts are missing), else None."""
    try:
        font_files()
    except PackError as exc:
        return str(exc)
    return None


def _in_folder(folder: Path) -> dict[str, Path] | None:
    found = {style: folder / name for style, name in FONT_FILES.items()}
    return found if all(path.is_file() for path in found.values()) else None


@functools.cache
def _on_this_system() -> dict[str, Path] | None:
    for folder in FONT_DIRS:
        found = _in_folder(Path(folder))
        if found:
            return found
    for hit in sorted(glob.glob(f"/usr/share/fonts/**/{FONT_FILES['']}", recursive=True)):
        found = _in_folder(Path(hit).parent)
        if found:
            return found
    return None


@functools.cache
def _vl_convert():
    """vl-convert with the CJK fonts registered (once per process)."""
    import vl_convert

    vl_convert.register_font_directory(str(font_files()[""].parent))
    return vl_convert


def draw(chart: Chart, height: float | None = None) -> bytes:
    """``chart``'s figure drawn offline to PNG as a ``CHART_WIDTH`` × ``height`` (default: the
    height it asks for) CSS-pixel picture, axes and legend included, instead of at the page's
    container width; ``CHART_SCALE`` image pixels to a CSS pixel."""
    import altair as alt

    size = {"width": CHART_WIDTH, "height": round(height or chart.height)}
    spec = chart.figure.properties(**size, autosize=alt.AutoSizeParams(
        type="fit", contains="padding")).to_dict()
    # A page-wide money axis gets a tick every 40 pixels; labels such as "26亿" would touch.
    spec.setdefault("config", {}).setdefault("axis", {})["labelSeparation"] = 8
    return _vl_convert().vegalite_to_png(spec, scale=CHART_SCALE)


# ------------------------------------------------------------------------------- table widths

def fit_columns(table: Table, width: float, size: float, min_size: float = 6.0,
                padding: float = 4.0) -> tuple[list[float], float]:
    """Column widths summing to ``width`` (points) and the font size that lets ``table`` fit:
    each column as wide as its widest cell (its heading on up to two lines); when that is too
    wide, text columns are held to a share of the width (their cells wrap) and then the font
    shrinks, down to ``min_size``. Spare width is shared in proportion."""
    def natural(at: float) -> list[float]:
        out = []
        for j, column in enumerate(table.columns):
            cells = [charts.text_width(row[j], at) for row in table.rows]
            heading = _two_lines(column.header, at * 1.1)  # bold
            out.append(max([heading, *cells]) + 2 * padding)
        return out

    widths = natural(size)
    if sum(widths) > width:  # long names wrap before the numbers shrink
        cap = width * 0.24
        widths = [min(w, max(cap, _two_lines(c.header, size * 1.1) + 2 * padding))
                  if not c.numeric else w for w, c in zip(widths, table.columns)]
    if sum(widths) > width:
        size = max(min_size, size * width / sum(widths))
        widths = natural(size)
    total = sum(widths)
    return [w * width / total for w in widths], size


def _two_lines(text: str, size: float) -> float:
    """The width of ``text`` broken into two lines at its best break: between words, or between
    any two characters of a Chinese text longer than six; a single Latin word and a short
    Chinese heading stay whole ("达进度", not "达进" over "度")."""
    wide = any(charts.text_width(c) == 12 for c in text)
    if " " not in text and (not wide or len(text) <= 6):
        return charts.text_width(text, size)
    parts = text.split(" ") if " " in text else list(text)
    gap = " " if " " in text else ""
    best = charts.text_width(text, size)
    for k in range(1, len(parts)):
        best = min(best, max(charts.text_width(gap.join(parts[:k]), size),
                             charts.text_width(gap.join(parts[k:]), size)))
    return best


# ------------------------------------------------------------------------------------- files

def save(data: bytes, path: Path) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, then a rename, so a
    reader (or a mail job) never sees half a pack."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        # mkstemp's file is private (0600); the pack gets the mode of the file it replaces,
        # else an ordinary file's.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.is_file() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
