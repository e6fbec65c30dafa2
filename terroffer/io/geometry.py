"""Geometry clean-up for zone and reservation layers, vectorised with shapely 2.

Every change is counted and located so the validation report can say what was done:
empty geometries and exact duplicates are dropped, closed lines become polygons,
invalid polygons are repaired with ``make_valid`` (keeping their polygonal part),
Z coordinates are dropped, and multi-part geometries are kept whole.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import GeometryType

from terroffer.model import Problem

__all__ = ["clean_polygons", "drop_invalid_coordinates"]

_POLYGONAL = (GeometryType.POLYGON, GeometryType.MULTIPOLYGON)
_LINEAR = (GeometryType.LINESTRING, GeometryType.MULTILINESTRING, GeometryType.LINEARRING)
_MAX_WHERE = 20
_COORD_CHUNK = 20_000


def _where(geoms: np.ndarray) -> tuple[tuple[float, float], ...]:
    pts = shapely.point_on_surface(geoms[:_MAX_WHERE])
    return tuple((round(float(x), 1), round(float(y), 1)) for x, y in shapely.get_coordinates(pts))


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry | None:
    if shapely.get_type_id(geom) in _POLYGONAL:
        return geom
    parts = [g for g in shapely.get_parts(geom) if shapely.get_type_id(g) in _POLYGONAL]
    polys = [p for g in parts for p in shapely.get_parts(g)]
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _closed_lines_to_polygons(geoms: np.ndarray) -> np.ndarray:
    out = np.empty(len(geoms), dtype=object)
    for i, geom in enumerate(geoms):
        rings = [
            line
            for line in shapely.get_parts(geom)
            if shapely.get_num_points(line) >= 4 and shapely.is_closed(line)
        ]
        polys = [shapely.Polygon(shapely.get_coordinates(r)) for r in rings]
        out[i] = None if not polys else polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
    return out


def drop_invalid_coordinates(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, Problem | None]:
    """The layer without the features that have a NaN or infinite coordinate, and how many they were.

    One such zone (a CAD export's stray vertex) would otherwise make the whole plan's
    extent, CRS inference and every geometric predicate fail; it is dropped and
    reported as ``invalid_coordinates`` (with the features' positions in the layer).
    """
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    bad = np.zeros(len(geoms), dtype=bool)
    # GEOS computes envelopes skipping NaN, so every vertex is looked at; in chunks, so that
    # a 100,000-zone plan never holds all its coordinates twice.
    for start in range(0, len(geoms), _COORD_CHUNK):
        chunk = geoms[start : start + _COORD_CHUNK]
        coords = shapely.get_coordinates(chunk, include_z=False)
        bad_point = ~np.isfinite(coords).all(axis=1)
        if bad_point.any():
            owner = np.repeat(np.arange(len(chunk)), shapely.get_num_coordinates(chunk))
            bad[start + np.unique(owner[bad_point])] = True
    if not bad.any():
        return gdf, None
    detail = tuple(map(str, np.flatnonzero(bad)[:_MAX_WHERE]))
    problem = Problem("invalid_coordinates", int(bad.sum()), detail=detail)
    return gdf.iloc[np.flatnonzero(~bad)].copy(), problem


def _duplicate_candidates(geoms: np.ndarray) -> np.ndarray:
    """Rows whose bounds repeat: exact duplicates share their bounds whatever their vertex order.

    Comparing four floats is far cheaper than normalising every geometry, and almost no
    row of a real plan passes this filter, so the exact test runs on a handful.
    """
    bounds = shapely.bounds(geoms)
    same_minx = np.flatnonzero(pd.Series(bounds[:, 0]).duplicated(keep=False).to_numpy())
    candidates = np.zeros(len(geoms), dtype=bool)
    if len(same_minx):
        same_box = pd.DataFrame(bounds[same_minx]).duplicated(keep=False).to_numpy()
        candidates[same_minx[same_box]] = True
    return candidates


def clean_polygons(
    gdf: gpd.GeoDataFrame, *, dedupe_on: list[str] | None = None, verified: bool = False
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Make a layer's geometries valid polygons, and say what was done.

    Parameters
    ----------
    gdf
        The layer, in any CRS.
    dedupe_on
        Attribute columns that must also be equal for two features to be duplicates
        (by default the geometry alone decides).
    verified
        The geometry is known to pass every check here (a store terroffer verified
        when writing it, whose bytes are unchanged): return it as it is.

    Returns
    -------
    (cleaned, problems)
        ``problems`` has one :class:`~terroffer.model.Problem` per kind of defect found:
        ``empty_geometry``, ``not_polygon``, ``closed_line``, ``invalid_geometry``,
        ``duplicate_geometry``.
    """
    if verified:
        return gdf, []
    problems: list[Problem] = []
    geoms = np.array(gdf.geometry.array, dtype=object)
    if shapely.has_z(geoms).any():
        geoms = shapely.force_2d(geoms)

    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        problems.append(
            Problem(
                "empty_geometry", int(empty.sum()), detail=tuple(map(str, np.flatnonzero(empty)[:_MAX_WHERE]))
            )
        )

    types = shapely.get_type_id(geoms)
    types[empty] = -1
    linear = np.isin(types, _LINEAR)
    if linear.any():
        converted = _closed_lines_to_polygons(geoms[linear])
        ok = np.array([g is not None for g in converted])
        if ok.any():
            problems.append(
                Problem("closed_line", int(ok.sum()), _where(np.asarray(list(converted[ok]), dtype=object)))
            )
        idx = np.flatnonzero(linear)
        geoms[idx] = converted
        types[idx[ok]] = GeometryType.POLYGON
        types[idx[~ok]] = -2

    other = ~np.isin(types, _POLYGONAL) & ~empty
    if other.any():
        problems.append(Problem("not_polygon", int(other.sum())))

    keep = np.isin(types, _POLYGONAL)
    valid = np.ones(len(geoms), dtype=bool)
    valid[keep] = shapely.is_valid(geoms[keep])
    invalid = keep & ~valid
    if invalid.any():
        where = _where(geoms[invalid])
        repaired = shapely.make_valid(geoms[invalid])
        fixed = np.array([_polygonal_part(g) for g in repaired], dtype=object)
        geoms[invalid] = fixed
        lost = np.array([g is None or shapely.is_empty(g) for g in fixed])
        keep[np.flatnonzero(invalid)[lost]] = False
        problems.append(Problem("invalid_geometry", int(invalid.sum()), where))

    out = gdf.iloc[np.flatnonzero(keep)].copy()
    out = out.set_geometry(gpd.GeoSeries(geoms[keep], index=out.index, crs=gdf.crs))
    if len(out):
        kept = np.asarray(out.geometry.array, dtype=object)
        candidates = np.flatnonzero(_duplicate_candidates(kept))
        dup = np.zeros(len(out), dtype=bool)
        if len(candidates):
            key = shapely.to_wkb(shapely.normalize(kept[candidates]))
            frame = out.iloc[candidates][dedupe_on].astype("str") if dedupe_on else None
            keys = [key] if frame is None else [key, *[frame[c].to_numpy() for c in frame.columns]]
            dup[candidates] = _duplicated(keys)
        if dup.any():
            problems.append(
                Problem("duplicate_geometry", int(dup.sum()), _where(np.asarray(out.geometry)[dup]))
            )
            out = out[~dup]
    return out, problems


def _duplicated(keys: list[np.ndarray]) -> np.ndarray:
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    return frame.duplicated(keep="first").to_numpy()
