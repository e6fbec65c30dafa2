"""The offer and the investor search on the hand-drawn tiny plan (see tests/tiny.py)."""

from __future__ import annotations

import math

import pytest

from terroffer._offer import offer, search
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
    assert villa["max_floor_area_m2"] == pytest.approx(6000 * 0.6)
    assert villa["population_2024"] == 1000
    assert villa["area_m2_per_inhabitant"] == pytest.approx(6.0)
    assert villa["commune_ar"] == "تمارة"
    industry = _row(table, "industry")
    assert industry["max_floor_area_m2"] == pytest.approx(4000 * 1.5)


def test_offer_keeps_unknown_cos_unknown_and_counts_it(plan):
    green = _row(offer(plan), "green")
    assert math.isnan(green["max_floor_area_m2"])
    assert green["zones_without_cos"] == 1


def test_offer_all_statuses_and_filters(plan):
    table = offer(plan, statuses=None)
    assert _row(table, "tourism")["area_ha"] == pytest.approx(1.0)
    housing = offer(plan, sectors=["Habitat et immobilier"])
    assert set(housing["family"]) == {"villa"}
    assert offer(plan, communes=["TEMARA"])["zones"].sum() == 3
    assert offer(plan, communes=["تمارة"])["zones"].sum() == 3
    assert offer(plan, communes=["Rabat"]).empty
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
    with pytest.raises(ValueError, match="unknown use"):
        search(plan, use="casino")


def test_search_ranks_plans_in_force_first(plan):
    plan.rules.at[plan.rules.index[plan.rules["zone_code"] == "V1"][0], "allowed_uses"] = ("villa", "hotel")
    plan.invalidate()
    found = search(plan, use="hotel")
    # V1 (5,400 m² usable, in force) comes before ZT (10,000 m², draft)
    assert list(found["zone_code"]) == ["V1", "ZT"]
