"""Lay the planning information note out on A4 with fpdf2: the PDF side of :mod:`~terroffer.render.note`.

Everything here is layout: the words arrive already written (:class:`~terroffer.render._note_text.NoteText`).
Arabic is shaped by HarfBuzz (``set_text_shaping``) and ordered by fpdf2's own bidi
algorithm; each page is laid out for its language's direction, so an Arabic page mirrors
the French one: the map on the right, columns from right to left; numbers stay right-aligned
in both, so that their decimal commas line up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF

from terroffer.render.fonts import FONT_FAMILY

if TYPE_CHECKING:
    from terroffer.render._note_text import NoteText, Table

__all__ = ["render_note_pdf"]

PAGE_W = 210.0
MARGIN = 14.0
TOP = 11.0
CONTENT_W = PAGE_W - 2 * MARGIN
BOTTOM = 15.0
#: The family the fonts are registered under: the map's SVG names it in its ``font-family``.
FONT = FONT_FAMILY
LINE = 0.42  # line height per point of font size, in mm: about 1.2 × the size
MAP_MM = 76.0
QR_MM = 24.0
_NBSP = "\u00a0"
#: No-break spaces (U+00A0, U+202F), which fpdf2 gives back as plain spaces.
_NO_BREAK = str.maketrans({_NBSP: " ", "\u202f": " "})
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
#: Layout densities to try in turn, until each language fits on one page.
DENSITIES = (1.0, 0.9, 0.8)
#: The same for the bilingual page, whose two columns are each half as wide.
COLUMN_DENSITIES = (0.8, 0.72, 0.66)
#: Narrower than this (mm), a table is written as cards, one per row.
NARROW_MM = 120.0
#: Between the columns of the bilingual page (mm).
COLUMN_GAP = 7.0


def _rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _spaced(text: str) -> str:
    return text.translate(_NO_BREAK)


def _restore_spaces(text: str, lines: list[str]) -> list[str]:
    """The lines as cut from ``text`` itself: fpdf2 returns no-break spaces as plain spaces.

    They matter: between the digits of ``1 234,5`` the narrow no-break space (U+202F) is a
    common separator for the bidi algorithm and keeps the number whole in Arabic, a plain
    space does not (the Arabic line would read ``234,5 1``).
    """
    out, pos = [], 0
    for line in lines:
        while pos < len(text) and text[pos] in " \n" and not (line and line[0] == text[pos]):
            pos += 1
        piece = text[pos : pos + len(line)]
        out.append(piece if _spaced(piece) == _spaced(line) else line)
        pos += len(line)
    return out


class _NotePDF(FPDF):
    """An A4 page that knows its language's direction and draws the note's footer."""

    def __init__(self, palette: Mapping[str, str], density: float = 1.0) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.palette = palette
        self.density = density
        self.map_mm = MAP_MM * density
        self.qr_mm = QR_MM
        #: The column the note is written in: its page x (left edge) and width, in mm.
        self.left = MARGIN
        self.cw = CONTENT_W
        #: The notes whose footers each page carries, with their columns (left, width).
        self.footers: list[tuple[NoteText, float, float]] = []
        #: Side by side: a page break goes to the next page already made, if any.
        self.columns = False
        self.note: NoteText | None = None
        self._lines: dict[tuple[object, ...], list[str]] = {}
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.c_margin = 1.2

    # -- direction-aware helpers -------------------------------------------------------

    @property
    def rtl(self) -> bool:
        return self.note is not None and self.note.direction == "rtl"

    def x_of(self, x: float, w: float) -> float:
        """Page x of a box ``w`` wide at ``x`` mm from the reading start (mirrored in RTL)."""
        return self.left + self.cw - x - w if self.rtl else self.left + x

    @property
    def start(self) -> str:
        return "R" if self.rtl else "L"

    @property
    def end(self) -> str:
        return "L" if self.rtl else "R"

    def style(self, size: float, bold: bool = False, colour: str = "ink") -> None:
        self.set_font(FONT, "B" if bold else "", size * self.density)
        self.set_text_color(*_rgb(self.palette.get(colour, colour)))

    def lines(self, w: float, text: str, size: float, bold: bool = False) -> list[str]:
        """``text`` broken into lines ``w`` wide, each in reading order; computed once.

        Line breaking with shaping is the costly part of the page (fpdf2 measures each
        candidate line anew), so :meth:`height` and :meth:`para` share its result.
        """
        key = (round(w, 3), text, size, bold, self.density, self.rtl)
        found = self._lines.get(key)
        if found is None:
            self.style(size, bold)
            broken = self.multi_cell(w, size * self.density * LINE, text, dry_run=True, output="LINES")
            found = _restore_spaces(text, list(broken)) or [""]  # type: ignore[arg-type]
            self._lines[key] = found
        return found

    def para(
        self, x: float, y: float, w: float, text: str, size: float, *, bold: bool = False,
        colour: str = "ink", align: str | None = None,
    ) -> float:  # fmt: skip
        """Write wrapped text in a box at reading position ``x``; returns the y below it."""
        lines = self.lines(w, text, size, bold)
        self.style(size, bold, colour)
        h = size * self.density * LINE
        if not self.in_footer and y + len(lines) * h > self.page_break_trigger:
            self.add_page()  # the whole paragraph on the next page, not its tail at the old height
            y = self.y
        left = self.x_of(x, w)
        for i, line in enumerate(lines):
            self.set_xy(left, y + i * h)
            self.cell(w, h, line, align=align or self.start)
        return y + len(lines) * h

    def height(self, w: float, text: str, size: float, *, bold: bool = False) -> float:
        """How tall :meth:`para` would write ``text``."""
        return len(self.lines(w, text, size, bold)) * size * self.density * LINE

    def rule(
        self, y: float, colour: str = "rule", width: float = 0.2, x: float = 0.0, w: float | None = None
    ) -> None:
        self.set_draw_color(*_rgb(self.palette.get(colour, colour)))
        self.set_line_width(width)
        w = self.cw if w is None else w
        left = self.x_of(x, w)
        self.line(left, y, left + w, y)

    def room(self, needed: float) -> None:
        """Start a new page when fewer than ``needed`` mm are left above the bottom margin."""
        if self.y + needed > self.page_break_trigger:
            self.add_page()

    def add_page(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        """A new page; side by side, the next page the other column already made, if any."""
        if self.columns and self.page < self.pages_count:
            self.page += 1
            self.set_xy(self.left, self.t_margin)
            return
        super().add_page(*args, **kwargs)  # type: ignore[arg-type]

    def footer(self) -> None:
        if self.columns:  # drawn once every column is written (see draw_footers)
            return
        self.draw_footers()

    def draw_footers(self) -> None:
        """Each note's footer, in its own language, under its column of the current page."""
        keep = (self.note, self.left, self.cw, self.in_footer)
        self.in_footer = True  # no page break for text below the bottom margin
        for note, left, width in self.footers:
            self.note, self.left, self.cw = note, left, width
            self.rule(297 - 11.5, "rule", 0.2)
            y = 297 - 11
            self.para(0, y, self.cw * 0.8, note.footer, 6.5, colour="muted")
            self.para(self.cw * 0.8, y, self.cw * 0.2, note.page_label.format(page=self.page_no()), 6.5,
                      colour="muted", align=self.end)  # fmt: skip
        self.note, self.left, self.cw, self.in_footer = keep


# -- the parts of a page --------------------------------------------------------------------


def _header(pdf: _NotePDF, text: NoteText, qr: Sequence[Sequence[bool]]) -> None:
    y = TOP
    w = pdf.cw - pdf.qr_mm - 8
    y = pdf.para(0, y, w, text.agency, 8.5, bold=True, colour="accent")
    y = pdf.para(0, y + 0.5, w, text.title, 17, bold=True)
    y = pdf.para(0, y + 0.5, w, text.subtitle, 8.8, colour="muted")
    sep = text.label_sep
    meta = f"{text.reference_label}{sep}{text.reference}   ·   {text.date_label}{sep}{text.date}"
    y = pdf.para(0, y + 1.2, w, meta, 9, bold=True)
    # QR code: drawn module by module, vector, so it scans at any print size
    n = len(qr)
    module = pdf.qr_mm / (n + 2)
    qx = pdf.x_of(pdf.cw - pdf.qr_mm, pdf.qr_mm)
    pdf.set_fill_color(0, 0, 0)
    for row_i, row in enumerate(qr):
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                pdf.rect(
                    qx + (start + 1) * module, TOP + (row_i + 1) * module, (col - start) * module, module, "F"
                )
            else:
                col += 1
    qy = pdf.para(
        pdf.cw - pdf.qr_mm - 4, TOP + pdf.qr_mm, pdf.qr_mm + 4, text.qr_caption, 6, colour="muted", align="C"
    )
    bottom = max(y, qy) + 1.5
    pdf.rule(bottom, "accent", 0.7)
    pdf.set_y(bottom + 2.5)


def _alerts(pdf: _NotePDF, text: NoteText) -> None:
    """Draft, expired, outside (red) and illustrative (amber) boxes, across the page."""
    pad = 2.2
    for alert in text.alerts:
        danger = alert.level == "danger"
        size = 9.2 if danger else 8.3
        h = pdf.height(pdf.cw - 2 * pad, alert.text, size, bold=True) + 2 * pad
        pdf.room(h + 2)
        y = pdf.y
        pdf.set_draw_color(*_rgb(pdf.palette["danger" if danger else "caution_edge"]))
        pdf.set_line_width(0.6 if danger else 0.35)
        pdf.set_fill_color(*_rgb(pdf.palette["danger_fill" if danger else "caution_fill"]))
        pdf.rect(pdf.left, y, pdf.cw, h, "DF")
        colour = "danger" if danger else "caution"
        pdf.para(pad, y + pad, pdf.cw - 2 * pad, alert.text, size, bold=True, colour=colour)
        pdf.set_y(y + h + 1.8)


def _heading(pdf: _NotePDF, title: str, keep: float = 18.0) -> None:
    pdf.room(keep)
    y = pdf.para(0, pdf.y + 2.2, pdf.cw, title, 10, bold=True, colour="accent")
    pdf.rule(y + 0.3)
    pdf.set_y(y + 1.3)


def _facts(pdf: _NotePDF, text: NoteText, x: float, w: float, y: float) -> float:
    label_w = w * 0.5
    for label, value, status in text.facts:
        if status == "heading":
            y = pdf.para(x, y + 1.6, w, label, 8.3, bold=True, colour="accent")
            pdf.rule(y + 0.2, "accent", 0.3, x, w)
            y += 0.6
            continue
        if status == "note":
            y = pdf.para(x, y + 0.4, w, label, 6.8, colour="muted") + 0.4
            continue
        if status == "warn":  # a partial capacity: said in full, in the caution colour
            y = pdf.para(x, y + 0.6, w, label, 7.6, bold=True, colour="caution") + 0.6
            continue
        h = max(pdf.height(label_w, label, 8), pdf.height(w - label_w, value, 8.4, bold=True)) + 0.8
        pdf.para(x, y + 0.4, label_w, label, 8, colour="muted")
        pdf.para(
            x + label_w,
            y + 0.4,
            w - label_w,
            value,
            8.4,
            bold=True,
            colour="danger" if status == "bad" else "ink",
        )
        y += h
        pdf.rule(y, "rule", 0.15, x, w)
    return y


def _cards(pdf: _NotePDF, table: Table, *, size: float = 7.8) -> None:
    """A table in a narrow column: each row a small card, its cells named by their headings.

    Nine columns do not fit in half a page; "Zone V1 — Villas" then "Surface : 4 000 m²
    · Part : 40 % · ..." does, in the reader's order and language.
    """
    swatch = 2.6
    sep = pdf.note.label_sep if pdf.note else ": "
    for i, row in enumerate(table.rows):
        colour = table.swatches[i] if table.swatches else None
        indent = swatch + 1.2 if colour else 0.0
        title = " — ".join(t for t in row[:2] if t and t != "—") or row[0]
        cells = [f"{h}{sep}{v}" for h, v in zip(table.head[2:], row[2:], strict=True) if v and v != "—"]
        body = "  ·  ".join(cells)
        detail = table.details[i] if table.details else None
        h = pdf.height(pdf.cw - indent, title, size, bold=True)
        h += pdf.height(pdf.cw, body, size - 0.4) if body else 0.0
        h += pdf.height(pdf.cw, detail, size - 0.8) if detail else 0.0
        pdf.room(h + 1.5)
        y = pdf.y + 0.6
        if colour:
            pdf.set_fill_color(*_rgb(colour))
            pdf.set_draw_color(110, 110, 110)
            pdf.set_line_width(0.15)
            pdf.rect(pdf.x_of(0.2, swatch), y + 0.5, swatch, swatch, "DF")
        y = pdf.para(indent, y, pdf.cw - indent, title, size, bold=True)
        if body:
            y = pdf.para(0, y, pdf.cw, body, size - 0.4)
        if detail:
            y = pdf.para(0, y, pdf.cw, detail, size - 0.8, colour="detail")
        pdf.rule(y + 0.6, "rule", 0.15)
        pdf.set_y(y + 0.8)
    pdf.set_y(pdf.y + 1)


def _table(pdf: _NotePDF, table: Table, *, size: float = 7.8) -> None:
    """A table across the page: header on a tinted band, rows with hairlines, detail lines under rows."""
    if pdf.cw < NARROW_MM:
        _cards(pdf, table, size=size)
        return
    widths = [f * pdf.cw for f in table.widths]
    scale = pdf.cw / sum(widths)
    widths = [w * scale for w in widths]
    lefts = [sum(widths[:i]) for i in range(len(widths))]
    swatch = 2.6

    def header() -> None:
        h = max(pdf.height(w, t, size, bold=True) for w, t in zip(widths, table.head, strict=True)) + 1.2
        y = pdf.y
        pdf.set_fill_color(*_rgb(pdf.palette["band"]))
        pdf.rect(pdf.left, y, pdf.cw, h, "F")
        for x, w, t, num in zip(lefts, widths, table.head, table.numeric, strict=True):
            pdf.para(x, y + 0.6, w, t, size, bold=True, align="R" if num else pdf.start)
        pdf.rule(y + h, "accent", 0.4)
        pdf.set_y(y + h)

    header()
    for i, row in enumerate(table.rows):
        extra = [
            swatch + 1 if (j == 0 and table.swatches and table.swatches[i]) else 0 for j in range(len(row))
        ]
        h = max(pdf.height(w - e, t, size) for w, t, e in zip(widths, row, extra, strict=True)) + 1.0
        detail = table.details[i] if table.details else None
        indent = lefts[1] if len(lefts) > 1 else 0.0  # details sit under the second column
        dh = pdf.height(pdf.cw - indent, detail, size - 0.8) + 0.6 if detail else 0.0
        if pdf.y + h + dh > pdf.page_break_trigger:
            pdf.add_page()
            header()
        y = pdf.y
        for j, (x, w, t, num) in enumerate(zip(lefts, widths, row, table.numeric, strict=True)):
            if extra[j]:
                colour = table.swatches[i] or pdf.palette["paper"]
                pdf.set_fill_color(*_rgb(colour))
                pdf.set_draw_color(*_rgb(pdf.palette["swatch_edge"]))
                pdf.set_line_width(0.15)
                pdf.rect(pdf.x_of(x + 1.0, swatch), y + 1.1, swatch, swatch, "DF")
                x, w = x + extra[j], w - extra[j]
            pdf.para(x, y + 0.5, w, t, size, align="R" if num else pdf.start)
        y += h
        if detail:
            pdf.para(indent, y - 0.5, pdf.cw - indent, detail, size - 0.8, colour="detail")
            y += dh
        pdf.rule(y, "rule", 0.15)
        pdf.set_y(y)
    pdf.set_y(pdf.y + 1)


def _bottom(pdf: _NotePDF, text: NoteText) -> None:
    """The single window's contacts and the disclaimer, in two boxes side by side."""
    left_w, gap, pad = pdf.cw * 0.4, 5.0, 2.2
    right_w = pdf.cw - left_w - gap
    left = [(text.contacts_heading, 8.8, True, "accent"), ("\n".join(text.contact_lines), 7.6, False, "ink")]
    if text.contacts_note:
        left.append((text.contacts_note, 6.6, False, "muted"))
    right = [(text.disclaimer_heading, 8.8, True, "accent"), (text.disclaimer, 7.6, False, "ink")]
    if text.sources:
        right.append((text.sources, 6.4, False, "muted"))

    def measure(w: float, parts: list[tuple[str, float, bool, str]]) -> float:
        return sum(pdf.height(w - 2 * pad, words, size, bold=bold) + 0.6 for words, size, bold, _ in parts)

    h = max(measure(left_w, left), measure(right_w, right)) + 2 * pad - 0.6
    pdf.room(h + 4)
    y = pdf.y + 3
    pdf.set_line_width(0.3)
    pdf.set_draw_color(*_rgb(pdf.palette["rule"]))
    pdf.rect(pdf.x_of(0, left_w), y, left_w, h)
    pdf.set_draw_color(*_rgb(pdf.palette["accent"]))
    pdf.set_fill_color(*_rgb(pdf.palette["panel"]))
    pdf.rect(pdf.x_of(left_w + gap, right_w), y, right_w, h, "DF")
    for x, w, parts in ((0.0, left_w, left), (left_w + gap, right_w, right)):
        yy = y + pad
        for words, size, bold, colour in parts:
            yy = pdf.para(x + pad, yy, w - 2 * pad, words, size, bold=bold, colour=colour) + 0.6
    pdf.set_y(y + h)


def _shaping(pdf: _NotePDF, text: NoteText) -> None:
    if text.direction == "rtl" or _RTL.search(str(dataclasses.astuple(text))):
        pdf.set_text_shaping(True, direction=text.direction)
    else:  # Latin only: shaping would add kerning and cost a third of the page's time
        pdf.set_text_shaping(False)


def _page(pdf: _NotePDF, text: NoteText, map_svg: str, qr: Sequence[Sequence[bool]]) -> None:
    """One note in the current column, from the top of a page (a new one unless side by side)."""
    pdf.note = text
    _shaping(pdf, text)
    if pdf.columns:
        pdf.page = 1
        pdf.set_xy(pdf.left, TOP)
    else:
        pdf.footers = [(text, pdf.left, pdf.cw)]
        pdf.add_page()
    _header(pdf, text, qr)
    _alerts(pdf, text)

    # beside the map on a full page; under it in a column of the bilingual page
    stacked = pdf.cw < 2 * pdf.map_mm
    _heading(pdf, text.plot_heading, keep=pdf.map_mm + 12)
    y = pdf.y + 1
    # vector, with its text in the note's own font: sharp at any zoom, and its labels searchable.
    # No alt_text: fpdf2 would tag the map alone, and a reader of a tagged PDF skips what is untagged
    pdf.image(io.BytesIO(map_svg.encode()), x=pdf.x_of(0, pdf.map_mm), y=y, w=pdf.map_mm, h=pdf.map_mm)
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    pdf.rect(pdf.x_of(0, pdf.map_mm), y, pdf.map_mm, pdf.map_mm)
    if stacked:
        caption_w = pdf.cw - pdf.map_mm - 3
        pdf.para(pdf.map_mm + 3, y, caption_w, text.map_caption, 6.2, colour="muted")
        below_facts = _facts(pdf, text, 0, pdf.cw, y + pdf.map_mm + 1.5)
        pdf.set_y(below_facts + 1)
    else:
        below_map = pdf.para(0, y + pdf.map_mm + 0.8, pdf.map_mm, text.map_caption, 6.2, colour="muted")
        below_facts = _facts(pdf, text, pdf.map_mm + 6, pdf.cw - pdf.map_mm - 6, y)
        pdf.set_y(max(below_map, below_facts) + 1)

    _heading(pdf, text.plans_heading)
    if text.plans:
        _table(pdf, text.plans)
    else:
        pdf.set_y(pdf.para(0, pdf.y + 0.5, pdf.cw, text.plans_empty, 8) + 1)
    _heading(pdf, text.zones_heading)
    if text.zones:
        _table(pdf, text.zones)
    else:
        pdf.set_y(pdf.para(0, pdf.y + 0.5, pdf.cw, text.zones_empty, 8) + 1)
    _heading(pdf, text.reservations_heading, keep=12)
    if text.reservations:
        _table(pdf, text.reservations)
    else:
        pdf.set_y(pdf.para(0, pdf.y + 0.5, pdf.cw, text.reservations_empty, 8) + 1)
    if text.warnings:
        _heading(pdf, text.warnings_heading, keep=12)
        for warning in text.warnings:
            pdf.room(pdf.height(pdf.cw, f"•  {warning}", 8))
            pdf.set_y(pdf.para(0, pdf.y + 0.3, pdf.cw, f"•  {warning}", 8) + 0.3)
    _bottom(pdf, text)


def _side_by_side(
    pdf: _NotePDF, texts: Sequence[NoteText], maps: Sequence[str], qr: Sequence[Sequence[bool]]
) -> None:
    """The notes in columns of one page, the first language's column at the left."""
    width = (CONTENT_W - COLUMN_GAP) / len(texts)
    columns = [(MARGIN + i * (width + COLUMN_GAP), width) for i in range(len(texts))]
    pdf.columns = True
    pdf.footers = [(t, left, w) for t, (left, w) in zip(texts, columns, strict=True)]
    pdf.map_mm = min(pdf.map_mm, width * 0.55)
    pdf.qr_mm = QR_MM * 0.75
    pdf.add_page()
    for t, map_svg, (left, w) in zip(texts, maps, columns, strict=True):
        pdf.left, pdf.cw = left, w
        _page(pdf, t, map_svg, qr)
    pages = pdf.pages_count
    pdf.set_text_shaping(True)  # the footers hold Arabic
    for n in range(1, pages + 1):
        pdf.page = n
        pdf.set_draw_color(*_rgb(pdf.palette["rule"]))
        pdf.set_line_width(0.2)
        middle = MARGIN + width + COLUMN_GAP / 2
        pdf.line(middle, TOP, middle, 297 - BOTTOM)
        for note, left, w in pdf.footers:
            pdf.left, pdf.cw = left, w
            _shaping(pdf, note)
            pdf.footers, keep = [(note, left, w)], pdf.footers
            pdf.draw_footers()
            pdf.footers = keep
    pdf.page = pages


def render_note_pdf(
    texts: Sequence[NoteText],
    *,
    maps: Sequence[str],
    qr: Sequence[Sequence[bool]],
    fonts: Mapping[str, Path],
    title: str,
    today: dt.date,
    palette: Mapping[str, str],
) -> bytes:
    """The note's PDF: one text on its pages, or two side by side (French, then Arabic, columns).

    Parameters
    ----------
    texts
        The note in each language, in page order.
    maps
        The plot's map for each text, in the same order: SVG documents whose ``font-family``
        names :data:`FONT` (the family ``fonts`` are registered under).
    qr
        The QR code's modules (rows of dark / light), without quiet zone.
    fonts
        TTF files by fpdf2 style (``""`` regular, ``"B"`` bold), with Arabic and Latin glyphs.
    title
        The PDF's document title.
    today
        The note's date, also its creation date, so that the same note gives the same bytes.
    palette
        The document's own colours by role (``ink``, ``accent``, ``danger``, ...).
    """
    for density in DENSITIES if len(texts) == 1 else COLUMN_DENSITIES:
        pdf = _NotePDF(palette, density)
        for style, path in fonts.items():
            pdf.add_font(FONT, style, str(path))
        pdf.set_title(title)
        pdf.set_lang(texts[0].lang)
        pdf.set_creator("terroffer")
        pdf.set_creation_date(dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC))
        if len(texts) > 1:
            _side_by_side(pdf, texts, maps, qr)
        else:
            _page(pdf, texts[0], maps[0], qr)
        if pdf.pages_count == 1:  # the note on one page: done
            break
    return bytes(pdf.output())
