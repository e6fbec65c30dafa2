"""The note's QR code: its reference, as a matrix (for the PDF) and as inline SVG (for the HTML)."""

from __future__ import annotations

from terroffer.render.style import colour

__all__ = ["qr_matrix", "qr_svg"]


def qr_matrix(reference: str) -> list[list[bool]]:
    """The QR code of the reference, as rows of dark (True) / light modules, without border."""
    import segno

    qr = segno.make(reference, error="m", micro=False)
    return [[bool(m) for m in row] for row in qr.matrix]


def qr_svg(reference: str, size_px: int = 96) -> str:
    """The QR code as inline SVG (a single path; no namespace URL, which inline SVG does not need)."""
    matrix = qr_matrix(reference)
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
    return (
        f'<svg class="qr" viewBox="0 0 {n} {n}" width="{size_px}" height="{size_px}" role="img" '
        f'aria-label="QR">'
        f'<rect width="{n}" height="{n}" fill="{light}"/><path d="{"".join(parts)}" fill="{dark}"/></svg>'
    )
