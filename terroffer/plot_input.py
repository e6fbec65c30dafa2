"""A landowner's plot, as it really arrives, turned into one polygon (or a point).

- a surveyor's table of corner coordinates in Lambert (``B1  372145.20  367210.55`` per
  line; CSV or plain text; comma or dot decimals; optional header);
- a GeoJSON, KML/KMZ (drawn on a phone) or DXF (the surveyor's drawing) file;
- a point, in lon/lat or Lambert X/Y.

Swapped X/Y and degrees given where metres were expected are detected and said in the
plot's warnings; anything that cannot be a plot raises :class:`PlotInputError` naming the
line or the file and what is wrong.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer

from terroffer.errors import PlotInputError
from terroffer.model import TERRITORY_CRS, Notice

__all__ = ["Plot", "plot_from_point", "read_plot", "read_corner_table"]

Bounds = tuple[float, float, float, float]

#: How far beyond the plan a plot may lie before it is refused as "far outside" (m).
FAR_OUTSIDE_M = 50_000
_TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".xyz", ".dat", ""}
_GEO_SUFFIXES = {".geojson", ".json", ".kml", ".kmz", ".dxf", ".gpkg", ".shp"}


@dataclass(frozen=True)
class Plot:
    """A plot in the plan's CRS: a polygon, or a point, with what the reading had to assume."""

    geometry: shapely.Geometry
    source: str = ""
    corners: tuple[str, ...] = ()
    warnings: tuple[Notice, ...] = field(default=())

    @property
    def is_point(self) -> bool:
        """True for a point look-up (no area)."""
        return shapely.get_type_id(self.geometry) == 0


def _to_metric(lonlat: np.ndarray, crs: CRS) -> np.ndarray:
    t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = t.transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])


def _inside(xy: np.ndarray, bounds: Bounds, margin: float) -> bool:
    minx, miny, maxx, maxy = bounds
    return bool(
        (xy[:, 0] >= minx - margin).all()
        and (xy[:, 0] <= maxx + margin).all()
        and (xy[:, 1] >= miny - margin).all()
        and (xy[:, 1] <= maxy + margin).all()
    )


def _on_territory(pts: np.ndarray, bounds: Bounds, coverage: shapely.Geometry | None) -> bool:
    if coverage is None:
        return _inside(pts, bounds, 0.0)
    return bool(shapely.contains_xy(coverage, pts[:, 0], pts[:, 1]).all())


def _place(
    xy: np.ndarray, bounds: Bounds, crs: CRS, source: str, coverage: shapely.Geometry | None = None
) -> tuple[np.ndarray, list[Notice]]:
    """Coordinates in the plan's CRS, detecting degrees and swapped axes.

    Each reading (metres as given, metres swapped, degrees, degrees swapped) is tried
    against the territory (``coverage``, else the plan's extent); the reading as given
    wins a tie. A plot on no reading's territory but within :data:`FAR_OUTSIDE_M` of
    the extent is kept as given (it may lie just outside the plans); farther, refused.
    Where the X and Y ranges of a territory overlap, a swap that still lands on it
    cannot be seen: the territory decides, not a guess.
    """
    candidates: list[tuple[str, np.ndarray]] = [("metres", xy), ("metres_swapped", xy[:, ::-1])]
    if (np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all():
        candidates.insert(0, ("degrees", _to_metric(xy, crs)))
    if (np.abs(xy[:, 1]) <= 180).all() and (np.abs(xy[:, 0]) <= 90).all():
        candidates.insert(1, ("degrees_swapped", _to_metric(xy[:, ::-1], crs)))
    chosen = next((c for c in candidates if _on_territory(c[1], bounds, coverage)), None)
    if chosen is None:
        chosen = next((c for c in candidates if _inside(c[1], bounds, FAR_OUTSIDE_M)), None)
    if chosen is None:
        first = xy[0]
        raise PlotInputError("error.plot_far_outside", source, x=f"{first[0]:.2f}", y=f"{first[1]:.2f}")
    how, pts = chosen
    notes = [] if how == "metres" else [Notice(f"plot.{how}", {"source": source})]
    return pts, notes


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_SWAPPED_HEADER = re.compile(r"^\s*\W*(y|n|nord|north|northing|lat|latitude)\b", re.IGNORECASE)


def _number(token: str) -> float | None:
    token = token.strip().replace("\u00a0", "").replace("'", "")
    if not _NUMBER.match(token):
        return None
    return float(token.replace(",", "."))


def _tokens(line: str) -> list[str]:
    if ";" in line:
        return [t.strip() for t in line.split(";")]
    if "\t" in line:
        return [t.strip() for t in line.split("\t")]
    parts = line.split()
    if len(parts) == 1 and "," in line:
        return [t.strip() for t in line.split(",")]
    if len(parts) >= 2 and all("," in p for p in parts[-2:]) and line.count(",") == 2 and "." in line:
        return [t.strip() for t in line.replace(",", " ").split()]
    return parts


def read_corner_table(
    text: str,
    *,
    source: str = "<table>",
    bounds: Bounds,
    crs: str | CRS = TERRITORY_CRS,
    coverage: shapely.Geometry | None = None,
) -> Plot:
    """Parse a surveyor's table of corners into a plot polygon in ``crs``.

    Parameters
    ----------
    text
        One corner per line: an optional label, then X and Y (``B1 372145.20 367210.55``,
        ``B1;372145,20;367210,55``, ``372145.20,367210.55``). A first line of words is a
        header; a header that names Y (or N, lat) first swaps the columns.
    source
        The file name, for messages.
    bounds
        The plan's extent in ``crs``, to detect swapped axes and degrees.
    coverage
        The territory (communes or zones) in ``crs``: a sharper test than ``bounds``.

    Raises
    ------
    PlotInputError
        Text in a number column, fewer than four corners, corners that cross each
        other, coordinates far from the plan.
    """
    crs = CRS.from_user_input(crs)
    labels: list[str] = []
    coords: list[tuple[float, float]] = []
    lines: list[int] = []
    swap_header = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        tokens = [t for t in _tokens(line) if t != ""]
        values = [_number(t) for t in tokens]
        if not coords and all(v is None for v in values):
            # a header line before the first corner: "Borne X Y", "Point;Y;X", "E N"
            columns = tokens[1:] if len(tokens) >= 3 else tokens
            swap_header = bool(columns) and bool(_SWAPPED_HEADER.match(columns[0]))
            continue
        label = tokens[0] if values[0] is None else f"P{len(coords) + 1}"
        nums = values[1:] if values[0] is None else values
        texts = tokens[1:] if values[0] is None else tokens
        if len(nums) < 2 or nums[0] is None or nums[1] is None:
            bad = next((t for t, v in zip(texts, nums, strict=False) if v is None), "")
            if len(nums) < 2:
                raise PlotInputError("error.plot_line_short", source, line=number, text=line[:60])
            raise PlotInputError("error.plot_not_number", source, line=number, value=bad[:30])
        labels.append(label)
        coords.append((float(nums[0]), float(nums[1])))
        lines.append(number)
    if len(coords) >= 2 and coords[0] == coords[-1]:
        coords.pop()
        labels.pop()
        lines.pop()
    if len(coords) < 4:
        raise PlotInputError("error.plot_too_few", source, count=len(coords))
    xy = np.asarray(coords, dtype=float)
    if swap_header:
        xy = xy[:, ::-1]
    xy, notes = _place(xy, bounds, crs, source, coverage)
    if swap_header:
        notes.insert(0, Notice("plot.header_swapped", {"source": source}))
    polygon = shapely.Polygon(xy)
    if not polygon.is_valid:
        crossing = _first_crossing(xy)
        if crossing is None:
            raise PlotInputError("error.plot_invalid", source, reason=shapely.is_valid_reason(polygon))
        a, b = crossing
        la = f"{labels[a]}–{labels[(a + 1) % len(labels)]}"
        lb = f"{labels[b]}–{labels[(b + 1) % len(labels)]}"
        raise PlotInputError("error.plot_self_crossing", source, first=la, second=lb, line=lines[b])
    if polygon.exterior.is_ccw:
        polygon = shapely.Polygon(polygon.exterior.coords[::-1])
    return Plot(polygon, source, tuple(labels), tuple(notes))


def _first_crossing(xy: np.ndarray) -> tuple[int, int] | None:
    n = len(xy)
    segments = [shapely.LineString([xy[i], xy[(i + 1) % n]]) for i in range(n)]
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            if segments[i].intersects(segments[j]):
                return i, j
    return None


def plot_from_point(
    a: float,
    b: float,
    *,
    bounds: Bounds,
    crs: str | CRS = TERRITORY_CRS,
    lonlat: bool | None = None,
    coverage: shapely.Geometry | None = None,
) -> Plot:
    """A point plot from two numbers: lon/lat (``lonlat=True``), Lambert X/Y (``False``) or detected."""
    crs = CRS.from_user_input(crs)
    xy = np.asarray([[a, b]], dtype=float)
    source = f"{a} {b}"
    if lonlat is True:
        pts = _to_metric(xy, crs)
        if not _inside(pts, bounds, FAR_OUTSIDE_M):
            raise PlotInputError("error.plot_far_outside", source, x=a, y=b)
        return Plot(shapely.Point(pts[0]), source)
    if lonlat is False:
        if not _inside(xy, bounds, FAR_OUTSIDE_M):
            raise PlotInputError("error.plot_far_outside", source, x=a, y=b)
        return Plot(shapely.Point(xy[0]), source)
    pts, notes = _place(xy, bounds, crs, source, coverage)
    return Plot(shapely.Point(pts[0]), source, warnings=tuple(notes))


def read_plot(
    path: str | os.PathLike[str],
    *,
    bounds: Bounds,
    crs: str | CRS = TERRITORY_CRS,
    coverage: shapely.Geometry | None = None,
) -> Plot:
    """Read a plot from a corner table (CSV/TXT) or a GeoJSON, KML/KMZ or DXF file.

    Raises
    ------
    PlotInputError
        When the file is missing, unreadable, or holds no usable polygon.
    """
    p = Path(path)
    if not p.exists():
        raise PlotInputError("error.not_found", p)
    suffix = p.suffix.lower()
    if suffix in _GEO_SUFFIXES:
        return _read_geo_plot(p, bounds, CRS.from_user_input(crs), coverage)
    if suffix not in _TABLE_SUFFIXES:
        raise PlotInputError("error.plot_unknown_format", p)
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return read_corner_table(text, source=p.name, bounds=bounds, crs=crs, coverage=coverage)


def _read_geo_plot(p: Path, bounds: Bounds, crs: CRS, coverage: shapely.Geometry | None) -> Plot:
    import pyogrio

    from terroffer.io.detect import detect_format

    fmt = detect_format(p)
    try:
        layers = [str(n) for n, _ in pyogrio.list_layers(fmt.path)]
        frames = [pyogrio.read_dataframe(fmt.path, layer=name) for name in layers]
    except Exception as exc:  # GDAL reports bad files with several exception types
        raise PlotInputError("error.plot_unreadable", p, reason=str(exc).splitlines()[0][:120]) from exc
    geoms: list[shapely.Geometry] = []
    src_crs = None
    for frame in frames:
        if hasattr(frame, "geometry") and len(frame):
            src_crs = src_crs or frame.crs
            geoms.extend(g for g in frame.geometry if g is not None and not g.is_empty)
    polys = []
    open_line = None
    for g in geoms:
        for part in shapely.get_parts(shapely.force_2d(g)):
            kind = shapely.get_type_id(part)
            if kind == 3:
                polys.append(part)
            elif kind in (1, 2):
                if shapely.is_closed(part) and shapely.get_num_points(part) >= 4:
                    polys.append(shapely.Polygon(shapely.get_coordinates(part)))
                else:
                    open_line = part
    if not polys:
        if open_line is not None:
            coords = shapely.get_coordinates(open_line)
            gap = float(np.hypot(*(coords[-1] - coords[0])))
            raise PlotInputError("error.plot_unclosed", p, gap=f"{gap:.2f}")
        raise PlotInputError("error.plot_no_polygon", p)
    notes: list[Notice] = []
    if len(polys) > 1:
        notes.append(Notice("plot.several_polygons", {"source": p.name, "count": len(polys)}))
    geom = shapely.union_all(polys)
    if src_crs is None:
        xy = shapely.get_coordinates(geom)
        placed, more = _place(xy, bounds, crs, p.name, coverage)
        notes += more
        geom = shapely.set_coordinates(geom, placed)
    else:
        t = Transformer.from_crs(src_crs, crs, always_xy=True)
        geom = shapely.transform(geom, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
        if not _inside(shapely.get_coordinates(geom), bounds, FAR_OUTSIDE_M):
            first = shapely.get_coordinates(geom)[0]
            raise PlotInputError("error.plot_far_outside", p, x=f"{first[0]:.2f}", y=f"{first[1]:.2f}")
    if not geom.is_valid:
        raise PlotInputError("error.plot_invalid", p, reason=shapely.is_valid_reason(geom))
    return Plot(geom, p.name, warnings=tuple(notes))
