"""The canonical GeoPackage store: round trip, and the verified-geometry shortcut that cannot lie."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Polygon

import terroffer
from terroffer.io import write_plan
from tests.tiny import X0, Y0, tiny_plan

BOW_TIE = Polygon([(X0, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0 + 10)])


def meta(path):
    df = pyogrio.read_dataframe(path, layer="terroffer_meta")
    return dict(zip(df["key"], df["value"], strict=True))


def test_round_trip_keeps_every_table(tmp_path):
    plan = tiny_plan()
    path = write_plan(plan, tmp_path / "plan.gpkg")
    back = terroffer.load_plan(path)
    assert list(back.zones["zone_code"]) == ["V1", "I1", "ZT", "EV"]
    assert back.zones.geometry.area.sum() == pytest.approx(6000 + 4000 + 10000 + 5000)
    assert back.rules.set_index("zone_code").loc["V1", "allowed_uses"] == ("villa", "dwelling")
    assert back.rules.set_index("zone_code").loc["EV", "allowed_uses"] == ()  # "" stays "no use", not missing
    assert back.rules.set_index("zone_code").loc["EV", "forbidden_uses"] is None
    assert back.plans.set_index("plan_id").loc["PA-D", "status"] == "under_study"
    assert str(back.reservations["effect_until"].iloc[0].date()) == "2031-01-01"
    assert int(back.communes["population_2024"].iloc[0]) == 1000
    assert set(meta(path)) >= {"zones_verified", "reservations_verified"}


def test_a_store_edited_elsewhere_is_checked_again(tmp_path):
    path = write_plan(tiny_plan(), tmp_path / "plan.gpkg")
    zones = pyogrio.read_dataframe(path, layer="zones")
    zones.loc[0, "geometry"] = BOW_TIE  # as if someone had edited the layer in QGIS
    pyogrio.write_dataframe(zones, path, layer="zones")
    plan = terroffer.load_plan(path)
    assert [p.kind for p in plan.repairs] == ["invalid_geometry"]
    assert terroffer.validate(plan).exit_code == 1


def test_an_invalid_plan_is_written_without_the_verified_mark(tmp_path):
    plan = tiny_plan()
    plan.zones = gpd.GeoDataFrame(
        plan.zones, geometry=[BOW_TIE, *plan.zones.geometry.iloc[1:]], crs=plan.zones.crs
    )
    path = write_plan(plan, tmp_path / "plan.gpkg")
    assert "zones_verified" not in meta(path)
    assert [p.kind for p in terroffer.load_plan(path).repairs] == ["invalid_geometry"]
