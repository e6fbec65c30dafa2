"""Geometry clean-up as CAD and GIS files need it: every repair is done and counted.

Shapes are drawn relative to (X0, Y0) in EPSG:26191; areas are computed by hand.
"""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely import LineString, MultiPolygon, Point, Polygon

from terroffer._validate import validate
from terroffer.errors import DataSourceError
from terroffer.io import load_plan
from tests.conftest import X0, Y0, call_cli, rect, report_json

CRS = "EPSG:26191"


def poly(*points: tuple[float, float]) -> Polygon:
    return Polygon([(X0 + x, Y0 + y) for x, y in points])


# The bow-tie (0,0) (100,100) (100,0) (0,100) crosses itself at (50,50): two triangles,
# (0,0)-(50,50)-(0,100) and (100,0)-(100,100)-(50,50), each 100 x 50 / 2 = 2,500 m².
BOW_TIE = poly((0, 0), (100, 100), (100, 0), (0, 100))
BOW_TIE_AREA = 2 * 2_500


def write(tmp_path, codes, geoms, ext="gpkg"):
    path = tmp_path / f"zonage.{ext}"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"zone_code": codes}, geometry=geoms, crs=CRS), path)
    return path


def repairs(plan) -> dict[str, int]:
    return {p.kind: p.count for p in plan.repairs}


def areas(plan) -> dict[str, float]:
    return dict(zip(plan.zones["zone_code"], plan.zones.geometry.area, strict=True))


def test_bow_tie_is_repaired_and_counted(tmp_path):
    assert not BOW_TIE.is_valid
    plan = load_plan(write(tmp_path, ["V1", "D"], [BOW_TIE, rect(200, 0, 300, 100)]))
    assert repairs(plan) == {"invalid_geometry": 1}
    assert plan.zones.geometry.is_valid.all()
    assert areas(plan) == pytest.approx({"V1": BOW_TIE_AREA, "D": 10_000})
    (problem,) = [p for p in validate(plan).problems if p.kind == "invalid_geometry"]
    # Located near the defect, in the plan's CRS.
    x, y = problem.where[0]
    assert X0 <= x <= X0 + 100 and Y0 <= y <= Y0 + 100


def test_self_touching_ring_is_repaired(tmp_path):
    # A square whose ring comes back to touch itself at (50,0): a CAD classic.
    pinched = poly((0, 0), (50, 0), (50, 50), (50, 0), (100, 0), (100, 100), (0, 100))
    assert not pinched.is_valid
    plan = load_plan(write(tmp_path, ["V1"], [pinched]))
    assert repairs(plan) == {"invalid_geometry": 1}
    assert areas(plan) == pytest.approx({"V1": 10_000})


def test_closed_lines_become_polygons_and_open_ones_are_dropped(tmp_path):
    ring = LineString([(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100), (X0, Y0)])
    open_line = LineString([(X0, Y0 + 200), (X0 + 100, Y0 + 200)])
    plan = load_plan(write(tmp_path, ["V1", "D", "RD"], [ring, open_line, rect(200, 0, 250, 100)]))
    assert areas(plan) == pytest.approx({"V1": 10_000, "RD": 5_000})
    assert repairs(plan) == {"closed_line": 1, "not_polygon": 1}
    # Turning a closed line into a zone is what CAD files need, not a defect.
    kinds = [p.kind for p in validate(plan).problems]
    assert "closed_line" not in kinds and "not_polygon" in kinds


@pytest.mark.parametrize("ext", ["gpkg", "geojson"])
def test_empty_and_null_geometries_are_dropped_and_counted(tmp_path, ext):
    geoms = [rect(0, 0, 100, 100), None, Polygon(), rect(100, 0, 200, 100)]
    plan = load_plan(write(tmp_path, ["V1", "D", "E", "I1"], geoms, ext))
    assert sorted(plan.zones["zone_code"]) == ["I1", "V1"]
    assert repairs(plan) == {"empty_geometry": 2}
    assert plan.source.features == 4


def test_exact_duplicates_are_dropped_and_counted(tmp_path):
    square = rect(0, 0, 100, 100)
    # The same square drawn from another corner is the same geometry.
    rotated = poly((100, 0), (100, 100), (0, 100), (0, 0))
    plan = load_plan(
        write(tmp_path, ["V1", "V1", "V1", "D"], [square, square, rotated, rect(100, 0, 200, 100)])
    )
    assert repairs(plan) == {"duplicate_geometry": 2}
    assert areas(plan) == pytest.approx({"V1": 10_000, "D": 10_000})
    assert len(plan.zones) == 2


def test_same_shape_with_another_code_is_not_a_duplicate_but_an_overlap(tmp_path):
    square = rect(0, 0, 100, 100)
    plan = load_plan(write(tmp_path, ["V1", "D"], [square, square]))
    assert len(plan.zones) == 2 and "duplicate_geometry" not in repairs(plan)
    (overlap,) = [p for p in validate(plan).problems if p.kind == "overlap"]
    assert (overlap.count, overlap.area_m2) == (1, pytest.approx(10_000))


def test_multipolygons_are_kept_whole(tmp_path):
    two_parts = MultiPolygon([rect(0, 0, 100, 100), rect(300, 0, 400, 50)])
    plan = load_plan(write(tmp_path, ["ZT", "V1"], [two_parts, rect(100, 0, 200, 100)]))
    assert len(plan.zones) == 2
    zt = plan.zones.set_index("zone_code").geometry["ZT"]
    assert zt.geom_type == "MultiPolygon" and len(zt.geoms) == 2
    assert zt.area == pytest.approx(10_000 + 5_000)
    assert plan.repairs == []


@pytest.mark.parametrize("ext", ["gpkg", "shp"])
def test_z_is_dropped(tmp_path, ext):
    cube_top = shapely.force_3d(rect(0, 0, 100, 100), 42.0)
    path = write(tmp_path, ["V1"], [cube_top], ext)
    assert pyogrio.read_info(path)["geometry_type"].endswith("Z")
    plan = load_plan(path)
    assert not plan.zones.has_z.any()
    assert areas(plan) == pytest.approx({"V1": 10_000})


def test_points_only_is_refused(tmp_path):
    path = write(tmp_path, ["A", "B"], [Point(X0, Y0), Point(X0 + 5, Y0 + 5)])
    with pytest.raises(DataSourceError) as info:
        load_plan(path)
    assert info.value.key == "error.no_polygons"


def test_repairs_are_counted_in_the_report(tmp_path, capsys):
    square = rect(300, 0, 400, 100)
    geoms = [BOW_TIE, None, square, square, rect(100, 0, 200, 100)]
    path = write(tmp_path, ["V1", "D", "I1", "I1", "B4"], geoms)
    code, out, _ = call_cli(capsys, "validate", path, "--json")
    report = report_json(out)
    counts = {p["kind"]: p["count"] for p in report["problems"]}
    assert counts["invalid_geometry"] == 1
    assert counts["empty_geometry"] == 1
    assert counts["duplicate_geometry"] == 1
    assert "overlap" not in counts
    assert report["features"] == 5
    # V1 (bow-tie, repaired) + I1 + B4 = 5,000 + 10,000 + 10,000
    assert report["area_m2"] == pytest.approx(25_000)
    assert code == 1


def test_bad_coordinates_are_found_across_chunks(monkeypatch):
    # Seven unit squares looked at two by two: the sixth (index 5) has a NaN vertex.
    from terroffer.io import geometry

    monkeypatch.setattr(geometry, "_COORD_CHUNK", 2)
    polys = [shapely.box(i, 0, i + 1, 1) for i in range(7)]
    with pytest.warns(RuntimeWarning):  # shapely warns of the NaN it is asked to build
        polys[5] = shapely.from_wkt("POLYGON ((5 0, NaN 0, 6 1, 5 1, 5 0))")
    frame = gpd.GeoDataFrame({"n": range(7)}, geometry=polys)
    kept, problem = geometry.drop_invalid_coordinates(frame)
    assert list(kept["n"]) == [0, 1, 2, 3, 4, 6]
    assert problem is not None and (problem.kind, problem.count, problem.detail) == (
        "invalid_coordinates",
        1,
        ("5",),
    )
