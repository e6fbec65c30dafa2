"""Coordinate systems: a missing one is inferred from the coordinates and said, or refused.

The fixture's corners are known in EPSG:26191 (x 370,000-370,200, y 360,000-360,150);
every test checks that they come back there, to the centimetre.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import CRS

from terroffer.errors import CRSError
from terroffer.io import load_plan
from tests.conftest import (
    TOTAL_AREA,
    X0,
    Y0,
    call_cli,
    report_json,
    run_cli,
    write_format,
    write_shapefile,
    zones_frame,
)

BOUNDS = [X0, Y0, X0 + 200, Y0 + 150]


def without_prj(frame: gpd.GeoDataFrame, path: Path) -> Path:
    write_shapefile(frame, path)
    path.with_suffix(".prj").unlink()
    return path


def far_away() -> gpd.GeoDataFrame:
    """The fixture moved to x = 5,000,000: neither degrees nor Lambert Nord Maroc."""
    frame = zones_frame()
    frame.geometry = frame.geometry.translate(5_000_000 - X0, 0)
    return frame


def crs_notices(plan):
    return [w for w in plan.warnings if w.key == "warn.crs_inferred"]


def test_lambert_coordinates_without_prj_are_read_as_epsg_26191(tmp_path):
    plan = load_plan(without_prj(zones_frame(), tmp_path / "zonage.shp"))
    assert plan.source.crs == "EPSG:26191" and plan.source.crs_inferred is True
    assert plan.zones.total_bounds == pytest.approx(BOUNDS, abs=1e-6)
    assert plan.zones.geometry.area.sum() == pytest.approx(TOTAL_AREA)
    (notice,) = crs_notices(plan)
    assert notice.params["crs"] == "EPSG:26191"
    assert "zonage.shp" in notice.message("fr") and "EPSG:26191" in notice.message("en")


def test_dxf_has_no_crs_and_is_read_as_lambert(tmp_path):
    plan = load_plan(write_format("dxf", tmp_path))
    assert plan.source.crs_inferred is True
    assert [n.params["crs"] for n in crs_notices(plan)] == ["EPSG:26191"]
    assert plan.zones.total_bounds == pytest.approx(BOUNDS, abs=1e-6)


def test_degrees_without_prj_are_read_as_wgs84_and_stored_in_lambert(tmp_path):
    plan = load_plan(without_prj(zones_frame("EPSG:4326"), tmp_path / "kml_export.shp"))
    assert [n.params["crs"] for n in crs_notices(plan)] == ["EPSG:4326"]
    assert plan.source.crs_inferred is True
    assert plan.crs.to_epsg() == 26191 and plan.source.crs == "EPSG:26191"
    assert plan.zones.total_bounds == pytest.approx(BOUNDS, abs=0.01)
    assert plan.zones.geometry.area.sum() == pytest.approx(TOTAL_AREA, rel=1e-6)


def test_coordinates_that_fit_nothing_are_refused(tmp_path):
    path = without_prj(far_away(), tmp_path / "inconnu.shp")
    with pytest.raises(CRSError) as info:
        load_plan(path)
    assert info.value.key == "error.crs_unknown"
    for lang in ("fr", "en", "ar"):
        message = info.value.message(lang)
        assert "--crs" in message and str(path) in message and "\n" not in message


def test_refused_crs_exits_2_asking_for_crs(tmp_path):
    path = without_prj(far_away(), tmp_path / "inconnu.shp")
    done = run_cli("validate", path)
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert "--crs" in line and str(path) in line and "Traceback" not in done.stderr


@pytest.mark.parametrize("given", ["EPSG:32629", 32629, "32629", CRS.from_epsg(32629)])
def test_crs_option_overrides_inference(tmp_path, given):
    # UTM 29N numbers fit neither guess; the user's CRS is taken as given, in every spelling.
    path = without_prj(zones_frame("EPSG:32629"), tmp_path / "utm.shp")
    plan = load_plan(path, crs=given)
    assert plan.source.crs == "EPSG:26191" and plan.source.crs_inferred is False
    assert crs_notices(plan) == []
    assert plan.zones.total_bounds == pytest.approx(BOUNDS, abs=0.01)


def test_crs_option_for_utm_coordinates_gives_lambert_back(tmp_path):
    # UTM 29N coordinates (y ~ 3.7 million) fit neither guess; the user says what they are.
    path = without_prj(zones_frame("EPSG:32629"), tmp_path / "utm.shp")
    with pytest.raises(CRSError):
        load_plan(path)
    plan = load_plan(path, crs="EPSG:32629")
    assert plan.crs.to_epsg() == 26191
    assert plan.zones.total_bounds == pytest.approx(BOUNDS, abs=0.01)


def test_crs_option_overrides_a_wrong_prj(tmp_path):
    wrong = zones_frame().set_crs("EPSG:4326", allow_override=True)  # Lambert numbers labelled degrees
    path = write_shapefile(wrong, tmp_path / "faux_prj.shp")
    plan = load_plan(path, crs="EPSG:26191")
    assert plan.zones.total_bounds == pytest.approx(BOUNDS, abs=1e-6)
    assert plan.zones.geometry.area.sum() == pytest.approx(TOTAL_AREA)
    assert plan.source.crs_inferred is False
    # Without the option, degrees that cannot be degrees are not trusted either: inferred, and
    # the warning says what the .prj declared and what the numbers are, not "no CRS".
    guessed = load_plan(path)
    assert guessed.source.crs_inferred is True and crs_notices(guessed) == []
    (notice,) = [w for w in guessed.warnings if w.key == "warn.crs_contradicted"]
    assert notice.params["declared"] == "EPSG:4326" and notice.params["crs"] == "EPSG:26191"
    for lang in ("fr", "ar", "en"):
        assert "EPSG:4326" in notice.message(lang) and "EPSG:26191" in notice.message(lang)
    assert guessed.zones.geometry.area.sum() == pytest.approx(TOTAL_AREA)


def test_crs_option_on_the_command_line(tmp_path, capsys):
    path = without_prj(zones_frame("EPSG:32629"), tmp_path / "utm.shp")
    code, out, err = call_cli(capsys, "validate", path, "--crs", "EPSG:32629", "--json")
    assert err == ""
    report = report_json(out)
    assert report["crs"] == "EPSG:26191" and report["crs_inferred"] is False
    assert report["area_m2"] == pytest.approx(TOTAL_AREA, abs=0.05)
    code, out, err = call_cli(capsys, "--lang", "en", "validate", path, "--crs", "EPSG:nonsense")
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert "EPSG:nonsense" in line


def test_inferred_crs_is_in_the_report(tmp_path, capsys):
    path = without_prj(zones_frame(), tmp_path / "zonage.shp")
    code, out, _ = call_cli(capsys, "validate", path, "--json")
    report = report_json(out)
    assert report["crs"] == "EPSG:26191" and report["crs_inferred"] is True
    assert any("EPSG:26191" in w for w in report["warnings"])


def test_declared_wgs84_is_not_an_inference(tmp_path):
    plan = load_plan(write_format("geojson", tmp_path))
    assert plan.source.crs_inferred is False and crs_notices(plan) == []
    assert plan.crs.to_epsg() == 26191


def test_a_plan_outside_morocco_keeps_its_own_metric_crs(tmp_path):
    # A French PLU in Lambert-93: areas in its own CRS, and the loader says so.
    frame = gpd.GeoDataFrame(
        {"zone_code": ["UA"]}, geometry=[shapely.box(700_000, 6_600_000, 700_100, 6_600_100)], crs="EPSG:2154"
    )
    path = write_shapefile(frame, tmp_path / "ZONE_URBA.shp")
    plan = load_plan(path)
    assert plan.source.crs == "EPSG:2154"
    assert plan.zones.geometry.area.sum() == pytest.approx(10_000)
    assert "warn.outside_territory_crs" in [w.key for w in plan.warnings]


def geojson_without_crs(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """A GeoJSON as many exports write it: the numbers, no ``crs`` member."""
    data = json.loads(frame.to_json())
    data.pop("crs", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_geojson_holding_lambert_without_crs_member(tmp_path):
    # GDAL takes any GeoJSON without "crs" for WGS84; x = 370,000 cannot be a longitude.
    plan = load_plan(geojson_without_crs(zones_frame(), tmp_path / "export.geojson"))
    assert plan.source.crs == "EPSG:26191" and plan.source.crs_inferred is True
    assert [n.params["crs"] for n in crs_notices(plan)] == ["EPSG:26191"]
    assert plan.zones.total_bounds == pytest.approx(BOUNDS, abs=1e-6)
    assert plan.zones.geometry.area.sum() == pytest.approx(TOTAL_AREA)


def test_geojson_holding_unknown_metres_is_refused(tmp_path):
    with pytest.raises(CRSError):
        load_plan(geojson_without_crs(far_away(), tmp_path / "export.geojson"))
