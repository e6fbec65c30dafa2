"""Broken and hostile inputs: a plan or a TerrofferError naming the file, never anything else.

Also the partial failures that must not sink a whole plan (one zone with a NaN
coordinate), CRSs that contradict the numbers, and the rules files users give.
"""

from __future__ import annotations

import json
import os
import random
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

import terroffer
from terroffer.errors import CRSError, DataSourceError, SchemaError, TerrofferError
from terroffer.io import load_plan
from tests.conftest import (
    AREA,
    RULES,
    TOTAL_AREA,
    X0,
    Y0,
    run_cli,
    write_canonical_gpkg,
    write_format,
    write_shapefile,
    zones_frame,
)

LANGS = ("fr", "ar", "en")


def garbage(path: Path, size: int = 3000, seed: int = 7) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def assert_names(error: TerrofferError, path: Path) -> None:
    for lang in LANGS:
        message = error.message(lang)
        assert str(path) in message and "\n" not in message, (lang, message)


@pytest.mark.parametrize("ext", ["shp", "geojson", "json", "kml", "kmz", "dxf", "gpkg", "tab", "mif", "gml"])
def test_binary_garbage_under_any_name_is_refused_naming_it(tmp_path, ext):
    path = garbage(tmp_path / f"zonage.{ext}")
    if ext == "shp":  # with its sidecars, so that the failure is the content, not a missing part
        garbage(path.with_suffix(".dbf"), 500, 8)
        garbage(path.with_suffix(".shx"), 500, 9)
    with pytest.raises(TerrofferError) as info:
        load_plan(path)
    assert_names(info.value, path)


def test_garbage_parquet_is_refused(tmp_path):
    path = garbage(tmp_path / "zonage.parquet")
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert_names(info.value, path)


def test_a_zip_of_garbage(tmp_path):
    path = tmp_path / "livraison.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("zonage.shp", random.Random(1).randbytes(800))
        archive.writestr("zonage.dbf", random.Random(2).randbytes(800))
        archive.writestr("zonage.shx", random.Random(3).randbytes(800))
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert "livraison.zip" in info.value.message("fr")


def test_a_truncated_geopackage(tmp_path):
    whole = write_canonical_gpkg(tmp_path / "whole.gpkg").read_bytes()
    path = tmp_path / "tronque.gpkg"
    path.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert_names(info.value, path)


def test_a_folder_with_no_zones(tmp_path):
    folder = tmp_path / "livraison"
    folder.mkdir()
    (folder / "lisez-moi.txt").write_text("rien", encoding="utf-8")
    with pytest.raises(DataSourceError) as info:
        load_plan(folder)
    assert_names(info.value, folder)


def test_geojson_whose_geometry_is_a_list(tmp_path):
    path = tmp_path / "zonage.geojson"
    feature = {"type": "Feature", "properties": {"zone_code": "V1"}, "geometry": []}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert_names(info.value, path)


def lambert_geojson(path: Path, poison: float | None = None) -> Path:
    """The fixture as GeoJSON in Lambert without a ``crs`` member; ``poison`` replaces one X of zone D."""
    data = json.loads(zones_frame().to_json())
    data.pop("crs", None)
    if poison is not None:
        data["features"][1]["geometry"]["coordinates"][0][1][0] = poison
    path.write_text(json.dumps(data), encoding="utf-8")  # json writes NaN and Infinity as GDAL reads them
    return path


@pytest.mark.parametrize("poison", [float("nan"), float("inf")])
def test_one_zone_with_a_bad_coordinate_is_dropped_and_reported(tmp_path, poison):
    plan = load_plan(lambert_geojson(tmp_path / "zonage.geojson", poison))
    assert sorted(plan.zones["zone_code"]) == ["I1", "V1"]  # D is the poisoned one
    assert plan.zones.geometry.area.sum() == pytest.approx(AREA["V1"] + AREA["I1"])
    (problem,) = [p for p in plan.repairs if p.kind == "invalid_coordinates"]
    assert problem.count == 1 and problem.detail == ("1",)
    report = terroffer.validate(plan)
    assert report.exit_code == 1
    assert "coordonnée non numérique ou infinie" in report.to_text("fr")


def test_a_zone_with_an_empty_ring_is_dropped_and_reported(tmp_path):
    data = json.loads(zones_frame().to_json())
    data.pop("crs", None)
    data["features"][0]["geometry"]["coordinates"] = [[]]
    path = tmp_path / "zonage.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    plan = load_plan(path)
    assert sorted(plan.zones["zone_code"]) == ["D", "I1"]
    assert [p.count for p in plan.repairs if p.kind == "empty_geometry"] == [1]


# ----------------------------------------------------------------------------- CRS


@pytest.mark.parametrize(
    "text",
    ["GARBAGE[[[ this is not WKT", "PROJCS[oops", 'GEOGCS["x",DATUM["y"'],
    ids=["not-wkt", "truncated", "unclosed"],
)
def test_a_garbage_prj_is_named_and_crs_overrides_it(tmp_path, text):
    # GDAL drops some garbage silently and chokes on other: either way the .prj is named.
    shp = write_shapefile(zones_frame(), tmp_path / "zonage.shp")
    prj = shp.with_suffix(".prj")
    prj.write_text(text, encoding="utf-8")
    with pytest.raises(CRSError) as info:
        load_plan(shp)
    assert info.value.key == "error.bad_prj"
    for lang in LANGS:
        assert str(prj) in info.value.message(lang) and "--crs" in info.value.message(lang)
    plan = load_plan(shp, crs="EPSG:26191")
    assert plan.zones.geometry.area.sum() == pytest.approx(TOTAL_AREA)
    assert plan.source.crs_inferred is False


def test_crs_overrides_a_valid_prj(tmp_path):
    # The .prj says UTM 29N, the numbers are Lambert Nord Maroc: --crs is believed.
    frame = zones_frame().set_crs("EPSG:32629", allow_override=True)
    shp = write_shapefile(frame, tmp_path / "zonage.shp")
    plan = load_plan(shp, crs=26191)
    assert plan.zones.total_bounds == pytest.approx([X0, Y0, X0 + 200, Y0 + 150], abs=1e-6)


def test_lambert_numbers_declared_as_degrees_are_refused(tmp_path):
    shp = write_shapefile(zones_frame(), tmp_path / "zonage.shp")
    with pytest.raises(CRSError) as info:
        load_plan(shp, crs="EPSG:4326")
    assert info.value.key == "error.crs_contradicts"
    for lang in LANGS:
        message = info.value.message(lang)
        assert "EPSG:4326" in message and "EPSG:26191" in message and str(shp) in message


def test_degrees_declared_as_lambert_are_refused(tmp_path):
    shp = write_shapefile(zones_frame("EPSG:4326"), tmp_path / "zonage.shp")
    with pytest.raises(CRSError) as info:
        load_plan(shp, crs="EPSG:26191")
    assert info.value.params["looks"] == "EPSG:4326"


def test_import_with_a_contradicting_crs_writes_nothing_and_exits_2(tmp_path):
    shp = write_shapefile(zones_frame(), tmp_path / "zonage.shp")
    target = tmp_path / "out.gpkg"
    done = run_cli("import", shp, "--into", target, "--crs", "EPSG:4326")
    assert done.returncode == 2 and not target.exists()
    (line,) = done.stderr.splitlines()
    assert "EPSG:26191" in line and "Traceback" not in done.stderr


def test_a_prj_of_degrees_on_lambert_numbers_is_replaced_and_said(tmp_path):
    shp = write_shapefile(zones_frame().set_crs("EPSG:4326", allow_override=True), tmp_path / "z.shp")
    plan = load_plan(shp)
    (notice,) = [w for w in plan.warnings if w.key == "warn.crs_contradicted"]
    assert notice.params == {
        "source": "z.shp",
        "declared": "EPSG:4326",
        "crs": "EPSG:26191",
        "why": "lambert",
    }
    assert "n'a pas de système" not in notice.message("fr")


# ----------------------------------------------------------------------------- rules files


@pytest.fixture
def plain_shp(tmp_path) -> Path:
    return write_shapefile(zones_frame(), tmp_path / "zonage.shp")


@pytest.mark.parametrize("content", [b"", b"zone_code;cos;ces\n", b"\n\n  \n"])
def test_an_empty_rules_file_is_one_clear_error(tmp_path, plain_shp, content):
    rules = tmp_path / "reglement.csv"
    rules.write_bytes(content)
    with pytest.raises(DataSourceError) as info:
        load_plan(plain_shp, rules=rules)
    assert info.value.key == "error.rules_empty"
    assert_names(info.value, rules)


def test_empty_rules_on_the_command_line(tmp_path, plain_shp):
    rules = tmp_path / "reglement.csv"
    rules.write_bytes(b"")
    done = run_cli("validate", plain_shp, "--rules", rules)
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert str(rules) in line


def test_rules_as_utf16_with_arabic_notes(tmp_path, plain_shp):
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
    rules = tmp_path / "reglement.txt"
    table = RULES[["zone_code", "cos", "ces"]].assign(notes_ar=["فيلات", "سكن", "صناعة"])
    rules.write_bytes(table.to_csv(sep="\t", index=False).encode("utf-16"))
    plan = load_plan(plain_shp, rules=rules)
    by_code = plan.rules.set_index("zone_code")
    assert by_code.loc["D", "cos"] == 1.8 and by_code.loc["V1", "notes_ar"] == "فيلات"


def test_rules_without_a_zone_code_column(tmp_path, plain_shp):
    rules = tmp_path / "reglement.csv"
    rules.write_text("zone;cos\nV1;0,6\n", encoding="utf-8")  # "zone" is a known alias
    assert load_plan(plain_shp, rules=rules).rules["cos"].tolist() == [0.6]
    rules.write_text("secteur;cos\nV1;0,6\n", encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        load_plan(plain_shp, rules=rules)
    assert_names(info.value, rules)


def test_a_folder_as_rules(tmp_path, plain_shp):
    with pytest.raises(DataSourceError) as info:
        load_plan(plain_shp, rules=tmp_path)
    assert info.value.key == "error.rules_is_dir"


def test_rules_given_with_a_canonical_store_are_applied(tmp_path):
    store = write_canonical_gpkg(tmp_path / "plan.gpkg")
    rules = tmp_path / "nouveau.csv"
    rules.write_text("zone_code;cos\nV1;0,9\nD;2\nI1;1\n", encoding="utf-8")
    plan = load_plan(store, rules=rules)
    assert plan.rules.set_index("zone_code")["cos"].to_dict() == {"V1": 0.9, "D": 2.0, "I1": 1.0}
    assert set(plan.rules["plan_id"]) == {"PA-T"}  # the store's one plan
    assert "warn.rules_replaced" in [w.key for w in plan.warnings]


# ----------------------------------------------------------------------------- no status


@pytest.mark.parametrize("fmt", ["shp", "geojson", "kml", "dxf"])
def test_a_plan_without_status_is_counted(tmp_path, fmt):
    plan = load_plan(write_format(fmt, tmp_path), rules=RULES)
    assert plan.plans["status"].isna().all() and len(plan.plans) == 1
    assert "warn.plan_status_unknown" in [w.key for w in plan.warnings]
    offer = terroffer.offer(plan)
    assert not offer.empty
    assert offer["area_ha"].sum() == pytest.approx(TOTAL_AREA / 10_000)
    found = terroffer.search(plan, use="factory")
    assert len(found) == 1  # I1 allows factories


def test_every_hostile_input_in_one_sweep(tmp_path):
    """A result or a TerrofferError for each of a batch of odd files; never another exception."""
    cases: list[Path] = []
    for i, ext in enumerate(["shp", "geojson", "kml", "dxf", "gpkg", "tab", "parquet", "zip"]):
        cases.append(garbage(tmp_path / f"g{i}.{ext}", 64 + 97 * i, i))
    (tmp_path / "empty.geojson").write_bytes(b"")
    cases.append(tmp_path / "empty.geojson")
    (tmp_path / "text.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    cases.append(tmp_path / "text.geojson")
    points = gpd.GeoDataFrame({"zone_code": ["V1"]}, geometry=[shapely.Point(X0, Y0)], crs="EPSG:26191")
    cases.append(write_shapefile(points, tmp_path / "points.shp"))
    frame = pd.DataFrame({"zone_code": ["V1"]})
    (tmp_path / "table.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    cases.append(tmp_path / "table.csv")
    for path in cases:
        try:
            load_plan(path)
        except TerrofferError as exc:
            assert os.path.basename(path) in exc.message("fr"), path


# ----------------------------------------------------------------------------- damaged stores


def store_with(path: Path, **layers: object) -> Path:
    """A GeoPackage with the given layers (a zones layer and a rules table make it a store)."""
    for name, frame in layers.items():
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
    return path


def test_a_store_whose_zones_are_a_plain_table(tmp_path):
    path = store_with(tmp_path / "plan.gpkg", zones=pd.DataFrame({"zone_code": ["V1"]}), rules=RULES)
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert info.value.key == "error.no_geometry"


@pytest.mark.parametrize("layer", ["reservations", "communes"])
def test_a_store_with_a_layer_that_lost_its_geometry(tmp_path, layer):
    path = write_canonical_gpkg(tmp_path / "plan.gpkg")
    pyogrio.write_dataframe(pd.DataFrame({"code": ["x"]}), path, layer=layer, driver="GPKG")
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert info.value.key == "error.store_layer_not_spatial" and info.value.params["layer"] == layer
    assert_names(info.value, path)


def test_a_store_with_no_zone_or_only_points(tmp_path):
    empty = store_with(tmp_path / "vide.gpkg", zones=zones_frame().iloc[:0], rules=RULES)
    with pytest.raises(DataSourceError) as info:
        load_plan(empty)
    assert info.value.key == "error.no_features"
    point = gpd.GeoDataFrame({"zone_code": ["V1"]}, geometry=[shapely.Point(X0, Y0)], crs="EPSG:26191")
    points = store_with(tmp_path / "points.gpkg", zones=point, rules=RULES)
    with pytest.raises(DataSourceError) as info:
        load_plan(points)
    assert info.value.key == "error.no_polygons"


# ----------------------------------------------------------------------------- parts and columns


@pytest.mark.parametrize(("ext", "part"), [("mif", ".mid"), ("tab", ".dat"), ("tab", ".map")])
def test_a_mapinfo_table_missing_a_part_says_which(tmp_path, ext, part):
    path = tmp_path / f"zonage.{ext}"
    pyogrio.write_dataframe(zones_frame(), path, driver="MapInfo File")
    path.with_suffix(part).unlink()
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert info.value.key == "error.mapinfo_part_missing"
    assert part in info.value.message("fr") and "MapInfo" in info.value.message("en")


def test_a_zone_code_column_with_no_value_is_named(tmp_path):
    frame = zones_frame()[["zone_code", "geometry"]].assign(zone_code=None)
    path = tmp_path / "zonage.gpkg"
    pyogrio.write_dataframe(frame, path, driver="GPKG")
    with pytest.raises(SchemaError) as info:
        load_plan(path)
    assert info.value.key == "error.zone_code_empty" and info.value.params["column"] == "zone_code"


def test_a_zip_of_two_shapefiles_in_two_folders_asks_for_one(tmp_path):
    shp = write_shapefile(zones_frame(), tmp_path / "zonage.shp")
    path = tmp_path / "deux.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in tmp_path.glob("zonage.*"):
            archive.write(part, f"phase1/{part.name}")
            archive.write(part, f"phase2/{part.name}")
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert info.value.key == "error.zip_several_layers"
    assert "phase1/zonage.shp" in info.value.message("fr") and shp.exists()


def test_binary_rules_are_not_called_empty(tmp_path, plain_shp):
    rules = garbage(tmp_path / "reglement.csv")
    with pytest.raises(DataSourceError) as info:
        load_plan(plain_shp, rules=rules)
    assert info.value.key == "error.rules_unreadable"


def test_a_parquet_without_geometry(tmp_path):
    path = tmp_path / "table.parquet"
    pd.DataFrame({"zone_code": ["V1"]}).to_parquet(path)
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert info.value.key == "error.no_geometry"


def test_a_garbage_prj_on_the_command_line(tmp_path):
    shp = write_shapefile(zones_frame(), tmp_path / "zonage.shp")
    shp.with_suffix(".prj").write_text("PROJCS[oops", encoding="utf-8")
    done = run_cli("validate", shp)
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert str(shp.with_suffix(".prj")) in line and "--crs" in line
    assert run_cli("validate", shp, "--crs", "EPSG:26191", "--json").returncode == 1  # no rules: problems
