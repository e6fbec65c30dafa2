"""The plot look-up on the hand-drawn tiny plan (see tests/tiny.py); every area by hand."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Transformer

from terroffer._lookup import lookup, lookup_points
from tests.tiny import X0, Y0, rect, tiny_plan


@pytest.fixture(scope="module")
def plan():
    return tiny_plan()


def test_square_split_by_a_zone_boundary_and_crossed_by_a_road(plan):
    # The 100 m square x=0..100, y=0..100: V1 takes x<60 (6,000 m²), I1 the rest (4,000 m²);
    # the 10 m road y=45..55 takes 1,000 m² (600 in V1, 400 in I1).
    r = lookup(plan, rect(0, 0, 100, 100))
    assert r.plot_area_m2 == pytest.approx(10_000)
    assert [z.zone_code for z in r.zones] == ["V1", "I1"]
    v1, i1 = r.zones
    assert v1.area_m2 == pytest.approx(6_000) and v1.share == pytest.approx(0.6)
    assert i1.area_m2 == pytest.approx(4_000) and i1.share == pytest.approx(0.4)
    assert v1.net_area_m2 == pytest.approx(5_400) and i1.net_area_m2 == pytest.approx(3_600)
    assert r.uncovered_m2 == pytest.approx(0)
    assert sum(z.area_m2 for z in r.zones) + r.uncovered_m2 == pytest.approx(r.plot_area_m2, abs=0.5)
    (road,) = r.reservations
    assert road.kind == "road" and road.road_width_m == 10
    assert road.area_m2 == pytest.approx(1_000) and road.share == pytest.approx(0.1)
    assert r.net_area_m2 == pytest.approx(9_000)
    # V1: footprint 5,400 x 0.3 = 1,620; floor area min(5,400 x 0.6, 1,620 x 2) = 3,240.
    # I1: footprint 3,600 x 0.6 = 2,160; floor area min(3,600 x 1.5, 2,160 x 3) = 5,400.
    assert v1.capacity.max_footprint_m2 == pytest.approx(1_620)
    assert v1.capacity.max_floor_area_m2 == pytest.approx(3_240)
    assert i1.capacity.max_floor_area_m2 == pytest.approx(5_400)
    assert r.capacity.max_footprint_m2 == pytest.approx(3_780)
    assert r.capacity.max_floor_area_m2 == pytest.approx(8_640)
    assert r.capacity.max_floors == 2 and r.capacity.max_height_m == 8.5  # V1 holds most of the net area
    assert r.commune["name_fr"] == "Témara" and r.commune["population_2024"] == 1000
    assert [p.plan_id for p in r.plans] == ["PA-T"] and r.plans[0].in_force
    assert r.flags == ()


def test_json_keys_scripts_rely_on(plan):
    d = lookup(plan, rect(0, 0, 100, 100)).to_dict("ar")
    for key in (
        "plot_area_m2",
        "commune",
        "plans",
        "zones",
        "uncovered_m2",
        "reservations",
        "net_area_m2",
        "capacity",
        "warnings",
    ):
        assert key in d
    assert {"plan_id", "status", "approval_ref"} <= set(d["plans"][0])
    assert {"zone_code", "family", "area_m2", "share", "rules"} <= set(d["zones"][0])
    assert {"kind", "label_fr", "label_ar", "area_m2", "share"} <= set(d["reservations"][0])
    assert {"max_footprint_m2", "max_floor_area_m2", "max_floors", "max_height_m"} <= set(d["capacity"])
    assert d["zones"][0]["rules"]["allowed_uses"] == ["villa", "dwelling"]
    assert any("\u0600" <= ch <= "\u06ff" for w in d["warnings"] for ch in w)


def test_plot_below_minimum_lot_is_flagged(plan):
    r = lookup(plan, rect(0, 60, 10, 80))  # 200 m² in V1, whose minimum lot is 300 m²
    assert r.plot_area_m2 == pytest.approx(200)
    assert "below_min_lot" in r.flags
    assert r.frontage_m is None  # no road touches it


def test_frontage_along_the_road(plan):
    wide = lookup(plan, rect(0, 55, 60, 100))  # 60 m along the road's north edge
    assert wide.frontage_m == pytest.approx(60, abs=1.0)
    assert "below_min_frontage" not in wide.flags
    narrow = lookup(plan, rect(0, 55, 10, 100))  # 10 m of frontage, V1 asks 12 m
    assert narrow.frontage_m == pytest.approx(10, abs=1.0)
    assert "below_min_frontage" in narrow.flags


def test_plot_partly_outside_every_plan(plan):
    r = lookup(plan, rect(150, 50, 250, 100))  # 5,000 m², half over ZT
    assert r.plot_area_m2 == pytest.approx(5_000)
    assert [z.zone_code for z in r.zones] == ["ZT"]
    assert r.zones[0].area_m2 == pytest.approx(2_500)
    assert r.uncovered_m2 == pytest.approx(2_500)
    assert "partly_outside_plans" in r.flags


def test_draft_plan_is_stated_loudly(plan):
    r = lookup(plan, (X0 + 150, Y0 + 50))
    assert r.is_point and r.plans[0].status == "under_study" and not r.plans[0].in_force
    keys = [w.key for w in r.warnings]
    assert "lookup.plan_draft" in keys
    assert "PA de D" in r.warnings[keys.index("lookup.plan_draft")].message("fr")
    assert "تصميم التهيئة د" in r.warnings[keys.index("lookup.plan_draft")].message("ar")
    assert r.capacity is None


def test_point_outside_every_plan_gives_the_nearest_zone(plan):
    r = lookup(plan, (X0 + 250, Y0 + 50))
    assert r.zones == () and "outside_plans" in r.flags
    assert r.nearest["zone_code"] == "ZT"
    assert r.nearest["distance_m"] == pytest.approx(50)


def test_lonlat_point_is_converted(plan):
    to_lonlat = Transformer.from_crs("EPSG:26191", "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(X0 + 30, Y0 + 20)
    r = lookup(plan, (lon, lat))
    assert [z.zone_code for z in r.zones] == ["V1"]
    assert any(w.key == "plot.degrees" for w in r.warnings)


def test_batch_points(plan):
    xs = np.array([X0 + 30, X0 + 80, X0 + 150, X0 + 250])
    ys = np.array([Y0 + 20, Y0 + 20, Y0 + 20, Y0 + 20])
    out = lookup_points(plan, xs, ys)
    assert list(out["zone_code"][:3]) == ["V1", "I1", "ZT"]
    assert out["zone_code"].isna().tolist() == [False, False, False, True]
    assert list(out["zone_id"]) == [0, 1, 2, -1]


# --------------------------------------------------------------------------- partial capacity

NNBSP, NBSP = "\u202f", "\u00a0"


def _no_figures_for_i1(rules):
    for column in ("cos", "ces", "max_floors"):
        rules[column] = rules[column].where(rules.zone_code != "I1")


def _cos_typo_for_i1(rules):
    rules["cos"] = rules["cos"].mask(rules.zone_code == "I1", -5.0)


def _no_rules_for_i1(rules):
    rules["zone_code"] = rules["zone_code"].replace("I1", "I9")  # the row of another zone


def _plan_with_rules(change):
    p = tiny_plan()
    change(p.rules)
    p.invalidate()
    return p


def test_plot_partly_outside_every_plan_has_a_partial_capacity(plan):
    # 5,000 m²: 2,500 in ZT (COS 0.5, CES 0.25, 3 floors), 2,500 outside every plan.
    # ZT part: footprint 2,500 x 0.25 = 625; floor area min(2,500 x 0.5, 625 x 3) = 1,250.
    r = lookup(plan, rect(150, 50, 250, 100))
    assert r.capacity.max_footprint_m2 == pytest.approx(625)
    assert r.capacity.max_floor_area_m2 == pytest.approx(1_250)
    assert r.capacity.partial and r.capacity.unknown_m2 == pytest.approx(2_500)
    assert "partial_capacity" in r.flags
    (note,) = [w for w in r.warnings if w.key == "lookup.capacity_partial"]
    assert f"2{NNBSP}500,0{NBSP}m²" in note.message("fr") and f"5{NNBSP}000,0" in note.message("fr")
    assert "2,500.0 m²" in note.message("en")
    d = r.to_dict("fr")["capacity"]
    assert d["partial"] is True and d["unknown_m2"] == pytest.approx(2_500)


def test_zone_whose_rules_give_no_figure_makes_the_capacity_partial():
    # I1 keeps its row but loses COS, CES and floors. Square x=0..100, y=0..100 with the road:
    # V1 net 5,400: footprint 1,620, floor area 3,240 (as in the first test); I1 net 3,600 unknown.
    p = _plan_with_rules(_no_figures_for_i1)
    r = lookup(p, rect(0, 0, 100, 100))
    assert r.capacity.max_footprint_m2 == pytest.approx(1_620)
    assert r.capacity.max_floor_area_m2 == pytest.approx(3_240)
    assert r.capacity.partial and r.capacity.unknown_m2 == pytest.approx(3_600)
    i1 = next(z for z in r.zones if z.zone_code == "I1")
    assert i1.capacity.max_floor_area_m2 is None and i1.capacity.unknown_m2 == pytest.approx(3_600)


def test_zone_without_rules_makes_the_capacity_partial():
    p = _plan_with_rules(_no_rules_for_i1)
    r = lookup(p, rect(0, 0, 100, 100))
    assert r.capacity.max_floor_area_m2 == pytest.approx(3_240)
    assert r.capacity.partial and r.capacity.unknown_m2 == pytest.approx(3_600)
    assert "lookup.no_rules" in [w.key for w in r.warnings]


def test_a_whole_plot_with_figures_is_not_partial(plan):
    r = lookup(plan, rect(0, 0, 100, 100))
    assert not r.capacity.partial and r.capacity.unknown_m2 == 0
    assert "partial_capacity" not in r.flags


def test_green_land_has_zero_capacity_not_unknown(plan):
    r = lookup(plan, rect(0, 100, 100, 150))  # EV: green, not buildable
    assert r.capacity.max_floor_area_m2 == 0 and r.capacity.basis == ("not_buildable",)
    assert not r.capacity.partial


def test_an_implausible_cos_never_enters_the_capacity():
    # I1 with COS -5 (a typo): the COS counts as unknown, CES 0.6 x 3 floors still binds.
    # Square: I1 net 3,600 -> footprint 2,160, floor area 2,160 x 3 = 6,480 (not 3,600 x -5).
    p = _plan_with_rules(_cos_typo_for_i1)
    r = lookup(p, rect(0, 0, 100, 100))
    i1 = next(z for z in r.zones if z.zone_code == "I1")
    assert i1.capacity.max_floor_area_m2 == pytest.approx(6_480)
    assert i1.capacity.basis == ("ces×floors",)
    assert r.capacity.max_floor_area_m2 == pytest.approx(3_240 + 6_480)


# --------------------------------------------------------------------------- numbers in words


def test_distance_to_the_nearest_zone_is_written_in_km_from_1_km():
    import shapely

    # 48,194 m east of ZT's east edge (x = 200): 48.194 km, written to one decimal.
    r = lookup(tiny_plan(), shapely.Point(X0 + 200 + 48_194, Y0 + 50))
    (note,) = [w for w in r.warnings if w.key == "lookup.outside"]
    assert note.params["distance"] == pytest.approx(48_194)
    assert f"48,2{NBSP}km" in note.message("fr")
    assert "48.2 km" in note.message("en")
    assert "48,2" in note.message("ar") and "كلم" in note.message("ar")
    near = lookup(tiny_plan(), shapely.Point(X0 + 250, Y0 + 50))  # 50 m
    assert f"50{NBSP}m" in next(w for w in near.warnings if w.key == "lookup.outside").message("fr")


def test_minimum_lot_and_frontage_are_numbers_in_each_language(plan):
    r = lookup(plan, rect(0, 60, 10, 80))  # 200 m² net, V1 asks 300 m²
    (note,) = [w for w in r.warnings if w.key == "lookup.below_min_lot"]
    assert note.params == {"net": pytest.approx(200), "min": 300}
    assert f"200,0{NBSP}m²" in note.message("fr") and f"300,0{NBSP}m²" in note.message("fr")
    assert "200.0 m²" in note.message("en")
    assert "200,0" in note.message("ar") and "م²" in note.message("ar")
    narrow = lookup(plan, rect(0, 55, 10, 100))  # 10 m of frontage, V1 asks 12 m
    (front,) = [w for w in narrow.warnings if w.key == "lookup.below_min_frontage"]
    assert isinstance(front.params["frontage"], float)
    assert f"12{NBSP}m" in front.message("fr") and "12 m" in front.message("en")


def test_area_outside_every_plan_is_written_with_its_unit(plan):
    r = lookup(plan, rect(150, 50, 250, 100))
    (note,) = [w for w in r.warnings if w.key == "lookup.partly_outside"]
    assert f"2{NNBSP}500,0{NBSP}m²" in note.message("fr")
    assert "2,500.0 m²" in note.message("en")


# --------------------------------------------------------------------------- what `where` may be


@pytest.mark.parametrize(
    "where",
    [
        "372000 367000",
        (1.0, 2.0, 3.0),
        [],
        None,
        ("a", "b"),
        (float("nan"), Y0),
        (X0, float("inf")),
        {"x": X0, "y": Y0},
    ],
)
def test_a_bad_where_is_a_plot_input_error(plan, where):
    from terroffer.errors import PlotInputError

    with pytest.raises(PlotInputError) as info:
        lookup(plan, where)
    for lang in ("fr", "ar", "en"):
        message = info.value.message(lang)
        assert message.startswith("where") and "\n" not in message and "{" not in message


def test_a_geometry_that_cannot_be_a_plot_is_refused(plan):
    import shapely

    from terroffer.errors import PlotInputError

    bowtie = shapely.Polygon([(X0, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0 + 10)])
    for geom in (
        shapely.LineString([(X0, Y0), (X0 + 10, Y0)]),
        shapely.Polygon(),
        shapely.Point(float("nan"), Y0),
        bowtie,
    ):
        with pytest.raises(PlotInputError):
            lookup(plan, geom)


def test_a_bad_order_is_an_option_error(plan):
    from terroffer.errors import OptionError

    with pytest.raises(OptionError):
        lookup(plan, (X0 + 30, Y0 + 20), order="up")


def test_order_yx_swaps_a_geometry(plan):
    import shapely

    # The point (x=30, y=20) of V1, given Y first.
    r = lookup(plan, shapely.Point(Y0 + 20, X0 + 30), order="yx")
    assert [z.zone_code for z in r.zones] == ["V1"]


@pytest.mark.parametrize("status", [None, "unknown"])
def test_a_plan_without_status_is_said_unknown(status):
    p = tiny_plan()
    p.plans["status"] = p.plans["status"].astype(object).where(p.plans.plan_id != "PA-D", status)
    p.invalidate()
    r = lookup(p, (X0 + 150, Y0 + 50))  # in ZT, of PA-D
    assert "lookup.plan_status_unknown" in [w.key for w in r.warnings]
    assert "lookup.plan_draft" not in [w.key for w in r.warnings]
