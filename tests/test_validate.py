"""The validation report: its keys, its numbers (computed by hand) and its exit codes."""

from __future__ import annotations

import geopandas as gpd
import pytest

from terroffer._validate import OUTSIDE_TOLERANCE_M, validate
from terroffer.io import load_plan
from tests.conftest import CRS, RULES, TOTAL_AREA, call_cli, rect, report_json, write_canonical_gpkg

REPORT_KEYS = {
    "source",
    "driver",
    "crs",
    "crs_inferred",
    "encoding",
    "encoding_inferred",
    "profile",
    "features",
    "area_m2",
    "zone_codes",
    "problems",
    "warnings",
}


def zones(*rows: tuple[str, object]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"zone_code": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=CRS)


def plan_file(tmp_path, rows, **kwargs):
    return write_canonical_gpkg(tmp_path / "plan.gpkg", zones=zones(*rows), **kwargs)


def problems(report) -> dict[str, object]:
    return {p.kind: p for p in report.problems}


def test_clean_plan(canonical_gpkg, capsys):
    code, out, err = call_cli(capsys, "validate", canonical_gpkg, "--json")
    assert (code, err) == (0, "")
    report = report_json(out)
    assert set(report) == REPORT_KEYS
    assert report["source"] == str(canonical_gpkg)
    assert report["driver"] == "GPKG"
    assert report["crs"] == "EPSG:26191"
    assert report["crs_inferred"] is False
    assert report["encoding"] == "UTF-8"
    assert report["encoding_inferred"] is False
    assert report["features"] == 3
    assert report["area_m2"] == pytest.approx(TOTAL_AREA)
    assert report["zone_codes"] == ["D", "I1", "V1"]
    assert report["problems"] == []
    assert report["warnings"] == []


def test_two_squares_side_by_side(tmp_path):
    path = plan_file(tmp_path, [("V1", rect(0, 0, 100, 100)), ("D", rect(100, 0, 200, 100))])
    report = validate(load_plan(path))
    assert report.area_m2 == pytest.approx(2 * 100 * 100)
    assert "overlap" not in problems(report)  # a shared edge is not an overlap


def test_overlap_area_is_computed(tmp_path):
    # Two 100 m squares, the second starting at x=90: a 10 m x 100 m strip = 1,000 m².
    path = plan_file(tmp_path, [("V1", rect(0, 0, 100, 100)), ("D", rect(90, 0, 190, 100))])
    report = validate(load_plan(path))
    overlap = problems(report)["overlap"]
    assert overlap.count == 1
    assert overlap.area_m2 == pytest.approx(1_000)
    ((x, y),) = overlap.where
    assert 370_090 <= x <= 370_100 and 360_000 <= y <= 360_100
    assert report.exit_code == 1


def test_several_overlaps_add_up(tmp_path):
    # V1 x D: 10 x 100 = 1,000 m²; D x I1 (I1 from y=95): 100 x 5 = 500 m²; V1 x I1: 100 x 5 = 500 m².
    path = plan_file(
        tmp_path,
        [("V1", rect(0, 0, 100, 100)), ("D", rect(90, 0, 190, 100)), ("I1", rect(0, 95, 190, 145))],
    )
    overlap = problems(validate(load_plan(path)))["overlap"]
    assert overlap.count == 3
    assert overlap.area_m2 == pytest.approx(1_000 + 500 + 500)


def test_unknown_zone_code(tmp_path):
    rows = [("V1", rect(0, 0, 100, 100)), ("D", rect(100, 0, 200, 100)), ("ZT", rect(0, 100, 100, 200))]
    path = plan_file(tmp_path, rows)  # RULES have V1, D and I1, not ZT
    found = problems(validate(load_plan(path)))
    assert found["unknown_zone_code"].count == 1
    assert found["unknown_zone_code"].detail == ("PA-T/ZT",)


def test_missing_rule_value(tmp_path):
    rules = RULES.copy()
    rules.loc[rules["zone_code"] == "V1", "min_lot_m2"] = None
    rules.loc[rules["zone_code"] == "D", ["cos", "ces"]] = None
    path = write_canonical_gpkg(tmp_path / "plan.gpkg", rules=rules)
    found = problems(validate(load_plan(path)))
    assert found["missing_rule_value"].count == 2
    assert set(found["missing_rule_value"].detail) == {"PA-T/V1: min_lot_m2", "PA-T/D: cos/ces"}
    assert set(found) == {"missing_rule_value"}


def test_zones_that_are_not_buildable_need_no_capacity_rules(tmp_path):
    rows = [("V1", rect(0, 0, 100, 100)), ("EV", rect(100, 0, 200, 100))]
    rules = RULES.copy()
    rules.loc[len(rules)] = {"zone_code": "EV"}  # a green space: no COS, no height, no lot
    zones_frame = zones(*rows)
    zones_frame["family"] = ["villa", "green"]
    path = write_canonical_gpkg(tmp_path / "plan.gpkg", zones=zones_frame, rules=rules)
    assert validate(load_plan(path)).problems == ()


def test_zone_outside_the_communes(tmp_path):
    # The commune is x=-100..300, y=-100..250. ZT lies wholly beyond it (x=400..500): 10,000 m².
    rows = [("V1", rect(0, 0, 100, 100)), ("D", rect(400, 0, 500, 100))]
    report = validate(load_plan(plan_file(tmp_path, rows)))
    outside = problems(report)["outside_territory"]
    assert outside.count == 1
    assert outside.area_m2 == pytest.approx(10_000)


def test_zone_partly_outside_the_communes(tmp_path):
    # D spans x=250..350 against the commune's edge at x=300, which is allowed 1 m of slack:
    # 350 - 301 = 49 m by 100 m stick out.
    assert OUTSIDE_TOLERANCE_M == 1.0
    rows = [("V1", rect(0, 0, 100, 100)), ("D", rect(250, 0, 350, 100))]
    outside = problems(validate(load_plan(plan_file(tmp_path, rows))))["outside_territory"]
    assert outside.count == 1
    assert outside.area_m2 == pytest.approx(49 * 100)


def test_no_communes_no_territory_check(tmp_path):
    rows = [("V1", rect(0, 0, 100, 100)), ("D", rect(4000, 0, 4100, 100))]
    report = validate(load_plan(plan_file(tmp_path, rows, communes=False)))
    assert "outside_territory" not in problems(report)


def test_every_problem_kind_in_json(tmp_path, capsys):
    rows = [
        ("V1", rect(0, 0, 100, 100)),
        ("D", rect(90, 0, 190, 100)),  # overlaps V1 by 1,000 m²
        ("ZT", rect(400, 0, 500, 100)),  # no rules, outside the commune
    ]
    rules = RULES.copy()
    rules.loc[rules["zone_code"] == "V1", "min_lot_m2"] = None
    path = plan_file(tmp_path, rows, rules=rules)
    code, out, err = call_cli(capsys, "validate", path, "--json")
    assert (code, err) == (1, "")
    report = report_json(out)
    by_kind = {p["kind"]: p for p in report["problems"]}
    assert set(by_kind) == {"overlap", "unknown_zone_code", "missing_rule_value", "outside_territory"}
    assert all(set(p) >= {"kind", "count"} for p in report["problems"])
    assert by_kind["overlap"]["count"] == 1 and by_kind["overlap"]["area_m2"] == pytest.approx(1_000)
    assert by_kind["unknown_zone_code"]["count"] == 1
    assert by_kind["missing_rule_value"]["count"] == 1
    assert by_kind["outside_territory"]["count"] == 1


def test_text_report_lists_each_problem(tmp_path, capsys):
    path = plan_file(tmp_path, [("V1", rect(0, 0, 100, 100)), ("D", rect(90, 0, 190, 100))])
    code, out, _ = call_cli(capsys, "--lang", "en", "validate", path)
    assert code == 1
    assert "1 overlap(s) between zones" in out
    assert "1,000.0 m²" in out
