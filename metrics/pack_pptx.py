"""The executive pack as a PowerPoint deck (16:9), drawn with python-pptx from ``metrics.pack``'s
pages: one slide per page, its title in the slide's title placeholder (so an outline or a paste
into another deck keeps it), tables as native PowerPoint tables, charts as pictures.

A deck cannot embed fonts the way a PDF does, so text names the fonts every PowerPoint in a
Chinese office has — Arial for Latin, Microsoft YaHei for Chinese — and viewers elsewhere
substitute their own; the charts are pictures drawn with Noto Sans CJK. Every slide has the stamp
(title, period, snapshot, as_of), the filters (in red when the view is filtered), the
generation time and its number. Text from the data is set as plain runs.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from metrics import pack as model
from pages.ui.i18n import t

LATIN_FONT, EAST_ASIAN_FONT = "Arial", "Microsoft YaHei"
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
CONTENT_W = SLIDE_W - 2 * MARGIN
TITLE_Y, CONTENT_Y, CONTENT_BOTTOM = 0.88, 1.6, 6.85
TITLE_ONLY = 5  # the default template's "Title Only" layout

INK, GREY, RULE = RGBColor(0x26, 0x32, 0x38), RGBColor(0x60, 0x7D, 0x8B), RGBColor(0xCF, 0xD8, 0xDC)
HEAD_FILL, STRIPE, WHITE = RGBColor(0xEC, 0xEF, 0xF1), RGBColor(0xF8, 0xFA, 0xFB), RGBColor(255, 255, 255)
TONES = {"good": RGBColor(0x1B, 0x5E, 0x20), "bad": RGBColor(0xB7, 0x1C, 0x1C),
         "warn": RGBColor(0x8D, 0x6E, 0x00), None: INK}
FILTERED = RGBColor(0xC6, 0x28, 0x28)
ACCENT = RGBColor(0x15, 0x65, 0xC0)


def _plain(text) -> str:
    """One line of text: line breaks and tabs from the data become spaces."""
    return " ".join(str(text).split()) if any(c in str(text) for c in "\r\n\t") else str(text)


def _style(run, size: float, bold: bool = False, colour: RGBColor = INK) -> None:
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = colour
    font.name = LATIN_FONT
    properties = run._r.get_or_add_rPr()
    for old in properties.findall(qn("a:ea")):
        properties.remove(old)
    properties.find(qn("a:latin")).addnext(
        properties.makeelement(qn("a:ea"), {"typeface": EAST_ASIAN_FONT}))


def _write(frame, text: str, size: float, *, bold=False, colour=INK, align=PP_ALIGN.LEFT,
           new_paragraph=False) -> None:
    paragraph = frame.add_paragraph() if new_paragraph else frame.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = _plain(text)
    _style(run, size, bold, colour)


def _text_box(slide, x, y, w, h, text, size, *, bold=False, colour=INK, align=PP_ALIGN.LEFT):
    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    frame = box.text_frame
    frame.word_wrap = True  # a box of fixed width: viewers then keep its alignment
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, 0)
    _write(frame, text, size, bold=bold, colour=colour, align=align)
    return box


def _unstyled(shape):
    """``shape`` without the theme's style (its shadow and effects): fill and line are set."""
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
    return shape


def _rule(slide, y: float) -> None:
    line = _unstyled(slide.shapes.add_connector(1, Inches(MARGIN), Inches(y),
                                                Inches(SLIDE_W - MARGIN), Inches(y)))
    line.line.color.rgb = RULE
    line.line.width = Pt(0.75)


def render(pack: model.Pack) -> bytes:
    """The pack as .pptx bytes: one 16:9 slide per page of the model."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    deck.core_properties.title = f"{pack.title} · {pack.stamp}"
    deck.core_properties.subject = pack.filters
    deck.core_properties.author = "Sales Cockpit"
    deck.core_properties.language = "zh-CN" if pack.lang == "zh" else "en"
    pages = len(pack.pages)
    for number, page in enumerate(pack.pages, start=1):
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
        _stamp(slide, pack, number, pages)
        if number == 1:
            _cover(slide, pack, page)
            continue
        _title(slide, page.title, TITLE_Y, 0.6, 24)
        y = CONTENT_Y
        for index, block in enumerate(page.blocks):
            y = _draw(slide, block, y, page.blocks[index + 1:])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _title(slide, text: str, y: float, height: float, size: float) -> None:
    title = slide.shapes.title
    title.left, title.top = Inches(MARGIN), Inches(y)
    title.width, title.height = Inches(CONTENT_W), Inches(height)
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, 0)
    _write(frame, text, size, bold=True)


def _stamp(slide, pack: model.Pack, number: int, pages: int) -> None:
    half = CONTENT_W / 2
    _text_box(slide, MARGIN, 0.22, half, 0.22, f"{pack.title} · {pack.subtitle}", 10,
              bold=True, colour=GREY)
    _text_box(slide, MARGIN + half, 0.22, half, 0.22, pack.stamp, 10, colour=GREY,
              align=PP_ALIGN.RIGHT)
    _text_box(slide, MARGIN, 0.46, CONTENT_W, 0.22, pack.filters, 10, bold=pack.filtered,
              colour=FILTERED if pack.filtered else GREY)
    _rule(slide, 0.74)
    _rule(slide, 6.98)
    _text_box(slide, MARGIN, 7.07, half, 0.22, pack.generated, 9, colour=GREY)
    _text_box(slide, MARGIN + half, 7.07, half, 0.22,
              t("pack.page", pack.lang, page=number, pages=pages), 9, colour=GREY,
              align=PP_ALIGN.RIGHT)


def _cover(slide, pack: model.Pack, page: model.Page) -> None:
    _title(slide, pack.title, 1.35, 0.9, 40)
    _text_box(slide, MARGIN, 2.3, CONTENT_W, 0.5, pack.subtitle, 20, colour=GREY)
    bar = _unstyled(slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(MARGIN), Inches(3.0),
                                           Inches(1.6), Inches(0.05)))
    bar.fill.solid()
    bar.fill.fore_color.rgb = ACCENT
    bar.line.fill.background()
    y = 3.35
    for block in page.blocks:
        for label, value in block.items:
            _text_box(slide, MARGIN, y, 2.6, 0.3, label, 13, bold=True, colour=GREY)
            _text_box(slide, MARGIN + 2.7, y, CONTENT_W - 2.7, 0.3, value, 14)
            y += 0.48


def _draw(slide, block, y: float, after) -> float:
    """Draw ``block`` at ``y`` (inches); the ``y`` below it."""
    if isinstance(block, model.Tiles):
        return _tiles(slide, block, y)
    if isinstance(block, model.Table):
        return _table(slide, block, y, after)
    if isinstance(block, model.Chart):
        return _chart(slide, block, y, after)
    if isinstance(block, model.Note):
        height = _note_height(block.text)
        _text_box(slide, MARGIN, y, CONTENT_W, height, block.text, 11, colour=GREY)
        return y + height + 0.08
    return y


def _note_height(text: str) -> float:
    """Inches for a note in 11 pt across the content width (about 150 Latin characters or 85
    Chinese ones a line)."""
    return 0.24 * (1 + int(model.charts.text_width(text, 11) // (CONTENT_W * 72)))


def _tiles(slide, block: model.Tiles, y: float) -> float:
    gap, height = 0.3, 1.45
    width = (CONTENT_W - gap * (block.columns - 1)) / block.columns
    for i, tile in enumerate(block.tiles):
        x = MARGIN + (i % block.columns) * (width + gap)
        top = y + (i // block.columns) * (height + gap)
        shape = _unstyled(slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, Inches(x), Inches(top), Inches(width), Inches(height)))
        shape.adjustments[0] = 0.06
        shape.fill.solid()
        shape.fill.fore_color.rgb = WHITE
        shape.line.color.rgb = RULE
        shape.line.width = Pt(1)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Inches(0.2)
        frame.margin_top = Inches(0.12)
        _write(frame, tile.label, 13, colour=GREY)
        _write(frame, tile.value, 30, bold=True, new_paragraph=True)
        tone = {True: "good", False: "bad"}.get(tile.good)
        _write(frame, tile.note or " ", 12, colour=TONES[tone] if tone else GREY,
               new_paragraph=True)
    rows = -(-len(block.tiles) // block.columns)
    return y + rows * (height + gap)


def _table(slide, table: model.Table, y: float, after, size: float = 11) -> float:
    """A native table across the content width; its font smaller when its rows would not fit
    above the blocks after it (a slide holds less than a page)."""
    room = CONTENT_BOTTOM - y - sum(_estimate(block) for block in after)
    needed = (len(table.rows) + 1.6) * size * 1.75 / 72 + 0.15
    if needed > room:
        size = max(7.0, size * room / needed)
    widths, size = model.fit_columns(table, CONTENT_W * 72, size, min_size=7)
    row_height = size * 1.75 / 72
    heading_lines = 2 if any(" " in c.header or len(c.header) > 6 for c in table.columns) else 1
    heading_height = row_height * (1 + 0.6 * (heading_lines - 1))
    shape = slide.shapes.add_table(len(table.rows) + 1, len(table.columns), Inches(MARGIN),
                                   Inches(y), Inches(CONTENT_W),
                                   Inches(heading_height + row_height * len(table.rows)))
    drawn = shape.table
    drawn.first_row, drawn.horz_banding = True, False
    for j, width in enumerate(widths):
        drawn.columns[j].width = Emu(int(Pt(width)))
    drawn.rows[0].height = Inches(heading_height)
    for i in range(len(table.rows)):
        drawn.rows[i + 1].height = Inches(row_height)
    for j, column in enumerate(table.columns):
        _cell(drawn.cell(0, j), column.header, size, True, INK, HEAD_FILL, column.numeric)
    for i, cells in enumerate(table.rows):
        for j, text in enumerate(cells):
            _cell(drawn.cell(i + 1, j), text, size, i in table.bold,
                  TONES[table.tone(i, j)], STRIPE if i % 2 else WHITE,
                  table.columns[j].numeric)
    return y + heading_height + row_height * len(table.rows) + 0.15


def _cell(cell, text: str, size: float, bold: bool, colour: RGBColor, fill: RGBColor,
          numeric: bool) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = fill
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    cell.margin_left = cell.margin_right = Inches(0.05)
    cell.margin_top = cell.margin_bottom = Inches(0.02)
    frame = cell.text_frame
    frame.word_wrap = True
    _write(frame, text, size, bold=bold, colour=colour,
           align=PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT)


def _chart(slide, chart: model.Chart, y: float, after) -> float:
    """The chart across the content width (``CHART_WIDTH`` pixels to it), lower than it asks
    when the blocks after it would not fit below it."""
    scale = CONTENT_W / model.CHART_WIDTH
    room = CONTENT_BOTTOM - y - sum(_estimate(block) for block in after) - 0.1
    height = min(chart.height * scale, room)
    png = model.draw(chart, height / scale)
    slide.shapes.add_picture(io.BytesIO(png), Inches(MARGIN), Inches(y), Inches(CONTENT_W),
                             Inches(height))
    return y + height + 0.12


def _estimate(block) -> float:
    """Roughly how tall a block below a chart will be, in inches."""
    if isinstance(block, model.Table):
        return (len(block.rows) + 1.6) * 11 * 1.75 / 72 + 0.15
    if isinstance(block, model.Note):
        return _note_height(block.text) + 0.08
    return 0.0
