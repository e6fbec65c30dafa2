"""Real zoning deliveries (../shared/realdata): every zoning layer loads, every other file is refused.

The files are read where they are, never copied into the project. Expected counts come
from looking at each file independently (pyogrio, shapely, json), not from terroffer.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from terroffer._validate import validate
from terroffer.io import load_plan
from tests.conftest import call_cli, report_json, run_cli

REALDATA = Path(__file__).parents[2] / "shared" / "realdata"
if not REALDATA.is_dir():
    pytest.skip(f"no real data at {REALDATA}", allow_module_level=True)

pytestmark = [pytest.mark.realdata, pytest.mark.filterwarnings("ignore::RuntimeWarning")]

IGNF = REALDATA / "ignf-validator"
Z41175 = IGNF / "41175_PLU_20140603" / "Donnees_geographiques" / "ZONE_URBA.shp"
Z30014 = IGNF / "30014_PLU_20171013" / "Donnees_geographiques" / "30014_ZONE_URBA_20171013.shp"
Z241800432 = IGNF / "241800432_PLUi_20200128" / "Donnees_geographiques" / "241800432_ZONE_URBA_20200128.shp"
TAB_41003 = IGNF / "core" / "tab_latin1" / "ZONE_URBA_41003.TAB"
PPRT = IGNF / "core" / "geopackage" / "pprt_69dreal20090005" / "pprt_69dreal20090005.gpkg"
CAMBRIDGE = REALDATA / "us-cambridge-ma" / "Zoning_Districts_CDD_ZoningDistricts"
OVERLAYS = REALDATA / "us-cambridge-ma" / "Zoning_Overlay_Districts_CDD_ZoningOverlayDistricts.geojson"
COCKRELL = REALDATA / "us-cockrell-hill-tx" / "Cockrell Hill.zoning"
COCKRELL_GEOJSON = REALDATA / "us-cockrell-hill-tx" / "Cockrell_Hill_zoning.geojson"


def zoning_layers() -> list[Path]:
    found = set()
    for pattern in ("**/*ZONE_URBA*", "**/*SECTEUR_CC*"):
        for p in REALDATA.glob(pattern):
            if p.suffix.lower() in (".shp", ".tab", ".gml"):
                found.add(p)
    found |= {PPRT, CAMBRIDGE.with_suffix(".geojson"), CAMBRIDGE.with_suffix(".topojson"), OVERLAYS}
    found |= {COCKRELL, COCKRELL_GEOJSON}
    return sorted(found)


LAYERS = zoning_layers()


def short(path: Path) -> str:
    return str(path.relative_to(REALDATA))


@cache
def loaded(path: Path):
    return load_plan(path)


def kinds(plan) -> dict[str, int]:
    return {p.kind: p.count for p in plan.repairs}


def raw_geoms(path: Path, **kwargs) -> tuple[pd.DataFrame, np.ndarray]:
    df = pyogrio.read_dataframe(path, **kwargs)
    return df, np.asarray(df.geometry.array, dtype=object)


# ----------------------------------------------------------------------------- every zoning layer


def test_the_zoning_layers_are_all_found():
    names = {p.name for p in LAYERS}
    assert {"ZONE_URBA.shp", "ZONE_URBA_41003.TAB", "ZONE_URBA.gml", "Cockrell Hill.zoning"} <= names
    assert any("SECTEUR_CC" in n for n in names)
    assert len(LAYERS) >= 12


@pytest.mark.parametrize("path", LAYERS, ids=short)
def test_every_zoning_layer_loads(path):
    plan = loaded(path)
    layer = plan.source.layers[0] if plan.source.layers else None
    features = pyogrio.read_info(path, layer=layer)["features"]
    assert plan.source.features == features
    # Every feature is either a zone or counted among the dropped.
    dropped = sum(
        n for k, n in kinds(plan).items() if k in ("empty_geometry", "duplicate_geometry", "not_polygon")
    )
    assert len(plan.zones) + dropped == features
    assert plan.zones.geometry.is_valid.all()
    assert plan.crs.is_projected
    assert (plan.zones.geometry.area > 0).all()
    assert plan.zones["zone_code"].notna().all()
    for col in ("label_fr", "zone_code"):
        text = " ".join(plan.zones[col].dropna().astype(str))
        assert "Ã" not in text and "\ufffd" not in text, col


def test_41175_utf8_without_cpg_reads_accents_right():
    assert not Z41175.with_suffix(".cpg").exists()
    with Z41175.with_suffix(".dbf").open("rb") as fh:
        assert fh.read(32)[29] == 0  # no code-page byte either
    expected = pyogrio.read_dataframe(Z41175, encoding="utf-8", read_geometry=False)["LIBELONG"]
    plan = loaded(Z41175)
    labels = plan.zones["label_fr"].tolist()
    assert labels == expected.str.strip().tolist()
    assert any("urbanisée" in t for t in labels)
    assert not any("urbanisÃ©e" in t for t in labels)
    assert (plan.source.encoding, plan.source.encoding_inferred) == ("utf-8", True)
    assert plan.source.profile == "cnig"


def test_41175_report_says_the_encoding_was_inferred(capsys):
    code, out, _ = call_cli(capsys, "validate", Z41175, "--json")
    report = report_json(out)
    assert report["encoding_inferred"] is True and report["encoding"] == "utf-8"
    assert report["crs"] == "EPSG:2154"
    assert code == 1  # slivers between zones, codes without rules


def test_30014_cp1252_with_cpg_and_polygon_z():
    assert Z30014.with_suffix(".cpg").read_text().strip() == "1252"
    assert pyogrio.read_info(Z30014)["geometry_type"] == "Polygon Z"
    expected = pyogrio.read_dataframe(Z30014, encoding="cp1252", read_geometry=False)["LIBELONG"]
    plan = loaded(Z30014)
    assert set(plan.zones["label_fr"].dropna()) == set(expected.dropna().str.strip()) - {""}
    assert any("à" in t for t in plan.zones["label_fr"].dropna())
    assert (plan.source.encoding, plan.source.encoding_inferred) == ("cp1252", False)
    assert not plan.zones.has_z.any()


def test_241800432_self_intersection_and_duplicate():
    df, geoms = raw_geoms(Z241800432)
    invalid = int((~shapely.is_valid(geoms)).sum())
    key = pd.DataFrame({"wkb": shapely.to_wkb(shapely.normalize(geoms)), "code": df["LIBELLE"].astype(str)})
    duplicates = int(key.duplicated().sum())
    assert (invalid, duplicates) == (1, 1)  # what the README promises, seen with shapely
    plan = loaded(Z241800432)
    assert kinds(plan)["invalid_geometry"] == invalid
    assert kinds(plan)["duplicate_geometry"] == duplicates
    found = {p.kind: p.count for p in validate(plan).problems}
    assert found["invalid_geometry"] == 1 and found["duplicate_geometry"] == 1


def test_mapinfo_tab_latin1():
    assert b"!charset WindowsLatin1" in TAB_41003.read_bytes()[:200]
    # The table declares its charset, so GDAL's own reading is the reference.
    expected = pyogrio.read_dataframe(TAB_41003, read_geometry=False)["LIBELONG"]
    plan = loaded(TAB_41003)
    assert set(plan.zones["label_fr"].dropna()) == set(expected.dropna().str.strip()) - {""}
    assert any("é" in t for t in plan.zones["label_fr"].dropna())
    _, geoms = raw_geoms(TAB_41003)
    assert kinds(plan).get("invalid_geometry", 0) == int((~shapely.is_valid(geoms)).sum())


def test_gml_zone_urba():
    path = IGNF / "core" / "ZONE_URBA.gml"
    expected = pyogrio.read_dataframe(path, read_geometry=False)["LIBELLE"]
    plan = loaded(path)
    assert plan.source.driver == "GML"
    assert set(plan.zones["zone_code"]) == set(expected.str.strip())


def test_pprt_geopackage_picks_its_zones_layer():
    polygon_layers = [str(n) for n, g in pyogrio.list_layers(PPRT) if g and "Polygon" in g]
    assert len(polygon_layers) >= 2  # a real choice to make
    plan = loaded(PPRT)
    (layer,) = plan.source.layers
    assert "zonereglementaireurba" in layer
    assert plan.source.features == pyogrio.read_info(PPRT, layer=layer)["features"]
    assert "warn.layer_chosen" in [w.key for w in plan.warnings]


@pytest.mark.parametrize("ext", [".geojson", ".topojson"])
def test_cambridge_invalid_polygons_are_repaired(ext):
    path = CAMBRIDGE.with_suffix(ext)
    _, geoms = raw_geoms(path)
    invalid = int((~shapely.is_valid(geoms)).sum())
    assert invalid == (6 if ext == ".topojson" else 0)
    plan = loaded(path)
    assert kinds(plan).get("invalid_geometry", 0) == invalid
    assert len(plan.zones) == len(geoms)


def test_cambridge_overlays_keep_their_duplicated_shapes_as_overlaps():
    df, geoms = raw_geoms(OVERLAYS)
    outline = pd.Series(shapely.to_wkb(shapely.normalize(geoms)), index=df.index)
    same_shape = int(outline.duplicated().sum())
    twins = df[outline.duplicated(keep=False)]
    assert same_shape == 3
    # Same outline, different districts: not duplicates to drop.
    assert (twins.groupby(outline[twins.index])["Name"].nunique() == 2).all()
    plan = loaded(OVERLAYS)
    assert len(plan.zones) == len(df)
    overlaps = {p.kind: p for p in validate(plan).problems}["overlap"]
    assert overlaps.count >= same_shape


@pytest.mark.parametrize("path", [COCKRELL, COCKRELL_GEOJSON], ids=short)
def test_cockrell_hill_empty_geometries(path):
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    empty = sum(1 for f in features if not f["geometry"] or not f["geometry"].get("coordinates"))
    assert (len(features), empty) == (6, 2)
    plan = loaded(path)
    assert kinds(plan)["empty_geometry"] == empty
    assert len(plan.zones) == len(features) - empty


def test_cockrell_hill_non_standard_name_on_the_command_line():
    done = run_cli("validate", COCKRELL, "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["driver"] == "GeoJSON" and report["features"] == 6
    assert {p["kind"]: p["count"] for p in report["problems"]}["empty_geometry"] == 2


def test_cnig_delivery_folder():
    folder = IGNF / "41175_PLU_20140603"
    plan = load_plan(folder)
    assert len(plan.zones) == len(loaded(Z41175).zones)
    surf = pyogrio.read_dataframe(
        folder / "Donnees_geographiques" / "PRESCRIPTION_SURF.shp", read_geometry=False
    )
    assert len(plan.reservations) == int((surf["TYPEPSC"].astype(str).str.strip() == "05").sum())


# ----------------------------------------------------------------------------- refused


POINTS = [
    IGNF / "core" / "shp_latin1" / "PRESCRIPTION_PCT.shp",
    IGNF / "41175_PLU_20140603" / "Donnees_geographiques" / "PRESCRIPTION_PCT.shp",
    IGNF / "core" / "tab_latin1" / "PRESCRIPTION_PCT.TAB",
]
TABLES = [
    IGNF / "core" / "dbf" / "SPECIAL_CHARS.DBF",
    IGNF / "core" / "dbf" / "SINGLE_COLUMN_BUG.dbf",
    IGNF / "30014_PLU_20171013" / "30014_DOC_URBA_20171013.DBF",
    IGNF / "41175_PLU_20140603" / "DOC_URBA.dbf",
]


@pytest.mark.parametrize("path", POINTS + TABLES, ids=short)
def test_files_that_are_not_zoning_layers_are_refused(path, capfd):
    info = pyogrio.read_info(path)
    assert info["geometry_type"] in ("Point", None)  # what makes them not zoning layers
    code, out, err = call_cli(capfd, "validate", path)
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert str(path) in line and "Traceback" not in err


def test_points_only_layer_is_refused_by_a_real_process():
    done = run_cli("--lang", "en", "validate", POINTS[0])
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert str(POINTS[0]) in line and "no zone polygons" in line
