"""Fixtures for the loader, validation and command tests, built in code inside ``tmp_path``.

One small canonical plan, drawn by hand so that every expected number can be computed
by hand, is written into each supported format by the parametrised ``plan_file`` fixture
(the pyogrio way). Coordinates are EPSG:26191 (Lambert Nord Maroc) relative to
(X0, Y0) = (370000, 360000), near Témara::

    y=150 +-----------------+
          |       I1        |     I1: 200 x 50 = 10,000 m²
    y=100 +--------+--------+
          |   V1   |   D    |     V1, D: 100 x 100 = 10,000 m² each
    y=0   +--------+--------+
         x=0     x=100    x=200

Total zoned area 30,000 m². The commune C1 is the box x=-100..300, y=-100..250.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import box

CRS = "EPSG:26191"
X0, Y0 = 370_000.0, 360_000.0

#: (code, French label, Arabic label, (x1, y1, x2, y2) relative to X0, Y0)
ZONES = [
    ("V1", "Zone de villas", "منطقة الفيلات", (0, 0, 100, 100)),
    ("D", "Habitat continu à façade", "السكن الفردي", (100, 0, 200, 100)),
    ("I1", "Zone industrielle équipée", "منطقة صناعية", (0, 100, 200, 150)),
]
CODES = {"V1", "D", "I1"}
AREA = {"V1": 100 * 100, "D": 100 * 100, "I1": 200 * 50}
TOTAL_AREA = 30_000.0
FAMILY = {"V1": "villa", "D": "individual_housing", "I1": "industry"}

#: Complete rules for the three zones: a validation of the plan with them is clean.
RULES = pd.DataFrame(
    {
        "zone_code": ["V1", "D", "I1"],
        "cos": [0.6, 1.8, 1.5],
        "ces": [0.3, 0.6, 0.6],
        "max_height_m": [8.5, 11.5, 15.0],
        "max_floors": [2, 3, 3],
        "min_lot_m2": [300.0, 100.0, 1000.0],
        "allowed_uses": ["villa", "dwelling;shop", "factory;warehouse"],
    }
)

TO_LONLAT = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


def rect(x1: float, y1: float, x2: float, y2: float) -> shapely.Polygon:
    """A rectangle in plan coordinates relative to (X0, Y0), in EPSG:26191."""
    return box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


#: The commune C1: x=-100..300, y=-100..250 around the zones.
COMMUNE = box(X0 - 100, Y0 - 100, X0 + 300, Y0 + 250)


def zones_frame(crs: str = CRS) -> gpd.GeoDataFrame:
    """The canonical fixture's zones, with canonical column names."""
    frame = gpd.GeoDataFrame(
        {
            "zone_code": [z[0] for z in ZONES],
            "label_fr": [z[1] for z in ZONES],
            "label_ar": [z[2] for z in ZONES],
        },
        geometry=[rect(*z[3]) for z in ZONES],
        crs=CRS,
    )
    return frame.to_crs(crs) if crs != CRS else frame


def lonlat_ring(geom: shapely.Polygon) -> list[tuple[float, float]]:
    """The exterior ring of a Lambert polygon as (lon, lat) pairs."""
    return [TO_LONLAT.transform(x, y) for x, y in geom.exterior.coords]


# ----------------------------------------------------------------------------- writers


def write_kml(path: Path, placemarks: list[tuple[str, str, shapely.Polygon]]) -> Path:
    """A KML file as a desktop globe writes it: one placemark per zone, named ``Zone <code>``."""
    items = []
    for name, description, geom in placemarks:
        coords = " ".join(f"{lon:.10f},{lat:.10f},0" for lon, lat in lonlat_ring(geom))
        items.append(
            f"""    <Placemark>
      <name>{name}</name>
      <description>{description}</description>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon>
    </Placemark>"""
        )
    body = "\n".join(items)
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Zonage</name>
{body}
  </Document>
</kml>
""",
        encoding="utf-8",
    )
    return path


def write_kmz(path: Path, placemarks: list[tuple[str, str, shapely.Polygon]]) -> Path:
    kml = write_kml(path.with_suffix(".kml"), placemarks)
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(kml, "doc.kml")
    kml.unlink()
    return path


def write_dxf(
    path: Path,
    shapes: list[tuple[str, shapely.Polygon]],
    labels: Sequence[tuple[str, str, tuple[float, float]]] = (),
) -> Path:
    """A DXF as drawn in CAD: closed LWPOLYLINEs on ``layer``, optional TEXT labels (layer, text, xy)."""
    import ezdxf

    doc = ezdxf.new()
    msp = doc.modelspace()
    for layer, geom in shapes:
        if layer not in doc.layers:
            doc.layers.add(layer)
        msp.add_lwpolyline(list(geom.exterior.coords)[:-1], close=True, dxfattribs={"layer": layer})
    for layer, text, (x, y) in labels:
        if layer not in doc.layers:
            doc.layers.add(layer)
        msp.add_text(text, dxfattribs={"layer": layer, "height": 2.5}).set_placement((x, y))
    doc.saveas(path)
    return path


def zip_files(path: Path, files: list[Path]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for f in files:
            archive.write(f, f.name)
    return path


def write_shapefile(frame: gpd.GeoDataFrame, path: Path, **kwargs: object) -> Path:
    pyogrio.write_dataframe(frame, path, driver="ESRI Shapefile", **kwargs)
    return path


def shapefile_parts(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.iterdir() if p.stem == path.stem)


def write_canonical_gpkg(
    path: Path,
    *,
    zones: gpd.GeoDataFrame | None = None,
    rules: pd.DataFrame = RULES,
    communes: bool = True,
) -> Path:
    """terroffer's five layers, written with pyogrio directly (not with terroffer's writer).

    ``zones`` needs only ``zone_code`` and a geometry in EPSG:26191; the family comes
    from :data:`FAMILY` where the code is there.
    """
    zones = zones_frame() if zones is None else zones.copy()
    if "family" not in zones:
        zones["family"] = zones["zone_code"].map(FAMILY)
    zones["plan_id"] = "PA-T"
    pyogrio.write_dataframe(zones, path, layer="zones", driver="GPKG")
    full = rules.copy()
    full.insert(0, "plan_id", "PA-T")
    pyogrio.write_dataframe(full, path, layer="rules", driver="GPKG")
    reservations = gpd.GeoDataFrame(
        {"number": ["V-1"], "kind": ["road"], "label_fr": ["Voie de 10 m"], "plan_id": ["PA-T"]},
        geometry=[rect(0, 45, 200, 55)],
        crs=CRS,
    )
    pyogrio.write_dataframe(reservations, path, layer="reservations", driver="GPKG")
    plans = pd.DataFrame(
        {"plan_id": ["PA-T"], "kind": ["PA"], "name_fr": ["PA de T"], "status": ["approved"]}
    )
    pyogrio.write_dataframe(plans, path, layer="plans", driver="GPKG")
    if communes:
        frame = gpd.GeoDataFrame(
            {"code": ["C1"], "name_fr": ["Témara"], "name_ar": ["تمارة"], "population_2024": [1000]},
            geometry=[COMMUNE],
            crs=CRS,
        )
        pyogrio.write_dataframe(frame, path, layer="communes", driver="GPKG")
    return path


def write_format(fmt: str, folder: Path, frame: gpd.GeoDataFrame | None = None) -> Path:
    """The canonical fixture (or ``frame``) written in format ``fmt`` inside ``folder``."""
    frame = zones_frame() if frame is None else frame
    placemarks = [
        (f"Zone {c}", fr, g) for c, fr, g in zip(frame.zone_code, frame.label_fr, frame.geometry, strict=True)
    ]
    if fmt == "gpkg5":
        return write_canonical_gpkg(folder / "plan.gpkg")
    if fmt == "gpkg":
        path = folder / "zonage.gpkg"
        pyogrio.write_dataframe(frame, path, layer="zonage", driver="GPKG")
        return path
    if fmt == "shp":
        return write_shapefile(frame, folder / "zonage.shp")
    if fmt == "shp.zip":
        shp = write_shapefile(frame, folder / "zonage.shp")
        return zip_files(folder / "livraison.zip", shapefile_parts(shp))
    if fmt == "geojson":
        path = folder / "zonage.geojson"
        pyogrio.write_dataframe(frame.to_crs("EPSG:4326"), path, driver="GeoJSON")
        return path
    if fmt == "kml":
        return write_kml(folder / "zonage.kml", placemarks)
    if fmt == "kmz":
        return write_kmz(folder / "zonage.kmz", placemarks)
    if fmt == "tab":
        # MapInfo stores integer coordinates scaled to the layer's bounds: give tight ones, as
        # MapInfo itself does, so that the corners stay exact to the millimetre.
        path = folder / "zonage.tab"
        bounds = f"{X0 - 1000},{Y0 - 1000},{X0 + 1000},{Y0 + 1000}"
        pyogrio.write_dataframe(frame, path, driver="MapInfo File", layer_options={"BOUNDS": bounds})
        return path
    if fmt == "mif":
        path = folder / "zonage.mif"
        pyogrio.write_dataframe(frame, path, driver="MapInfo File")
        return path
    if fmt == "dxf":
        return write_dxf(
            folder / "zonage.dxf",
            [(f"ZONE_{c}", g) for c, g in zip(frame.zone_code, frame.geometry, strict=True)],
        )
    if fmt == "parquet":
        path = folder / "zonage.parquet"
        frame.to_parquet(path)
        return path
    raise ValueError(fmt)


FORMATS = ["gpkg5", "gpkg", "shp", "shp.zip", "geojson", "kml", "kmz", "tab", "mif", "dxf", "parquet"]
DRIVERS = {
    "gpkg5": "GPKG",
    "gpkg": "GPKG",
    "shp": "ESRI Shapefile",
    "shp.zip": "ESRI Shapefile",
    "geojson": "GeoJSON",
    "kml": "LIBKML",
    "kmz": "LIBKML",
    "tab": "MapInfo File",
    "mif": "MapInfo File",
    "dxf": "DXF",
    "parquet": "Parquet",
}
#: Formats that carry the French label (DXF carries only layer names, KML a description).
WITH_LABEL_FR = {"gpkg5", "gpkg", "shp", "shp.zip", "geojson", "kml", "kmz", "tab", "mif", "parquet"}
WITH_LABEL_AR = {"gpkg5", "gpkg", "shp", "shp.zip", "geojson", "tab", "mif", "parquet"}


@pytest.fixture(params=FORMATS)
def plan_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    """(format, path): the canonical fixture in each supported format."""
    return request.param, write_format(request.param, tmp_path)


@pytest.fixture
def rules_csv(tmp_path: Path) -> Path:
    path = tmp_path / "reglement.csv"
    RULES.to_csv(path, index=False)
    return path


@pytest.fixture
def canonical_gpkg(tmp_path: Path) -> Path:
    return write_canonical_gpkg(tmp_path / "plan.gpkg")


# ----------------------------------------------------------------------------- running the command


def run_cli(*args: object, cwd: Path | None = None, lang: str = "fr") -> subprocess.CompletedProcess[str]:
    """The ``terroffer`` command as a user runs it, in a fresh interpreter.

    ``PYTHONWARNINGS=default`` shows every warning a library raises: the command must
    silence them itself, so a test that reads stderr sees what a user would.
    """
    env = {**os.environ, "PYTHONWARNINGS": "default", "TERROFFER_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "terroffer.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def call_cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """The command run in this process (faster); returns (exit code, stdout, stderr)."""
    from terroffer.cli import main

    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def report_json(stdout: str) -> dict:
    return json.loads(stdout)


def pytest_report_header(config: pytest.Config) -> str:
    versions = (pyogrio.__gdal_version_string__, pyogrio.__version__, shapely.__version__)
    return "GDAL {}, pyogrio {}, shapely {}".format(*versions)
