"""Rule figures as agencies type them, and the règlement's defects that validate reports.

Every expected value is the figure a planner typed, read by hand: ``2,5`` is 2.5,
``٢٫٥`` is 2.5, ``R+4`` is five levels.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import terroffer
from terroffer._validate import validate
from terroffer.cells import numbers, parse_floors, parse_number
from terroffer.io import load_plan
from terroffer.io.profiles import map_zone_columns
from tests.conftest import RULES, TOTAL_AREA, rect, write_canonical_gpkg, write_shapefile, zones_frame

NNBSP = "\u202f"  # groups thousands in French and Arabic
NBSP = "\u00a0"  # between a number and its unit, in French and Arabic


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2,5", 2.5),
        ("2.5", 2.5),
        ("٢٫٥", 2.5),  # Arabic-Indic digits, Arabic decimal sign U+066B
        ("۲٫۵", 2.5),  # Persian digits
        ("٠٫٣", 0.3),
        ("٣٬٠٠٠", 3000.0),  # Arabic thousands sign U+066C
        ("1 000 m²", 1000.0),
        (f"1{NNBSP}000", 1000.0),
        ("1.000.000", 1_000_000.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1,500", 1.5),  # a single separator is the decimal sign: a COS of 1.5
        ("12 m", 12.0),
        ("60 %", 0.6),
        ("−0,5", -0.5),  # U+2212 minus
        (" 3 ", 3.0),
        (7, 7.0),
        (0.35, 0.35),
    ],
)
def test_rule_cells_are_read_as_numbers(cell, expected):
    assert parse_number(cell) == pytest.approx(expected)


@pytest.mark.parametrize("cell", ["néant", "voir art. 5", "", "inf", None, float("inf"), True, "2,5,7"])
def test_cells_without_a_figure_are_missing(cell):
    assert math.isnan(parse_number(cell))


@pytest.mark.parametrize(
    ("cell", "levels"), [("R+4", 5), ("r4", 5), ("ر+٤", 5), ("RDC", 1), ("3", 3), (3, 3)]
)
def test_floors_notation(cell, levels):
    assert parse_floors(cell) == levels


def test_a_column_is_parsed_once_per_distinct_value():
    column = pd.Series(["2,5", "2,5", None, "٠٫٦", 1.0], dtype=object)
    assert numbers(column).tolist()[:2] == [2.5, 2.5]
    assert math.isnan(numbers(column)[2]) and numbers(column)[3] == pytest.approx(0.6)


def test_rules_file_with_comma_decimals_and_arabic_digits(tmp_path):
    # The CSV an agency exports from a French Excel: semicolons, comma decimals; one row
    # typed on an Arabic keyboard.
    path = tmp_path / "reglement.csv"
    path.write_text(
        "zone_code;cos;ces;max_height_m;max_floors;min_lot_m2\n"
        "V1;0,6;0,3;8,5;R+1;300\n"
        "D;١٫٨;٠٫٦;١١٫٥;٣;١٠٠\n"
        "I1;1,5;0,6;15;R+2;1 000\n",
        encoding="utf-8",
    )
    plan = load_plan(write_shapefile(zones_frame(), tmp_path / "zonage.shp"), rules=path)
    rules = plan.rules.set_index("zone_code")
    assert rules.loc["V1", ["cos", "ces", "max_height_m"]].tolist() == [0.6, 0.3, 8.5]
    assert rules.loc["D", ["cos", "ces", "max_height_m", "min_lot_m2"]].tolist() == pytest.approx(
        [1.8, 0.6, 11.5, 100.0]
    )
    assert [int(rules.loc[c, "max_floors"]) for c in ("V1", "D", "I1")] == [2, 3, 3]
    assert rules.loc["I1", "min_lot_m2"] == 1000.0
    assert "missing_rule_value" not in {p.kind for p in validate(plan).problems}


def test_a_column_of_arabic_digits_is_not_a_label():
    # COS typed in Arabic digits under an unnamed column: a figure, not the Arabic label.
    raw = zones_frame()[["zone_code", "label_fr", "geometry"]].copy()
    raw["COS"] = ["٠٫٦", "١٫٨", "١٫٥"]
    raw["NOM_AR"] = ["منطقة الفيلات", "السكن الفردي", "منطقة صناعية"]
    profile = terroffer.io.profiles.get_profile("generic")
    zones, rules, used = map_zone_columns(raw, profile, "x.shp")
    assert used["label_ar"] == "NOM_AR"
    assert used["cos"] == "COS"
    assert numbers(rules["cos"]).tolist() == pytest.approx([0.6, 1.8, 1.5])


def plan_with_rules(tmp_path, rules: pd.DataFrame):
    return load_plan(write_canonical_gpkg(tmp_path / "plan.gpkg", rules=rules))


def test_implausible_values_are_their_own_problem(tmp_path):
    rules = RULES.copy()
    rules.loc[0, "cos"] = -5.0  # V1
    rules.loc[1, "ces"] = 7.0  # D: a footprint seven times the plot
    rules.loc[2, "max_floors"] = -1  # I1
    report = validate(plan_with_rules(tmp_path, rules))
    (problem,) = [p for p in report.problems if p.kind == "implausible_rule_value"]
    assert problem.count == 3
    assert set(problem.detail) == {"PA-T/V1: cos = -5", "PA-T/D: ces = 7", "PA-T/I1: max_floors = -1"}
    assert report.exit_code == 1
    text = report.to_text("fr")
    assert "PA-T/V1 : COS = -5" in text and "PA-T/I1 : Niveaux = -1" in text
    assert "valeur(s) de règle impossible(s)" in text


def test_implausible_values_stay_out_of_capacity(tmp_path):
    # V1 has COS -5 and CES 7: neither enters; floors 2 alone give no floor area, so unknown.
    rules = RULES.copy()
    rules.loc[0, ["cos", "ces"]] = [-5.0, 7.0]
    plan = plan_with_rules(tmp_path, rules)
    from terroffer.capacity import capacity

    row = plan.rules.set_index("zone_code").loc["V1"]
    cap = capacity(100.0, row["cos"], row["ces"], row["max_floors"])
    assert math.isnan(cap.floor_area_m2[0]) and math.isnan(cap.footprint_m2[0])


def test_two_rule_rows_for_one_zone_are_reported(tmp_path):
    rules = pd.concat([RULES, RULES.iloc[[0]].assign(cos=0.9)], ignore_index=True)  # V1 twice
    plan = plan_with_rules(tmp_path, rules)
    assert plan.rules_for("PA-T", "V1")["cos"] == 0.6  # the first row is kept for the questions
    (problem,) = [p for p in validate(plan).problems if p.kind == "duplicate_rule"]
    assert problem.count == 1 and problem.detail == ("PA-T/V1 (2)",)


def test_a_zone_layer_repeating_its_rules_per_polygon_is_no_duplicate(tmp_path):
    # Two polygons of V1 carrying the same COS: the format, not a defect. A third one with
    # another COS contradicts them: reported.
    frame = zones_frame()
    frame["COS"] = ["0,6", "1,8", "1,5"]
    extra = frame.iloc[[0]].copy()
    extra.geometry = [rect(0, 200, 100, 300)]
    same = write_shapefile(pd.concat([frame, extra]), tmp_path / "same.shp")
    assert "duplicate_rule" not in {p.kind for p in load_plan(same).repairs}
    extra["COS"] = "0,9"
    other = write_shapefile(pd.concat([frame, extra]), tmp_path / "other.shp")
    found = [p for p in load_plan(other).repairs if p.kind == "duplicate_rule"]
    assert [(p.count, p.detail) for p in found] == [(1, ("other/V1 (2)",))]


def test_a_store_whose_zones_lost_their_code_is_reported(tmp_path):
    zones = zones_frame()
    zones.loc[1, "zone_code"] = None  # D
    zones.loc[2, "zone_code"] = "  "  # I1, blanked
    report = validate(load_plan(write_canonical_gpkg(tmp_path / "plan.gpkg", zones=zones)))
    (problem,) = [p for p in report.problems if p.kind == "missing_zone_code"]
    assert problem.count == 2
    # where: a point inside D (x 100..200, y 0..100) and inside I1 (y 100..150)
    (x1, y1), (x2, y2) = problem.where
    assert 370_100 < x1 < 370_200 and 360_000 < y1 < 360_100
    assert 370_000 < x2 < 370_200 and 360_100 < y2 < 360_150


def test_report_text_writes_numbers_in_the_language(tmp_path):
    # Two 100 m squares overlapping by 10 m: 1,000 m² of overlap; zones 10,000 + 10,000 m².
    zones = zones_frame().iloc[:2].copy()
    zones.geometry = [rect(0, 0, 100, 100), rect(90, 0, 190, 100)]
    report = validate(load_plan(write_canonical_gpkg(tmp_path / "plan.gpkg", zones=zones)))
    assert report.area_m2 == pytest.approx(20_000)
    fr, en, ar = report.to_text("fr"), report.to_text("en"), report.to_text("ar")
    assert f"Surface des zones : 2,0{NBSP}ha" in fr and "Zone area: 2.0 ha" in en
    assert f"1{NNBSP}000,0{NBSP}m²" in fr and "1,000.0 m²" in en and f"1{NNBSP}000,0{NBSP}م²" in ar
    # the overlap's location: x 370,090..370,100, written with the language's grouping
    assert f"370{NNBSP}095" in fr and "370,095" in en


def test_report_area_in_hectares_with_thousands(tmp_path):
    report = validate(load_plan(write_canonical_gpkg(tmp_path / "plan.gpkg")))
    assert report.area_m2 == pytest.approx(TOTAL_AREA)
    assert f"3,0{NBSP}ha" in report.to_text("fr") and "3.0 ha" in report.to_text("en")


def test_arabic_report_lists_with_the_arabic_comma(tmp_path):
    report = validate(load_plan(write_canonical_gpkg(tmp_path / "plan.gpkg")))
    assert "D، I1، V1" in report.to_text("ar") and "D, I1, V1" in report.to_text("fr")


def test_the_report_names_rule_columns_with_the_glossary_and_numbers_per_language():
    """The text report speaks the glossary; the JSON keeps the codes for scripts."""
    import terroffer
    from tests.tiny import tiny_plan

    plan = tiny_plan()
    plan.rules.loc[plan.rules["zone_code"] == "V1", "cos"] = -5.0
    plan.rules.loc[plan.rules["zone_code"] == "I1", "ces"] = 1.5
    plan.invalidate()
    report = terroffer.validate(plan)
    fr, ar = report.to_text("fr"), report.to_text("ar")
    assert "PA-T/V1 : COS = -5" in fr and "PA-T/I1 : CES = 1,5" in fr
    assert "معامل استعمال الأرض = -5" in ar and "معامل شغل الأرض = 1,5" in ar
    assert "cos =" not in ar and "ces =" not in fr
    details = next(p for p in report.to_dict("fr")["problems"] if p["kind"] == "implausible_rule_value")
    assert sorted(details["detail"]) == ["PA-T/I1: ces = 1.5", "PA-T/V1: cos = -5"]
