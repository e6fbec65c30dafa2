"""Which format a path holds: by extension first, then by the first bytes.

A file whose extension is unknown is sniffed (``Cockrell Hill.zoning`` is GeoJSON);
one that is neither known nor recognisable is refused instead of guessed.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from terroffer.errors import DataSourceError

__all__ = ["Format", "detect_format"]


@dataclass(frozen=True)
class Format:
    """A source format: the GDAL driver (or ``"Parquet"``) and the path to open."""

    driver: str
    path: str
    label: str


_BY_EXTENSION = {
    ".gpkg": ("GPKG", "GeoPackage"),
    ".shp": ("ESRI Shapefile", "Shapefile"),
    ".dbf": ("ESRI Shapefile", "Shapefile"),
    ".geojson": ("GeoJSON", "GeoJSON"),
    ".json": ("GeoJSON", "GeoJSON"),
    ".topojson": ("TopoJSON", "TopoJSON"),
    ".kml": ("LIBKML", "KML"),
    ".kmz": ("LIBKML", "KMZ"),
    ".tab": ("MapInfo File", "MapInfo TAB"),
    ".mif": ("MapInfo File", "MapInfo MIF"),
    ".dxf": ("DXF", "AutoCAD DXF"),
    ".parquet": ("Parquet", "GeoParquet"),
    ".geoparquet": ("Parquet", "GeoParquet"),
    ".gml": ("GML", "GML"),
}


def _sniff(head: bytes) -> tuple[str, str] | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"SQLite format 3\x00"):
        return ("GPKG", "GeoPackage")
    if head.startswith(b"PAR1"):
        return ("Parquet", "GeoParquet")
    if head[:4] == b"\x00\x00\x27\x0a":
        return ("ESRI Shapefile", "Shapefile")
    if text.startswith(b"{"):
        if b'"Topology"' in text[:4096]:
            return ("TopoJSON", "TopoJSON")
        return ("GeoJSON", "GeoJSON")
    lower = text[:4096].lower()
    if text.startswith(b"<"):
        if b"<kml" in lower:
            return ("LIBKML", "KML")
        if b"gml" in lower:
            return ("GML", "GML")
    if lower.startswith(b"!table"):
        return ("MapInfo File", "MapInfo TAB")
    if lower.startswith(b"version") and b"columns" in lower:
        return ("MapInfo File", "MapInfo MIF")
    if lower.replace(b" ", b"").startswith(b"0\r\nsection") or lower.replace(b" ", b"").startswith(
        b"0\nsection"
    ):
        return ("DXF", "AutoCAD DXF")
    return None


def _zip_format(path: Path) -> Format:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except zipfile.BadZipFile as exc:
        raise DataSourceError("error.bad_zip", path) from exc
    lowered = [n.lower() for n in names]
    if any(n.endswith(".kml") for n in lowered) and not any(n.endswith(".shp") for n in lowered):
        return Format("LIBKML", str(path), "KMZ")
    for ext in (".shp", ".gpkg", ".geojson", ".tab", ".kml", ".dxf", ".mif"):
        inner = [n for n, low in zip(names, lowered, strict=True) if low.endswith(ext)]
        if inner:
            driver, label = _BY_EXTENSION[ext]
            if len(inner) == 1:
                return Format(driver, f"/vsizip/{path}/{inner[0]}", f"{label} (zip)")
            if ext == ".gpkg" or len({n.rsplit("/", 1)[0] for n in inner if "/" in n}) > 1:
                # several layers GDAL cannot open as one folder: which one is not ours to guess
                raise DataSourceError("error.zip_several_layers", path, layers=", ".join(sorted(inner)[:8]))
            return Format(driver, f"/vsizip/{path}", f"{label} (zip)")
    raise DataSourceError("error.zip_without_layer", path)


def detect_format(path: str | Path) -> Format:
    """Detect the format of ``path``.

    Raises
    ------
    DataSourceError
        When the path does not exist, is empty, or holds nothing terroffer can read.
    """
    p = Path(path)
    if not p.exists():
        raise DataSourceError("error.not_found", p)
    if p.is_dir():
        return Format("directory", str(p), "folder")
    ext = p.suffix.lower()
    if p.stat().st_size == 0:
        raise DataSourceError("error.empty_file", p)
    with p.open("rb") as fh:
        head = fh.read(8192)
    is_zip = head.startswith(b"PK\x03\x04")
    if ext == ".zip" and not is_zip:
        raise DataSourceError("error.bad_zip", p)
    if is_zip and (ext == ".zip" or ext not in _BY_EXTENSION):
        return _zip_format(p)
    if ext in _BY_EXTENSION:
        driver, label = _BY_EXTENSION[ext]
        if ext == ".kmz":
            return Format(driver, str(p), label)
        sniffed = _sniff(head)
        if ext == ".json" and sniffed is not None:
            driver, label = sniffed
        if driver == "ESRI Shapefile" and ext == ".dbf":
            return Format(driver, str(p), "dBase table")
        return Format(driver, str(p), label)
    sniffed = _sniff(head)
    if sniffed is None:
        raise DataSourceError("error.unknown_format", p)
    return Format(sniffed[0], str(p), sniffed[1])
