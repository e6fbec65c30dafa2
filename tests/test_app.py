"""The overview app's wiring, without a browser: language switch, direction, content."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("ipywidgets")

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from terroffer.app import Overview
from terroffer.app.overview import sector_table
from terroffer.model import (
    Plan,
    SourceInfo,
    conform_communes,
    conform_plans,
    conform_reservations,
    conform_rules,
    conform_zones,
)

CRS = "EPSG:26191"


@pytest.fixture
def tiny_plan() -> Plan:
    """A 100 m villa square beside a 100 m x 50 m industry strip, in one commune."""
    zones = gpd.GeoDataFrame(
        {"zone_code": ["V1", "I1"], "family": ["villa", "industry"], "plan_id": ["PA-X", "PA-X"]},
        geometry=[box(370000, 360000, 370100, 360100), box(370100, 360000, 370200, 360050)],
        crs=CRS,
    )
    communes = gpd.GeoDataFrame(
        {"code": ["1"], "name_fr": ["Témara"], "name_ar": ["تمارة"], "population_2024": [300000]},
        geometry=[box(369900, 359900, 370300, 360200)],
        crs=CRS,
    )
    plans = pd.DataFrame(
        {
            "plan_id": ["PA-X"],
            "name_fr": ["PA X"],
            "name_ar": ["تصميم س"],
            "status": ["approved"],
            "illustrative": [True],
        }
    )
    return Plan(
        zones=conform_zones(zones),
        rules=conform_rules(None),
        reservations=conform_reservations(None, CRS),
        plans=conform_plans(plans),
        communes=conform_communes(communes, CRS),
        source=SourceInfo(path="tiny", driver="memory", crs=CRS),
    )


def test_sector_table_sums_hand_areas(tiny_plan):
    table = sector_table(tiny_plan).set_index("sector")
    # tiny_plan: a 100 m x 100 m villa square and a 100 m x 50 m industry strip.
    assert table.loc["housing", "area_ha"] == pytest.approx(1.0)
    assert table.loc["industry", "area_ha"] == pytest.approx(0.5)
    assert table.loc["housing", "zones"] == 1


def test_language_toggle_switches_text_and_direction(tiny_plan):
    app = Overview(tiny_plan, lang="fr")
    assert 'dir="ltr"' in app.body.value
    assert "Surface zonée par secteur" in app.body.value
    app.language.value = "ar"
    assert 'dir="rtl"' in app.body.value
    assert "المساحة المنطّقة حسب القطاع" in app.body.value
    assert re.search(r"[\u0600-\u06FF]", app.body.value)


def test_illustrative_banner_shown_only_for_illustrative_plans(tiny_plan):
    tiny_plan.plans["illustrative"] = False
    assert "terroffer-banner" not in Overview(tiny_plan).body.value
    tiny_plan.plans["illustrative"] = True
    assert "terroffer-banner" in Overview(tiny_plan).body.value


def test_map_png_is_a_png_per_language(tiny_plan):
    app = Overview(tiny_plan, lang="fr")
    fr = app.map_png()
    app.language.value = "ar"
    ar = app.map_png()
    assert fr.startswith(b"\x89PNG") and ar.startswith(b"\x89PNG")
    assert fr != ar
