"""The bundled fonts, completed with the few characters terroffer's text needs and they lack.

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

import hashlib
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["ADDED", "bundled_font_path", "font_path"]

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
