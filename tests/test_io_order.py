"""X/Y order of a plan file without a CRS: both readings on the territory are said, and chosen.

The fixture's centre is (370,100; 360,075) in Lambert Nord Maroc: in Oumazza read X
first, and (360,075; 370,100), in Témara, read Y first (the bundled sample's real
commune boundaries). A plan near (365,000; 335,000), in Sidi Yahya Zaer, swapped would
have X = 335,000, west of the territory's 340.7 km: no doubt there.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

import terroffer
from terroffer.errors import OptionError
from terroffer.io import load_plan
from tests.conftest import TOTAL_AREA, X0, Y0, call_cli, report_json, write_shapefile, zones_frame


def without_prj(frame: gpd.GeoDataFrame, path: Path) -> Path:
    write_shapefile(frame, path)
    path.with_suffix(".prj").unlink()
    return path


def order_notices(plan):
    return [w for w in plan.warnings if w.key == "warn.xy_ambiguous"]


def test_both_readings_on_the_territory_are_named(tmp_path):
    plan = load_plan(without_prj(zones_frame(), tmp_path / "zonage.shp"))
    (notice,) = order_notices(plan)
    assert notice.params["commune_fr"] == "Oumazza" and notice.params["swapped_fr"] == "Témara"
    assert notice.params["commune_ar"] == "أم عزة" and notice.params["swapped_ar"] == "تمارة"
    assert (notice.params["x"], notice.params["y"]) == (X0 + 100, Y0 + 75)  # raw numbers, not text
    fr, ar, en = notice.message("fr"), notice.message("ar"), notice.message("en")
    assert "Oumazza" in fr and "Témara" in fr and "--order yx" in fr
    assert "أم عزة" in ar and "تمارة" in ar and "--order yx" in ar
    assert "Oumazza" in en and "--order yx" in en
    # the X-first reading is the one kept
    assert plan.zones.total_bounds == pytest.approx([X0, Y0, X0 + 200, Y0 + 150], abs=1e-6)


def test_order_yx_swaps_and_says_nothing(tmp_path):
    plan = load_plan(without_prj(zones_frame(), tmp_path / "zonage.shp"), order="yx")
    assert order_notices(plan) == []
    assert plan.zones.total_bounds == pytest.approx([Y0, X0, Y0 + 150, X0 + 200], abs=1e-6)
    assert plan.zones.geometry.area.sum() == pytest.approx(TOTAL_AREA)


def test_order_xy_given_explicitly_says_nothing(tmp_path):
    plan = load_plan(without_prj(zones_frame(), tmp_path / "zonage.shp"), order="xy")
    assert order_notices(plan) == []
    assert plan.zones.total_bounds == pytest.approx([X0, Y0, X0 + 200, Y0 + 150], abs=1e-6)


def test_a_swapped_file_read_back_in_order(tmp_path):
    # A surveyor's export with the columns swapped: order="yx" puts it back where it belongs.
    frame = zones_frame()
    frame.geometry = frame.geometry.map(lambda g: type(g)([(y, x) for x, y in g.exterior.coords]))
    plan = load_plan(without_prj(frame, tmp_path / "inverse.shp"), order="yx")
    assert plan.zones.total_bounds == pytest.approx([X0, Y0, X0 + 200, Y0 + 150], abs=1e-6)


def test_no_warning_when_only_one_reading_is_on_the_territory(tmp_path):
    frame = zones_frame()
    frame.geometry = frame.geometry.translate(365_000 - X0, 335_000 - Y0)  # Sidi Yahya Zaer
    plan = load_plan(without_prj(frame, tmp_path / "sud.shp"))
    assert order_notices(plan) == []


def test_no_warning_when_the_file_declares_its_crs(tmp_path):
    plan = load_plan(write_shapefile(zones_frame(), tmp_path / "zonage.shp"))
    assert order_notices(plan) == []


def test_a_bad_order_is_refused():
    with pytest.raises(OptionError) as info:
        load_plan("whatever.shp", order="xz")
    assert "xz" in info.value.message("fr") and "yx" in info.value.message("ar")


def test_the_warning_reaches_the_validate_report(tmp_path, capsys):
    path = without_prj(zones_frame(), tmp_path / "zonage.shp")
    code, out, _ = call_cli(capsys, "validate", path, "--json")
    assert any("Témara" in w and "--order yx" in w for w in report_json(out)["warnings"])
    code, out, _ = call_cli(capsys, "validate", path, "--order", "yx", "--json")
    report = report_json(out)
    assert not any("--order yx" in w for w in report["warnings"])
    assert report["area_m2"] == pytest.approx(TOTAL_AREA)


def test_validate_report_carries_the_notice(tmp_path):
    report = terroffer.validate(load_plan(without_prj(zones_frame(), tmp_path / "zonage.shp")))
    assert "warn.xy_ambiguous" in [w.key for w in report.warnings]
