"""The fonts of every output: IBM Plex Sans Arabic for matplotlib, the PDF, the note and the web map.

matplotlib and fpdf2 read the TTF, the HTML note a WOFF made from it, the web map the
vendored WOFF2 subsets. Its Arabic and Latin share one design, so a French and an Arabic
page look alike. The TTFs are completed, as follows, before any renderer sees them.

IBM Plex Sans Arabic has no glyph for U+202F NARROW NO-BREAK SPACE, which
:mod:`terroffer.words` puts between thousands in French and Arabic (``48 083,0 ha``),
nor for the bidi isolates around codes in Arabic text.
Without one, fpdf2 leaves the character out of the PDF (``48083,0``) and matplotlib draws
a missing-glyph box or falls back to another font. The fix belongs here, once, at the
font: each TTF is copied with an empty glyph of a thin space's width mapped to U+202F,
into a cache directory, and every renderer (PDF, HTML note, matplotlib) uses the copy.
The bundled files are not modified (the font's licence reserves its name for the
original; a copy made on the user's machine for their own output is not redistributed).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = [
    "ADDED",
    "FONT_FAMILY",
    "bundled_font",
    "bundled_font_path",
    "font_context",
    "font_path",
    "font_woff_base64",
    "web_font_css",
]

#: The family name of the bundled font, once :func:`bundled_font` has registered it.
FONT_FAMILY = "IBM Plex Sans Arabic"

#: Characters added to the fonts: code point -> advance width in em. 0.16 em is a
#: typographer's thin space, about two thirds of the font's word space (0.236 em); the
#: bidi marks and isolates that :func:`terroffer.words.isolate` puts around codes in
#: Arabic are drawn as nothing (fpdf2 would otherwise draw the font's "missing" glyph).
ADDED = {
    0x202F: 0.16,
    0x200E: 0.0,  # LEFT-TO-RIGHT MARK
    0x200F: 0.0,  # RIGHT-TO-LEFT MARK
    0x2066: 0.0,  # LEFT-TO-RIGHT ISOLATE
    0x2067: 0.0,  # RIGHT-TO-LEFT ISOLATE
    0x2068: 0.0,  # FIRST STRONG ISOLATE
    0x2069: 0.0,  # POP DIRECTIONAL ISOLATE
}


def bundled_font_path(weight: str = "Regular") -> Path:
    """The TTF as shipped in the package (``Regular`` or ``Bold``)."""
    name = f"IBMPlexSansArabic-{weight}.ttf"
    return Path(str(resources.files("terroffer.reference").joinpath("fonts", name)))


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    for candidate in (Path(base) / "terroffer" / "fonts", Path(tempfile.gettempdir()) / "terroffer-fonts"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            if os.access(candidate, os.W_OK):
                return candidate
        except OSError:
            continue
    raise OSError("no writable cache directory for terroffer's fonts (set XDG_CACHE_HOME)")


def _complete(source: Path, target: Path) -> None:
    """Write ``source`` with the :data:`ADDED` characters to ``target`` (atomically)."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    font = TTFont(source)
    cmap = font.getBestCmap()
    em = font["head"].unitsPerEm
    for code, width in ADDED.items():
        if code in cmap:
            continue
        name = f"uni{code:04X}"
        font["glyf"][name] = Glyph()  # empty: a space draws nothing
        font["hmtx"][name] = (round(width * em), 0)
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[code] = name
    font["maxp"].numGlyphs = len(font.getGlyphOrder())
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    font.save(tmp)
    os.replace(tmp, target)


@cache
def font_path(weight: str = "Regular") -> Path:
    """The bundled IBM Plex Sans Arabic with the :data:`ADDED` characters: Arabic and Latin glyphs.

    Made once per font version (the copy's name carries a digest of the original and of
    :data:`ADDED`), then reused.
    """
    source = bundled_font_path(weight)
    digest = hashlib.sha256(source.read_bytes() + repr(sorted(ADDED.items())).encode()).hexdigest()[:12]
    target = _cache_dir() / f"IBMPlexSansArabic-{weight}-{digest}.ttf"
    if not target.exists():
        _complete(source, target)
    return target


@cache
def font_woff_base64(weight: str) -> str:
    """The completed font as WOFF (zlib, about half the TTF) in base64, for an HTML ``@font-face``."""
    from fontTools.ttLib import TTFont

    font = TTFont(font_path(weight))
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    return base64.b64encode(buf.getvalue()).decode("ascii")


# --------------------------------------------------------------------------- matplotlib


@cache
def bundled_font() -> str:
    """Register the bundled IBM Plex Sans Arabic (regular and bold) with matplotlib.

    Returns
    -------
    str
        The font family name, for ``rcParams["font.family"]`` or ``fontfamily=``.
    """
    from matplotlib import font_manager

    for weight in ("Regular", "Bold"):
        font_manager.fontManager.addfont(str(font_path(weight)))
    return FONT_FAMILY


@contextmanager
def font_context() -> Iterator[None]:
    """Draw with the bundled font; matplotlib's global settings are restored on exit.

    Text objects keep the font they were created with; tick labels, which matplotlib
    creates at draw time, are given the family explicitly by the functions of this
    package (``ax.tick_params(labelfontfamily=...)``).
    """
    import matplotlib

    family = bundled_font()
    with matplotlib.rc_context(
        {
            "font.family": [family, "DejaVu Sans"],
            "font.size": 10,
            "axes.titleweight": "bold",
            "svg.fonttype": "path",  # the SVG shows the same glyphs without the font installed
            "pdf.fonttype": 42,  # TrueType in the PDF: text stays selectable and searchable
            "hatch.linewidth": 0.6,
        }
    ):
        yield


# --------------------------------------------------------------------------- the web map

#: The unicode ranges of the vendored WOFF2 subsets (``render/vendor/ibm-plex-sans-arabic``):
#: a browser fetches, here decodes, only the subsets a page's text uses.
WEB_FONT_RANGES = {
    "arabic": (
        "U+0600-06FF,U+0750-077F,U+0870-088E,U+0890-0891,U+0897-08E1,U+08E3-08FF,U+200C-200E,"
        "U+2010-2011,U+204F,U+2E41,U+FB50-FDFF,U+FE70-FE74,U+FE76-FEFC"
    ),
    "latin": (
        "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,"
        "U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
    ),
}


@cache
def web_font_css() -> str:
    """``@font-face`` rules of the vendored WOFF2 subsets (regular and bold), inline as data URIs."""
    rules = []
    folder = resources.files("terroffer.render").joinpath("vendor", "ibm-plex-sans-arabic")
    for weight in (400, 700):
        for subset, ranges in WEB_FONT_RANGES.items():
            data = folder.joinpath(f"ibm-plex-sans-arabic-{subset}-{weight}-normal.woff2").read_bytes()
            uri = "data:font/woff2;base64," + base64.b64encode(data).decode("ascii")
            rules.append(
                f"@font-face{{font-family:'{FONT_FAMILY}';font-style:normal;font-display:swap;"
                f"font-weight:{weight};src:url({uri}) format('woff2');unicode-range:{ranges};}}"
            )
    return "".join(rules)
