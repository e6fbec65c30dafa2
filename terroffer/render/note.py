"""The planning information note: one plot's look-up as a printable page, in Arabic and French.

This is an *informative* note, not the official *note de renseignements* that the urban
agency issues: every note says so, and says when the data are illustrative. The look-up
itself (:func:`terroffer.lookup`) does all the computing; the note only words and draws
its result:

- :func:`note_html` gives one self-contained HTML page (fonts, map and QR code inline, no
  network request), right-to-left for Arabic;
- :func:`note_pdf` gives a one- or two-page A4 PDF with the same content, Arabic shaped by
  HarfBuzz (through fpdf2) and laid out right to left;
- :func:`note_text` gives what the note says in one language, already worded;
- :func:`note_reference` gives the note's stable reference number, also in its QR code.

Each part lives in a private module of its own, re-exported here: the words
(``_note_text``), the small map (``_plot_map``, SVG), the QR code (``_qr``), the contacts
(``_contacts``), the HTML layout (``_note_html``) and the PDF layout (``_pdf``); the two
layouts read a :class:`NoteText` and import nothing from this module. Colours come from
:mod:`terroffer.render.style`, fonts from :mod:`terroffer.render.fonts`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from terroffer._lookup import Lookup
from terroffer._output import check_output, write_output
from terroffer.errors import OptionError
from terroffer.model import Plan
from terroffer.render._contacts import contacts
from terroffer.render._note_text import (
    Alert,
    Fact,
    NoteText,
    Table,
    note_reference,
    note_text,
    partial_capacity,
)
from terroffer.render._plot_map import plot_map_svg
from terroffer.render._qr import qr_matrix, qr_svg
from terroffer.render.style import colour

__all__ = [
    "DOCUMENT_COLOURS",
    "NOTE_LANGUAGES",
    "Alert",
    "Fact",
    "NoteText",
    "Table",
    "contacts",
    "note_html",
    "note_pdf",
    "note_reference",
    "note_text",
    "partial_capacity",
    "plot_map_svg",
    "qr_matrix",
    "qr_svg",
]

#: Languages a note is written in; ``both`` is French and Arabic side by side, on one page.
NOTE_LANGUAGES = ("fr", "ar", "en", "both")

#: The colours of the document itself, by role, from ``reference/style.json``; the data's
#: colours come from render.style too. The caution box is the banner of the maps.
DOCUMENT_COLOURS = {
    role: colour(name)
    for role, name in {
        "ink": "ink",
        "muted": "muted",
        "accent": "accent",
        "rule": "rule",
        "band": "band",
        "panel": "panel",
        "detail": "detail",
        "detail_fill": "detail_fill",
        "danger": "danger",
        "danger_fill": "danger_fill",
        "caution": "warning_ink",
        "caution_edge": "banner_edge",
        "caution_fill": "banner",
        "paper": "paper",
        "page": "page",
        "swatch_edge": "swatch_edge",
        "furniture_edge": "furniture_edge",
    }.items()
}


def _languages(lang: str) -> tuple[str, ...]:
    if lang not in NOTE_LANGUAGES:
        raise OptionError("error.option_choice", "lang", value=str(lang), choices=NOTE_LANGUAGES)
    return ("fr", "ar") if lang == "both" else (lang,)


def _maps(result: Lookup, plan: Plan, langs: tuple[str, ...]) -> list[str]:
    """The plot's map in each language (its scale bar is written in the note's language)."""
    return [plot_map_svg(result, plan, lang=one) for one in langs]


def note_html(
    result: Lookup,
    plan: Plan,
    *,
    lang: str = "fr",
    reference: str | None = None,
    today: dt.date | None = None,
) -> str:
    """The note as one self-contained HTML page.

    Parameters
    ----------
    result
        The plot's look-up, from :func:`terroffer.lookup`.
    plan
        The plan it was looked up in (for the map around the plot).
    lang
        ``fr``, ``ar`` (right to left), ``en``, or ``both``: French and Arabic side by side
        on a wide screen, one after the other in print.
    reference
        The note's reference; by default :func:`note_reference` of the plot and ``today``.
    today
        The note's date; by default today.

    Returns
    -------
    str
        An HTML document that needs nothing from the network: the font, the map (SVG) and
        the QR code are inline.
    """
    from terroffer.render._note_html import render_note_html

    langs = _languages(lang)
    today = today or dt.date.today()
    reference = reference or note_reference(result, today)
    texts = [note_text(result, plan, one, reference=reference, today=today) for one in langs]
    return render_note_html(
        texts,
        maps=_maps(result, plan, langs),
        qr=qr_svg(reference),
        title=f"{texts[0].title} {reference}",
        palette=DOCUMENT_COLOURS,
    )


def note_pdf(
    result: Lookup,
    plan: Plan,
    path: str | Path | None = None,
    *,
    lang: str = "fr",
    reference: str | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The note as an A4 PDF (``both``: French and Arabic columns side by side on one page).

    Parameters
    ----------
    result, plan, lang, reference, today
        As for :func:`note_html`.
    path
        Where to write the PDF; None only returns it.

    Returns
    -------
    bytes
        The PDF. Its text is real text (searchable, and Arabic copies out in reading order
        except across some ligatures), in the bundled IBM Plex Sans Arabic.
    """
    from terroffer.render._pdf import render_note_pdf
    from terroffer.render.fonts import font_path

    langs = _languages(lang)
    if path is not None:
        check_output(path)  # a wrong target is said before the note is drawn
    today = today or dt.date.today()
    reference = reference or note_reference(result, today)
    texts = [note_text(result, plan, one, reference=reference, today=today) for one in langs]
    data = render_note_pdf(
        texts,
        maps=_maps(result, plan, langs),
        qr=qr_matrix(reference),
        fonts={"": font_path("Regular"), "B": font_path("Bold")},
        title=f"{texts[0].title} {reference}",
        today=today,
        palette=DOCUMENT_COLOURS,
    )
    if path is not None:
        write_output(path, lambda tmp: tmp.write_bytes(data))
    return data
