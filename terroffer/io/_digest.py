"""A checksum of a GeoPackage layer's geometry bytes, to know a verified store is unchanged.

``write_plan`` checks the zones it writes (valid, no duplicates), then records the CRC32
of the geometry blobs as GDAL hands them back. ``load_plan`` reads the zones through
Arrow, computes the same CRC over the same buffers (a few milliseconds for 100,000
zones) and skips the costly validity and duplicate checks only when it matches: any
edit made elsewhere (QGIS, ogr2ogr) changes the bytes and brings the full check back.
"""

from __future__ import annotations

import zlib
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

__all__ = ["read_layer_with_digest"]


def _crc(column: Any) -> str:
    crc = 0
    for chunk in column.chunks:
        for buf in chunk.buffers():
            if buf is not None:
                crc = zlib.crc32(memoryview(buf), crc)
    return f"crc32:{crc:08x}:{len(column)}"


def read_layer_with_digest(
    path: str, layer: str, columns: list[str] | None = None
) -> tuple[gpd.GeoDataFrame, str]:
    """The layer as ``read_dataframe(use_arrow=True)`` gives it, and the digest of its geometry."""
    meta, table = pyogrio.read_arrow(path, layer=layer, columns=columns)
    name = meta["geometry_name"] or "wkb_geometry"
    column = table.column(name)
    digest = _crc(column)
    frame = table.drop_columns([name]).to_pandas()
    geoms = shapely.from_wkb(np.asarray(column.to_numpy(zero_copy_only=False), dtype=object))
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=meta["crs"]), digest
