"""The offer and the investor search on the hand-drawn tiny plan (see tests/tiny.py)."""

from __future__ import annotations

import math

import pytest

from terroffer._lookup import lookup
from terroffer._offer import offer, search
from terroffer.errors import FilterError, OptionError
from terroffer.model import conform_plans, conform_rules
from tests.tiny import tiny_plan


@pytest.fixture
def plan():
    return tiny_plan()


def _row(table, family):
    rows = table[table["family"] == family]
    assert len(rows) == 1, family
    return rows.iloc[0]


def test_offer_counts_approved_plans_by_default(plan):
    table = offer(plan)
    assert set(table["family"]) == {"villa", "industry", "green"}  # ZT is in a draft plan
    villa = _row(table, "villa")
    assert villa["zones"] == 1
    assert villa["area_ha"] == pytest.approx(0.6)  # 60 m x 100 m
    assert villa["share_of_commune"] == pytest.approx(6000 / 120_000)
    # the 10 m road takes 60 m x 10 m of V1: net 5,400 m², COS 0.6 -> 3,240; CES 0.3 x 2 -> 3,240
    assert villa["max_floor_area_m2"] == pytest.approx(5400 * 0.6)
    assert villa["population_2024"] == 1000
    assert villa["area_m2_per_inhabitant"] == pytest.approx(6.0)
    assert villa["commune_ar"] == "تمارة"
    industry = _row(table, "industry")
    # I1: 40 m x 100 m less 40 m x 10 m of road = 3,600 m²; COS 1.5 -> 5,400 < CES 0.6 x 3 -> 6,480
    assert industry["max_floor_area_m2"] == pytest.approx(3600 * 1.5)


def test_offer_floor_area_of_a_zone_crossed_by_a_road_is_the_lookups_for_the_whole_zone(plan):
    # V1 (60 m x 100 m) loses the 60 m x 10 m road strip: both count 5,400 m² net x COS 0.6
    villa = _row(offer(plan), "villa")
    whole_v1 = plan.zones.geometry.iloc[0]
    assert lookup(plan, whole_v1).capacity.max_floor_area_m2 == pytest.approx(3240)
    assert villa["max_floor_area_m2"] == pytest.approx(3240)
    assert villa["area_ha"] == pytest.approx(0.6)  # the zoned area stays the whole zone


def test_offer_green_space_is_not_buildable_so_its_capacity_is_known_zero(plan):
    green = _row(offer(plan), "green")
    # EV has no rules at all, but a green space is not buildable: 0 m², not "unknown"
    assert green["max_floor_area_m2"] == 0
    assert green["zones_capacity_unknown"] == 0


def test_offer_counts_zones_of_unknown_capacity(plan):
    # V1 loses its COS and its CES: neither cap is known, the villa zone is counted apart
    row = plan.rules.index[plan.rules["zone_code"] == "V1"][0]
    plan.rules.loc[row, ["cos", "ces"]] = None
    plan.invalidate()
    villa = _row(offer(plan), "villa")
    assert math.isnan(villa["max_floor_area_m2"])
    assert villa["zones_capacity_unknown"] == 1


def test_offer_all_statuses_and_filters(plan):
    table = offer(plan, statuses=None)
    assert _row(table, "tourism")["area_ha"] == pytest.approx(1.0)
    housing = offer(plan, sectors=["Habitat et immobilier"])
    assert set(housing["family"]) == {"villa"}
    assert offer(plan, communes=["TEMARA"])["zones"].sum() == 3
    assert offer(plan, communes=["تمارة"])["zones"].sum() == 3
    with pytest.raises(FilterError, match="Rabat"):
        offer(plan, communes=["Rabat"])
    with pytest.raises(ValueError, match="unknown"):
        offer(plan, sectors=["casinos"])


def test_search_finds_the_hotel_zone_in_the_draft_plan(plan):
    found = search(plan, use="Hôtel")
    assert list(found["zone_code"]) == ["ZT"]
    hit = found.iloc[0]
    assert not hit["in_force"]
    assert hit["plan_status"] == "under_study"
    assert hit["usable_area_m2"] == pytest.approx(10_000)
    assert hit["max_floor_area_m2"] == pytest.approx(5_000)
    assert search(plan, use="hotel", min_area_m2=20_000).empty
    assert search(plan, use="فندق", statuses=("approved",)).empty


def test_search_usable_area_subtracts_the_road(plan):
    hit = search(plan, use="villa").iloc[0]
    assert hit["zone_code"] == "V1"
    assert hit["reserved_m2"] == pytest.approx(600)  # 60 m of a 10 m road
    assert hit["usable_area_m2"] == pytest.approx(5400)
    assert hit["in_force"]


def test_search_conditional_and_floors(plan):
    office = search(plan, use="office")
    assert list(office["zone_code"]) == ["I1"] and bool(office.iloc[0]["conditional"])
    assert search(plan, use="office", include_conditional=False).empty
    assert search(plan, use="factory", floors=4).empty
    assert list(search(plan, use="factory", floors=3)["zone_code"]) == ["I1"]
    with pytest.raises(FilterError, match="casino"):
        search(plan, use="casino")


def test_search_ranks_plans_in_force_first(plan):
    plan.rules.at[plan.rules.index[plan.rules["zone_code"] == "V1"][0], "allowed_uses"] = ("villa", "hotel")
    plan.invalidate()
    found = search(plan, use="hotel")
    # V1 (5,400 m² usable, in force) comes before ZT (10,000 m², draft)
    assert list(found["zone_code"]) == ["V1", "ZT"]


# ----------------------------------------------------------------------------- one string is one name


def test_a_single_string_is_one_name_not_its_letters(plan):
    assert offer(plan, communes="Témara")["zones"].sum() == 3  # V1, I1, EV: ZT's plan is a draft
    assert set(offer(plan, sectors="industry")["family"]) == {"industry"}
    assert set(offer(plan, families="villa")["family"]) == {"villa"}
    assert list(search(plan, use="villa", communes="Témara")["zone_code"]) == ["V1"]


def test_a_typo_is_refused_with_the_nearest_name(plan):
    with pytest.raises(FilterError) as info:
        offer(plan, communes="Temarra")
    assert info.value.source == "communes"
    assert "Témara" in info.value.message("fr")
    with pytest.raises(FilterError, match="tourism"):
        search(plan, use="hotel", sectors="turism")  # a typo: the nearest sector is told
    with pytest.raises(FilterError):
        offer(plan, statuses="aproved")


# ----------------------------------------------------------------------------- plans without a status


def _without_status(plan):
    plans = plan.plans.copy()
    plans["status"] = None
    plan.plans = conform_plans(plans)
    plan.invalidate()
    return plan


def test_a_plan_of_unknown_status_is_counted_and_marked(plan):
    plan = _without_status(plan)
    table = offer(plan)
    # every zone counts now (ZT's plan lost its "under study" too): 4 zones, all of unknown status
    assert table["zones"].sum() == 4
    assert table["zones_status_unknown"].sum() == 4
    assert offer(plan, statuses="unknown")["zones"].sum() == 4
    assert offer(plan, statuses="approved").empty
    found = search(plan, use="villa")
    assert list(found["plan_status"]) == ["unknown"]


# ----------------------------------------------------------------------------- one capacity rule


def _square_plan(cos, ces, floors):
    """One 100 m × 100 m housing zone (10,000 m²) of an approved plan, no reservation."""
    import geopandas as gpd
    import pandas as pd

    from terroffer.model import Plan, SourceInfo, conform_communes, conform_reservations, conform_zones
    from tests.tiny import CRS, rect

    zones = gpd.GeoDataFrame(
        {"zone_code": ["B4"], "family": ["collective_housing"], "plan_id": ["PA"], "commune": ["C1"]},
        geometry=[rect(0, 0, 100, 100)],
        crs=CRS,
    )
    rules = pd.DataFrame(
        [["PA", "B4", cos, ces, floors, "dwelling"]],
        columns=["plan_id", "zone_code", "cos", "ces", "max_floors", "allowed_uses"],
    )
    plans = pd.DataFrame({"plan_id": ["PA"], "status": ["approved"], "illustrative": [True]})
    communes = gpd.GeoDataFrame(
        {"code": ["C1"], "name_fr": ["Témara"], "name_ar": ["تمارة"], "population_2024": [100]},
        geometry=[rect(-100, -100, 300, 200)],
        crs=CRS,
    )
    return Plan(
        zones=conform_zones(zones),
        rules=conform_rules(rules),
        reservations=conform_reservations(None, CRS),
        plans=conform_plans(plans),
        communes=conform_communes(communes, CRS),
        source=SourceInfo(path="square", driver="memory", crs=CRS),
    )


def test_offer_takes_the_smaller_of_cos_and_ces_times_floors_as_the_lookup_does():
    # 10,000 m² with COS 2 -> 20,000 m²; CES 0.5 × 3 floors -> 15,000 m²: the smaller holds
    plan = _square_plan(2.0, 0.5, 3)
    row = offer(plan).iloc[0]
    assert row["max_floor_area_m2"] == pytest.approx(15_000)
    whole_zone = plan.zones.geometry.iloc[0]
    assert lookup(plan, whole_zone).capacity.max_floor_area_m2 == pytest.approx(15_000)
    assert search(plan, use="dwelling").iloc[0]["max_floor_area_m2"] == pytest.approx(15_000)


def test_offer_ignores_implausible_rules():
    # CES 7 is outside 0–1: only COS 2 holds -> 20,000 m², never 10,000 × 7 × 3
    row = offer(_square_plan(2.0, 7.0, 3)).iloc[0]
    assert row["max_floor_area_m2"] == pytest.approx(20_000)
    row = offer(_square_plan(-5.0, 7.0, 3)).iloc[0]
    assert math.isnan(row["max_floor_area_m2"]) and row["zones_capacity_unknown"] == 1


# ----------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("kwargs", "source"),
    [
        ({"min_area_m2": float("nan")}, "min_area_m2"),
        ({"min_area_m2": -1.0}, "min_area_m2"),
        ({"min_area_m2": float("inf")}, "min_area_m2"),
        ({"limit": 0}, "limit"),
        ({"limit": -3}, "limit"),
        ({"floors": -1}, "floors"),
        ({"floors": 0}, "floors"),
    ],
)
def test_search_refuses_options_no_answer_can_honour(plan, kwargs, source):
    with pytest.raises(OptionError) as info:
        search(plan, use="villa", **kwargs)
    assert info.value.source == source


def test_a_truncated_search_keeps_how_many_it_found(plan):
    # hotels allowed in V1 too: two zones (V1 in force, ZT a draft), one shown
    plan.rules.at[plan.rules.index[plan.rules["zone_code"] == "V1"][0], "allowed_uses"] = ("villa", "hotel")
    plan.invalidate()
    first = search(plan, use="hotel", limit=1)
    assert list(first["zone_code"]) == ["V1"]
    assert first.attrs["total"] == 2
    assert search(plan, use="hotel").attrs["total"] == 2
