"""The note's QR code: its reference, as a matrix (for the PDF) and as inline SVG (for the HTML)."""

from __future__ import annotations

from typing import Any

from terroffer.render.style import colour

__all__ = ["qr_matrix", "qr_svg"]


def qr_matrix(reference: str, *, error: str = "m", utf8: bool = False) -> list[list[bool]]:
    """The QR code of ``reference``, as rows of dark (True) / light modules, without border.

    ``utf8`` declares the text UTF-8 (ECI), for text beyond Latin-1 such as Arabic.
    """
    import segno

    options: dict[str, Any] = {"encoding": "utf-8", "eci": True} if utf8 else {}
    qr = segno.make(reference, error=error, micro=False, **options)
    return [[bool(m) for m in row] for row in qr.matrix]


def qr_svg(
    reference: str,
    size_px: int = 96,
    *,
    error: str = "m",
    utf8: bool = False,
    css: str = "qr",
    crisp: bool = False,
) -> str:
    """The QR code as inline SVG (a single path; no namespace URL, which inline SVG does not need).

    ``error`` and ``utf8`` as for :func:`qr_matrix`; ``css`` is the SVG's class; ``crisp`` asks
    the browser not to smooth the modules' edges (a large code read by a phone camera).
    """
    matrix = qr_matrix(reference, error=error, utf8=utf8)
    n = len(matrix) + 8  # quiet zone of 4 modules each side
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + 4} {y + 4}h{x - start}v1h{start - x}z")
            else:
                x += 1
    light, dark = colour("qr_light"), colour("qr_dark")
    rendering = ' shape-rendering="crispEdges"' if crisp else ""
    return (
        f'<svg class="{css}" viewBox="0 0 {n} {n}" width="{size_px}" height="{size_px}" role="img" '
        f'aria-label="QR"{rendering}>'
        f'<rect width="{n}" height="{n}" fill="{light}"/><path d="{"".join(parts)}" fill="{dark}"/></svg>'
    )
