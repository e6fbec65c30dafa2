"""A landowner's plot, as it really arrives, turned into one polygon (or a point).

- a surveyor's table of corner coordinates in Lambert, as surveyors write it
  (``B1  372145.20  367210.55``, ``B1;359 747,25;367 210,55``, ``3.5974725E5``, Arabic-Indic
  digits and the Arabic decimal sign ``٫``; ``;``, tab, comma or space separated; UTF-8,
  UTF-16 or Windows code pages; an optional header; three corners or more);
- a GeoJSON, KML/KMZ (drawn on a phone) or DXF (the surveyor's drawing) file;
- a point, in lon/lat or Lambert X/Y.

Degrees given where metres were expected are detected and said in the plot's warnings.
X and Y cannot always be told apart: in Skhirat-Témara both run over about the same
kilometres, so a swapped reading often still falls on the territory. Where both readings
fall on it and nothing said the order (an ``order=`` argument, a header naming the
columns), the X-first reading is kept (the surveyors' convention) and the other is kept
on :attr:`Plot.swapped`, for the look-up to name both places. Anything that cannot be a
plot raises :class:`PlotInputError` naming the line or the file and what is wrong.
"""

from __future__ import annotations

import codecs
import itertools
import math
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer

from terroffer.cells import ARABIC_DIGITS
from terroffer.errors import CRSError, OptionError, PlotInputError
from terroffer.io.territory import ORDERS, check_order
from terroffer.model import TERRITORY_CRS, Notice, Plan

__all__ = [
    "MAX_CORNERS",
    "MAX_PLOT_BYTES",
    "ORDERS",
    "Plot",
    "plot_from_point",
    "read_corner_table",
    "read_plot",
]

Bounds = tuple[float, float, float, float]

#: How far beyond the plan a plot may lie before it is refused as "far outside" (m).
FAR_OUTSIDE_M = 50_000
#: The most corners a plot may have: a real plot has tens; more is a wrong file.
MAX_CORNERS = 100_000
#: The largest plot file read (bytes): a table of :data:`MAX_CORNERS` corners is ~3 MB.
MAX_PLOT_BYTES = 8 * 1024 * 1024
_TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".xyz", ".dat", ""}
_GEO_SUFFIXES = {".geojson", ".json", ".kml", ".kmz", ".dxf", ".gpkg", ".shp"}


@dataclass(frozen=True)
class Plot:
    """A plot in the plan's CRS: a polygon, or a point, with what the reading had to assume.

    ``swapped`` is the same plot read with X and Y exchanged, kept only when that
    reading falls on the territory too and nothing said which order the numbers were
    in: the look-up then names the places of both readings.
    """

    geometry: shapely.Geometry
    source: str = ""
    corners: tuple[str, ...] = ()
    warnings: tuple[Notice, ...] = field(default=())
    swapped: shapely.Geometry | None = None

    @property
    def is_point(self) -> bool:
        """True for a point look-up (no area)."""
        return shapely.get_type_id(self.geometry) == 0


def _to_metric(lonlat: np.ndarray, crs: CRS) -> np.ndarray:
    t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = t.transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])


def _degrees_like(xy: np.ndarray) -> bool:
    return bool((np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all())


def _inside(xy: np.ndarray, bounds: Bounds, margin: float) -> bool:
    minx, miny, maxx, maxy = bounds
    return bool(
        np.isfinite(xy).all()
        and (xy[:, 0] >= minx - margin).all()
        and (xy[:, 0] <= maxx + margin).all()
        and (xy[:, 1] >= miny - margin).all()
        and (xy[:, 1] <= maxy + margin).all()
    )


def _on_territory(pts: np.ndarray, bounds: Bounds, coverage: shapely.Geometry | None) -> bool:
    if coverage is None or not np.isfinite(pts).all():
        return _inside(pts, bounds, 0.0)
    return bool(shapely.contains_xy(coverage, pts[:, 0], pts[:, 1]).all())


def _check_finite(xy: np.ndarray, source: str) -> None:
    if not np.isfinite(xy).all():
        bad = xy[~np.isfinite(xy).all(axis=1)][0]
        raise PlotInputError("error.plot_not_finite", source, x=str(bad[0]), y=str(bad[1]))


def _place(
    xy: np.ndarray,
    bounds: Bounds,
    crs: CRS,
    source: str,
    coverage: shapely.Geometry | None = None,
    *,
    order: str | None = None,
    fixed: bool = False,
    metres: bool = True,
    degrees: bool = True,
) -> tuple[np.ndarray, list[Notice], np.ndarray | None]:
    """Coordinates in the plan's CRS, the notices of the reading, and the other reading.

    ``order`` (``"xy"``, ``"yx"``) is the order the numbers are said to be in (by the
    caller or a header); ``fixed`` means the caller said it, so no other order is tried.
    Otherwise each reading (degrees, degrees swapped, metres as given, metres swapped)
    is tried against the territory (``coverage``, else the plan's extent) and the first
    that falls on it wins. When nothing said the order and metres as given and metres
    swapped both fall on it, the X-first reading is kept and the swapped one returned
    third, so that the caller can say so. A plot on no reading's territory but within
    :data:`FAR_OUTSIDE_M` of the extent is kept as given (it may lie just outside the
    plans); farther, refused.
    """
    _check_finite(xy, source)
    given = xy[:, ::-1] if order == "yx" else xy
    candidates: list[tuple[str, np.ndarray]] = []
    if metres:
        candidates.append(("metres", given))
        if not fixed:
            candidates.append(("metres_swapped", given[:, ::-1]))
    if degrees and _degrees_like(given):
        candidates.insert(0, ("degrees", _to_metric(given, crs)))
    if degrees and not fixed and _degrees_like(given[:, ::-1]):
        candidates.insert(1, ("degrees_swapped", _to_metric(given[:, ::-1], crs)))
    on = [c for c in candidates if _on_territory(c[1], bounds, coverage)]
    chosen = on[0] if on else next((c for c in candidates if _inside(c[1], bounds, FAR_OUTSIDE_M)), None)
    if chosen is None:
        first = xy[0]
        raise PlotInputError("error.plot_far_outside", source, x=float(first[0]), y=float(first[1]))
    how, pts = chosen
    other = None
    if how == "metres" and order is None and not fixed:
        other = next((c[1] for c in on if c[0] == "metres_swapped"), None)
        if other is not None and np.array_equal(other, pts):
            other = None  # X = Y: both readings are one place
    notes = [] if how == "metres" else [Notice(f"plot.{how}", {"source": source})]
    return pts, notes, other


_GROUPING = "\u00a0\u202f\u2009'’"  # thousands separators inside one number
_TEXT_FIXES: dict[int, Any] = {
    **ARABIC_DIGITS,  # Arabic-Indic and Persian digits, as rule cells read them
    **str.maketrans(
        {
            "٫": ".",  # Arabic decimal separator
            "٬": "\u202f",  # Arabic thousands separator
            "،": ",",  # Arabic comma, a field separator where it is used
            "؛": ";",
            "\u2212": "-",
            "\ufeff": None,
        }
    ),
}
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([" + _GROUPING + r" ]\d{3})+([.,]\d*)?$")
_GROUP_HEAD = re.compile(r"^[+-]?\d{1,3}$")
_GROUP_MID = re.compile(r"^\d{3}$")
_GROUP_TAIL = re.compile(r"^\d{3}[.,]\d*$")
_LABEL_NUMBER = re.compile(r"^\d{1,6}$")
_X_HEADER = re.compile(r"^\W*(x|e|est|east|easting|lon|long|longitude)(\W*m)?\W*$", re.IGNORECASE)
_Y_HEADER = re.compile(r"^\W*(y|n|nord|north|northing|lat|latitude)(\W*m)?\W*$", re.IGNORECASE)
#: Lines whose numbers are regrouped by trying every split: more tokens than this are garbage.
_MAX_SPLIT_TOKENS = 10


def _number(token: str) -> float | None:
    token = token.strip()
    if _GROUPED.match(token):
        token = re.sub(f"[{_GROUPING} ]", "", token)
    token = token.replace("\u00a0", "").replace("\u202f", "")
    if not _NUMBER.match(token):
        return None
    value = float(token.replace(",", "."))
    return value if math.isfinite(value) else None


def _fields(line: str) -> tuple[list[str], bool]:
    """The line's fields, and whether they are space-separated (so a number may span several)."""
    if ";" in line:
        return [t.strip() for t in line.split(";")], False
    if "\t" in line:
        return [t.strip() for t in line.split("\t")], False
    parts = line.split(" ")
    if "," in line and ("." in line or len([p for p in parts if p]) == 1):
        # dot decimals (or no space at all): the commas separate fields
        return [t.strip() for t in line.split(",")], False
    return [p for p in parts if p], True


def _segmentations(tokens: list[str]) -> list[list[str]]:
    """Every way of reading space-separated tokens as numbers grouped in thousands."""
    if len(tokens) > _MAX_SPLIT_TOKENS or not any(
        _GROUP_MID.match(t) or _GROUP_TAIL.match(t) for t in tokens[1:]
    ):
        return [tokens]  # no token can continue a number: the tokens are the numbers
    out = []
    for cuts in itertools.product((True, False), repeat=max(len(tokens) - 1, 0)):
        groups, current = [], [tokens[0]]
        for token, cut in zip(tokens[1:], cuts, strict=True):
            if cut:
                groups.append(current)
                current = [token]
            else:
                current.append(token)
        groups.append(current)
        if all(len(g) == 1 or _valid_group(g) for g in groups):
            out.append([" ".join(g) for g in groups])
    return out


def _valid_group(group: list[str]) -> bool:
    return (
        bool(_GROUP_HEAD.match(group[0]))
        and all(_GROUP_MID.match(t) for t in group[1:-1])
        and bool(_GROUP_MID.match(group[-1]) or _GROUP_TAIL.match(group[-1]))
    )


def _score(values: list[float]) -> tuple[bool, bool, bool, float]:
    """How likely numbers are a corner: X and Y of one magnitude, two numbers (or three), closest."""
    if len(values) < 2:
        return (False, False, False, -math.inf)
    a, b = abs(values[0]), abs(values[1])
    if min(a, b) == 0:
        return (False, len(values) == 2, len(values) == 3, -math.inf)
    spread = math.log(max(a, b) / min(a, b))
    return (spread <= math.log(10), len(values) == 2, len(values) == 3, -spread)


def _corner(tokens: list[str], spaced: bool, source: str, number: int) -> tuple[list[str], list[float]]:
    """Split a line's tokens into label words and coordinates (X, Y and maybe Z).

    A label may be a number itself (``1 372145.20 367210.55``), and ``359 747,25`` may be
    one number: every reading is scored and the most plausible kept (X and Y of one
    magnitude, then two numbers). Text after the coordinates is a remark, ignored.

    Raises
    ------
    PlotInputError
        When the line holds fewer than two numbers after its label.
    """
    values = [_number(t) for t in tokens]
    start = 0
    while start < len(tokens) and values[start] is None:
        start += 1
    end = start
    while end < len(tokens) and values[end] is not None:
        end += 1
    label, numeric = tokens[:start], tokens[start:end]
    options: list[tuple[tuple[bool, bool, bool, float], int, list[str], list[float]]] = []
    for skip in (0, 1):
        rest = numeric[skip:]
        if not rest or (skip and not _LABEL_NUMBER.match(numeric[0])):
            continue
        for seg in _segmentations(rest) if spaced else [rest]:
            if seg is rest:  # the tokens as they are: their values are known
                nums = [float(v) for v in values[start + skip : end] if v is not None]
            else:
                nums = [v for v in (_number(t) for t in seg) if v is not None]
            options.append((_score(nums), -skip, label + numeric[:skip], nums))
    best = max(options, key=lambda o: (o[0], o[1]), default=None)
    if best is None or len(best[3]) < 2:
        # name the token that should have been a number: one with digits first
        wrong = [t for t, v in zip(tokens[1:], values[1:], strict=True) if v is None]
        bad = next((t for t in wrong if any(c.isdigit() for c in t)), wrong[0] if wrong else None)
        if bad is not None:
            raise PlotInputError("error.plot_not_number", source, line=number, value=bad[:30])
        raise PlotInputError("error.plot_line_short", source, line=number, text=" ".join(tokens)[:60])
    return best[2], best[3]


def _header_order(tokens: list[str]) -> str | None:
    """``"xy"`` or ``"yx"`` when a header names both axes (``Borne X Y``, ``Point;N;E``)."""
    columns = tokens[1:] if len(tokens) >= 3 else tokens
    axes = ["x" if _X_HEADER.match(c) else "y" if _Y_HEADER.match(c) else "" for c in columns]
    named = [a for a in axes if a]
    # both axes, or a title such as "Lambert Nord Maroc" would read as a Y column
    if "x" in named and "y" in named:
        return "xy" if named[0] == "x" else "yx"
    return None


def read_corner_table(
    text: str,
    *,
    source: str = "<table>",
    plan: Plan | None = None,
    bounds: Bounds | None = None,
    crs: str | CRS = TERRITORY_CRS,
    coverage: shapely.Geometry | None = None,
    order: str | None = None,
) -> Plot:
    """Parse a surveyor's table of corners into a plot polygon in ``crs``.

    Parameters
    ----------
    text
        One corner per line: an optional label, then X and Y (``B1 372145.20 367210.55``,
        ``B1;359 747,25;367 210,55``, ``372145.20,367210.55``, ``٣٥٩٧٤٧٫٢٥``). A first
        line of words is a header; a header that names Y (or N, lat) first swaps the
        columns.
    source
        The file name, for messages.
    plan
        The plan the plot is looked up in: gives ``bounds``, ``crs`` and ``coverage``.
    bounds
        Without ``plan``: the plan's extent in ``crs``, to detect swapped axes and degrees.
    coverage
        Without ``plan``: the territory (communes or zones) in ``crs``, a sharper test than
        ``bounds``.
    order
        ``"xy"`` or ``"yx"``: the order of the two numbers, whatever a header says. Without
        it (and without a header naming the columns) a table whose two readings both fall
        on the territory is read X first, and the other reading kept on
        :attr:`Plot.swapped`.

    Raises
    ------
    PlotInputError
        Text in a number column, fewer than three corners, corners that cross each
        other or lie on one line, coordinates far from the plan, too many corners.
    OptionError
        An ``order`` other than ``"xy"`` or ``"yx"``.
    """
    order = check_order(order)
    bounds, crs, coverage = _territory(plan, bounds, crs, coverage)
    if len(text) > MAX_PLOT_BYTES:
        raise PlotInputError("error.plot_too_large", source, size_mb=len(text) / 2**20, max_mb=_max_mb())
    labels: list[str] = []
    coords: list[tuple[float, float]] = []
    lines: list[int] = []
    header_order: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFC", raw).translate(_TEXT_FIXES).strip()
        if not line or line.startswith("#"):
            continue
        fields, spaced = _fields(line)
        tokens = [t for t in fields if t != ""]
        if not tokens:
            continue
        if not coords and all(_number(t) is None for t in tokens):
            # a header line before the first corner: "Borne X Y", "Point;Y;X", "E N"
            header_order = _header_order(tokens) or header_order
            continue
        label, nums = _corner(tokens, spaced, source, number)
        labels.append(" ".join(label) if label else f"P{len(coords) + 1}")
        coords.append((nums[0], nums[1]))
        lines.append(number)
        if len(coords) > MAX_CORNERS:
            raise PlotInputError("error.plot_too_many_corners", source, max=MAX_CORNERS)
    if not coords:
        raise PlotInputError("error.plot_empty", source)
    xy = np.asarray(coords, dtype=float)
    # a repeated corner (the first again at the end, a line typed twice) is one corner
    keep = np.ones(len(xy), dtype=bool)
    keep[1:] = (xy[1:] != xy[:-1]).any(axis=1)
    if len(xy) > 1 and keep[-1] and (xy[-1] == xy[0]).all():
        keep[-1] = False
    xy = xy[keep]
    labels = [lab for lab, k in zip(labels, keep, strict=True) if k]
    lines = [n for n, k in zip(lines, keep, strict=True) if k]
    if len(xy) < 3:
        raise PlotInputError("error.plot_too_few", source, count=len(xy))
    xy, notes, other = _place(
        xy, bounds, crs, source, coverage, order=order or header_order, fixed=order is not None
    )
    if order is None and header_order == "yx":
        notes.insert(0, Notice("plot.header_swapped", {"source": source}))
    polygon = _ring_polygon(xy, labels, lines, source)
    swapped = _ring_polygon(other, labels, lines, source) if other is not None else None
    return Plot(polygon, source, tuple(labels), tuple(notes), swapped)


def _max_mb() -> float:
    return MAX_PLOT_BYTES / 2**20


def _ring_polygon(xy: np.ndarray, labels: list[str], lines: list[int], source: str) -> shapely.Polygon:
    """The polygon of corners in order, clockwise; a crossing is named by its sides."""
    polygon = shapely.Polygon(xy)
    if not shapely.is_valid(polygon):
        if shapely.area(shapely.convex_hull(shapely.multipoints(xy))) == 0:
            raise PlotInputError("error.plot_flat", source, count=len(xy))
        crossing = _first_crossing(xy)
        if crossing is None:
            raise PlotInputError("error.plot_invalid", source, reason=shapely.is_valid_reason(polygon))
        a, b = crossing
        la = f"{labels[a]}–{labels[(a + 1) % len(labels)]}"
        lb = f"{labels[b]}–{labels[(b + 1) % len(labels)]}"
        raise PlotInputError("error.plot_self_crossing", source, first=la, second=lb, line=lines[b])
    if polygon.exterior.is_ccw:
        polygon = shapely.Polygon(polygon.exterior.coords[::-1])
    return polygon


def _first_crossing(xy: np.ndarray) -> tuple[int, int] | None:
    """The first pair of sides (i < j) that cross or overlap, found with an STRtree.

    Side ``i`` runs from corner ``i`` to corner ``i + 1``. Neighbouring sides always
    share a corner; they count only when they overlap beyond it (a spike that turns
    back on itself).
    """
    n = len(xy)
    sides = shapely.linestrings(np.stack([xy, np.roll(xy, -1, axis=0)], axis=1))
    a, b = shapely.STRtree(sides).query(sides, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    neighbours = (b - a == 1) | ((a == 0) & (b == n - 1))
    if neighbours.any():
        overlap = shapely.length(shapely.intersection(sides[a[neighbours]], sides[b[neighbours]])) > 0
        keep = ~neighbours
        keep[np.flatnonzero(neighbours)[overlap]] = True
        a, b = a[keep], b[keep]
    if not len(a):
        return None
    first = np.lexsort((b, a))[0]
    return int(a[first]), int(b[first])


def plot_from_point(
    a: float,
    b: float,
    *,
    plan: Plan | None = None,
    bounds: Bounds | None = None,
    crs: str | CRS = TERRITORY_CRS,
    lonlat: bool | None = None,
    coverage: shapely.Geometry | None = None,
    order: str | None = None,
) -> Plot:
    """A point plot from two numbers.

    Parameters
    ----------
    a, b
        The two numbers, in the order given.
    plan
        The plan the point is looked up in (else ``bounds``, ``crs`` and ``coverage``, as
        in :func:`read_corner_table`).
    lonlat
        True: degrees (longitude, latitude); False: the plan's metres (X, Y); None: found
        from the numbers (degrees where they can be, metres otherwise).
    order
        ``"xy"`` (``a`` is X or the longitude) or ``"yx"`` (``a`` is Y or the latitude).
        Without it, metres whose two readings both fall on the territory are read X
        first and the other reading kept on :attr:`Plot.swapped`.

    Raises
    ------
    PlotInputError
        Numbers that are not finite, or a point far from the plan.
    OptionError
        An ``order`` other than ``"xy"`` or ``"yx"``.
    """
    order = check_order(order)
    bounds, crs, coverage = _territory(plan, bounds, crs, coverage)
    source = f"{a} {b}"
    try:
        xy = np.asarray([[float(a), float(b)]], dtype=float)
    except (TypeError, ValueError) as exc:
        raise PlotInputError("error.plot_bad_point", source) from exc
    if lonlat is True:
        # degrees only: numbers that are not degrees are refused, not read as metres
        pts, _notes, other = _place(
            xy, bounds, crs, source, coverage, order=order or "xy", fixed=True, metres=False
        )
        notes: list[Notice] = []
    else:
        pts, notes, other = _place(
            xy, bounds, crs, source, coverage, order=order, fixed=order is not None, degrees=lonlat is None
        )
    swapped = shapely.Point(other[0]) if other is not None else None
    return Plot(shapely.Point(pts[0]), source, warnings=tuple(notes), swapped=swapped)


def _territory(
    plan: Plan | None, bounds: Bounds | None, crs: str | CRS, coverage: shapely.Geometry | None
) -> tuple[Bounds, CRS, shapely.Geometry | None]:
    """Where a plot should fall: from the plan when given, else from ``bounds`` (and ``coverage``)."""
    if plan is not None:
        from terroffer._lookup import plan_bounds, plan_coverage

        return plan_bounds(plan), CRS.from_user_input(plan.crs), plan_coverage(plan)
    if bounds is None:
        raise OptionError("error.plot_needs_plan", "read_plot")
    return bounds, CRS.from_user_input(crs), coverage


def _check_file(p: Path) -> None:
    if not p.exists():
        raise PlotInputError("error.not_found", p)
    if p.is_dir():
        raise PlotInputError("error.plot_is_directory", p)
    if not p.is_file():
        raise PlotInputError("error.plot_not_file", p)
    size = p.stat().st_size
    if size == 0:
        raise PlotInputError("error.plot_empty", p)
    if size > MAX_PLOT_BYTES:
        raise PlotInputError("error.plot_too_large", p, size_mb=size / 2**20, max_mb=_max_mb())


def read_plot(
    path: str | os.PathLike[str],
    *,
    plan: Plan | None = None,
    bounds: Bounds | None = None,
    crs: str | CRS = TERRITORY_CRS,
    coverage: shapely.Geometry | None = None,
    order: str | None = None,
) -> Plot:
    """Read a plot from a corner table (CSV/TXT) or a GeoJSON, KML/KMZ or DXF file.

    Parameters
    ----------
    path
        The file.
    plan
        The plan the plot is looked up in (else ``bounds``, ``crs`` and ``coverage``, as
        in :func:`read_corner_table`): ``read_plot("plot.txt", plan=plan)``.
    order
        ``"xy"`` or ``"yx"``: the order of the coordinates in a corner table or in a
        file without a CRS (a DXF, a GeoJSON in Lambert without ``crs`` member); a file
        with a CRS says its own order. See :func:`read_corner_table`.

    Raises
    ------
    PlotInputError
        When the file is missing, a directory, empty, binary, too large, unreadable, or
        holds no usable polygon.
    OptionError
        An ``order`` other than ``"xy"`` or ``"yx"``.
    """
    bounds, crs, coverage = _territory(plan, bounds, crs, coverage)
    order = check_order(order)
    p = Path(path)
    _check_file(p)
    suffix = p.suffix.lower()
    if suffix in _GEO_SUFFIXES:
        return _read_geo_plot(p, bounds, crs, coverage, order)
    if suffix not in _TABLE_SUFFIXES:
        raise PlotInputError("error.plot_unknown_format", p)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PlotInputError("error.plot_unreadable", p, reason=exc.strerror or type(exc).__name__) from exc
    text = _decode(raw, p)
    return read_corner_table(text, source=p.name, bounds=bounds, crs=crs, coverage=coverage, order=order)


def _decode(raw: bytes, p: Path) -> str:
    """The text of a corner table: UTF-8 or UTF-16 (with or without BOM), else Windows-1256."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        # UTF-16 without BOM: ASCII digits leave a NUL in every other byte
        even, odd = raw[0::2], raw[1::2]
        half = max(len(raw) // 2, 1)
        if odd.count(0) > 0.4 * half and even.count(0) < 0.05 * half:
            encoding = "utf-16-le"
        elif even.count(0) > 0.4 * half and odd.count(0) < 0.05 * half:
            encoding = "utf-16-be"
        else:
            encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        # Windows-1256 (Arabic Windows, also Latin letters with accents) decodes every byte
        text = raw.decode("cp1256", errors="replace")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f\v")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise PlotInputError("error.plot_binary", p)
    return text


def _no_real_crs(src_crs: Any, xy: np.ndarray) -> bool:
    """True when a file has no CRS, or GDAL's default WGS84 on numbers that are not degrees.

    A GeoJSON without ``crs`` member is WGS84 to GDAL, whatever it holds; surveyors' and
    agencies' exports often hold Lambert metres that way (as the plan loader knows).
    """
    if src_crs is None:
        return True
    return bool(CRS.from_user_input(src_crs).is_geographic and not _degrees_like(xy))


def _read_geo_plot(
    p: Path, bounds: Bounds, crs: CRS, coverage: shapely.Geometry | None, order: str | None
) -> Plot:
    import pyogrio

    from terroffer.io.crs import crs_label, infer_crs
    from terroffer.io.detect import detect_format

    try:
        # GDAL's warnings (a ring it closed itself) become notices, not lines above the answer
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fmt = detect_format(p)
            layers = [str(n) for n, _ in pyogrio.list_layers(fmt.path)]
            # "fix" closes a ring left open (as phones draw them); nothing else is repaired
            frames = [pyogrio.read_dataframe(fmt.path, layer=name, on_invalid="fix") for name in layers]
    except Exception as exc:  # GDAL reports bad files with several exception types
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise PlotInputError("error.plot_unreadable", p, reason=reason) from exc
    closed_by_gdal = any("closed ring" in str(w.message) for w in caught)
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
            raise PlotInputError("error.plot_unclosed", p, gap=gap)
        raise PlotInputError("error.plot_no_polygon", p)
    if int(shapely.get_num_coordinates(np.asarray(polys, dtype=object)).sum()) > MAX_CORNERS:
        raise PlotInputError("error.plot_too_many_corners", p, max=MAX_CORNERS)
    notes: list[Notice] = []
    if closed_by_gdal:
        notes.append(Notice("plot.ring_closed", {"source": p.name}))
    if len(polys) > 1:
        notes.append(Notice("plot.several_polygons", {"source": p.name, "count": len(polys)}))
    geom = shapely.union_all(polys)
    xy = shapely.get_coordinates(geom)
    _check_finite(xy, p.name)
    swapped = None
    if _no_real_crs(src_crs, xy):
        try:
            extent = tuple(float(v) for v in shapely.bounds(geom))
            guessed, why = infer_crs(extent, p.name, crs.srs)  # type: ignore[arg-type]
        except CRSError as exc:
            raise PlotInputError("error.plot_far_outside", p, x=float(xy[0, 0]), y=float(xy[0, 1])) from exc
        if why == "lambert":  # degrees are said by the reading itself (plot.degrees)
            notes.append(Notice("plot.crs_inferred", {"source": p.name, "crs": crs_label(guessed)}))
        placed, more, other = _place(xy, bounds, crs, p.name, coverage, order=order, fixed=order is not None)
        notes += more
        geom = shapely.set_coordinates(geom, placed)
        if other is not None:
            swapped = shapely.set_coordinates(shapely.union_all(polys), other)
    else:
        t = Transformer.from_crs(src_crs, crs, always_xy=True)
        geom = shapely.transform(geom, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
        if not _inside(shapely.get_coordinates(geom), bounds, FAR_OUTSIDE_M):
            first = shapely.get_coordinates(geom)[0]
            raise PlotInputError("error.plot_far_outside", p, x=float(first[0]), y=float(first[1]))
    if not geom.is_valid:
        raise PlotInputError("error.plot_invalid", p, reason=shapely.is_valid_reason(geom))
    if swapped is not None and not swapped.is_valid:
        swapped = None
    return Plot(geom, p.name, warnings=tuple(notes), swapped=swapped)
