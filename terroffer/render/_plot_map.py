"""The note's small map: the plot over the zones and reservations around it, as SVG.

Drawn straight from the shapely geometry, in the plan's metric CRS, in the path options of
:mod:`terroffer.render.style` (the web map's colours). The SVG's user unit is the
millimetre of the printed map, so line weights, type sizes and the scale bar are written
as they print. The same SVG goes inline into the HTML note and through fpdf2 into the PDF,
so it keeps to what fpdf2 draws: paths, rectangles, circles and plain ``<text>``; no
``<pattern>`` (the hatching is computed as lines), no clip path (the geometry is clipped to
the map's square with shapely before it is written).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from html import escape
from typing import Any

import numpy as np
import shapely

from terroffer import words
from terroffer._lookup import Lookup
from terroffer.index import plan_index
from terroffer.model import Plan
from terroffer.reference import translate
from terroffer.render.fonts import FONT_FAMILY
from terroffer.render.style import PX_TO_PT, colour, path_options

__all__ = ["plot_map_svg"]

#: Factor on the web map's line weights: the plot's outline and its halo at print size.
PLOT_WEIGHT = 0.7
#: Road reservations at least this wide are main roads, as on the web map.
MAIN_ROAD_M = 20.0
#: Millimetres in a typographic point.
PT_MM = 25.4 / 72
#: Distance between hatch lines, across them (mm), and their weight (pt).
HATCH_MM = 1.25
HATCH_PT = 0.8
#: Type sizes (pt): zone codes, the scale bar's length, the north arrow's N.
LABEL_PT = 6.5
SCALE_PT = 6.5
NORTH_PT = 7.0
#: The white halo around zone codes (pt, the whole stroke: half of it shows outside the glyph).
LABEL_HALO_PT = 2.0
#: Cap height of IBM Plex Sans (em): puts a label's middle, not its baseline, on its point.
CAP_EM = 0.7
#: The marker of a point look-up: diameter and outline (pt).
MARKER_PT = 7.0
MARKER_EDGE_PT = 1.5


def _nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``target``."""
    exp = 10 ** math.floor(math.log10(target))
    return max(m * exp for m in (1, 2, 5) if m * exp <= target)


@lru_cache(maxsize=4)
def _transformers(crs: Any) -> tuple[Any, Any]:
    """The plan's grid to longitude and latitude, and back: made once per CRS (a few ms each)."""
    from pyproj import Transformer

    return (
        Transformer.from_crs(crs, "EPSG:4326", always_xy=True),
        Transformer.from_crs("EPSG:4326", crs, always_xy=True),
    )


def _convergence_deg(plan: Plan, x: float, y: float) -> float:
    """Angle from grid north to true north at (x, y), in degrees (Lambert grids turn a little)."""
    try:
        to_geo, to_grid = _transformers(plan.crs)
        lon, lat = to_geo.transform(x, y)
        x2, y2 = to_grid.transform(lon, lat + 0.01)
        return math.degrees(math.atan2(x2 - x, y2 - y))
    except Exception:  # no CRS or no transformation: grid north it is
        return 0.0


def _under_furniture(u: float, v: float) -> bool:
    """True where a label at (u, v), in half-widths from the centre, would hide the scale bar or arrow."""
    return (u < -0.05 and v < -0.6) or math.hypot(u - 0.82, v - 0.74) < 0.3


def _mm(value: float) -> str:
    """A length or coordinate in the SVG: hundredths of a millimetre are finer than print."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pt(points: float) -> str:
    return _mm(points * PT_MM)


class _Frame:
    """Plan coordinates to the map's millimetres: x to the right, y down from the top edge."""

    def __init__(self, x0: float, y1: float, mm_per_m: float) -> None:
        self.x0, self.y1, self.k = x0, y1, mm_per_m

    def uv(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.k, (self.y1 - y) * self.k

    def points(self, xy: np.ndarray) -> str:
        """``x y`` pairs of the SVG path grammar, joined by ``L``, for an (n, 2) array."""
        u = (xy[:, 0] - self.x0) * self.k
        v = (self.y1 - xy[:, 1]) * self.k
        return "L".join(f"{_mm(a)} {_mm(b)}" for a, b in zip(u, v, strict=True))

    def polygons(self, geoms: Iterable[shapely.Geometry]) -> str:
        """Path data of the polygons among ``geoms`` (holes as rings of their own: even-odd fill)."""
        parts = []
        for geom in geoms:
            for poly in shapely.get_parts(geom):
                if shapely.get_type_id(poly) != 3:  # clip_by_rect may leave slivers as lines or points
                    continue
                for ring in shapely.get_rings(poly):
                    xy = shapely.get_coordinates(ring)
                    if len(xy) >= 4:
                        parts.append(f"M{self.points(xy[:-1])}Z")
        return "".join(parts)

    def lines(self, geom: shapely.Geometry) -> str:
        """Path data of the line strings in ``geom``."""
        parts = []
        for line in shapely.get_parts(geom):
            if shapely.get_type_id(line) == 1:
                xy = shapely.get_coordinates(line)
                if len(xy) >= 2:
                    parts.append(f"M{self.points(xy)}")
        return "".join(parts)


def _paint(options: dict[str, Any], *, scale: float = 1.0, fill: bool = True, stroke: bool = True) -> str:
    """Leaflet path options as SVG presentation attributes, line weights in the map's millimetres.

    ``fill`` or ``stroke`` False leaves that part out (``none``), as does a zero opacity.
    """
    attrs = []
    if fill and options["fillOpacity"] > 0:
        attrs += [f'fill="{options["fillColor"]}"', f'fill-opacity="{options["fillOpacity"]:g}"']
    else:
        attrs.append('fill="none"')
    if stroke and options["opacity"] > 0 and options["weight"] > 0:
        attrs += [
            f'stroke="{options["color"]}"',
            f'stroke-opacity="{options["opacity"]:g}"',
            f'stroke-width="{_pt(options["weight"] * PX_TO_PT * scale)}"',
        ]
    return " ".join(attrs)


def _text(
    u: float, v: float, text: str, size_pt: float, fill: str, *, bold: bool = False, halo: str = ""
) -> str:
    """A centred label whose middle sits at (u, v); ``halo``: drawn first as a stroke of that colour.

    The halo is a second ``<text>`` rather than ``paint-order``, which fpdf2 does not read.
    """
    size = size_pt * PT_MM
    base = v + size * CAP_EM / 2
    weight = ' font-weight="bold"' if bold else ""
    common = (
        f'x="{_mm(u)}" y="{_mm(base)}" font-family="{FONT_FAMILY}, sans-serif" '
        f'font-size="{_mm(size)}" text-anchor="middle"{weight}'
    )
    body = escape(text, quote=False)
    out = ""
    if halo:
        out += (
            f'<text {common} fill="none" stroke="{halo}" stroke-width="{_pt(LABEL_HALO_PT)}" '
            f'stroke-linejoin="round">{body}</text>'
        )
    return out + f'<text {common} fill="{fill}">{body}</text>'


def _hatch(area: shapely.Geometry, x0: float, y0: float, side: float, step: float) -> shapely.Geometry:
    """Lines at 45° (rising to the right, as ``////``), ``step`` apart across them, cut to ``area``."""
    dx = step * math.sqrt(2)  # the same lines, measured along x
    starts = np.arange(-side, side, dx)
    lines = shapely.multilinestrings([[(x0 + t, y0), (x0 + t + side, y0 + side)] for t in starts])
    return shapely.intersection(lines, area)


def plot_map_svg(result: Lookup, plan: Plan, *, size_mm: float = 80.0, lang: str = "fr") -> str:
    """A small map of the plot over the zones and reservations around it, as an SVG document.

    Drawn in the plan's metric CRS rather than in WGS84 so that the scale bar is true
    everywhere on it; the north arrow points to true north (the grid's convergence is
    measured with pyproj). Zones take their family colour from :mod:`terroffer.render.style`
    and carry their code on a white halo; reservations are hatched over them; the plot is
    outlined in black on a white halo (a point look-up: a marker).

    Parameters
    ----------
    result
        The plot's look-up, from :func:`terroffer.lookup`.
    plan
        The plan it was looked up in.
    size_mm
        The map's side as printed: the SVG's ``width`` and ``height``, and its ``viewBox``
        in millimetres.
    lang
        The language of the scale bar's length (``20 m``, ``20 م``) and of the north arrow's letter.

    Returns
    -------
    str
        An ``<svg>`` element, left to right whatever the page's direction, without a
        ``<title>`` (the note adds one in its own language) and without ``id`` attributes,
        so that a page can hold it twice.
    """
    geom = result.plot.geometry
    minx, miny, maxx, maxy = geom.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    span = max(maxx - minx, maxy - miny)
    half = 150.0 if result.is_point else max(span / 2 + max(0.35 * span, 40.0), 60.0)
    x0, y0, x1, y1 = cx - half, cy - half, cx + half, cy + half
    box = shapely.box(x0, y0, x1, y1)
    frame = _Frame(x0, y1, size_mm / (2 * half))
    hm = size_mm / 2  # half the map, in mm: the furniture is placed in fractions of it
    idx = plan_index(plan)
    ink, paper, halo = colour("ink"), colour("paper"), colour("halo")

    side = _mm(size_mm)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot-map" viewBox="0 0 {side} {side}" '
        f'width="{side}mm" height="{side}mm" direction="ltr" style="direction:ltr">',
        f'<rect width="{side}" height="{side}" fill="{colour("plot_map_background")}"/>',
    ]

    zone_ids = np.sort(idx.zone_tree.query(box, predicate="intersects"))
    labels: list[str] = []
    if len(zone_ids):
        clipped = shapely.clip_by_rect(idx.zone_geoms[zone_ids], x0, y0, x1, y1)
        families = plan.zones["family"].to_numpy()[zone_ids]
        out.append('<g class="zones" fill-rule="evenodd" stroke-linejoin="round">')
        for family in sorted(set(families), key=str):
            d = frame.polygons(clipped[families == family])
            if d:
                style = _paint(path_options("zone", str(family)))
                out.append(f'<path data-family="{escape(str(family))}" {style} d="{d}"/>')
        out.append("</g>")
        codes = plan.zones["zone_code"].to_numpy()[zone_ids]
        min_area = (2 * half) ** 2 * 0.02
        for piece, code in zip(clipped, codes, strict=True):
            if shapely.area(piece) < min_area:
                continue
            pt = shapely.point_on_surface(piece)
            if _under_furniture((pt.x - cx) / half, (pt.y - cy) / half):
                continue
            u, v = frame.uv(pt.x, pt.y)
            labels.append(_text(u, v, str(code), LABEL_PT, colour("label_ink"), halo=halo))

    res_ids = np.sort(idx.reservation_tree.query(box, predicate="intersects"))
    if len(res_ids):
        clipped = shapely.clip_by_rect(idx.reservation_geoms[res_ids], x0, y0, x1, y1)
        kinds = plan.reservations["kind"].to_numpy()[res_ids]
        widths = plan.reservations["road_width_m"].to_numpy(dtype=float, na_value=np.nan)[res_ids]
        keys = np.array(
            [
                "main_road" if k == "road" and w >= MAIN_ROAD_M else str(k)
                for k, w in zip(kinds, widths, strict=True)
            ]
        )
        step = HATCH_MM / frame.k
        out.append('<g class="reservations" fill-rule="evenodd" stroke-linejoin="round">')
        # roads under main roads under facilities, all hatched: reserved land is not the owner's to build
        for key in sorted(set(keys), key=lambda k: (k != "road", k != "main_road", k)):
            pieces = clipped[keys == key]
            d = frame.polygons(pieces)
            if not d:
                continue
            options = path_options("reservation", key)
            area = shapely.union_all(pieces)
            hatch = frame.lines(_hatch(area, x0, y0, 2 * half, step))
            # fill, then the hatch in the outline's colour, then the outline, as a hatched patch is drawn
            out.append(f'<path data-kind="{escape(key)}" {_paint(options, stroke=False)} d="{d}"/>')
            if hatch:
                out.append(
                    f'<path class="hatch" fill="none" stroke="{options["color"]}" '
                    f'stroke-opacity="{options["opacity"]:g}" stroke-width="{_pt(HATCH_PT)}" d="{hatch}"/>'
                )
            out.append(f'<path {_paint(options, fill=False)} d="{d}"/>')
        out.append("</g>")

    if labels:
        out.append(f'<g class="labels">{"".join(labels)}</g>')

    if result.is_point:
        u, v = frame.uv(geom.x, geom.y)
        out.append(
            f'<circle class="plot" cx="{_mm(u)}" cy="{_mm(v)}" r="{_pt(MARKER_PT / 2)}" '
            f'fill="{colour("highlight")}" stroke="{halo}" stroke-width="{_pt(MARKER_EDGE_PT)}"/>'
        )
    else:
        d = frame.polygons([geom])
        if d:
            out.append('<g class="plot" fill-rule="evenodd" stroke-linejoin="round">')
            for layer in ("plot_halo", "plot"):
                out.append(f'<path {_paint(path_options(layer), scale=PLOT_WEIGHT)} d="{d}"/>')
            out.append("</g>")

    # scale bar, lower left: alternating ink and paper halves on a paper panel
    length = _nice_length(half * 2 * 0.3)
    bar = length * frame.k
    bx, by, bh = 0.1 * hm, 1.875 * hm, 0.025 * hm
    out.append('<g class="scale-bar">')
    out.append(
        f'<rect x="{_mm(0.06 * hm)}" y="{_mm(1.75 * hm)}" width="{_mm(bar + 0.2 * hm)}" '
        f'height="{_mm(0.2 * hm)}" fill="{paper}" fill-opacity="0.85"/>'
    )
    for i, fill in enumerate((ink, paper)):
        out.append(
            f'<rect x="{_mm(bx + i * bar / 2)}" y="{_mm(by)}" width="{_mm(bar / 2)}" height="{_mm(bh)}" '
            f'fill="{fill}" stroke="{ink}" stroke-width="{_pt(0.6)}"/>'
        )
    scale_size = SCALE_PT * PT_MM
    out.append(
        _text(bx + bar / 2, by - 0.8 * bh - scale_size * CAP_EM / 2, words.scale(length, lang), SCALE_PT, ink)
    )
    out.append("</g>")

    # north arrow, upper right, turned to true north
    angle = math.radians(_convergence_deg(plan, cx, cy))
    nu, nv, r = 1.82 * hm, 0.22 * hm, 0.1 * hm
    du, dv = r * math.sin(angle), -r * math.cos(angle)  # to the tip; v grows downwards
    head, wing = 3.6 * PT_MM, 1.8 * PT_MM  # matplotlib's "-|>" head at a mutation scale of 9 pt
    tip_u, tip_v = nu + du, nv + dv
    ex, ey = du / r, dv / r  # unit vector along the arrow
    base_u, base_v = tip_u - ex * head, tip_v - ey * head
    out.append('<g class="north">')
    out.append(
        f'<circle cx="{_mm(nu)}" cy="{_mm(nv)}" r="{_mm(r * 1.45)}" fill="{paper}" fill-opacity="0.85"/>'
    )
    out.append(
        f'<path d="M{_mm(nu - du)} {_mm(nv - dv)}L{_mm(base_u)} {_mm(base_v)}" fill="none" stroke="{ink}" '
        f'stroke-width="{_pt(1.2)}"/>'
    )
    out.append(
        f'<path d="M{_mm(tip_u)} {_mm(tip_v)}L{_mm(base_u - ey * wing)} {_mm(base_v + ex * wing)}'
        f'L{_mm(base_u + ey * wing)} {_mm(base_v - ex * wing)}Z" fill="{ink}" stroke="{ink}" '
        f'stroke-width="{_pt(0.5)}" stroke-linejoin="miter"/>'
    )
    north_size = NORTH_PT * PT_MM
    n_top = nv - 1.35 * dv  # the letter hangs below the arrow's tail, as on the old map
    out.append(
        _text(
            nu - 0.1 * du,
            n_top + north_size * CAP_EM / 2,
            translate("static.north", lang),
            NORTH_PT,
            ink,
            bold=True,
        )
    )
    out.append("</g>")

    out.append("</svg>")
    return "\n".join(out)
