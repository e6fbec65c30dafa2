"""Each zone's reserved area: worked out by hand, stored with the plan, and never trusted once stale.

The plan here, in EPSG:26191 relative to (X0, Y0)::

    y=100 +-----------+          +-----------+
          |     A     |          |     B     |     A: 100 × 100 m, crossed by a 10 m road
    y=55  |===========|== road   |[S1 [##]S2]|        (y=45..55, wider than A): 100 × 10 = 1,000 m²
    y=45  |===========|==        |[   [##]  ]|     B: 100 × 100 m; school S1 x=200..240 and market
    y=0   +-----------+          +-----------+        S2 x=220..260, both y=0..50: 2,000 m² each,
          x=0       x=100      x=200       x=300      overlapping on 20 × 50 = 1,000 m², so 3,000 m²
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

import terroffer
from terroffer._offer import zone_reserved_area
from terroffer.io import write_plan
from terroffer.io.store import RESERVED_FOR, RESERVED_LAYER
from terroffer.model import (
    Plan,
)

from .tiny import CRS, assemble, rect

ROAD_M2 = 100 * 10  # the road's strip across A
SCHOOL_AND_MARKET_M2 = 2_000 + 2_000 - 20 * 50  # their overlap counted once


def two_zone_plan() -> Plan:
    zones = gpd.GeoDataFrame(
        {
            "zone_code": ["A", "B"],
            "family": ["villa", "villa"],
            "label_fr": ["A", "B"],
            "label_ar": ["أ", "ب"],
            "plan_id": ["PA-T", "PA-T"],
            "commune": ["C1", "C1"],
        },
        geometry=[rect(0, 0, 100, 100), rect(200, 0, 300, 100)],
        crs=CRS,
    )
    rules = pd.DataFrame(
        {
            "plan_id": ["PA-T", "PA-T"],
            "zone_code": ["A", "B"],
            "cos": [1.0, 1.0],
            "ces": [0.5, 0.5],
            "max_floors": [2, 2],
            "allowed_uses": ["villa", "villa"],
        }
    )
    reservations = gpd.GeoDataFrame(
        {
            "number": ["V-1", "E-1", "E-2"],
            "kind": ["road", "school", "market"],
            "plan_id": ["PA-T"] * 3,
        },
        geometry=[rect(-50, 45, 150, 55), rect(200, 0, 240, 50), rect(220, 0, 260, 50)],
        crs=CRS,
    )
    plans = pd.DataFrame(
        {"plan_id": ["PA-T"], "kind": ["PA"], "name_fr": ["PA de T"], "status": ["approved"]}
    )
    return assemble(zones, rules, reservations, plans, commune=rect(-100, -100, 400, 200), name="two zones")


def stored_reserved(path) -> list[float]:  # type: ignore[no-untyped-def]
    return pyogrio.read_dataframe(path, layer=RESERVED_LAYER)["reserved_m2"].tolist()


def tamper(path, values: list[float]) -> None:  # type: ignore[no-untyped-def]
    """Overwrite the stored areas, leaving their stamp: what the loader reads is then visible."""
    pyogrio.write_dataframe(pd.DataFrame({"reserved_m2": values}), path, layer=RESERVED_LAYER, driver="GPKG")


def test_reserved_area_by_hand() -> None:
    plan = two_zone_plan()
    assert zone_reserved_area(plan).tolist() == pytest.approx([ROAD_M2, SCHOOL_AND_MARKET_M2])
    found = terroffer.search(plan, use="villa")
    by_code = found.set_index("zone_code")
    assert by_code.loc["A", "reserved_m2"] == pytest.approx(1_000)
    assert by_code.loc["B", "usable_area_m2"] == pytest.approx(10_000 - 3_000)


def test_write_stores_each_zones_reserved_area(tmp_path) -> None:
    path = write_plan(two_zone_plan(), tmp_path / "plan.gpkg")
    assert stored_reserved(path) == pytest.approx([ROAD_M2, SCHOOL_AND_MARKET_M2])
    meta = pyogrio.read_dataframe(path, layer="terroffer_meta")
    assert RESERVED_FOR in set(meta["key"])


def test_write_works_out_the_areas_of_the_geometry_it_writes(tmp_path) -> None:
    plan = two_zone_plan()
    zone_reserved_area(plan)  # kept with the plan ...
    # ... then A is cut to its lower half in place, without plan.invalidate(): the road (y=45..55)
    # crosses only y=45..50 of it, 100 × 5 m; the store must say so, not repeat the plan's 1,000
    plan.zones.geometry.array[0] = rect(0, 0, 100, 50)
    path = write_plan(plan, tmp_path / "plan.gpkg")
    assert stored_reserved(path) == pytest.approx([500.0, SCHOOL_AND_MARKET_M2])


def test_a_store_round_trip_gives_the_same_offer(tmp_path) -> None:
    plan = two_zone_plan()
    path = write_plan(plan, tmp_path / "plan.gpkg")
    back = terroffer.load_plan(path)
    assert "reserved_m2" in back._cache  # read from the store, not worked out again
    pd.testing.assert_frame_equal(terroffer.offer(back), terroffer.offer(plan))
    # A: 9,000 m² net, min(9,000 × 1.0, 9,000 × 0.5 × 2) = 9,000; B: 7,000 net -> 7,000
    assert terroffer.offer(back)["max_floor_area_m2"].sum() == pytest.approx(9_000 + 7_000)


def test_the_loader_uses_the_stored_areas(tmp_path) -> None:
    path = write_plan(two_zone_plan(), tmp_path / "plan.gpkg")
    tamper(path, [123.0, 456.0])
    back = terroffer.load_plan(path)
    assert zone_reserved_area(back).tolist() == [123.0, 456.0]
    assert terroffer.search(back, use="villa").set_index("zone_code").loc["A", "reserved_m2"] == 123.0
    back.invalidate()  # an edit in memory forgets them: worked out again from the geometry
    assert zone_reserved_area(back).tolist() == pytest.approx([ROAD_M2, SCHOOL_AND_MARKET_M2])


def test_zones_edited_after_writing_are_worked_out_again(tmp_path) -> None:
    path = write_plan(two_zone_plan(), tmp_path / "plan.gpkg")
    tamper(path, [123.0, 456.0])
    zones = pyogrio.read_dataframe(path, layer="zones")
    # A cut to its lower half in QGIS: the road (y=45..55) now crosses only y=45..50: 100 × 5 m
    zones.loc[0, "geometry"] = rect(0, 0, 100, 50)
    pyogrio.write_dataframe(zones, path, layer="zones")
    back = terroffer.load_plan(path)
    assert zone_reserved_area(back).tolist() == pytest.approx([500.0, SCHOOL_AND_MARKET_M2])


def test_reservations_edited_after_writing_are_worked_out_again(tmp_path) -> None:
    path = write_plan(two_zone_plan(), tmp_path / "plan.gpkg")
    tamper(path, [123.0, 456.0])
    res = pyogrio.read_dataframe(path, layer="reservations")
    res = res[res["number"] != "E-2"]  # the market dropped: B keeps the school's 40 × 50 m
    pyogrio.write_dataframe(res, path, layer="reservations")
    back = terroffer.load_plan(path)
    assert zone_reserved_area(back).tolist() == pytest.approx([ROAD_M2, 2_000.0])


def test_a_store_in_another_crs_is_worked_out_again(tmp_path) -> None:
    # the same geometry read as another metric CRS is reprojected: the stored m² are not its m²
    path = write_plan(two_zone_plan(), tmp_path / "plan.gpkg")
    tamper(path, [123.0, 456.0])
    back = terroffer.load_plan(path, crs="EPSG:26192")
    assert zone_reserved_area(back).tolist() != [123.0, 456.0]


def test_a_plan_from_another_format_works_it_out(tmp_path) -> None:
    plan = two_zone_plan()
    zones = plan.zones.copy()
    zones.to_file(tmp_path / "zones.geojson", driver="GeoJSON")
    back = terroffer.load_plan(tmp_path / "zones.geojson")
    assert "reserved_m2" not in back._cache
    assert np.all(zone_reserved_area(back) == 0.0)  # a lone zones layer has no reservations


def test_each_zone_finds_its_rules_by_position() -> None:
    from terroffer.index import plan_index, zone_rule_positions

    plan = two_zone_plan()
    plan.zones.loc[1, "zone_code"] = "NONE"  # a code the rules do not have
    plan.invalidate()
    keys, at = zone_rule_positions(plan)
    assert keys == list(plan_index(plan).rules) == [("PA-T", "A"), ("PA-T", "B")]
    assert at.tolist() == [0, -1]
    assert terroffer.search(plan, use="villa")["zone_code"].tolist() == ["A"]  # B's rules are not NONE's


def test_max_floors_keeps_zones_that_allow_at_most_that() -> None:
    from terroffer.app.filters import ZoneFilter

    plan = two_zone_plan()
    plan.rules.loc[plan.rules["zone_code"] == "B", "max_floors"] = 4
    plan.invalidate()
    assert ZoneFilter.make(plan, max_floors=2).results(plan)["zone_code"].tolist() == ["A"]
    assert sorted(ZoneFilter.make(plan, max_floors=4).results(plan)["zone_code"]) == ["A", "B"]
