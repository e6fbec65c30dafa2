"""The note in parts: each private module of render/ does one thing and the layouts never import note.py.

lonboard's ``layer/__init__.py`` is the model: one private module per part, re-exported by
the public one, so that no output module is the hidden base of the others.
"""

from __future__ import annotations

import subprocess
import sys

import terroffer
from terroffer.render import note


def _loaded_after(*modules: str) -> set[str]:
    """The terroffer.render modules a fresh interpreter has loaded after importing ``modules``."""
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print(' '.join(sorted(m for m in sys.modules if m.startswith('terroffer.render'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_layouts_do_not_import_the_note_module():
    """No circle: the PDF and HTML layouts read a NoteText and never import terroffer.render.note."""
    loaded = _loaded_after("terroffer.render._pdf", "terroffer.render._note_html")
    assert "terroffer.render.note" not in loaded
    assert "terroffer.render._note_text" in loaded  # what they do read


def test_the_style_popup_and_fonts_stand_alone():
    """The dashboards import the style, the panel and the fonts without the note, folium or matplotlib."""
    loaded = _loaded_after("terroffer.render.style", "terroffer.render.popup", "terroffer.render.fonts")
    assert loaded.isdisjoint({"terroffer.render.note", "terroffer.render.webmap", "terroffer.render.static"})
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, terroffer.render.popup; print('folium' in sys.modules, 'matplotlib' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["False", "False"]


def test_public_names_are_where_they_were():
    assert terroffer.note_html is note.note_html and terroffer.note_pdf is note.note_pdf
    for name in (
        "note_text",
        "note_reference",
        "partial_capacity",
        "plot_map_svg",
        "qr_svg",
        "NoteText",
        "contacts",
    ):
        assert callable(getattr(note, name)), name
    assert note.contacts()["single_window"]["name"]["fr"]


def test_qr_svg_draws_its_modules_in_the_styles_colours():
    svg = note.qr_svg("TO-20260101-ABCDEF")
    assert svg.startswith('<svg class="qr"') and 'fill="#ffffff"' in svg and 'fill="#000000"' in svg
    matrix = note.qr_matrix("TO-20260101-ABCDEF")
    assert len(matrix) == 21 or len(matrix) == 25  # version 1 or 2, square
    assert all(len(row) == len(matrix) for row in matrix)
