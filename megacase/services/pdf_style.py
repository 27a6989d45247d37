"""The house style of MegaCase's PDF documents (reportlab): fonts, styles, tables, page frame.

Shared by the regulator's case file (``case_file``) and the register report
(``register_report``); the overdue report and any other printed document should
use it too, so that everything the company hands to the authority looks alike:

    from megacase.services import pdf_style as ps
    story = [ps.title("Overdue cases"), ps.h1("1. Cases"), ps.table(header, rows, widths)]
    pdf_bytes = ps.build_pdf(story, ps.DocInfo(title=..., subject=..., author=..., header_left=...,
                                               header_right=..., footer_left=...))

DejaVu fonts are shipped in ``resources/fonts`` and embedded (subset) in every
PDF, so accents (Hélène, Zoë, Wójcik) print the same on every machine.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, LongTable, PageBreak, Paragraph,
                                SimpleDocTemplate, Spacer, TableStyle)

from megacase.config import resources_dir

# Company details printed as the controller on every document (DOMAIN.md).
CONTROLLER_NAME = "Mega Security"
CONTROLLER_LEGAL = "Securco BV"
CONTROLLER_ADDRESS = "Seringenstraat 34, B-8850 Ardooie, Belgium"
COUNTRY = {"fr": "Belgique", "nl": "België", "en": "Belgium"}
CONTROLLER_EMAIL = "info@megasecurity.eu"



def controller_address(language: str = "en") -> str:
    """The controller's address with the country named in the document's language."""
    return CONTROLLER_ADDRESS.replace("Belgium", COUNTRY.get(language, "Belgium"))


SANS, SANS_BOLD, SANS_ITALIC, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSansMono"

INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#5b6470")
ACCENT = colors.HexColor("#1f3a5f")      # headings and rules: a sober dark blue
RULE = colors.HexColor("#c9ced6")
ZEBRA = colors.HexColor("#f4f6f8")
HEAD_BG = colors.HexColor("#e8ecf1")
GOOD = colors.HexColor("#1d6b3a")
BAD = colors.HexColor("#a4161a")

PAGE = A4
MARGIN_LEFT = MARGIN_RIGHT = 22 * mm
MARGIN_TOP = 26 * mm
MARGIN_BOTTOM = 22 * mm
CONTENT_WIDTH = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT

_registered = False


def register_fonts() -> None:
    """Register the shipped DejaVu fonts once (idempotent)."""
    global _registered
    if _registered:
        return
    folder = resources_dir() / "fonts"
    files = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", SANS_ITALIC: "DejaVuSans-Oblique.ttf",
             MONO: "DejaVuSansMono.ttf"}
    for name, file in files.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    # No bold-oblique is shipped: <b><i> falls back to bold.
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD)
    _registered = True


def _style(name: str, **kw) -> ParagraphStyle:
    base = dict(fontName=SANS, fontSize=9, leading=12.5, textColor=INK, alignment=TA_LEFT)
    base.update(kw)
    return ParagraphStyle(name, **base)


BODY = _style("body", spaceAfter=4)
SMALL = _style("small", fontSize=7.8, leading=10.2)
SMALL_MUTED = _style("small-muted", fontSize=7.8, leading=10.2, textColor=MUTED)
CELL = _style("cell", fontSize=8, leading=10.4)
CELL_BOLD = _style("cell-bold", fontName=SANS_BOLD, fontSize=8, leading=10.4)
CELL_HEAD = _style("cell-head", fontName=SANS_BOLD, fontSize=7.6, leading=10, textColor=ACCENT)
CELL_DENSE = _style("cell-dense", fontSize=7.3, leading=9.4)
CELL_MONO = _style("cell-mono", fontName=MONO, fontSize=7.4, leading=10)
LABEL = _style("label", fontSize=8, leading=11, textColor=MUTED)
VALUE = _style("value", fontSize=9, leading=12.5)
TITLE = _style("title", fontName=SANS_BOLD, fontSize=22, leading=27, textColor=ACCENT, spaceAfter=2)
SUBTITLE = _style("subtitle", fontSize=10.5, leading=14, textColor=MUTED, spaceAfter=14)
H1 = _style("h1", fontName=SANS_BOLD, fontSize=12.5, leading=16, textColor=ACCENT, spaceBefore=14, spaceAfter=2)
H2 = _style("h2", fontName=SANS_BOLD, fontSize=9.8, leading=13, textColor=INK, spaceBefore=10, spaceAfter=4)
LETTER = _style("letter", fontSize=8.8, leading=12.2, leftIndent=12, spaceAfter=5.5, textColor=INK)
NOTE = _style("note", fontSize=8, leading=10.8, textColor=MUTED, spaceBefore=2, spaceAfter=6)


def text(value) -> str:
    """Escape plain text for a Paragraph; keep line breaks."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def p(value, style: ParagraphStyle = BODY) -> Paragraph:
    register_fonts()  # a Paragraph resolves its font family when it is made
    return Paragraph(text(value), style)


def markup(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A Paragraph from trusted reportlab markup (callers escape what they interpolate)."""
    register_fonts()
    return Paragraph(value, style)


class HRule(Flowable):
    """A thin horizontal rule under a heading."""

    def __init__(self, width: float = CONTENT_WIDTH, thickness: float = 0.6, color=ACCENT, space: float = 6):
        super().__init__()
        self.width, self.thickness, self.color, self.space = width, thickness, color, space

    def wrap(self, avail_width, avail_height):
        return self.width, self.thickness + self.space

    def draw(self):
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, self.space, self.width, self.space)


class RuledParagraph(Paragraph):
    """A paragraph with a thin rule in its left margin: quoted text (a letter) set off from the record.

    The rule also spans the space after the paragraph, so consecutive paragraphs read as one block;
    Paragraph.split() keeps the class, so the rule follows the text onto the next page.
    """

    def draw(self):
        super().draw()
        x = max(self.style.leftIndent - 6, 1)
        self.canv.saveState()
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(1.4)
        self.canv.line(x, -self.style.spaceAfter, x, self.height)
        self.canv.restoreState()


def quoted(value, style: ParagraphStyle = LETTER) -> Paragraph:
    register_fonts()
    return RuledParagraph(text(value), style)


def title(value: str, subtitle: str | None = None) -> list[Flowable]:
    out: list[Flowable] = [p(value, TITLE)]
    if subtitle:
        out.append(p(subtitle, SUBTITLE))
    return out


def h1(value: str) -> list[Flowable]:
    # CondPageBreak: never leave a heading alone at the foot of a page.
    return [CondPageBreak(40 * mm), KeepTogether([p(value, H1), HRule()])]


def h2(value: str) -> list[Flowable]:
    return [CondPageBreak(25 * mm), p(value, H2)]


def _cell(value, style: ParagraphStyle):
    if isinstance(value, Flowable) or isinstance(value, list):
        return value
    return Paragraph(text(value), style)


def _fast_cell(value, style: ParagraphStyle, room: float):
    """Short text as a plain string (drawn as it is, 20x faster to lay out); a Paragraph when it must wrap."""
    if isinstance(value, (Flowable, list)):
        return value
    value = "" if value is None else str(value)
    if max(pdfmetrics.stringWidth(line, style.fontName, style.fontSize) for line in value.split("\n")) > room:
        return Paragraph(text(value), style)
    return value


def table(header: list[str], rows: list[list], widths: list[float], *, mono_cols: tuple[int, ...] = (),
          bold_cols: tuple[int, ...] = (), empty: str = "None recorded.", dense: bool = False) -> Flowable:
    """A data table whose header row repeats on every page it runs onto.

    ``widths`` are fractions of the content width (they should add up to 1); ``dense`` sets a smaller
    type for long listings with many columns, whose short cells are drawn as plain strings (a year of
    10,000 requests is 70,000 cells: as Paragraphs their layout took minutes).
    """
    register_fonts()
    if not rows:
        return p(empty, NOTE)
    col_widths = [w * CONTENT_WIDTH for w in widths]
    data = [[Paragraph(text(h), CELL_HEAD) for h in header]]
    pad = 6 if dense else 8
    for row in rows:
        plain = CELL_DENSE if dense else CELL
        if dense:
            data.append([_fast_cell(v, CELL_MONO if i in mono_cols else CELL_BOLD if i in bold_cols else plain,
                                    col_widths[i] - pad) for i, v in enumerate(row)])
            continue
        data.append([_cell(v, CELL_MONO if i in mono_cols else CELL_BOLD if i in bold_cols else plain)
                     for i, v in enumerate(row)])
    t = LongTable(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT", splitByRow=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),   # the table's own default is an unembedded Helvetica
        ("FONTSIZE", (0, 1), (-1, -1), CELL_DENSE.fontSize if dense else CELL.fontSize),   # plain-string cells
        ("LEADING", (0, 1), (-1, -1), CELL_DENSE.leading if dense else CELL.leading),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 if dense else 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3 if dense else 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    # one command for the stripes (one per row made each page break of a long table re-read them all)
    style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]))
    t.setStyle(TableStyle(style))
    return t


def listing(header: list[str], rows: list[list], widths: list[float], *, empty: str = "None recorded.",
            heading_room: float = 20 * mm) -> list[Flowable]:
    """A long dense table as one table per page, each with its header; the caller starts it on a new page.

    One table of 10,000 rows is re-measured whole at every page break (minutes for a year's register);
    a table per page is measured once. Rows are counted into pages by their lines of text.
    """
    if len(rows) <= 60:
        return [table(header, rows, widths, dense=True, empty=empty)]
    col_widths = [w * CONTENT_WIDTH for w in widths]
    page = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM - 12 - 8          # the frame's padding, and some slack
    row_pad = 6

    def height(row) -> float:
        lines = 1
        for i, v in enumerate(row):
            v = "" if v is None else str(v)
            wide = max(pdfmetrics.stringWidth(line, CELL_DENSE.fontName, CELL_DENSE.fontSize)
                       for line in v.split("\n")) > col_widths[i] - 6
            lines = max(lines, (v.count("\n") + 1) * (3 if wide else 1))
        return lines * CELL_DENSE.leading + row_pad

    out: list[Flowable] = []
    room = page - heading_room - (CELL_HEAD.leading + row_pad)
    chunk: list[list] = []
    for row in rows:
        h = height(row)
        if chunk and h > room:
            out.append(table(header, chunk, widths, dense=True))
            out.append(PageBreak())
            chunk, room = [], page - (CELL_HEAD.leading + row_pad)
        chunk.append(row)
        room -= h
    out.append(table(header, chunk, widths, dense=True))
    return out


def fields(pairs: list[tuple[str, object]], label_width: float = 0.28, compact: bool = False) -> Flowable:
    """A two-column list of labelled values (no header), for covers and summaries."""
    register_fonts()
    label_style, value_style, pad = (SMALL_MUTED, CELL, 2) if compact else (LABEL, VALUE, 4)
    data = [[Paragraph(text(k), label_style), _cell(v if v not in (None, "") else "—", value_style)]
            for k, v in pairs]
    t = LongTable(data, colWidths=[label_width * CONTENT_WIDTH, (1 - label_width) * CONTENT_WIDTH], hAlign="LEFT")
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
    ]))
    return t


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


@dataclass(frozen=True)
class DocInfo:
    """What the page frame prints and what goes into the PDF's metadata."""

    title: str
    subject: str
    author: str
    header_left: str            # e.g. the case reference
    header_right: str = f"{CONTROLLER_NAME} ({CONTROLLER_LEGAL}) · confidential"
    footer_left: str = ""       # e.g. "Exported 2027-05-10 14:03 (Brussels) by alice"
    keywords: str = ""
    page_label: str = "page {page} of {total}"   # in the document's language
    lang: str = "en"            # the document's language, as the PDF's /Lang (BCP 47: fr-BE, nl-BE, en-GB)


def _numbered_canvas(info: DocInfo):
    """A canvas that knows the page count when it draws each page's frame ("page X of Y")."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            # Else the canvas starts in Helvetica, which would be referenced (unembedded) though never used.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or SANS
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._frame(total)
                super().showPage()
            super().save()

        def _frame(self, total: int) -> None:
            width, height = PAGE
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.4)
            top = height - MARGIN_TOP + 8 * mm
            self.line(MARGIN_LEFT, top - 2.2 * mm, width - MARGIN_RIGHT, top - 2.2 * mm)
            self.setFont(SANS_BOLD, 7.8)
            self.setFillColor(ACCENT)
            self.drawString(MARGIN_LEFT, top, info.header_left)
            self.setFont(SANS, 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(width - MARGIN_RIGHT, top, info.header_right)
            bottom = MARGIN_BOTTOM - 10 * mm
            self.line(MARGIN_LEFT, bottom + 3.6 * mm, width - MARGIN_RIGHT, bottom + 3.6 * mm)
            self.drawString(MARGIN_LEFT, bottom, info.footer_left)
            self.drawRightString(width - MARGIN_RIGHT, bottom,
                                 info.page_label.format(page=self._pageNumber, total=total))
            self.restoreState()

    return NumberedCanvas


def build_pdf(story: list[Flowable], info: DocInfo) -> bytes:
    """Lay out ``story`` on A4 with the house page frame; the PDF's bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
                            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=info.title, author=info.author,
                            subject=info.subject, creator="MegaCase", keywords=info.keywords, lang=info.lang)
    doc.build(story, canvasmaker=_numbered_canvas(info))
    return buffer.getvalue()
