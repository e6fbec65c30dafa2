"""Zone tiles cut from the plan on demand by the server process, for the explorer's map.

ipyleaflet's ``GeoJSON`` layer sends a whole FeatureCollection through one widget trait, which a
100,000-zone plan cannot afford; the map instead shows a ``VectorTileLayer`` whose tiles
(Mapbox vector tiles, the protobuf Leaflet.VectorGrid reads) the ``terroffer serve`` process cuts
from its own copy of the plan when the browser asks for them. The kernel only builds the URL
(:func:`tile_url`): the filter goes in the query string and the server recomputes the very same
:meth:`~terroffer.app.filters.ZoneFilter.mask`, so the map and the result list cannot disagree.

:func:`tile_bytes` is the pure function: tiles in Web Mercator, XYZ scheme (as OSM's), extent
4096 with a buffer of 4 screen pixels, two layers:

``zones``
    every zone, with ``f`` (family code), ``m`` (1 if the filter keeps the zone, else 0) and
    ``i`` (the zone's row in ``plan.zones``);
``reservations``
    every reservation, with ``k`` (its kind) and ``road`` (1 for a road, else 0).

Geometries are clipped to the tile and its buffer, simplified to one screen pixel of that zoom
(Douglas-Peucker, in Mercator metres) and snapped to the tile's integer grid. A zone or
reservation smaller than one screen pixel in area is left out, and so is one that the
simplification and the grid shrink to nothing: at zoom 10 the pixel is 153 m of Mercator (about
127 m on the ground at 34° N), so the smallest zones of a dense town leave pixel-sized holes
there, which fill in as the visitor zooms in. That is what keeps a zoom-10 tile of a
100,000-zone plan under 500 KB. Only polygons are drawn (lines and points in a layer are left
out). The encoder writes the protobuf with numpy, every feature of a tile at once: on the
busiest tiles of the 100,000-zone plan, ``mapbox_vector_tile.encode`` (pure Python) of the
unsimplified zones is 14 to 21 times slower and its tiles over twice as large
(``benchmarks/bench_tiles.py``).

:func:`tile_handlers` gives the tornado route that Voilà's app serves
(``{base}terroffer/tiles/{z}/{x}/{y}.pbf``): the plan is ``terroffer.load_plan()`` (the
``TERROFFER_PLAN`` that ``terroffer serve --plan`` sets, else the sample), loaded once, in the
route's thread pool as the server starts; the cutting runs in that pool, never on the IOLoop, and
encoded tiles are kept in an LRU cache. A tile with nothing in it is an empty 200 (Leaflet.VectorGrid
reads it as a tile without layers; an error status would log an error in the browser's console);
z/x/y that are not integers get 400, off the grid 404, a filter the plan cannot honour 400 in
plain words, and a URL naming another plan 409. The same route is also a Jupyter server
extension (:func:`_load_jupyter_server_extension`), behind the server's login.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import numpy as np
import pandas as pd
import shapely

from terroffer.app.filters import ZoneFilter
from terroffer.errors import FilterError, OptionError, TerrofferError
from terroffer.model import Plan

__all__ = [
    "BUFFER",
    "EXTENT",
    "MAX_ZOOM",
    "TILE_PATH",
    "TileCache",
    "plan_key",
    "tile_bytes",
    "tile_handlers",
    "tile_url",
]

#: Half the width of the Web Mercator world, in metres (EPSG:3857).
WORLD = 20037508.342789244
#: Tile coordinates run 0..EXTENT on each axis (the MVT default).
EXTENT = 4096
#: Leaflet draws a tile on 256 screen pixels: one pixel is this many tile units.
PIXEL = EXTENT // 256
#: Geometry kept beyond the tile's edge, so that strokes do not stop short at tile seams.
BUFFER = 4 * PIXEL
#: Simplification tolerance, one screen pixel (tile units).
TOLERANCE = PIXEL
#: Zones and reservations smaller than this many screen pixels (in area) are not drawn.
MIN_PIXELS = 1.0
#: Deepest zoom served (a zoom-24 pixel is about a centimetre).
MAX_ZOOM = 24
#: Filters the server remembers (each with its mask: 100 KB on a 100,000-zone plan) before it
#: forgets them all and starts again.
MAX_FILTERS = 256
#: The route below the server's base URL.
TILE_PATH = "terroffer/tiles/"

_POLYGON = 3  # shapely type id, and the MVT GeomType of a polygon


# -------------------------------------------------------------------- the plan, once in Mercator


@dataclass(frozen=True)
class _Layer:
    """One layer's geometries in Web Mercator, with their areas and a spatial index."""

    geoms: np.ndarray
    area: np.ndarray
    tree: shapely.STRtree


@dataclass(frozen=True)
class _TileIndex:
    zones: _Layer
    families: np.ndarray
    #: the families as numbers (positions in ``family_names``): sorting strings is slow
    family_codes: np.ndarray
    family_names: np.ndarray
    reservations: _Layer
    kinds: np.ndarray
    kind_codes: np.ndarray
    kind_names: np.ndarray
    #: each tile's filter-independent part (:class:`_Shapes`), by (z, x, y)
    shapes: TileCache = field(default_factory=lambda: TileCache(size=lambda shapes: shapes.nbytes))


@dataclass(frozen=True)
class _Shapes:
    """What a tile's bytes keep whatever the filter: its zones' rows and geometry, its reservations.

    A filter changes only each zone's ``m``; cutting and encoding the geometry is the tile's
    cost (50-140 ms on a low zoom of a 100,000-zone plan), paid once per tile this way.
    """

    rows: np.ndarray
    family_at: np.ndarray
    families: np.ndarray
    geom: np.ndarray
    geom_len: np.ndarray
    reservations: bytes

    @property
    def nbytes(self) -> int:
        return int(self.rows.nbytes + self.family_at.nbytes + self.geom.nbytes + self.geom_len.nbytes) + len(
            self.reservations
        )


_BUILD_LOCK = threading.Lock()


def _mercator_layer(frame: Any, crs: Any) -> _Layer:
    from pyproj import Transformer

    geoms = np.asarray(frame.geometry.values, dtype=object)
    if len(geoms) and crs is not None:
        to_3857 = Transformer.from_crs(crs, "EPSG:3857", always_xy=True)
        geoms = shapely.transform(geoms, lambda xy: np.column_stack(to_3857.transform(xy[:, 0], xy[:, 1])))
    geoms = np.where(shapely.is_missing(geoms), shapely.from_wkt("POLYGON EMPTY"), geoms)
    # A multipolygon of one part (as most loaders give every zone) is kept as that polygon: a
    # clipped polygon then stays a polygon, which the encoder need not take apart.
    one = (shapely.get_type_id(geoms) == 6) & (shapely.get_num_geometries(geoms) == 1)
    geoms[one] = shapely.get_geometry(geoms[one], 0)
    return _Layer(geoms=geoms, area=shapely.area(geoms), tree=shapely.STRtree(geoms))


def _tile_index(plan: Plan) -> _TileIndex:
    """The plan's layers in Web Mercator, projected once and cached on the plan."""
    found = plan._cache.get("tile_index")
    if found is not None:
        return found  # type: ignore[no-any-return]
    with _BUILD_LOCK:  # two first requests at once must not project a large plan twice
        found = plan._cache.get("tile_index")
        if found is None:
            families = plan.zones["family"].astype(str).to_numpy(dtype=object)
            kinds = plan.reservations["kind"].astype(str).to_numpy(dtype=object)
            family_names, family_codes = np.unique(families, return_inverse=True)
            kind_names, kind_codes = np.unique(kinds, return_inverse=True)
            found = _TileIndex(
                zones=_mercator_layer(plan.zones, plan.crs),
                families=families,
                family_codes=family_codes,
                family_names=family_names,
                reservations=_mercator_layer(plan.reservations, plan.crs),
                kinds=kinds,
                kind_codes=kind_codes,
                kind_names=kind_names,
            )
            plan._cache["tile_index"] = found
    return found  # type: ignore[no-any-return]


def plan_key(plan: Plan) -> str:
    """A short digest of everything a tile depends on: geometries, attributes, rules, plans.

    Stable across processes (``pandas.util.hash_pandas_object`` uses a fixed key), so the kernel
    and the server compute the same key for the same file; cached on the plan.
    """
    found = plan._cache.get("plan_key")
    if found is not None:
        return found  # type: ignore[no-any-return]
    digest = hashlib.blake2b(digest_size=6)
    for frame in (plan.zones, plan.reservations, plan.communes, plan.rules, plan.plans):
        if "geometry" in frame:
            wkb = shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object))
            digest.update(b"".join(b or b"" for b in wkb))
            frame = pd.DataFrame(frame.drop(columns="geometry"))
        digest.update(",".join(map(str, frame.columns)).encode())
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    key = digest.hexdigest()
    plan._cache["plan_key"] = key
    return key


def tile_url(plan: Plan, zone_filter: ZoneFilter, base_url: str | None = None) -> str:
    """The Leaflet URL template of the zone tiles of ``plan`` under ``zone_filter``.

    Parameters
    ----------
    plan
        The kernel's plan; its :func:`plan_key` goes in the URL, so a server holding another
        plan refuses the tiles (409) and a browser cache never mixes two plans.
    zone_filter
        The explorer's filters, written with :meth:`ZoneFilter.to_query`.
    base_url
        The server's base URL; by default ``TERROFFER_BASE_URL``, else ``"/"``.

    Returns
    -------
    str
        ``{base_url}terroffer/tiles/{z}/{x}/{y}.pbf?<filter query>&plan=<plan key>``.
    """
    base = base_url if base_url is not None else os.environ.get("TERROFFER_BASE_URL", "").strip() or "/"
    base = base if base.endswith("/") else base + "/"
    query = "&".join(q for q in (zone_filter.to_query(), urlencode({"plan": plan_key(plan)})) if q)
    return f"{base}{TILE_PATH}{{z}}/{{x}}/{{y}}.pbf?{query}"


# ----------------------------------------------------------------------------- protobuf writing


def _varint_sizes(values: np.ndarray) -> np.ndarray:
    """How many bytes each unsigned value takes as a protobuf varint."""
    size = np.ones(len(values), dtype=np.int64)
    for bits in range(7, 64, 7):
        size += values >= (np.uint64(1) << np.uint64(bits))
    return size


def _varints(values: np.ndarray) -> bytes:
    """The values (unsigned) as consecutive protobuf varints."""
    values = np.asarray(values, dtype=np.uint64)
    size = _varint_sizes(values)
    out = np.empty(int(size.sum()), dtype=np.uint8)
    start = np.cumsum(size) - size
    for k in range(int(size.max(initial=0))):
        has = size > k
        chunk = (values[has] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = np.where(size[has] > k + 1, np.uint64(0x80), np.uint64(0))
        out[start[has] + k] = (chunk | more).astype(np.uint8)
    return out.tobytes()


def _field(tag: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return _varints(np.array([tag, len(payload)])) + payload


def _string_values(texts: list[str]) -> bytes:
    # Layer.values (field 4), each a Value with string_value (field 1)
    return b"".join(_field(0x22, _field(0x0A, t.encode("utf-8"))) for t in texts)


def _uint_values(numbers: np.ndarray) -> bytes:
    # Layer.values (field 4), each a Value with uint_value (field 5): [0x22, len, 0x28, n] per n
    numbers = np.asarray(numbers, dtype=np.uint64)
    stream = np.empty((len(numbers), 4), dtype=np.uint64)
    stream[:, 0] = 0x22
    stream[:, 1] = 1 + _varint_sizes(numbers)
    stream[:, 2] = 0x28
    stream[:, 3] = numbers
    return _varints(stream.ravel())


def _zigzag(d: np.ndarray) -> np.ndarray:
    return ((d << 1) ^ (d >> 63)).astype(np.uint64)


def _polygon_commands(
    geoms: np.ndarray, to_tile: tuple[float, float, float] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The MVT command stream of each polygonal geometry.

    ``to_tile`` is ``(left, top, scale)``: a point (X, Y) is at ``((X - left)·scale, (top - Y)·scale)``
    in the tile (y down); without it the geometries are in tile coordinates already. The
    transform is done here on the coordinate array, as it is read out of the geometries
    (``shapely.transform`` would build every geometry anew: the slowest step of a busy tile).
    Coordinates are rounded to the tile grid; repeated points, rings left with fewer than three
    points or no area, and holes of a dropped outer ring are removed; outer rings are turned
    clockwise on screen (positive area in tile coordinates), holes the other way, as the MVT
    specification asks.

    Returns
    -------
    kept
        Positions in ``geoms`` of the geometries that still have a ring, ascending.
    stream
        Their command integers, one geometry after the other.
    offsets
        ``stream[offsets[j]:offsets[j + 1]]`` is the geometry ``kept[j]``.
    """
    empty = (np.zeros(0, np.int64), np.zeros(0, np.uint64), np.zeros(1, np.int64))
    # Most geometries are single polygons: only the others are taken apart (get_parts is slow).
    single = shapely.get_type_id(geoms) == _POLYGON
    parts, owner = shapely.get_parts(geoms[~single], return_index=True)
    owner = np.flatnonzero(~single)[owner]
    order = np.argsort(np.concatenate([np.flatnonzero(single), owner]), kind="stable")
    parts = np.concatenate([geoms[single], parts])[order]
    owner = np.concatenate([np.flatnonzero(single), owner])[order]
    polygonal = (shapely.get_type_id(parts) == _POLYGON) & ~shapely.is_empty(parts)
    parts, owner = parts[polygonal], owner[polygonal]
    if not len(parts):
        return empty
    _, coords, (ring_off, poly_off) = shapely.to_ragged_array(parts)
    if to_tile is not None:
        left, top, scale = to_tile
        coords = (coords - (left, top)) * (scale, -scale)
    q = np.rint(coords).astype(np.int64)
    n_rings = len(ring_off) - 1
    ring_of = np.repeat(np.arange(n_rings), np.diff(ring_off))

    # Drop each ring's closing point (ClosePath closes it) and points equal to the one before.
    keep = np.ones(len(q), dtype=bool)
    keep[ring_off[1:] - 1] = False
    keep[1:] &= ~((q[1:] == q[:-1]).all(axis=1) & (ring_of[1:] == ring_of[:-1]))
    q, ring_of = q[keep], ring_of[keep]
    count = np.bincount(ring_of, minlength=n_rings)
    start = np.cumsum(count) - count
    # A last point that rounds onto the first adds nothing either.
    multi = np.flatnonzero(count > 1)
    closes = multi[(q[start[multi] + count[multi] - 1] == q[start[multi]]).all(axis=1)]
    if len(closes):
        keep = np.ones(len(q), dtype=bool)
        keep[start[closes] + count[closes] - 1] = False
        q, ring_of = q[keep], ring_of[keep]
        count = np.bincount(ring_of, minlength=n_rings)
        start = np.cumsum(count) - count
    if not len(q):
        return empty

    # Twice the signed area of each ring (surveyor's formula, closing edge included).
    nxt = np.arange(1, len(q) + 1)
    nxt[start[count > 0] + count[count > 0] - 1] = start[count > 0]
    cross = q[:, 0] * q[nxt, 1] - q[nxt, 0] * q[:, 1]
    area2 = np.bincount(ring_of, weights=cross.astype(np.float64), minlength=n_rings)

    ring_poly = np.repeat(np.arange(len(poly_off) - 1), np.diff(poly_off))
    outer = np.arange(n_rings) == poly_off[ring_poly]
    ok = (count >= 3) & (area2 != 0)
    ok &= ok[poly_off[ring_poly]]  # a hole without its outer ring is dropped with it
    if not ok.any():
        return empty
    flip = (area2 > 0) != outer

    # Gather the kept rings' points, reversing those that wind the wrong way.
    rings = np.flatnonzero(ok)
    n = count[rings]
    first = start[rings]
    ring_pos = np.repeat(np.arange(len(rings)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    k = np.where(flip[rings][ring_pos], n[ring_pos] - 1 - k, k)
    pts = q[first[ring_pos] + k]

    # Deltas from the previous point; the cursor starts at (0, 0) for each feature.
    feature_of_ring = owner[ring_poly[rings]]
    feature_of_pt = feature_of_ring[ring_pos]
    prev = np.zeros_like(pts)
    prev[1:] = pts[:-1]
    new_feature = np.ones(len(pts), dtype=bool)
    new_feature[1:] = feature_of_pt[1:] != feature_of_pt[:-1]
    prev[new_feature] = 0
    delta = _zigzag(pts - prev)

    # Per ring: MoveTo(1) x y, LineTo(n-1) then n-1 pairs, ClosePath(1): 2n + 3 integers.
    length = 2 * n + 3
    rstart = np.cumsum(length) - length
    stream = np.empty(int(length.sum()), dtype=np.uint64)
    stream[rstart] = 9  # MoveTo, count 1
    stream[rstart + 3] = (2 | ((n - 1) << 3)).astype(np.uint64)
    stream[rstart + length - 1] = 15  # ClosePath, count 1
    # the first point right after MoveTo (slots 1, 2), point j >= 1 after LineTo (slot 4 + 2(j - 1))
    j = np.arange(len(pts)) - np.repeat(np.cumsum(n) - n, n)
    slot = rstart[ring_pos] + np.where(j == 0, 1, 2 + 2 * j)
    stream[slot] = delta[:, 0]
    stream[slot + 1] = delta[:, 1]

    kept, first_ring = np.unique(feature_of_ring, return_index=True)
    ring_off_stream = np.append(rstart, len(stream))
    offsets = np.append(ring_off_stream[first_ring], len(stream))
    return kept.astype(np.int64), stream, offsets


def _geometry_bytes(stream: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each feature's geometry commands as varints, all concatenated (uint8), and each one's length."""
    n = len(offsets) - 1
    if not len(stream):
        return np.zeros(0, dtype=np.uint8), np.zeros(n, dtype=np.int64)
    geom_len = np.add.reduceat(_varint_sizes(stream), offsets[:-1]).astype(np.int64)
    return np.frombuffer(_varints(stream), dtype=np.uint8), geom_len


def _spread(blob: np.ndarray, lengths: np.ndarray, starts: np.ndarray, out: np.ndarray) -> None:
    """Write the consecutive pieces of ``blob`` (``lengths`` long) at ``starts`` in ``out``."""
    within = np.arange(len(blob)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    out[np.repeat(starts, lengths) + within] = blob


def _layer(
    name: str,
    geom: np.ndarray,
    geom_len: np.ndarray,
    keys: list[str],
    tags: np.ndarray,
    values: bytes,
) -> bytes:
    """One Layer message (as a Tile.layers field) of polygon features.

    ``geom``/``geom_len`` are the features' encoded geometries (:func:`_geometry_bytes`);
    ``tags`` holds, per feature, the index in ``values`` of each key's value, in ``keys`` order.
    """
    n = len(geom_len)
    tag_pairs = np.empty((n, 2 * len(keys)), dtype=np.uint64)
    tag_pairs[:, 0::2] = np.arange(len(keys), dtype=np.uint64)
    tag_pairs[:, 1::2] = tags
    tag_bytes = _varint_sizes(tag_pairs.ravel()).reshape(n, -1).sum(axis=1).astype(np.uint64)
    glen = geom_len.astype(np.uint64)
    feature_bytes = (1 + _varint_sizes(tag_bytes) + tag_bytes + 2 + 1 + _varint_sizes(glen) + glen).astype(
        np.uint64
    )
    # Each feature: Layer.features tag and length, Feature.tags (packed), type, then its geometry.
    head = np.column_stack(
        [
            np.full(n, 0x12),
            feature_bytes,
            np.full(n, 0x12),
            tag_bytes,
            tag_pairs,
            np.full(n, 0x18),
            np.full(n, _POLYGON),
            np.full(n, 0x22),
            glen,
        ]
    ).astype(np.uint64)
    head_len = _varint_sizes(head.ravel()).reshape(n, -1).sum(axis=1)
    total = head_len + geom_len
    start = np.cumsum(total) - total
    out = np.empty(int(total.sum()), dtype=np.uint8)
    _spread(np.frombuffer(_varints(head.ravel()), dtype=np.uint8), head_len, start, out)
    _spread(geom, geom_len, start + head_len, out)
    body = (
        bytes([0x78, 2])  # version 2
        + _field(0x0A, name.encode())
        + b"".join(_field(0x1A, key.encode()) for key in keys)
        + values
        + bytes([0x28])
        + _varints(np.array([EXTENT]))
        + out.tobytes()
    )
    return _field(0x1A, body)  # Tile.layers


# ------------------------------------------------------------------------------------- cutting


def _check_tile(z: int, x: int, y: int) -> None:
    ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (z, x, y))
    if not ints or not 0 <= z <= MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise OptionError("error.tile_out_of_range", "z/x/y", value=f"{z}/{x}/{y}", max_zoom=MAX_ZOOM)


def _cut(layer: _Layer, z: int, x: int, y: int) -> tuple[np.ndarray, np.ndarray, tuple[float, float, float]]:
    """Rows of ``layer`` seen in tile z/x/y, their geometries clipped and simplified, and ``to_tile``.

    The geometries stay in Web Mercator metres; ``to_tile`` (left, top, scale) takes them into
    the tile (see :func:`_polygon_commands`).
    """
    width = 2 * WORLD / 2**z
    minx, maxy = -WORLD + x * width, WORLD - y * width
    margin = width * BUFFER / EXTENT
    window = shapely.box(minx - margin, maxy - width - margin, minx + width + margin, maxy + margin)
    rows = np.sort(layer.tree.query(window))
    rows = rows[layer.area[rows] >= MIN_PIXELS * (width / 256) ** 2]  # smaller than a screen pixel: not drawn
    to_tile = (minx, maxy, EXTENT / width)
    if not len(rows):
        return rows, np.zeros(0, dtype=object), to_tile
    geoms = layer.geoms[rows]
    # Only what crosses the window's edge is clipped: at low zoom most zones lie well inside.
    x0, y0, x1, y1 = window.bounds
    b = shapely.bounds(geoms)
    crossing = (b[:, 0] < x0) | (b[:, 1] < y0) | (b[:, 2] > x1) | (b[:, 3] > y1)
    geoms[crossing] = shapely.clip_by_rect(geoms[crossing], x0, y0, x1, y1)
    geoms = shapely.simplify(geoms, TOLERANCE * width / EXTENT, preserve_topology=False)
    return rows, geoms, to_tile


def tile_bytes(plan: Plan, z: int, x: int, y: int, zone_filter: ZoneFilter | None = None) -> bytes:
    """The Mapbox vector tile z/x/y (XYZ, Web Mercator) of ``plan``, not compressed.

    Parameters
    ----------
    plan
        The plan to draw.
    z, x, y
        The tile, as Leaflet and OSM number them (``y`` from the north).
    zone_filter
        Sets each zone's ``m`` (1 where the filter keeps it); ``None`` keeps every zone.

    Returns
    -------
    bytes
        The tile, with layers ``zones`` (``f``, ``m``, ``i``) and ``reservations`` (``k``,
        ``road``); a layer with nothing in the tile is left out, so a tile away from the plan is
        ``b""`` (an empty tile, which Leaflet.VectorGrid reads without complaint).

    Raises
    ------
    OptionError
        When z, x or y is not an integer or lies outside the zoom's grid.
    """
    _check_tile(z, x, y)
    index = _tile_index(plan)
    shapes = index.shapes.get((z, x, y))
    if shapes is None:
        shapes = _shapes(index, z, x, y)
        index.shapes.put((z, x, y), shapes)
    if not len(shapes.rows):
        return shapes.reservations
    rows = shapes.rows
    keep = np.ones(len(plan.zones), dtype=bool) if zone_filter is None else zone_filter.mask(plan)
    numbers = np.union1d([0, 1], rows).astype(np.uint64)
    n_families = len(shapes.families)
    tags = np.column_stack(
        [
            shapes.family_at,
            n_families + np.searchsorted(numbers, keep[rows].astype(np.uint64)),
            n_families + np.searchsorted(numbers, rows.astype(np.uint64)),
        ]
    )
    values = _string_values(list(shapes.families)) + _uint_values(numbers)
    zones = _layer("zones", shapes.geom, shapes.geom_len, ["f", "m", "i"], tags, values)
    return zones + shapes.reservations


def _shapes(index: _TileIndex, z: int, x: int, y: int) -> _Shapes:
    """Cut and encode what tile z/x/y shows, but for the filter's marks."""
    rows, geoms, to_tile = _cut(index.zones, z, x, y)
    kept, stream, offsets = _polygon_commands(geoms, to_tile)
    rows = rows[kept]
    used, family_at = np.unique(index.family_codes[rows], return_inverse=True)
    geom, geom_len = _geometry_bytes(stream, offsets)

    reservations = b""
    res_rows, geoms, to_tile = _cut(index.reservations, z, x, y)
    kept, stream, offsets = _polygon_commands(geoms, to_tile)
    if len(kept):
        used_kinds, kind_at = np.unique(index.kind_codes[res_rows[kept]], return_inverse=True)
        kinds = index.kind_names[used_kinds]
        road = (kinds[kind_at] == "road").astype(np.int64)
        tags = np.column_stack([kind_at, len(kinds) + road])
        values = _string_values(list(kinds)) + _uint_values(np.array([0, 1]))
        res_geom, res_len = _geometry_bytes(stream, offsets)
        reservations = _layer("reservations", res_geom, res_len, ["k", "road"], tags, values)
    return _Shapes(
        rows=rows.astype(np.int64),
        family_at=family_at.astype(np.int64),
        families=index.family_names[used],
        geom=geom,
        geom_len=geom_len,
        reservations=reservations,
    )


# ------------------------------------------------------------------------------------- serving


class TileCache:
    """Encoded tiles (or what ``size`` weighs), least recently used dropped first beyond ``max_bytes``.

    Thread-safe: the tile server's pool threads share it.
    """

    def __init__(self, max_bytes: int = 64 * 2**20, size: Callable[[Any], int] = len) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._size_of = size
        self._lock = threading.Lock()
        self._tiles: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any) -> Any:
        """The value stored under ``key`` (now the most recently used), or None."""
        with self._lock:
            found = self._tiles.get(key)
            if found is not None:
                self._tiles.move_to_end(key)
            return found

    def put(self, key: Any, tile: Any) -> None:
        """Store ``tile``; drop the least recently used values beyond the budget."""
        with self._lock:
            if key in self._tiles:
                self.size -= self._size_of(self._tiles.pop(key))
            self._tiles[key] = tile
            self.size += self._size_of(tile)
            while self.size > self.max_bytes and len(self._tiles) > 1:
                self.size -= self._size_of(self._tiles.popitem(last=False)[1])

    def __len__(self) -> int:
        return len(self._tiles)


class _TileServer:
    """The server process's plan, thread pool and cache, shared by every tile request."""

    def __init__(self, load: Callable[[], Plan] | None = None, workers: int = 2) -> None:
        self._load = load
        self._plan: Plan | None = None
        self._lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="terroffer-tiles")
        self.cache = TileCache()
        self.pending: dict[Any, asyncio.Future[bytes]] = {}
        #: each query string already parsed: the plan's key and its filter
        self.prepared: dict[str, tuple[str, ZoneFilter]] = {}

    def plan(self) -> Plan:
        """The plan, loaded on the first call (in a pool thread: a large plan takes seconds)."""
        with self._lock:
            if self._plan is None:
                if self._load is None:
                    from terroffer import load_plan

                    self._plan = load_plan()
                else:
                    self._plan = self._load()
                plan_key(self._plan)
                _tile_index(self._plan)
            return self._plan

    def prepare(self, query: str) -> tuple[str, ZoneFilter]:
        """The server plan's key and the filter of ``query`` (which may raise FilterError/OptionError)."""
        plan = self.plan()
        masks = plan._cache.get("zone_filter")
        if masks is not None and len(masks) >= MAX_FILTERS:  # hand-made URLs must not fill the memory
            masks.clear()
        zone_filter = ZoneFilter.from_query(plan, query)
        zone_filter.mask(plan)  # worked out here, in the pool, not on the IOLoop
        return plan_key(plan), zone_filter


def _parse_tile(z: str, x: str, y: str) -> tuple[int, int, int] | None:
    if not all(v.isascii() and v.isdigit() and len(v) <= 9 for v in (z, x, y)):
        return None
    return int(z), int(x), int(y)


def tile_handlers(
    server_url: str = "/", load: Callable[[], Plan] | None = None, *, jupyter: bool = False
) -> list[tuple[Any, ...]]:
    """The tornado route of the zone tiles, to put before Voilà's catch-all page route.

    Parameters
    ----------
    server_url
        The prefix Voilà serves its own routes under (its ``server_url``).
    load
        How to get the plan; by default ``terroffer.load_plan()`` with no argument.
    jupyter
        Build the handler on Jupyter server's ``JupyterHandler`` and ask for the server's
        token or login, as every route of a planner's JupyterLab does; Voilà's public pages
        need no login.

    Returns
    -------
    list
        ``[(pattern, handler class, {"server": ...})]``, for ``tornado.web.Application``.
    """
    import tornado.web
    from tornado.ioloop import IOLoop

    state = _TileServer(load)
    # Load and project the plan now, in the pool: the first visitor's tiles then need not wait
    # seconds for a large plan (an error here comes back with the first tile request).
    state.pool.submit(state.plan)

    base: type = tornado.web.RequestHandler
    if jupyter:
        from jupyter_server.base.handlers import JupyterHandler

        base = JupyterHandler

    class TileHandler(base):  # type: ignore[misc,valid-type]
        """GET ``terroffer/tiles/{z}/{x}/{y}.pbf?<filter>&plan=<key>``: one zone tile."""

        def initialize(self, server: _TileServer) -> None:
            self.server = server

        def _refuse(self, status: int, text: str) -> None:
            self.set_status(status)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(text)

        async def get(self, z: str, x: str, y: str) -> None:
            from terroffer.reference import LANGUAGES, translate

            lang = os.environ.get("TERROFFER_LANG", "fr")
            lang = lang if lang in LANGUAGES else "fr"
            tile = _parse_tile(z, x, y)
            if tile is None:
                return self._refuse(400, translate("tiles.bad_tile", lang, value=f"{z}/{x}/{y}"))
            try:
                _check_tile(*tile)
            except OptionError as error:
                return self._refuse(404, error.message(lang))
            pairs = parse_qsl(self.request.query, keep_blank_values=True)
            asked = [v for k, v in pairs if k == "plan"]
            query = urlencode([(k, v) for k, v in pairs if k != "plan"])
            loop = IOLoop.current()
            prepared = self.server.prepared.get(query)
            if prepared is None:  # a filter not seen yet: parsed and its mask worked out in the pool
                try:
                    prepared = await loop.run_in_executor(self.server.pool, self.server.prepare, query)
                except (FilterError, OptionError) as error:
                    return self._refuse(400, error.message(lang))
                except TerrofferError as error:  # the server's own plan cannot be read: not the visitor's
                    return self._refuse(500, error.message(lang))
                if len(self.server.prepared) >= MAX_FILTERS:  # hand-made URLs must not grow it without end
                    self.server.prepared.clear()
                self.server.prepared[query] = prepared
            key, zone_filter = prepared
            if asked and asked[-1] != key:
                return self._refuse(409, translate("tiles.other_plan", lang, asked=asked[-1], key=key))
            cache_key = (key, *tile, zone_filter.to_query())
            data = self.server.cache.get(cache_key)
            if data is None:
                pending = self.server.pending.get(cache_key)
                if pending is None:  # the first request for this tile cuts it; the others wait for it
                    pending = asyncio.ensure_future(
                        loop.run_in_executor(
                            self.server.pool, lambda: tile_bytes(self.server.plan(), *tile, zone_filter)
                        )
                    )
                    self.server.pending[cache_key] = pending
                    try:
                        data = await pending
                    finally:
                        del self.server.pending[cache_key]
                    self.server.cache.put(cache_key, data)
                else:
                    data = await pending
            self.set_header("Content-Type", "application/x-protobuf")
            # The URL names the plan's digest: its tile never changes. Without it, ask again.
            self.set_header("Cache-Control", "public, max-age=86400" if asked else "no-cache")
            self.finish(data)

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            # never a traceback to a visitor, whatever the application's debug setting
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"{status_code} {self._reason}")

    if jupyter:
        setattr(TileHandler, "get", tornado.web.authenticated(TileHandler.get))  # noqa: B010 - mypy refuses a method assignment
    prefix = server_url if server_url.endswith("/") else server_url + "/"
    pattern = rf"{prefix}{TILE_PATH}([^/]+)/([^/]+)/([^/]+)\.pbf"
    return [(pattern, TileHandler, {"server": state})]


# ------------------------------------------------------------------ as a Jupyter server extension


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Jupyter server finds the extension here: ``--ServerApp.jpserver_extensions`` names this module."""
    return [{"module": "terroffer.app.tiles"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Serve the same zone tiles from a Jupyter server (the planner's JupyterLab), behind its login.

    Enable it with ``jupyter lab --ServerApp.jpserver_extensions=terroffer.app.tiles=True``
    (or the same in ``jupyter_server_config.json``); the plan is ``TERROFFER_PLAN``, else the sample.
    """
    base_url = serverapp.web_app.settings.get("base_url", "/")
    serverapp.web_app.add_handlers(".*$", tile_handlers(base_url, jupyter=True))
