"""The executive pack as a PDF (A4 landscape), drawn with fpdf2 from ``metrics.pack``'s pages.

Noto Sans CJK is embedded (subsets of the regular and bold faces), so Chinese and Latin text look
the same on every machine and printer. Every page has the stamp (title, period, snapshot,
as_of), the filters (in red when the view is filtered), the generation time and its page number.
All text is drawn as plain text: fpdf2's Markdown and HTML modes are never used.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.drawing_primitives import rgb8
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace
from fontTools.ttLib import TTCollection

from metrics import pack as model
from pages.ui.i18n import t

FAMILY = "NotoSansCJK"
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 14.0
CONTENT_W = PAGE_W - 2 * MARGIN
TITLE_Y, CONTENT_Y, CONTENT_BOTTOM = 22.0, 35.0, 192.0
PT = 25.4 / 72  # millimetres per point

INK, GREY, RULE = (38, 50, 56), (96, 125, 139), (207, 216, 220)
HEAD_FILL, STRIPE = (236, 239, 241), (244, 247, 248)
TONES = {"good": (27, 94, 32), "bad": (183, 28, 28), "warn": (141, 110, 0), None: INK}
FILTERED = (198, 40, 40)


def _face_index(path) -> int:
    """The index of Noto Sans CJK SC in a Noto CJK collection (JP, KR, SC, TC, HK, …)."""
    fonts = TTCollection(str(path), lazy=True).fonts
    for index, font in enumerate(fonts):
        if font["name"].getDebugName(1) == model.FONT_FACE:
            return index
    raise model.PackError(f"{path} holds no {model.FONT_FACE} face")


def _plain(text) -> str:
    """One line of text: line breaks and tabs from the data become spaces."""
    return " ".join(str(text).split()) if any(c in str(text) for c in "\r\n\t") else str(text)


class _Document(FPDF):
    def __init__(self, pack: model.Pack):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.pack = pack
        self.wrap = WrapMode.CHAR if pack.lang == "zh" else WrapMode.WORD
        for style, path in model.font_files().items():
            self.add_font(FAMILY, style, str(path), collection_font_number=_face_index(path))
        self.set_margins(MARGIN, CONTENT_Y, MARGIN)
        self.set_auto_page_break(True, margin=PAGE_H - CONTENT_BOTTOM)
        self.alias_nb_pages("{nb}")
        self.set_title(f"{pack.title} · {pack.stamp}")
        self.set_subject(pack.filters)
        self.set_creator("Sales Cockpit")
        self.set_lang("zh-CN" if pack.lang == "zh" else "en")

    def text_at(self, x, y, w, text, size, *, bold=False, colour=INK, align="L"):
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.set_xy(x, y)
        self.cell(w, size * PT * 1.3, _plain(text), align=align)

    def header(self):
        pack = self.pack
        self.text_at(MARGIN, 8, CONTENT_W / 2, f"{pack.title} · {pack.subtitle}", 8.5,
                     bold=True, colour=GREY)
        self.text_at(PAGE_W / 2, 8, CONTENT_W / 2, pack.stamp, 8.5, colour=GREY, align="R")
        self.text_at(MARGIN, 12.6, CONTENT_W, pack.filters, 8.5, bold=pack.filtered,
                     colour=FILTERED if pack.filtered else GREY)
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.line(MARGIN, 18, PAGE_W - MARGIN, 18)

    def footer(self):
        self.set_draw_color(*RULE)
        self.line(MARGIN, 197, PAGE_W - MARGIN, 197)
        self.text_at(MARGIN, 198.5, CONTENT_W / 2, self.pack.generated, 8, colour=GREY)
        self.text_at(PAGE_W / 2, 198.5, CONTENT_W / 2,
                     t("pack.page", self.pack.lang, page=self.page_no(), pages="{nb}"), 8,
                     colour=GREY, align="R")


def render(pack: model.Pack) -> bytes:
    """The pack as PDF bytes: one A4 landscape page per page of the model."""
    pdf = _Document(pack)
    for number, page in enumerate(pack.pages):
        pdf.add_page()
        if number == 0:
            _cover(pdf, page)
            continue
        pdf.text_at(MARGIN, TITLE_Y, CONTENT_W, page.title, 17, bold=True)
        pdf.set_y(CONTENT_Y)
        for index, block in enumerate(page.blocks):
            _draw(pdf, block, page.blocks[index + 1:])
    return bytes(pdf.output())


def _cover(pdf: _Document, page: model.Page) -> None:
    pdf.text_at(MARGIN, 48, CONTENT_W, pdf.pack.title, 32, bold=True)
    pdf.text_at(MARGIN, 64, CONTENT_W, pdf.pack.subtitle, 16, colour=GREY)
    pdf.set_fill_color(21, 101, 192)
    pdf.rect(MARGIN, 76, 40, 1.2, style="F")
    y = 88
    for block in page.blocks:
        for label, value in block.items:
            pdf.text_at(MARGIN, y + 0.4, 58, label, 11, bold=True, colour=GREY)
            pdf.set_font(FAMILY, "", 12)
            pdf.set_text_color(*INK)
            pdf.set_xy(MARGIN + 60, y)
            pdf.multi_cell(CONTENT_W - 60, 6, _plain(value), wrapmode=pdf.wrap)
            y = max(y + 10, pdf.get_y() + 4)


def _draw(pdf: _Document, block, after) -> None:
    if isinstance(block, model.Tiles):
        _tiles(pdf, block)
    elif isinstance(block, model.Table):
        _table(pdf, block)
    elif isinstance(block, model.Chart):
        _chart(pdf, block, after)
    elif isinstance(block, model.Note):
        pdf.set_font(FAMILY, "", 8.5)
        pdf.set_text_color(*GREY)
        pdf.set_x(MARGIN)
        pdf.multi_cell(CONTENT_W, 4.2, _plain(block.text), wrapmode=pdf.wrap)
        pdf.set_y(pdf.get_y() + 1.5)


def _tiles(pdf: _Document, block: model.Tiles) -> None:
    gap, height = 6.0, 32.0
    width = (CONTENT_W - gap * (block.columns - 1)) / block.columns
    top = pdf.get_y() + 2
    for i, tile in enumerate(block.tiles):
        x = MARGIN + (i % block.columns) * (width + gap)
        y = top + (i // block.columns) * (height + gap)
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.3)
        pdf.rect(x, y, width, height, style="D", round_corners=True, corner_radius=2)
        pdf.text_at(x + 5, y + 4, width - 10, tile.label, 10, colour=GREY)
        pdf.text_at(x + 5, y + 10, width - 10, tile.value, 22, bold=True)
        tone = {True: "good", False: "bad"}.get(tile.good)
        pdf.text_at(x + 5, y + 23, width - 10, tile.note, 9,
                    colour=TONES[tone] if tone else GREY)
    rows = -(-len(block.tiles) // block.columns)
    pdf.set_y(top + rows * (height + gap) + 2)


def _table(pdf: _Document, table: model.Table, size: float = 8.5) -> None:
    widths, size = model.fit_columns(table, CONTENT_W / PT, size)
    align = tuple("RIGHT" if c.numeric else "LEFT" for c in table.columns)
    pdf.set_font(FAMILY, "", size)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255, 255, 255)  # fpdf2 fills the other rows with the current colour
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    with pdf.table(col_widths=widths, width=CONTENT_W, align="LEFT", text_align=align,
                   line_height=size * PT * 1.45, borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(emphasis="BOLD", color=INK, fill_color=HEAD_FILL),
                   cell_fill_color=rgb8(*STRIPE), cell_fill_mode="ROWS", padding=(0.9, 1.2),
                   wrapmode=pdf.wrap, markdown=False) as drawn:
        heading = drawn.row()
        for column in table.columns:
            heading.cell(_plain(column.header))
        for i, cells in enumerate(table.rows):
            row = drawn.row()
            for j, text in enumerate(cells):
                tone = table.tone(i, j)
                bold = i in table.bold
                style = FontFace(emphasis="BOLD" if bold else None, color=TONES[tone]) \
                    if bold or tone else None
                row.cell(_plain(text), style=style)
    pdf.set_y(pdf.get_y() + 3)


def _chart(pdf: _Document, chart: model.Chart, after) -> None:
    """The chart across the content width (``CHART_WIDTH`` pixels to it), lower than it asks
    when the blocks after it would not fit below it."""
    scale = CONTENT_W / model.CHART_WIDTH
    room = CONTENT_BOTTOM - pdf.get_y() - sum(_estimate(block) for block in after) - 2
    height = min(chart.height * scale, room)
    png = model.draw(chart, height / scale)
    pdf.image(io.BytesIO(png), x=MARGIN, y=pdf.get_y(), w=CONTENT_W, h=height)
    pdf.set_y(pdf.get_y() + height + 3)


def _estimate(block) -> float:
    """Roughly how tall a block below a chart will be, in millimetres."""
    if isinstance(block, model.Table):
        return (len(block.rows) + 2) * 5.2 + 3
    if isinstance(block, model.Note):
        return 4.2 * (1 + len(block.text) // 150) + 1.5
    return 0.0
