"""The two generators of illustrative plans read one definition of the typical zoning.

``scripts/build_sample.py`` (the bundled sample) and ``benchmarks/synthetic.py`` (the
benchmark plans) once each wrote their own family, use and rule tables, and they had
drifted apart. Both now read ``scripts/illustrative_zoning.json``; these tests hold the
sample and a small synthetic plan to that file.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pyogrio
import pytest

ROOT = Path(__file__).resolve().parents[1]
ZONING_FILE = ROOT / "scripts" / "illustrative_zoning.json"
SAMPLE = ROOT / "data" / "zoning" / "skhirat-temara.gpkg"
ZONING = json.loads(ZONING_FILE.read_text(encoding="utf-8"))
#: Range key in the file -> (rule column, half the rounding step the generators draw with).
FIGURES = {
    "ces": ("ces", 0.025),
    "min_lot_m2": ("min_lot_m2", 50.0),
    "frontage_m": ("min_frontage_m", 0.5),
    "setback_road_m": ("setback_road_m", 0.5),
    "setback_side_m": ("setback_side_m", 0.5),
    "floors": ("max_floors", 0.0),
}


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic():
    return _module("synthetic", ROOT / "benchmarks" / "synthetic.py")


@pytest.fixture(scope="module")
def small_plan(synthetic):
    return synthetic.make_plan(400, seed=7)


def _uses(value) -> str:
    # The model stores uses as tuples; the file as lists; the layer as ';'-joined text.
    return ";".join(value) if isinstance(value, tuple | list) else (value or "")


def test_both_generators_read_the_same_file(synthetic):
    build_sample = _module("build_sample", ROOT / "scripts" / "build_sample.py")
    assert build_sample.ZONING_FILE == synthetic.ZONING_FILE == ZONING_FILE
    # Every family a zone code names has its uses; every ranged code is a known code.
    families = {v["family"] for v in ZONING["zone_codes"].values()}
    assert families == set(ZONING["family_uses"])
    assert set(ZONING["rule_ranges"]) <= set(ZONING["zone_codes"])
    assert len({p["plan_id"] for p in ZONING["plans"]}) == len(ZONING["plans"])


def test_the_sample_is_made_of_the_file():
    zones = pyogrio.read_dataframe(SAMPLE, layer="zones", read_geometry=False)
    rules = pyogrio.read_dataframe(SAMPLE, layer="rules", read_geometry=False)
    plans = pyogrio.read_dataframe(SAMPLE, layer="plans", read_geometry=False)
    codes = ZONING["zone_codes"]
    for row in zones.drop_duplicates("zone_code").itertuples():
        assert (row.family, row.label_fr, row.label_ar) == tuple(
            codes[row.zone_code][k] for k in ("family", "label_fr", "label_ar")
        )
    for row in rules.itertuples():
        uses = ZONING["family_uses"][codes[row.zone_code]["family"]]
        assert row.allowed_uses == ";".join(uses["allowed"])
        assert row.forbidden_uses == ";".join(uses["forbidden"])
    assert list(plans["plan_id"]) == [p["plan_id"] for p in ZONING["plans"]]
    assert list(plans["name_ar"]) == [p["name_ar"] for p in ZONING["plans"]]


def test_synthetic_rules_come_from_the_file(small_plan):
    plan = small_plan
    codes = ZONING["zone_codes"]
    assert set(plan.zones["zone_code"]) <= set(codes)
    for row in plan.zones.drop_duplicates("zone_code").itertuples():
        assert row.family == codes[row.zone_code]["family"]
        assert row.label_fr == codes[row.zone_code]["label_fr"]
    checked = 0
    for row in plan.rules.itertuples():
        family = codes[row.zone_code]["family"]
        uses = ZONING["family_uses"][family]
        assert _uses(row.allowed_uses) == ";".join(uses["allowed"])
        assert _uses(row.conditional_uses) == ";".join(uses["conditional"])
        ranges = ZONING["rule_ranges"].get(row.zone_code)
        if row.zone_code == "NAE":
            assert (row.cos, row.ces) == (0.0, 0.0)
        elif ranges is None:
            assert np.isnan(float(row.ces))
        else:
            # Drawn in [low, high], then rounded to the generator's step.
            for key, (column, slack) in FIGURES.items():
                low, high = ranges[key]
                value = float(getattr(row, column))
                assert low - slack - 1e-9 <= value <= high + slack + 1e-9, (row.zone_code, column, value)
            checked += 1
    assert checked > 0


def test_synthetic_plans_are_the_samples_plans(small_plan):
    by_id = {p["plan_id"]: p for p in ZONING["plans"]}
    for row in small_plan.plans.itertuples():
        assert row.name_fr == by_id[row.plan_id]["name_fr"]
        assert row.status == by_id[row.plan_id]["status"]


def test_synthetic_roads_follow_the_file(small_plan):
    roads = small_plan.reservations[small_plan.reservations["kind"] == "road"]
    assert len(roads)
    assert set(roads["road_width_m"]) <= set(ZONING["roads"]["width_m"])
    wide = roads["road_width_m"] >= ZONING["roads"]["wide_from_m"]
    assert (roads.loc[wide, "beneficiary"] == ZONING["roads"]["wide_beneficiary"]).all()
    assert (roads.loc[~wide, "beneficiary"] == ZONING["roads"]["beneficiary"]).all()
