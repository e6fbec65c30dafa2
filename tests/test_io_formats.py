"""Every supported format gives the same plan: the canonical fixture written each way.

Expected values are the hand-drawn fixture of ``conftest.py``: three zones of 10,000 m²
each (V1, D, I1), 30,000 m² in all, in EPSG:26191.
"""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely

from terroffer.errors import DataSourceError
from terroffer.io import load_plan
from tests.conftest import (
    AREA,
    CODES,
    DRIVERS,
    FAMILY,
    TOTAL_AREA,
    WITH_LABEL_AR,
    WITH_LABEL_FR,
    X0,
    Y0,
    ZONES,
    call_cli,
    rect,
    report_json,
    write_format,
    write_kml,
    zones_frame,
)


def test_every_format_gives_the_hand_drawn_zones(plan_file):
    fmt, path = plan_file
    plan = load_plan(path)
    zones = plan.zones
    assert plan.source.driver == DRIVERS[fmt]
    assert plan.source.crs == "EPSG:26191"
    assert plan.crs.to_epsg() == 26191
    assert plan.source.features == 3
    assert sorted(zones["zone_code"]) == sorted(CODES)
    areas = dict(zip(zones["zone_code"], zones.geometry.area, strict=True))
    # WGS84 formats (GeoJSON here, KML) go through a datum shift and back: a few mm² at most.
    assert areas == pytest.approx(AREA, rel=1e-6)
    assert zones.geometry.area.sum() == pytest.approx(TOTAL_AREA, rel=1e-6)
    assert zones.total_bounds == pytest.approx([X0, Y0, X0 + 200, Y0 + 150], abs=0.01)
    assert dict(zip(zones["zone_code"], zones["family"], strict=True)) == FAMILY
    labels_fr = dict(zip(zones["zone_code"], zones["label_fr"], strict=True))
    labels_ar = dict(zip(zones["zone_code"], zones["label_ar"], strict=True))
    if fmt in WITH_LABEL_FR:
        assert labels_fr == {code: fr for code, fr, _, _ in ZONES}
    if fmt in WITH_LABEL_AR:
        assert labels_ar == {code: ar for code, _, ar, _ in ZONES}


def test_validate_command_accepts_every_format(plan_file, rules_csv, capsys):
    fmt, path = plan_file
    code, out, err = call_cli(capsys, "validate", path, "--rules", rules_csv, "--json")
    assert err == ""
    report = report_json(out)
    assert report["problems"] == [], report["problems"]
    assert code == 0
    assert report["driver"] == DRIVERS[fmt]
    assert report["crs"] == "EPSG:26191"
    assert report["features"] == 3
    assert report["area_m2"] == pytest.approx(TOTAL_AREA, abs=0.05)
    assert report["zone_codes"] == ["D", "I1", "V1"]
    assert report["crs_inferred"] is (fmt == "dxf")


def test_import_command_accepts_every_format(plan_file, rules_csv, tmp_path, capsys):
    fmt, path = plan_file
    out_gpkg = tmp_path / "out" / "canonical.gpkg"
    out_gpkg.parent.mkdir()  # the command refuses a folder that does not exist (terroffer._output)
    code, out, err = call_cli(capsys, "import", path, "--into", out_gpkg, "--rules", rules_csv)
    assert (code, err) == (0, "")
    assert str(out_gpkg) in out
    layers = {name for name, _ in pyogrio.list_layers(out_gpkg)}
    assert {"zones", "rules", "reservations", "plans", "communes"} <= layers
    back = load_plan(out_gpkg)
    assert back.source.profile == "canonical"
    areas = dict(zip(back.zones["zone_code"], back.zones.geometry.area, strict=True))
    assert areas == pytest.approx(AREA, rel=1e-6)
    assert sorted(back.rules["zone_code"]) == sorted(CODES)
    assert back.rules.set_index("zone_code")["min_lot_m2"].to_dict() == {"V1": 300, "D": 100, "I1": 1000}


def test_single_zones_layer_is_picked_among_others_and_said(tmp_path):
    path = tmp_path / "pa.gpkg"
    pyogrio.write_dataframe(zones_frame(), path, layer="zonage", driver="GPKG")
    limits = gpd.GeoDataFrame({"nom": ["limite"]}, geometry=[rect(-10, -10, 210, 160).boundary], crs=26191)
    pyogrio.write_dataframe(limits, path, layer="perimetre", driver="GPKG")
    plan = load_plan(path)
    assert plan.source.layers == ("zonage",)
    assert sorted(plan.zones["zone_code"]) == sorted(CODES)
    chosen = [w for w in plan.warnings if w.key == "warn.layer_chosen"]
    assert len(chosen) == 1 and chosen[0].params["layer"] == "zonage"


def test_layer_option_chooses_and_a_wrong_name_is_refused(tmp_path):
    path = tmp_path / "two.gpkg"
    pyogrio.write_dataframe(zones_frame(), path, layer="couche_a", driver="GPKG")
    other = zones_frame().iloc[:1]
    pyogrio.write_dataframe(other, path, layer="couche_b", driver="GPKG")
    with pytest.raises(DataSourceError) as info:
        load_plan(path)  # neither name says "zone": no guess
    assert info.value.key == "error.ambiguous_layer"
    assert len(load_plan(path, layer="couche_b").zones) == 1
    assert "warn.layer_chosen" not in [w.key for w in load_plan(path, layer="couche_a").warnings]
    with pytest.raises(DataSourceError) as info:
        load_plan(path, layer="absente")
    assert info.value.key == "error.no_such_layer"
    assert "couche_a" in str(info.value)


@pytest.mark.parametrize("name", ["zonage.json", "Plan Témara.zoning", "zonage"])
def test_geojson_is_recognised_by_its_content_whatever_its_name(tmp_path, name):
    written = write_format("geojson", tmp_path)
    path = tmp_path / name
    written.rename(path)
    plan = load_plan(path)
    assert plan.source.driver == "GeoJSON"
    assert plan.zones.geometry.area.sum() == pytest.approx(TOTAL_AREA, rel=1e-6)


def test_zip_with_shapefile_in_a_subfolder(tmp_path):
    shp = write_format("shp", tmp_path)
    archive = tmp_path / "livraison.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.parent.glob("zonage.*"):
            zf.write(part, f"PA_Temara/Donnees/{part.name}")
    plan = load_plan(archive)
    assert sorted(plan.zones["zone_code"]) == sorted(CODES)
    assert plan.zones["label_ar"].tolist() == [ar for _, _, ar, _ in ZONES]


def test_zip_without_a_layer_is_refused(tmp_path):
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("lisez-moi.txt", "rien")
    with pytest.raises(DataSourceError) as info:
        load_plan(archive)
    assert info.value.key == "error.zip_without_layer"


def test_kml_placemark_names_give_the_codes(tmp_path):
    path = write_kml(
        tmp_path / "dessin.kml",
        [("Zone D", "Habitat continu", rect(0, 0, 100, 100)), ("ZONE_V1", "", rect(100, 0, 160, 100))],
    )
    plan = load_plan(path)
    areas = dict(zip(plan.zones["zone_code"], plan.zones.geometry.area, strict=True))
    assert areas == pytest.approx({"D": 10_000, "V1": 6_000}, rel=1e-6)
    assert plan.zones.set_index("zone_code").loc["D", "label_fr"] == "Habitat continu"


def test_kmz_is_the_zipped_kml(tmp_path):
    plan = load_plan(write_format("kmz", tmp_path))
    assert plan.source.driver == "LIBKML"
    assert sorted(plan.zones["zone_code"]) == sorted(CODES)


def test_geoparquet_keeps_its_crs_and_columns(tmp_path):
    frame = zones_frame("EPSG:4326")
    path = tmp_path / "zonage.parquet"
    frame.to_parquet(path)
    plan = load_plan(path)
    assert plan.source.crs_inferred is False
    assert plan.crs.to_epsg() == 26191
    assert shapely.get_coordinates(plan.zones.geometry).min(axis=0) == pytest.approx([X0, Y0], abs=0.01)
