"""Coordinate systems: infer a missing one from the coordinates, choose the metric CRS.

A file with no CRS (a Shapefile without ``.prj``, every DXF) is read as the territory's
Lambert CRS when its coordinates fall in that projection's range, as WGS84 when they
are degrees, and refused otherwise with a message asking for ``--crs``.
"""

from __future__ import annotations

import math
from functools import cache

from pyproj import CRS, Transformer

from terroffer.errors import CRSError
from terroffer.model import TERRITORY_CRS

__all__ = ["crs_label", "fits", "infer_crs", "looks_like", "metric_crs", "parse_crs"]

Bounds = tuple[float, float, float, float]


def parse_crs(value: object, source: object = None) -> CRS:
    """A :class:`pyproj.CRS` from ``"EPSG:26191"``, ``26191``, ``"26191"``, WKT or a CRS.

    Raises
    ------
    CRSError
        When the value names no known CRS.
    """
    if isinstance(value, CRS):
        return value
    text = str(value).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except Exception as exc:  # pyproj raises CRSError of its own, among others
        raise CRSError("error.bad_crs", source or text, crs=text) from exc


def crs_label(crs: CRS | None) -> str:
    """``"EPSG:26191"`` when the CRS has an EPSG code, else its name."""
    if crs is None:
        return "unknown"
    code = crs.to_epsg(min_confidence=70)
    if code is not None:
        return f"EPSG:{code}"
    auth = crs.to_authority(min_confidence=70)
    if auth is not None:
        return f"{auth[0]}:{auth[1]}"
    return crs.name


@cache
def _projected_range(crs_text: str) -> Bounds:
    crs = CRS.from_user_input(crs_text)
    area = crs.area_of_use
    if area is None:
        raise ValueError(f"{crs_text} has no area of use")
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return to_crs.transform_bounds(area.west, area.south, area.east, area.north)


def _within(bounds: Bounds, box: Bounds, margin: float) -> bool:
    minx, miny, maxx, maxy = bounds
    bx0, by0, bx1, by1 = box
    return minx >= bx0 - margin and miny >= by0 - margin and maxx <= bx1 + margin and maxy <= by1 + margin


def _looks_like_degrees(bounds: Bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


#: How far (degrees) coordinates may lie outside a projected CRS's area of use and still be in it.
AREA_MARGIN_DEG = 10.0


def fits(bounds: Bounds, crs: CRS) -> bool:
    """Whether coordinates with these bounds can be in ``crs``.

    Degrees must lie within ±180/±90. Metres of a projected CRS must land, once
    unprojected, within :data:`AREA_MARGIN_DEG` of the CRS's area of use; and numbers
    that all fit in ±180/±90 are degrees in truth, not metres (a plan in metres lying
    within 180 m of a projection's false origin does not exist: false origins are set
    far off so that coordinates stay positive and large).
    """
    if not all(map(math.isfinite, bounds)):
        return False
    if crs.is_geographic:
        return _looks_like_degrees(bounds)
    if _looks_like_degrees(bounds):
        return False
    area = crs.area_of_use
    if area is None:
        return True
    try:
        lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform_bounds(*bounds)
    except Exception:  # pyproj raises its own ProjError for coordinates beyond the projection
        return False
    if not all(map(math.isfinite, lonlat)):
        return False
    return _within(lonlat, (area.west, area.south, area.east, area.north), margin=AREA_MARGIN_DEG)


def looks_like(bounds: Bounds, territory_crs: str = TERRITORY_CRS) -> str | None:
    """The CRS label the numbers look like (``"EPSG:26191"``, ``"EPSG:4326"``), or None when neither."""
    try:
        guessed, _ = infer_crs(bounds, None, territory_crs)
    except CRSError:
        return None
    return crs_label(guessed)


def infer_crs(bounds: Bounds, source: object, territory_crs: str = TERRITORY_CRS) -> tuple[CRS, str]:
    """CRS of coordinates that came without one.

    Returns
    -------
    (crs, why)
        ``why`` is ``"lambert"`` or ``"degrees"``, for the warning.

    Raises
    ------
    CRSError
        When the coordinates fit neither the territory's projection nor degrees.
    """
    if _looks_like_degrees(bounds):
        return CRS.from_epsg(4326), "degrees"
    if _within(bounds, _projected_range(territory_crs), margin=50_000):
        return CRS.from_user_input(territory_crs), "lambert"
    raise CRSError(
        "error.crs_unknown",
        source,
        xmin=bounds[0],
        ymin=bounds[1],
        xmax=bounds[2],
        ymax=bounds[3],
        territory=territory_crs,
    )


def metric_crs(source_crs: CRS, lonlat_bounds: Bounds, territory_crs: str = TERRITORY_CRS) -> CRS:
    """The metric CRS a plan is stored in.

    The territory's CRS when the data lies in its area of use (the reference case);
    otherwise the source's own CRS when it is projected, else the local UTM zone, so
    that a plan from elsewhere (a French PLU in Lambert-93) keeps true areas.
    """
    territory = CRS.from_user_input(territory_crs)
    area = territory.area_of_use
    if area is not None:
        minx, miny, maxx, maxy = lonlat_bounds
        if (
            minx >= area.west - 0.5
            and maxx <= area.east + 0.5
            and miny >= area.south - 0.5
            and maxy <= area.north + 0.5
        ):
            return territory
    if source_crs.is_projected:
        return source_crs
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    aoi = AreaOfInterest(*lonlat_bounds)
    found = query_utm_crs_info(datum_name="WGS 84", area_of_interest=aoi)
    return CRS.from_epsg(found[0].code) if found else territory
