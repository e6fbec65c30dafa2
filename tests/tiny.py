"""A tiny plan drawn by hand, so that expected areas can be computed by hand.

Coordinates in EPSG:26191 relative to (X0, Y0) = (370000, 360000)::

    y=150 +-----------------+
          |  EV (green)     |                        PA-T, approved
    y=100 +---------+-------+-----------------+
          |  V1     |  I1   |  ZT (tourism)   |      ZT belongs to PA-D, under study
    y=55  |=========|=======|  road 10 m      |      road strip y=45..55, x=0..100
    y=45  |=========|=======|                 |
    y=0   +---------+-------+-----------------+
          x=0      x=60   x=100             x=200

The commune C1 is the box x=-100..300, y=-100..200 (120,000 m²), 1,000 inhabitants.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

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
X0, Y0 = 370_000.0, 360_000.0


def rect(x1: float, y1: float, x2: float, y2: float):  # type: ignore[no-untyped-def]
    """A rectangle in plan coordinates relative to (X0, Y0)."""
    return box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2)


def tiny_plan() -> Plan:
    zones = gpd.GeoDataFrame(
        {
            "zone_code": ["V1", "I1", "ZT", "EV"],
            "family": ["villa", "industry", "tourism", "green"],
            "label_fr": ["Zone de villas", "Zone industrielle", "Zone touristique", "Espace vert"],
            "label_ar": ["منطقة الفيلات", "منطقة صناعية", "منطقة سياحية", "مساحة خضراء"],
            "plan_id": ["PA-T", "PA-T", "PA-D", "PA-T"],
            "commune": ["C1", "C1", "C1", "C1"],
        },
        geometry=[rect(0, 0, 60, 100), rect(60, 0, 100, 100), rect(100, 0, 200, 100), rect(0, 100, 100, 150)],
        crs=CRS,
    )
    rules = pd.DataFrame(
        [
            ["PA-T", "V1", 0.6, 0.3, 8.5, 2, 300, 12, "villa;dwelling", "", "factory"],
            ["PA-T", "I1", 1.5, 0.6, 15.0, 3, 1000, 20, "factory;warehouse", "office", "villa"],
            ["PA-D", "ZT", 0.5, 0.25, 10.5, 3, 5000, 30, "hotel;resort", "restaurant", "factory"],
            ["PA-T", "EV", None, None, None, None, None, None, "", "", None],
        ],
        columns=[
            "plan_id",
            "zone_code",
            "cos",
            "ces",
            "max_height_m",
            "max_floors",
            "min_lot_m2",
            "min_frontage_m",
            "allowed_uses",
            "conditional_uses",
            "forbidden_uses",
        ],
    )
    reservations = gpd.GeoDataFrame(
        {
            "number": ["V-1"],
            "kind": ["road"],
            "label_fr": ["Voie de 10 m"],
            "label_ar": ["طريق بعرض 10 م"],
            "road_width_m": [10.0],
            "status": ["planned"],
            "effect_until": ["2031-01-01"],
            "plan_id": ["PA-T"],
        },
        geometry=[rect(0, 45, 100, 55)],
        crs=CRS,
    )
    plans = pd.DataFrame(
        {
            "plan_id": ["PA-T", "PA-D"],
            "kind": ["PA", "PA"],
            "name_fr": ["PA de T", "PA de D"],
            "name_ar": ["تصميم التهيئة ت", "تصميم التهيئة د"],
            "status": ["approved", "under_study"],
            "approval_ref": ["Décret n° 2-21-001", None],
            "approval_date": ["2021-01-01", None],
            "valid_until": ["2099-01-01", None],
            "illustrative": [True, True],
        }
    )
    return assemble(zones, rules, reservations, plans, commune=rect(-100, -100, 300, 200), name="tiny")


def assemble(zones, rules, reservations, plans, *, commune, name: str) -> Plan:  # type: ignore[no-untyped-def]
    """A canonical plan of these tables in one commune, C1 (Témara, 1,000 people), of shape ``commune``."""
    communes = gpd.GeoDataFrame(
        {"code": ["C1"], "name_fr": ["Témara"], "name_ar": ["تمارة"], "population_2024": [1000]},
        geometry=[commune],
        crs=CRS,
    )
    return Plan(
        zones=conform_zones(zones),
        rules=conform_rules(rules),
        reservations=conform_reservations(reservations, CRS),
        plans=conform_plans(plans),
        communes=conform_communes(communes, CRS),
        source=SourceInfo(path=name, driver="memory", crs=CRS),
    )
